/**
 * The Content-Type an upload declares. Domo's app documentation asks for text files to be declared as
 * text/plain, and a FileSet's indexing may depend on the declared type, so text goes out as text:
 * `text/plain; charset=utf-8` unless a more specific text type or a known document type applies.
 * mime-db maps several source-code extensions to unrelated types (`.ts` → video/mp2t, `.rs` → an XML
 * format, `.sh` → application/x-sh); those are overridden here.
 */
import { lookup } from 'mime-types';

/** The declared type of text without a more specific type. */
const TEXT_PLAIN = 'text/plain; charset=utf-8';

/** Declared for bytes that are neither a known type nor text. */
export const OCTET_STREAM = 'application/octet-stream';

/** Bytes of a file's beginning that sniffing looks at. */
export const SNIFF_BYTES = 8 * 1024;

/** Extensions of source code and configuration: text, whatever mime-db says (or when it says nothing). */
const SOURCE_TEXT = new Set([
  'ts',
  'tsx',
  'mts',
  'cts',
  'cjs',
  'py',
  'pyi',
  'rb',
  'go',
  'rs',
  'kt',
  'kts',
  'cs',
  'fs',
  'swift',
  'scala',
  'dart',
  'sh',
  'bash',
  'zsh',
  'fish',
  'ps1',
  'psm1',
  'bat',
  'cmd',
  'sql',
  'toml',
  'cfg',
  'env',
  'lock',
  'properties',
  'gradle',
  'ex',
  'exs',
  'erl',
  'hrl',
  'hs',
  'clj',
  'cljs',
  'elm',
  'jl',
  'nim',
  'zig',
  'tf',
  'tfvars',
  'hcl',
  'rst',
  'adoc',
  'org',
  'vue',
  'svelte',
  'graphql',
  'gql',
  'proto',
  'jsonl',
  'ndjson',
  'diff',
  'patch',
  'm',
  'mm',
  'cmake',
  'mk',
  'awk',
  'sed',
  'bib',
  'sty',
  'cls',
  'tex',
  'php',
  'pl',
  'pm',
  'r',
  'srt',
  'vhd',
  'sv',
  'v',
  'gitignore',
  'gitattributes',
  'editorconfig',
  'npmrc',
  'yarnrc',
  'dockerignore',
]);

/** Text types more specific than text/plain, declared as they are (with the charset). */
const SPECIFIC_TEXT = new Set([
  'text/markdown',
  'text/csv',
  'text/html',
  'text/css',
  'text/javascript',
  'text/xml',
  'text/yaml',
  'text/tab-separated-values',
  'text/calendar',
  'text/vtt',
]);

const decoder = () => new TextDecoder('utf-8', { fatal: true });

/**
 * True when `head` (a file's first bytes) reads as UTF-8 text: no NUL byte and no invalid sequence. A
 * multi-byte character cut off at the end of the sample is not held against it.
 */
export function looksLikeText(head: Buffer): boolean {
  const sample = head.subarray(0, SNIFF_BYTES);
  if (sample.includes(0)) return false;
  try {
    decoder().decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * The Content-Type to declare for a file called `name`. `head` (its first bytes, up to SNIFF_BYTES) decides
 * for names without a known extension: UTF-8 text without NUL → text/plain, anything else → octet-stream.
 */
export function contentTypeFor(name: string, head?: Buffer): string {
  const ext = extensionOf(name);
  if (SOURCE_TEXT.has(ext)) return TEXT_PLAIN;
  const known = ext === '' ? false : lookup(ext);
  if (known) {
    if (SPECIFIC_TEXT.has(known)) return `${known}; charset=utf-8`;
    // text/plain, text/x-c, text/x-java-source…: plain text is what Domo documents for text files.
    if (known.startsWith('text/')) return TEXT_PLAIN;
    return known;
  }
  if (head !== undefined && looksLikeText(head)) return TEXT_PLAIN;
  return OCTET_STREAM;
}
