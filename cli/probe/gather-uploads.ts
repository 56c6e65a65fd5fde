/** The requests behind the upload checks: each gathers the answers its verdict in judge-uploads.ts reads. */
import { createHash } from 'node:crypto';
import { OCTET_STREAM } from '../../client/content-type';
import { normalizeFile } from '../../client/normalize';
import { ok } from './answers';
import { download, enc, idOf, listAll, upload, type GatherCtx } from './io';
import type { ContentTypeObs, ImplicitDirsObs, OverwriteObs, PathFidelityObs, Sha256Obs, SplitObs, SplitRun, UploadFieldObs } from './judge-uploads';

/** Three uploads to three directories: createFileRequest only, directoryPath only, both. */
export async function gatherUploadField(ctx: GatherCtx): Promise<UploadFieldObs> {
  const one = async (dir: string, name: string, how: 'both' | 'createFileRequest' | 'directoryPath') => ({
    requested: `${dir}/${name}`,
    answer: await upload(ctx, dir, name, `uploaded with ${how}\n`, { how }),
  });
  return {
    crf: await one('field/create-file-request', 'crf.txt', 'createFileRequest'),
    dp: await one('field/directory-path', 'dp.txt', 'directoryPath'),
    both: await one('field/both', 'both.txt', 'both'),
  };
}

/** The names a server may change: case, NFC and NFD forms, spaces, and characters with a URL meaning. */
const PATH_CASES: readonly { label: string; dir: string; name: string }[] = [
  { label: 'case', dir: 'paths/Mixed Case', name: 'ReadMe.TXT' },
  { label: 'NFC', dir: 'paths', name: 'caf\u00e9-nfc.txt' },
  { label: 'NFD', dir: 'paths', name: 'cafe\u0301-nfd.txt' },
  { label: 'spaces', dir: 'paths/with space', name: 'a  b .txt' },
  { label: '#%&+', dir: 'paths/#%&+', name: 'x#y%25z&w+v.txt' },
];

/** Uploads each name of PATH_CASES, then lists the FileSet. */
export async function gatherPathFidelity(ctx: GatherCtx): Promise<PathFidelityObs> {
  const cases: PathFidelityObs['cases'] = [];
  for (const c of PATH_CASES) {
    cases.push({ label: c.label, requested: `${c.dir}/${c.name}`, answer: await upload(ctx, c.dir, c.name, `${c.label}\n`) });
  }
  const listed = (await listAll(ctx)).map((e) => normalizeFile(e).path);
  return { cases, listed };
}

/** Uploads one path twice with different content. */
export async function gatherOverwrite(ctx: GatherCtx): Promise<OverwriteObs> {
  const second = 'second version, longer than the first\n';
  const first = await upload(ctx, 'overwrite', 'same.txt', 'first version\n');
  return { first, second: await upload(ctx, 'overwrite', 'same.txt', second), secondSize: Buffer.byteLength(second) };
}

/** Uploads into nested directories that do not exist yet, then lists the FileSet. */
export async function gatherImplicitDirs(ctx: GatherCtx): Promise<ImplicitDirsObs> {
  const parents = ['implicit', 'implicit/a', 'implicit/a/b'];
  const answer = await upload(ctx, 'implicit/a/b', 'x.txt', 'nested\n');
  const listed = ok(answer) ? (await listAll(ctx)).map((e) => normalizeFile(e)) : [];
  return { upload: answer, parents, listed };
}

/** Uploads a file with a known SHA-256, then finds it in the listing. */
export async function gatherSha256(ctx: GatherCtx): Promise<Sha256Obs> {
  const content = 'a file whose SHA-256 the probe knows\n';
  const expected = createHash('sha256').update(content).digest('hex');
  const answer = await upload(ctx, 'sha', 'known.txt', content);
  const listed = ok(answer) ? ((await listAll(ctx)).find((e) => normalizeFile(e).path === 'sha/known.txt') ?? null) : null;
  return { expected, upload: answer, listed };
}

/** The type the content-type check declares: more specific than what a server derives from ".txt". */
const DECLARED_TYPE = 'text/markdown';

/** Uploads a .txt name declared as text/markdown. */
export async function gatherContentType(ctx: GatherCtx): Promise<ContentTypeObs> {
  return { declared: DECLARED_TYPE, upload: await upload(ctx, 'type', 'declared.txt', '# declared as markdown\n', { contentType: DECLARED_TYPE }) };
}

/** One split upload of `parts` (number → content), sent in `order`, then downloaded. Aborted when a step fails. */
async function splitRun(ctx: GatherCtx, path: string, parts: Record<number, string>, order: number[]): Promise<SplitRun> {
  const expected = Object.keys(parts)
    .map(Number)
    .sort((a, b) => a - b)
    .map((n) => parts[n])
    .join('');
  const run: SplitRun = { order, steps: [], content: null, expected };
  const base = `/filesets/${enc(ctx.fileSetId)}/files/multipart`;
  const initiate = await ctx.raw.send('POST', base, { json: { path } });
  run.steps.push({ step: 'initiate', answer: initiate });
  if (!ok(initiate)) return run;
  const fileId = idOf(initiate, 'initiating a split upload');
  const abort = (): Promise<unknown> => ctx.raw.send('POST', `${base}/${enc(fileId)}/abort`).catch(() => undefined);
  for (const n of order) {
    const form = [{ name: 'part', filename: `part-${n}`, contentType: OCTET_STREAM, data: { kind: 'buffer' as const, buffer: Buffer.from(parts[n]) } }];
    const answer = await ctx.raw.send('POST', `${base}/${enc(fileId)}/part/${n}`, { form });
    run.steps.push({ step: `part ${n}`, answer });
    if (!ok(answer)) {
      await abort();
      return run;
    }
  }
  const finalize = await ctx.raw.send('POST', `${base}/${enc(fileId)}/finalize`);
  run.steps.push({ step: 'finalize', answer: finalize });
  if (!ok(finalize)) {
    await abort();
    return run;
  }
  const got = await download(ctx, path);
  if (!ok(got)) run.steps.push({ step: 'download', answer: got });
  else run.content = got.text;
  return run;
}

/** A split upload with parts 1 and 2 sent as 2 then 1, and one with parts 0 and 1. */
export async function gatherSplit(ctx: GatherCtx): Promise<SplitObs> {
  return {
    fromOne: await splitRun(ctx, 'split/from-one.txt', { 1: 'first part, numbered 1\n', 2: 'second part, numbered 2\n' }, [2, 1]),
    fromZero: await splitRun(ctx, 'split/from-zero.txt', { 0: 'first part, numbered 0\n', 1: 'second part, numbered 1\n' }, [0, 1]),
  };
}
