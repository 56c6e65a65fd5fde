/**
 * The FileSetFolder resource: one local directory synced into a FileSet prefix through the loader's folder
 * entry points (planFolder, applyFolder, removeFolderFiles), so thousands of files are one resource. check
 * hashes the folder locally (the loader's hash cache) into the `digest` input, so preview shows an update
 * exactly when content changed. With `waitForIndex`, a sync that uploaded files waits (the loader's
 * waitForIndex: a few requests per poll, never one per file) until they are indexed for AI search. The
 * resource id is `<fileSetId>/<directoryPath>`.
 */
import * as pulumi from '@pulumi/pulumi';
import type { DomoFilesClient } from '../client';
import type { FolderOptions } from '../loader';
import type { Failure } from './inputs';
import { kit as sharedKit } from './kit';
import { folderClaim, recordClaim } from './overlaps';
import { DomoResource, type OutputKeys } from './resource';

// A local copy, so the serialized provider carries the helpers by value (see provider/kit.ts).
const kit = sharedKit;

/**
 * Inputs of a FileSetFolder as the provider sees them: the loader's folder (contentTypes keys lower-case with
 * the dot) without what a run decides (dotfiles, concurrency, state directory, signal); `digest` is computed
 * by check.
 */
export interface FileSetFolderInputs extends Omit<FolderOptions, 'dot' | 'concurrency' | 'stateDir' | 'signal'> {
  /** After a sync that uploaded files, wait until they are indexed (true: up to 600 s). */
  waitForIndex?: boolean | { timeoutSeconds: number };
  digest?: string;
}

/** Index counts of the files the last sync uploaded, from its wait (null when it did not wait). */
interface FolderIndexCounts {
  indexCompleted: number | null;
  indexPending: number | null;
  indexFailed: number | null;
  indexSkipped: number | null;
}

/** Outputs of a FileSetFolder (waitForIndex only shapes an update, so it is not kept). */
export interface FileSetFolderOutputs extends Omit<FileSetFolderInputs, 'waitForIndex'>, FolderIndexCounts {
  directoryPath: string;
  /** Files in the local set (what the prefix holds after a sync). */
  fileCount: number;
  totalBytes: number;
  /** SHA-256 over the sorted "remotePath\0hash\n" lines of the local set; "drifted…"/"incomplete" when the remote differs. */
  digest: string;
}

/** Fields that identify a folder: changing one replaces it. */
const FOLDER_REPLACE_KEYS = ['fileSetId', 'directoryPath'] as const;
/** Fields whose change needs a sync. */
const FOLDER_UPDATE_KEYS = ['digest', 'include', 'exclude', 'prune', 'maxDeletes', 'maxDeletePercent', 'allowEmpty', 'contentTypes'] as const;

/** Marks a state digest that must differ from any real one, so the next up syncs again. */
const INCOMPLETE = 'incomplete';

/** How long `waitForIndex: true` waits. */
const DEFAULT_INDEX_TIMEOUT_SECONDS = 600;

/** Counts of a sync that did not wait. */
const NOT_WAITED: FolderIndexCounts = { indexCompleted: null, indexPending: null, indexFailed: null, indexSkipped: null };

/** Inputs with the defaults the loader applies, so absent and default compare equal. */
function withDefaults(o: Record<string, unknown>): Record<string, unknown> {
  return {
    ...o,
    directoryPath: o.directoryPath ?? '',
    prune: o.prune ?? true,
    include: o.include ?? [],
    exclude: o.exclude ?? [],
    allowEmpty: o.allowEmpty ?? false,
    maxDeletePercent: o.maxDeletePercent ?? 50,
    maxDeletes: o.maxDeletes ?? null,
    contentTypes: o.contentTypes ?? {},
  };
}

/** The inputs that define the folder, with the prefix spelled out (what the outputs repeat). */
function inputsOnly(o: FileSetFolderInputs): Omit<FileSetFolderInputs, 'waitForIndex'> {
  return kit.compact({
    fileSetId: o.fileSetId,
    source: o.source,
    include: o.include,
    exclude: o.exclude,
    directoryPath: o.directoryPath ?? '',
    prune: o.prune,
    maxDeletes: o.maxDeletes,
    maxDeletePercent: o.maxDeletePercent,
    allowEmpty: o.allowEmpty,
    contentTypes: o.contentTypes,
  });
}

/** The loader's options for this folder (source resolved against the project directory). */
function folderOptions(inputs: FileSetFolderInputs): FolderOptions {
  const path = require('node:path') as typeof import('node:path');
  const { digest: _d, ...rest } = inputsOnly(inputs);
  return { ...rest, source: path.resolve(inputs.source) };
}

/** The wait's deadline in milliseconds, or undefined when the folder does not wait for indexing. */
function indexTimeoutMs(w: FileSetFolderInputs['waitForIndex']): number | undefined {
  if (w === true) return DEFAULT_INDEX_TIMEOUT_SECONDS * 1000;
  if (w && typeof w === 'object') return w.timeoutSeconds * 1000;
  return undefined;
}

/**
 * Waits until the files the sync uploaded are indexed. A file that FAILED, a timeout or a failing wait is a
 * partial failure: the files are there and recorded with their digest (syncing again would upload nothing),
 * and the counts say what indexing made of them.
 */
async function waitIndexed(
  client: DomoFilesClient,
  id: string,
  inputs: FileSetFolderInputs,
  outs: FileSetFolderOutputs,
  uploaded: string[],
  action: string,
): Promise<FileSetFolderOutputs> {
  const timeoutMs = indexTimeoutMs(inputs.waitForIndex);
  if (timeoutMs === undefined) return outs;
  let waited: Awaited<ReturnType<ReturnType<typeof kit.loaderLib>['waitForIndex']>>;
  try {
    waited = await kit.loaderLib().waitForIndex(client, inputs.fileSetId, new Set(uploaded), { timeoutMs });
  } catch (e) {
    throw kit.partialFailure(kit.failure(`${action}: waiting for indexing`, e, 'READ').message, id, outs, inputs);
  }
  // A server that reports no index status for the files has nothing to wait for.
  if (waited.unsupported) return outs;
  const counted: FileSetFolderOutputs = {
    ...outs,
    indexCompleted: waited.completed,
    indexPending: waited.pending,
    indexFailed: waited.failed.length,
    indexSkipped: waited.skipped,
  };
  if (waited.failed.length > 0) {
    const shown = waited.failed
      .slice(0, 5)
      .map((x) => `"${x.path}" (${x.reason})`)
      .join('; ');
    const more = waited.failed.length > 5 ? `; and ${waited.failed.length - 5} more` : '';
    throw kit.partialFailure(
      `${action}: indexing failed for ${waited.failed.length} of ${uploaded.length} uploaded file(s): ${shown}${more}`,
      id,
      counted,
      inputs,
    );
  }
  if (waited.timedOut) {
    const counts = `${waited.completed} completed, ${waited.pending} pending, ${waited.skipped} skipped`;
    throw kit.partialFailure(
      `${action}: indexing did not finish within ${timeoutMs / 1000} s (${counts} of ${uploaded.length} uploaded file(s)); raise waitForIndex.timeoutSeconds`,
      id,
      counted,
      inputs,
    );
  }
  return counted;
}

/**
 * Plans, then applies. A failure before the apply changed anything (planning, a guard, a plan that cannot be
 * applied safely) fails the operation; a failure during the apply is a partial failure, so the engine keeps
 * the resource (with a digest that forces the next up to sync again) instead of losing track of its files.
 */
async function sync(id: string, inputs: FileSetFolderInputs, previous?: Partial<FileSetFolderOutputs>): Promise<FileSetFolderOutputs> {
  const loader = kit.loaderLib();
  const action = `syncing ${inputs.source} into FileSet ${inputs.fileSetId} at "${inputs.directoryPath ?? ''}"`;
  return kit.withClient(async (client) => {
    const opts = folderOptions(inputs);
    let planned: Awaited<ReturnType<typeof loader.planFolder>>;
    try {
      planned = await loader.planFolder(client, opts);
    } catch (e) {
      throw kit.failure(action, e, 'READ');
    }
    const { plan, digest, fileCount, totalBytes } = planned;
    try {
      await loader.applyFolder(client, plan, opts);
    } catch (e) {
      const unchanged = kit.errorCode(e) === 'GUARD' || plan.refused !== undefined || plan.entries.some((x) => x.problems.length > 0);
      if (unchanged) throw kit.failure(action, e, 'EDIT');
      const outs = { ...inputsOnly(inputs), ...NOT_WAITED, fileCount: previous?.fileCount ?? 0, totalBytes: previous?.totalBytes ?? 0, digest: INCOMPLETE };
      throw kit.partialFailure(kit.failure(action, e, 'EDIT').message, id, outs, inputs);
    }
    const outs: FileSetFolderOutputs = { ...inputsOnly(inputs), ...NOT_WAITED, directoryPath: inputs.directoryPath ?? '', digest, fileCount, totalBytes };
    const uploaded = plan.entries.flatMap((x) => x.uploads.map((u) => u.path));
    return waitIndexed(client, id, inputs, outs, uploaded, action);
  });
}

/**
 * What a sync would change now (e.g. "2 upload, 1 delete"), or undefined when the prefix matches the local
 * folder. Planned with the loader (read-only), so excluded paths and prune behave exactly as in a sync. When
 * the local folder is gone, drift cannot be judged and is not reported.
 */
async function remoteDrift(client: DomoFilesClient, inputs: FileSetFolderInputs): Promise<string | undefined> {
  const fs = require('node:fs') as typeof import('node:fs');
  const loader = kit.loaderLib();
  const opts = folderOptions(inputs);
  if (!fs.existsSync(opts.source)) return undefined;
  const { plan } = await loader.planFolder(client, { ...opts, allowEmpty: true });
  const s = loader.buildReport([plan]).filesets[0].summary;
  const parts: string[] = [];
  if (s.upload) parts.push(`${s.upload} upload`);
  if (s.replace) parts.push(`${s.replace} replace`);
  if (s.delete) parts.push(`${s.delete} delete`);
  return parts.length ? parts.join(', ') : undefined;
}

/** Checks `contentTypes` and spells its keys the loader's way (lower-case, with the dot). */
function checkContentTypes(f: Failure[], n: Record<string, unknown>): void {
  const v = n.contentTypes;
  if (v === undefined || v === null || kit.isUnknown(v)) return;
  if (typeof v !== 'object' || Array.isArray(v)) {
    f.push({ property: 'contentTypes', reason: 'contentTypes must be a map of ".ext" to a media type, e.g. {".md": "text/markdown"}' });
    return;
  }
  const out: Record<string, string> = {};
  for (const [ext, type] of Object.entries(v as Record<string, unknown>)) {
    const key = ext.trim().toLowerCase();
    if (!/^\.[^./\\\s]+$/.test(key)) f.push({ property: 'contentTypes', reason: `contentTypes: '${ext}' is not an extension like ".md"` });
    else if (typeof type !== 'string' || !/^[\w.+-]+\/[\w.+-]+/.test(type.trim()))
      f.push({ property: 'contentTypes', reason: `contentTypes["${ext}"] must be a media type like text/markdown` });
    else out[key] = type.trim();
  }
  n.contentTypes = out;
}

/** Checks `waitForIndex`: a boolean, or {timeoutSeconds} with a positive number. */
function checkWaitForIndex(f: Failure[], n: Record<string, unknown>): void {
  const w = n.waitForIndex;
  if (w === undefined || w === null || typeof w === 'boolean' || kit.isUnknown(w)) return;
  const t = w && typeof w === 'object' && !Array.isArray(w) ? (w as Record<string, unknown>).timeoutSeconds : undefined;
  if (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t) || Object.keys(w as object).some((k) => k !== 'timeoutSeconds')) {
    f.push({ property: 'waitForIndex', reason: 'waitForIndex must be true, false or {timeoutSeconds: N} with N > 0' });
  }
}

/**
 * True when the old and the new folder may share paths: same FileSet (or not known yet) and overlapping
 * prefixes. Then the old folder's files must be deleted before the new one syncs; deleted afterwards, the
 * old folder's delete would remove what the new one just uploaded under its (containing) prefix.
 */
function mayShareFiles(o: Record<string, unknown>, n: Record<string, unknown>): boolean {
  if (!kit.isUnknown(n.fileSetId) && n.fileSetId !== o.fileSetId) return false;
  return kit.isUnknown(n.directoryPath) || kit.prefixesOverlap(String(o.directoryPath), String(n.directoryPath));
}

/** The FileSetFolder's provider. */
export const fileSetFolderProvider: pulumi.dynamic.ResourceProvider<FileSetFolderInputs, FileSetFolderOutputs> = {
  configure: kit.configure,

  async check(_olds, news) {
    const n = { ...(kit.withoutOverlaps(news) as unknown as Record<string, unknown>) };
    const f: Failure[] = [];
    kit.requireString(f, n, 'fileSetId');
    kit.requireString(f, n, 'source');
    kit.optionalStrings(f, n, 'include');
    kit.optionalStrings(f, n, 'exclude');
    kit.optionalType(f, n, 'directoryPath', 'string');
    kit.optionalType(f, n, 'prune', 'boolean');
    kit.optionalType(f, n, 'allowEmpty', 'boolean');
    kit.optionalType(f, n, 'maxDeletes', 'number');
    kit.optionalType(f, n, 'maxDeletePercent', 'number');
    checkContentTypes(f, n);
    checkWaitForIndex(f, n);
    if (typeof n.maxDeletes === 'number' && !(Number.isInteger(n.maxDeletes) && n.maxDeletes >= 0)) {
      f.push({ property: 'maxDeletes', reason: `maxDeletes must be a whole number >= 0 (got ${n.maxDeletes})` });
    }
    if (typeof n.maxDeletePercent === 'number' && !(n.maxDeletePercent >= 0 && n.maxDeletePercent <= 100)) {
      f.push({ property: 'maxDeletePercent', reason: `maxDeletePercent must be from 0 to 100 (got ${n.maxDeletePercent})` });
    }
    if (typeof n.directoryPath === 'string' && n.directoryPath !== kit.UNKNOWN) {
      // "/handbook/" and "handbook" name the same prefix; keep one spelling so they do not diff.
      n.directoryPath = n.directoryPath.replace(/^\/+|\/+$/g, '');
      const problem = kit.clientLib().remotePathProblem(n.directoryPath as string, { allowEmpty: true });
      if (problem) f.push({ property: 'directoryPath', reason: `directoryPath "${n.directoryPath}" ${problem}` });
    }
    kit.overlapFailures(f, news as unknown as Record<string, unknown>, 'directoryPath');
    if (f.length === 0) {
      if ([n.source, n.include, n.exclude, n.directoryPath].some(kit.isUnknown)) {
        n.digest = kit.UNKNOWN;
      } else {
        const path = require('node:path') as typeof import('node:path');
        const fs = require('node:fs') as typeof import('node:fs');
        const abs = path.resolve(n.source as string);
        let isDir: boolean;
        try {
          isDir = fs.statSync(abs).isDirectory();
        } catch {
          isDir = false;
        }
        if (!isDir) {
          f.push({ property: 'source', reason: `source "${n.source}" is not a directory (resolved to ${abs}, relative to the project directory)` });
        } else {
          try {
            const d = await kit.loaderLib().folderDigest(
              kit.compact({
                source: abs,
                include: n.include as string[] | undefined,
                exclude: n.exclude as string[] | undefined,
                directoryPath: (n.directoryPath as string | undefined) ?? '',
              }),
            );
            n.digest = d.digest;
          } catch (e) {
            f.push({ property: 'source', reason: kit.describeError(`hashing ${n.source}`, e) });
          }
        }
      }
    }
    const inputs = kit.compact(n) as unknown as FileSetFolderInputs;
    return f.length ? { inputs, failures: f } : { inputs };
  },

  async diff(_id, olds, news) {
    const o = withDefaults(olds as unknown as Record<string, unknown>);
    const n = withDefaults(news as unknown as Record<string, unknown>);
    const replaces = kit.changedKeys(o, n, FOLDER_REPLACE_KEYS);
    const updates = kit.changedKeys(o, n, FOLDER_UPDATE_KEYS);
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && mayShareFiles(o, n) };
  },

  async create(inputs) {
    const id = `${inputs.fileSetId}/${inputs.directoryPath ?? ''}`;
    return { id, outs: await sync(id, inputs) };
  },

  async update(id, olds, news) {
    return { outs: await sync(id, news, olds) };
  },

  async read(id, props) {
    const parsed = kit.splitId(id);
    const p = kit.withoutProvider((props ?? {}) as Partial<FileSetFolderOutputs>);
    const fileSetId = p.fileSetId || parsed.fileSetId;
    const directoryPath = p.directoryPath ?? parsed.rest;
    return kit.withClient(async (client) => {
      try {
        await client.getFileSet(fileSetId);
      } catch (e) {
        if (kit.isNotFound(e)) return {};
        throw kit.failure(`reading FileSet ${fileSetId}`, e, 'READ');
      }
      try {
        if (!p.source) {
          // Import: only the remote side is known; the program's source decides the next sync.
          let fileCount = 0;
          let totalBytes = 0;
          for await (const e of client.listFiles(fileSetId, { directoryPath, filesOnly: true })) {
            fileCount += 1;
            totalBytes += e.size ?? 0;
          }
          const outs: FileSetFolderOutputs = { fileSetId, directoryPath, source: '', ...NOT_WAITED, fileCount, totalBytes, digest: INCOMPLETE };
          return { id: `${fileSetId}/${directoryPath}`, props: outs, inputs: kit.compact({ fileSetId, directoryPath }) as unknown as FileSetFolderOutputs };
        }
        const drift = await remoteDrift(client, { ...(p as FileSetFolderInputs), fileSetId, directoryPath });
        const outs = { ...NOT_WAITED, ...p, fileSetId, directoryPath, digest: drift ? `drifted: ${drift}` : (p.digest as string) } as FileSetFolderOutputs;
        return { id, props: outs };
      } catch (e) {
        throw kit.failure(`reading the files of FileSet ${fileSetId} under "${directoryPath}"`, e, 'READ');
      }
    });
  },

  async delete(_id, props) {
    const loader = kit.loaderLib();
    await kit.withClient(async (client) => {
      try {
        await loader.removeFolderFiles(
          client,
          kit.compact({
            fileSetId: props.fileSetId,
            directoryPath: props.directoryPath ?? '',
            source: props.source || '.',
            include: props.include,
            exclude: props.exclude,
          }),
        );
      } catch (e) {
        if (kit.isNotFound(e)) return;
        throw kit.failure(`removing the files of ${props.source} from FileSet ${props.fileSetId} at "${props.directoryPath ?? ''}"`, e, 'EDIT');
      }
    });
  },
};

/** Arguments of a FileSetFolder. */
export interface FileSetFolderArgs {
  /** The FileSet to sync into (replaces). */
  fileSetId: pulumi.Input<string>;
  /** Local directory, relative to the Pulumi project directory (where Pulumi.yaml is) or absolute. */
  source: pulumi.Input<string>;
  /** fast-glob patterns of files to sync (default every file, no dotfiles). */
  include?: pulumi.Input<pulumi.Input<string>[]>;
  /** fast-glob patterns to leave out; excluded remote paths are never pruned. */
  exclude?: pulumi.Input<pulumi.Input<string>[]>;
  /** Remote prefix this folder owns ("" = the FileSet's root; replaces). */
  directoryPath?: pulumi.Input<string>;
  /** Delete remote files under the prefix that are gone locally (default true). */
  prune?: pulumi.Input<boolean>;
  /** Guard: refuse a sync that would delete more files than this. */
  maxDeletes?: pulumi.Input<number>;
  /** Guard: refuse a sync that would delete more than this share of the prefix (default 50). */
  maxDeletePercent?: pulumi.Input<number>;
  /** Allow a source that matches nothing to prune everything (default false). */
  allowEmpty?: pulumi.Input<boolean>;
  /**
   * Content type by extension (".md" → "text/markdown"), declared for the files this folder uploads; files
   * already in Domo keep theirs until their content changes.
   */
  contentTypes?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * After a sync that uploaded files, wait until Domo has indexed them for AI search (true: up to 600 s). A
   * file whose indexing FAILED, or a timeout, fails the update naming the files; the resource keeps the
   * synced files. Changing only this option changes nothing in Domo (no update).
   */
  waitForIndex?: pulumi.Input<boolean | { timeoutSeconds: pulumi.Input<number> }>;
}

/** Every output key, so each becomes an output property. */
const FOLDER_OUTPUTS: OutputKeys<FileSetFolderOutputs> = {
  fileSetId: true,
  source: true,
  include: true,
  exclude: true,
  directoryPath: true,
  prune: true,
  maxDeletes: true,
  maxDeletePercent: true,
  allowEmpty: true,
  contentTypes: true,
  digest: true,
  fileCount: true,
  totalBytes: true,
  indexCompleted: true,
  indexPending: true,
  indexFailed: true,
  indexSkipped: true,
};

/**
 * A local directory kept in sync with a FileSet prefix. The resource id is `<fileSetId>/<directoryPath>`;
 * `FileSetFolder.get(name, id)` adopts the files under a prefix. No FileSetFile or FileSetFolder of the same
 * program may manage a path under its prefix that its `exclude` does not protect (check fails, naming both).
 */
export class FileSetFolder extends DomoResource {
  declare readonly fileSetId: pulumi.Output<string>;
  declare readonly source: pulumi.Output<string>;
  declare readonly include: pulumi.Output<string[] | undefined>;
  declare readonly exclude: pulumi.Output<string[] | undefined>;
  declare readonly directoryPath: pulumi.Output<string>;
  declare readonly prune: pulumi.Output<boolean | undefined>;
  declare readonly maxDeletes: pulumi.Output<number | undefined>;
  declare readonly maxDeletePercent: pulumi.Output<number | undefined>;
  declare readonly allowEmpty: pulumi.Output<boolean | undefined>;
  declare readonly contentTypes: pulumi.Output<Record<string, string> | undefined>;
  declare readonly digest: pulumi.Output<string>;
  declare readonly fileCount: pulumi.Output<number>;
  declare readonly totalBytes: pulumi.Output<number>;
  /** Of the files the last sync uploaded: indexed, still pending, failed, skipped (null without waitForIndex). */
  declare readonly indexCompleted: pulumi.Output<number | null>;
  declare readonly indexPending: pulumi.Output<number | null>;
  declare readonly indexFailed: pulumi.Output<number | null>;
  declare readonly indexSkipped: pulumi.Output<number | null>;

  constructor(name: string, args: FileSetFolderArgs, opts?: pulumi.CustomResourceOptions) {
    const claim =
      args &&
      pulumi
        .output({ fileSetId: args.fileSetId, directoryPath: args.directoryPath, exclude: args.exclude })
        .apply((a) => folderClaim(name, a.fileSetId, a.directoryPath, a.exclude));
    super(fileSetFolderProvider, 'FileSetFolder', FOLDER_OUTPUTS, name, args && { ...args, overlaps: recordClaim(claim) }, opts);
  }
}
