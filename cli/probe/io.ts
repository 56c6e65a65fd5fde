/**
 * The probe's few request shapes over RawApi: uploads with a chosen form of the directory, a whole listing,
 * and a download that follows the redirect. Shared by the gatherers; they throw plain Errors (recorded by
 * the runner as the check's observation) only where a check cannot go on.
 */
import { contentTypeFor } from '../../client/content-type';
import type { FormPart } from '../../client/multipart';
import { uploadForm } from '../../client/upload';
import { describeAnswer, ok } from './answers';
import { jsonOf, type RawAnswer, type RawApi } from './raw';

/** Where an upload names its directory: as the client does (both), or in one documented form only. */
export type DirectoryForm = 'both' | 'createFileRequest' | 'directoryPath';

/** Everything a gatherer needs. */
export interface GatherCtx {
  raw: RawApi;
  /** The scratch FileSet (AI enabled). */
  fileSetId: string;
  /** A word only the indexing check's file holds; the query check searches for it. */
  marker: string;
  /** Longest wait for a new file to be indexed. */
  indexWaitMs: number;
  /** Aborted on Ctrl-C: waits end at once. */
  signal?: AbortSignal;
  /** Creates another scratch FileSet (deleted at the end whatever happens); resolves to its id. */
  extraFileSet(suffix: string): Promise<string>;
  /** Records that a scratch FileSet is gone, so the cleanup leaves it alone. */
  gone(id: string): void;
}

/** `encodeURIComponent`, for ids in paths. */
export const enc = encodeURIComponent;

/** The multipart form of an upload of `content` named `name` into `dir`, the directory sent as `how` says. */
function uploadParts(dir: string, name: string, content: string | Buffer, how: DirectoryForm, contentType?: string): FormPart[] {
  const file: FormPart = {
    name: 'file',
    filename: name,
    contentType: contentType ?? contentTypeFor(name),
    data: { kind: 'buffer', buffer: Buffer.from(content) },
  };
  if (how === 'both') return uploadForm(dir, file);
  const value = how === 'directoryPath' ? dir : JSON.stringify({ directoryPath: dir });
  return [{ name: how, data: { kind: 'buffer', buffer: Buffer.from(value) } }, file];
}

/** Uploads one small file (POST /filesets/{id}/files). */
export function upload(
  ctx: GatherCtx,
  dir: string,
  name: string,
  content: string | Buffer,
  opts: { how?: DirectoryForm; contentType?: string; fileSetId?: string } = {},
): Promise<RawAnswer> {
  const form = uploadParts(dir, name, content, opts.how ?? 'both', opts.contentType);
  return ctx.raw.send('POST', `/filesets/${enc(opts.fileSetId ?? ctx.fileSetId)}/files`, { form });
}

/** The id in an answer's JSON (a file, a FileSet, or a split upload's `{file}`), or throws naming `what`. */
export function idOf(a: RawAnswer, what: string): string {
  const body = jsonOf(a) as { id?: unknown; file?: { id?: unknown } } | undefined;
  const id = body?.id ?? body?.file?.id;
  if (!ok(a) || (typeof id !== 'string' && typeof id !== 'number')) throw new Error(`${what} answered ${describeAnswer(a)}`);
  return String(id);
}

/** Most pages a whole listing may take (the scratch FileSet holds a few dozen entries). */
const MAX_PAGES = 50;

/** Every raw entry of a FileSet's listing, 100 a page; throws when a page is refused or the listing does not end. */
export async function listAll(ctx: GatherCtx, fileSetId = ctx.fileSetId): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let sent: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const a = await ctx.raw.send('POST', `/filesets/${enc(fileSetId)}/files/search`, { query: { limit: 100, next: sent }, json: {} });
    const body = jsonOf(a) as { files?: unknown; pageContext?: { next?: unknown }; next?: unknown } | undefined;
    if (!ok(a) || !Array.isArray(body?.files)) throw new Error(`the listing answered ${describeAnswer(a)}`);
    out.push(...(body.files as Record<string, unknown>[]));
    const next = body.pageContext?.next ?? body.next;
    if (typeof next !== 'string' || next === '' || next === sent || body.files.length === 0) return out;
    sent = next;
  }
  throw new Error(`the listing did not end within ${MAX_PAGES} pages`);
}

/** Downloads a file by path, following one redirect (the token goes only to the configured origin). */
export async function download(ctx: GatherCtx, path: string): Promise<RawAnswer> {
  const a = await ctx.raw.send('GET', `/filesets/${enc(ctx.fileSetId)}/path/download`, { query: { path } });
  const location = a.headers.location;
  if (a.status < 300 || a.status >= 400 || !location) return a;
  return ctx.raw.get(new URL(location, ctx.raw.baseUrl));
}
