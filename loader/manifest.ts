/**
 * Manifest loading: YAML with line numbers, every key and type validated, `${VAR}` interpolation, paths
 * made absolute, and option combinations checked — all before any network I/O. Throws only ManifestError.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { ManifestError } from './errors';
import { interpolate, InterpolationError } from './interpolate';
import { normalizeDirectoryPath, prefixesOverlap } from './prefix';
import { compareUtf16 } from './order';
import { normalizePattern } from './selector';
import type { FileSetSpec, Grant, Manifest } from './types';

const ROOT_KEYS = ['version', 'filesets'] as const;
const ENTRY_KEYS = [
  'name',
  'id',
  'description',
  'source',
  'include',
  'exclude',
  'directoryPath',
  'prune',
  'maxDeletes',
  'maxDeletePercent',
  'allowEmpty',
  'dot',
  'aiEnabled',
  'access',
  'owner',
  'allowOwnerTransfer',
  'contentTypes',
] as const;
const GRANT_KEYS = ['user', 'group', 'permission'] as const;
/** Every key the manifest accepts, by where it may appear (docs/manifest.md is checked against it). */
export const MANIFEST_KEYS = { root: ROOT_KEYS, entry: ENTRY_KEYS, grant: GRANT_KEYS } as const;
const GRANT_PERMISSIONS = ['READ', 'EDIT', 'OWNER'] as const;
/** A content type as `type/subtype` with optional parameters (what an HTTP header may carry). */
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"\r\n]*"|[a-z0-9!#$&^_.+-]+))*$/i;

/** Reads, parses and validates a manifest; relative paths resolve against the manifest's directory. */
export async function loadManifest(file: string, env: Record<string, string | undefined> = process.env): Promise<Manifest> {
  const abs = path.resolve(String(file));
  const shown = displayPath(abs);
  let text: string;
  try {
    text = await fsp.readFile(abs, 'utf8');
  } catch (e) {
    throw new ManifestError(shown, 0, `cannot read the manifest (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const manifest = parseManifest(text, { file: abs, shown, env });
  await checkSources(manifest, shown);
  return manifest;
}

/** Options of parseManifest. */
export interface ParseOptions {
  /** Absolute manifest path (relative sources resolve against its directory). */
  file: string;
  /** How the file is named in error messages (default: `file`). */
  shown?: string;
  env?: Record<string, string | undefined>;
}

/** Parses and validates manifest text without touching the disk. Throws only ManifestError, for any input. */
export function parseManifest(text: string, opts: ParseOptions): Manifest {
  const shown = opts.shown ?? opts.file;
  try {
    return new Parser(text, opts.file, shown, opts.env ?? process.env).run();
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    // The parser is meant to foresee every input; anything else is still reported as a manifest problem.
    throw new ManifestError(shown, 0, `cannot parse the manifest: ${e instanceof Error ? e.message : String(e)}`);
  }
}

class Parser {
  private readonly lc = new LineCounter();
  private doc!: Document.Parsed;
  private readonly dir: string;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly shown: string,
    private readonly env: Record<string, string | undefined>,
  ) {
    this.dir = path.dirname(file);
  }

  run(): Manifest {
    this.doc = parseDocument(this.text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true, strict: true });
    const err = this.doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? this.lc.linePos(err.pos[0]).line;
      throw new ManifestError(this.shown, line, `invalid YAML: ${firstLine(err.message)}`);
    }
    const root = this.resolve(this.doc.contents);
    if (!root || (isScalar(root) && (root.value === null || root.value === undefined))) {
      throw this.fail(null, "the manifest is empty; expected 'version: 1' and 'filesets'");
    }
    if (!isMap(root)) throw this.fail(root, "the manifest must be a mapping with 'version' and 'filesets'");
    const pairs = this.pairs(root, ROOT_KEYS, 'the manifest');
    const version = pairs.get('version');
    if (!version) throw this.fail(root, "missing 'version: 1'");
    const v = this.resolve(version.value as Node | null);
    if (!isScalar(v) || v.value !== 1) throw this.fail(v ?? (version.key as Node), "'version' must be 1");
    const fsPair = pairs.get('filesets');
    if (!fsPair) throw this.fail(root, "missing 'filesets' (a list of FileSet entries)");
    const list = this.resolve(fsPair.value as Node | null);
    if (!isSeq(list)) throw this.fail(list ?? (fsPair.key as Node), "'filesets' must be a list");
    const filesets = list.items.map((item, i) => this.entry(this.resolve(item as Node | null), i, fsPair.key as Node));
    this.checkCombinations(filesets);
    return { file: this.file, dir: this.dir, digest: manifestDigest(this.dir, filesets), filesets };
  }

  private entry(node: Node | null, index: number, parent: Node): FileSetSpec {
    const where = `filesets[${index}]`;
    if (!isMap(node)) throw this.fail(node ?? parent, `${where} must be a mapping with at least 'name' and 'source'`);
    const line = this.line(node);
    const pairs = this.pairs(node, ENTRY_KEYS, where);
    const str = (key: string, required: boolean): string | undefined => {
      const p = pairs.get(key);
      if (!p) {
        if (required) throw this.fail(node, `${where}: missing '${key}'`);
        return undefined;
      }
      return this.string(p, `${where}.${key}`);
    };
    const name = str('name', true) as string;
    if (name.trim() === '') throw this.fail(pairs.get('name')!.value as Node, `${where}.name must not be empty`);
    const id = str('id', false);
    if (id !== undefined && id.trim() === '') throw this.fail(pairs.get('id')!.value as Node, `${where}.id must not be empty`);
    const description = str('description', false);
    const sourceRaw = str('source', true) as string;
    if (sourceRaw === '') throw this.fail(pairs.get('source')!.value as Node, `${where}.source must not be empty`);
    if (sourceRaw.includes('\0')) throw this.fail(pairs.get('source')!.value as Node, `${where}.source contains a NUL character`);
    const include = this.patterns(pairs.get('include'), `${where}.include`) ?? ['**/*'];
    const exclude = this.patterns(pairs.get('exclude'), `${where}.exclude`) ?? [];
    let directoryPath = '';
    const dp = pairs.get('directoryPath');
    if (dp) {
      const n = normalizeDirectoryPath(this.string(dp, `${where}.directoryPath`));
      if ('problem' in n) throw this.fail(dp.value as Node, `${where}.${n.problem}`);
      directoryPath = n.value;
    }
    const prune = this.bool(pairs.get('prune'), `${where}.prune`) ?? true;
    const allowEmpty = this.bool(pairs.get('allowEmpty'), `${where}.allowEmpty`) ?? false;
    const dot = this.bool(pairs.get('dot'), `${where}.dot`) ?? false;
    const maxDeletes = this.number(pairs.get('maxDeletes'), `${where}.maxDeletes`, { integer: true, min: 0 });
    const maxDeletePercent = this.number(pairs.get('maxDeletePercent'), `${where}.maxDeletePercent`, { integer: false, min: 0, max: 100 }) ?? 50;
    const aiEnabled = this.bool(pairs.get('aiEnabled'), `${where}.aiEnabled`);
    const owner = this.number(pairs.get('owner'), `${where}.owner`, { integer: true, min: 1 });
    const allowOwnerTransfer = this.bool(pairs.get('allowOwnerTransfer'), `${where}.allowOwnerTransfer`);
    const access = this.grants(pairs.get('access'), `${where}.access`);
    const contentTypes = this.contentTypes(pairs.get('contentTypes'), `${where}.contentTypes`);
    const spec: FileSetSpec = {
      name,
      source: path.resolve(this.dir, sourceRaw),
      include,
      exclude,
      directoryPath,
      prune,
      maxDeletePercent,
      allowEmpty,
      dot,
      contentTypes,
      line,
    };
    if (id !== undefined) spec.id = id;
    if (description !== undefined) spec.description = description;
    if (maxDeletes !== undefined) spec.maxDeletes = maxDeletes;
    if (aiEnabled !== undefined) spec.aiEnabled = aiEnabled;
    if (owner !== undefined) spec.owner = owner;
    if (allowOwnerTransfer !== undefined) spec.allowOwnerTransfer = allowOwnerTransfer;
    if (access !== undefined) spec.access = access;
    return spec;
  }

  /** `access: [{user: 12, permission: READ}, {group: 3, permission: EDIT}]`; one grant per principal. */
  private grants(pair: Pair | undefined, where: string): Grant[] | undefined {
    if (!pair) return undefined;
    const list = this.resolve(pair.value as Node | null);
    if (!isSeq(list)) throw this.fail(list ?? (pair.key as Node), `${where} must be a list of {user: ID | group: ID, permission: READ|EDIT|OWNER}`);
    const seen = new Map<string, number>();
    return list.items.map((raw, k) => {
      const node = this.resolve(raw as Node | null);
      const at = `${where}[${k}]`;
      if (!isMap(node)) throw this.fail(node ?? list, `${at} must be a mapping like {user: 12, permission: READ}`);
      const p = this.pairs(node, GRANT_KEYS, at);
      const user = this.number(p.get('user'), `${at}.user`, { integer: true, min: 1 });
      const group = this.number(p.get('group'), `${at}.group`, { integer: true, min: 1 });
      if ((user === undefined) === (group === undefined)) throw this.fail(node, `${at} needs exactly one of 'user' or 'group'`);
      const permPair = p.get('permission');
      if (!permPair) throw this.fail(node, `${at}: missing 'permission' (READ, EDIT or OWNER)`);
      const permission = this.string(permPair, `${at}.permission`).trim().toUpperCase();
      if (!(GRANT_PERMISSIONS as readonly string[]).includes(permission)) {
        throw this.fail(permPair.value as Node, `${at}.permission must be READ, EDIT or OWNER (got '${permission}'); leave a principal out to revoke it`);
      }
      const principal = user !== undefined ? { type: 'USER' as const, id: user } : { type: 'GROUP' as const, id: group as number };
      const key = `${principal.type}:${principal.id}`;
      const line = this.line(node);
      if (seen.has(key)) throw this.fail(node, `${at}: ${principal.type.toLowerCase()} ${principal.id} is granted twice (also on line ${seen.get(key)})`);
      seen.set(key, line);
      return { principal, permission: permission as Grant['permission'] };
    });
  }

  /** `contentTypes: {".md": "text/markdown"}`: extensions with a leading dot, lower-cased; valid media types. */
  private contentTypes(pair: Pair | undefined, where: string): Record<string, string> {
    if (!pair) return {};
    const map = this.resolve(pair.value as Node | null);
    if (!isMap(map)) throw this.fail(map ?? (pair.key as Node), `${where} must be a mapping of ".ext": "type/subtype"`);
    const out: Record<string, string> = {};
    for (const item of map.items) {
      const keyNode = this.resolve(item.key as Node | null);
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') throw this.fail(keyNode ?? map, `${where}: keys must be extensions like ".md"`);
      const ext = keyNode.value.trim().toLowerCase();
      if (!/^\.[^./\\\s]+$/.test(ext)) throw this.fail(keyNode, `${where}: '${keyNode.value}' is not an extension like ".md"`);
      const type = this.string(item as Pair, `${where}.${ext}`).trim();
      if (!CONTENT_TYPE.test(type))
        throw this.fail(this.resolve(item.value as Node | null) ?? keyNode, `${where}.${ext}: '${type}' is not a media type like text/markdown`);
      out[ext] = type;
    }
    return out;
  }

  /** Entries may share a FileSet only with disjoint prefixes and consistent identity. */
  private checkCombinations(specs: FileSetSpec[]): void {
    for (let j = 1; j < specs.length; j += 1) {
      const b = specs[j];
      for (let i = 0; i < j; i += 1) {
        const a = specs[i];
        const sameName = a.name === b.name;
        const sameId = a.id !== undefined && a.id === b.id;
        if (!sameName && !sameId) continue;
        if (sameId && !sameName) {
          throw new ManifestError(this.shown, b.line, `FileSet id '${b.id}' is declared with two names ('${a.name}' on line ${a.line}, '${b.name}' here)`);
        }
        if (sameName && a.id !== b.id) {
          throw new ManifestError(
            this.shown,
            b.line,
            `FileSet name '${b.name}' is declared twice with different ids (line ${a.line}); give both entries the same id or different names`,
          );
        }
        const conflict = sharedSettingsConflict(a, b);
        if (conflict) throw new ManifestError(this.shown, b.line, conflict);
      }
    }
  }

  private pairs(map: Node, allowed: readonly string[], where: string): Map<string, Pair> {
    const out = new Map<string, Pair>();
    if (!isMap(map)) return out;
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key as Node | null);
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        throw this.fail(keyNode ?? map, `${where}: keys must be plain strings`);
      }
      const key = keyNode.value;
      if (!allowed.includes(key)) {
        const hint = suggest(key, allowed);
        throw this.fail(keyNode, `unknown key '${key}' in ${where}${hint ? ` (did you mean '${hint}'?)` : ` (allowed: ${allowed.join(', ')})`}`);
      }
      out.set(key, pair as Pair);
    }
    return out;
  }

  private string(pair: Pair, where: string): string {
    const v = this.resolve(pair.value as Node | null);
    if (!isScalar(v) || typeof v.value !== 'string') {
      throw this.fail(v ?? (pair.key as Node), `${where} must be a string${isScalar(v) && v.value !== null ? ' (quote it)' : ''}`);
    }
    return this.interp(v.value, v);
  }

  private bool(pair: Pair | undefined, where: string): boolean | undefined {
    if (!pair) return undefined;
    const v = this.resolve(pair.value as Node | null);
    if (isScalar(v) && typeof v.value === 'boolean') return v.value;
    if (isScalar(v) && typeof v.value === 'string' && v.value.includes('${')) {
      const s = this.interp(v.value, v).trim();
      if (s === 'true') return true;
      if (s === 'false') return false;
      throw this.fail(v, `${where} must be true or false (got '${s}')`);
    }
    throw this.fail(v ?? (pair.key as Node), `${where} must be true or false`);
  }

  private number(pair: Pair | undefined, where: string, rule: { integer: boolean; min: number; max?: number }): number | undefined {
    if (!pair) return undefined;
    const v = this.resolve(pair.value as Node | null);
    let n: number | undefined;
    if (isScalar(v) && typeof v.value === 'number') n = v.value;
    else if (isScalar(v) && typeof v.value === 'string' && v.value.includes('${')) {
      const s = this.interp(v.value, v).trim();
      n = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
    }
    const kind = rule.integer ? 'a whole number' : 'a number';
    const range = rule.max !== undefined ? ` from ${rule.min} to ${rule.max}` : ` >= ${rule.min}`;
    if (n === undefined || !Number.isFinite(n) || (rule.integer && !Number.isInteger(n)) || n < rule.min || (rule.max !== undefined && n > rule.max)) {
      throw this.fail(v ?? (pair.key as Node), `${where} must be ${kind}${range}`);
    }
    return n;
  }

  private patterns(pair: Pair | undefined, where: string): string[] | undefined {
    if (!pair) return undefined;
    const v = this.resolve(pair.value as Node | null);
    const items: Node[] = isSeq(v) ? (v.items as Node[]).map((n) => this.resolve(n) as Node) : [v as Node];
    if (!isSeq(v) && !(isScalar(v) && typeof v.value === 'string')) {
      throw this.fail(v ?? (pair.key as Node), `${where} must be a pattern or a list of patterns`);
    }
    return items.map((item, k) => {
      if (!isScalar(item) || typeof item.value !== 'string') throw this.fail(item ?? v, `${where}[${k}] must be a string`);
      const n = normalizePattern(this.interp(item.value, item));
      if ('problem' in n) throw this.fail(item, `${where}: ${n.problem}`);
      return n.value;
    });
  }

  private interp(value: string, node: Node): string {
    try {
      return interpolate(value, this.env);
    } catch (e) {
      if (e instanceof InterpolationError) throw this.fail(node, e.message);
      throw e;
    }
  }

  private resolve(node: Node | null | undefined): Node | null {
    let n = node ?? null;
    for (let depth = 0; n && isAlias(n) && depth < 16; depth += 1) n = (n.resolve(this.doc) as Node | undefined) ?? null;
    if (n && isAlias(n)) throw this.fail(n, 'alias chain too deep');
    return n;
  }

  private line(node: Node | null): number {
    const off = node?.range?.[0];
    return typeof off === 'number' ? this.lc.linePos(off).line : 0;
  }

  private fail(node: Node | null, problem: string): ManifestError {
    return new ManifestError(this.shown, this.line(node), problem);
  }
}

/** FileSet-level settings every entry of one FileSet must agree on when it gives them. */
const SHARED_KEYS = ['description', 'aiEnabled', 'owner', 'access', 'allowOwnerTransfer'] as const;
type SharedKey = (typeof SHARED_KEYS)[number];

/**
 * Why two entries that reach the same FileSet cannot both be applied, or null: their prefixes overlap (each
 * would prune the other's files), or they disagree on a FileSet-level setting. Checked on the manifest and
 * again after lookup, when entries with different names or ids turn out to be one FileSet.
 */
export function sharedSettingsConflict(a: FileSetSpec, b: FileSetSpec): string | null {
  const show = (p: string): string => (p === '' ? "'' (the root)" : `'${p}'`);
  if (prefixesOverlap(a.directoryPath, b.directoryPath)) {
    return `entries on lines ${a.line} and ${b.line} reach the same FileSet with overlapping directoryPaths ${show(a.directoryPath)} and ${show(b.directoryPath)}; entries of one FileSet must own disjoint directoryPaths`;
  }
  // Grants are a set: the same grants in another order say the same thing.
  const value = (s: FileSetSpec, key: SharedKey): string =>
    JSON.stringify(key === 'access' && s.access ? [...s.access].sort((x, y) => compareUtf16(grantKey(x), grantKey(y))) : s[key]);
  const differ = (key: SharedKey): boolean => a[key] !== undefined && b[key] !== undefined && value(a, key) !== value(b, key);
  for (const key of SHARED_KEYS) {
    if (differ(key)) return `entries on lines ${a.line} and ${b.line} reach the same FileSet but disagree on '${key}'; give it once, or the same value in both`;
  }
  return null;
}

function grantKey(g: Grant): string {
  return `${g.principal.type}:${g.principal.id}`;
}

/** SHA-256 of the validated entries (sources relative to the manifest's directory): what a saved plan was made from. */
function manifestDigest(dir: string, specs: readonly FileSetSpec[]): string {
  const canonical = specs.map((s) => ({ ...s, source: path.relative(dir, s.source).split(path.sep).join('/'), line: undefined }));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Sources must be existing directories; checked once so a typo is not mistaken for an empty source. */
async function checkSources(m: Manifest, shown: string): Promise<void> {
  for (const spec of m.filesets) {
    let st;
    try {
      st = await fsp.stat(spec.source);
    } catch (e) {
      throw new ManifestError(
        shown,
        spec.line,
        `source '${path.relative(m.dir, spec.source) || '.'}' does not exist or cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    if (!st.isDirectory()) throw new ManifestError(shown, spec.line, `source '${path.relative(m.dir, spec.source)}' is not a directory`);
  }
}

function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/** The closest allowed key within edit distance 2 (or a case-insensitive match). */
function suggest(key: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of allowed) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(2, Math.floor(key.length / 4)) ? best : null;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const tmp = prev[j];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + cost);
      diag = tmp;
    }
  }
  return prev[b.length];
}
