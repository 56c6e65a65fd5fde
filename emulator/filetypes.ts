/** contentType from the name (mime-types) and Domo's fileType buckets. */
import * as mime from 'mime-types';

const TEXT_APP = /^application\/(json|ld\+json|xml|x-yaml|yaml|javascript|x-javascript|x-sh|x-httpd-php|sql|x-sql|toml|x-toml|graphql|csv|x-ndjson|ndjson)$/;
const DOCUMENT_APP = /^application\/(pdf|msword|rtf|epub\+zip|vnd\.openxmlformats-officedocument\..*|vnd\.ms-.*|vnd\.oasis\.opendocument\..*|vnd\.apple\..*)$/;
/** Extensions mime-types maps to something that is not text, but that are source/text in practice. */
const TEXT_EXT = new Set([
  'ts',
  'tsx',
  'mts',
  'cts',
  'md',
  'markdown',
  'yml',
  'yaml',
  'toml',
  'ini',
  'cfg',
  'conf',
  'log',
  'sql',
  'tsv',
  'csv',
  'txt',
  'rst',
  'adoc',
]);

/** The MIME type for a file name (application/octet-stream when unknown). */
export function contentTypeFor(name: string): string {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  if (ext === 'ts' || ext === 'tsx' || ext === 'mts' || ext === 'cts') return 'text/x-typescript';
  return mime.lookup(name) || (TEXT_EXT.has(ext) ? 'text/plain' : 'application/octet-stream');
}

/** Domo's fileType for a content type: TEXT, DOCUMENT, IMAGE, AUDIO, VIDEO or OTHER. */
export function fileTypeFor(contentType: string): string {
  const ct = contentType.toLowerCase().split(';')[0].trim();
  if (ct.startsWith('text/') || TEXT_APP.test(ct)) return 'TEXT';
  if (DOCUMENT_APP.test(ct)) return 'DOCUMENT';
  if (ct.startsWith('image/')) return 'IMAGE';
  if (ct.startsWith('audio/')) return 'AUDIO';
  if (ct.startsWith('video/')) return 'VIDEO';
  return 'OTHER';
}

/** Whether the query index reads this file as text. */
export function isTextType(contentType: string | null): boolean {
  return contentType !== null && fileTypeFor(contentType) === 'TEXT';
}

/**
 * contentType for an upload: from the name; for a name without a known extension, the part's declared
 * type, else text/plain when the first bytes are NUL-free UTF-8 (so `curl -F file=@notes` is searchable).
 */
export function contentTypeForUpload(name: string, declared: string, head: Buffer): string {
  const byName = contentTypeFor(name);
  if (byName !== 'application/octet-stream' || mime.lookup(name) !== false) return byName;
  const d = declared.toLowerCase().split(';')[0].trim();
  if (d && d !== 'application/octet-stream') return d;
  return looksLikeText(head) ? 'text/plain' : byName;
}

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]{1,127}\/[a-z0-9!#$&^_.+-]{1,127}(\s*;.*)?$/i;

/** The content type a part declared, when it is a well-formed media type of at most 255 characters; else null. */
export function declaredContentType(declared: string): string | null {
  const d = declared.trim();
  return d.length <= 255 && MEDIA_TYPE.test(d) ? d : null;
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  // Cut a possibly split multi-byte character at the end before validating.
  let end = head.length;
  for (let i = Math.max(0, end - 3); i < end; i++) if ((head[i] & 0xc0) === 0xc0) end = i;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}
