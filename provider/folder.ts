/**
 * The FileSetFolder resource: one local directory synced into a FileSet prefix through the loader, so
 * thousands of files are one resource. check hashes the folder locally (the loader's hash cache) into the
 * `digest` input, so preview shows an update exactly when content changed. The resource id is
 * `<fileSetId>/<directoryPath>`.
 */
import * as pulumi from '@pulumi/pulumi';
import * as runtimeModule from './runtime';
import type { Failure } from './wire';
import * as wireModule from './wire';

// Plain copies of the helper modules, so the serialized provider carries their code by value. Referenced as
// modules, they would serialize as require("domo-filesets/dist/provider/…") in a user's project: a private
// path the package does not export, and one that ties old state to this version's file layout.
const wire = { ...wireModule };
const rt = { ...runtimeModule };

/** Inputs of a FileSetFolder as the provider sees them; `digest` is computed by check. */
export interface FileSetFolderInputs {
  fileSetId: string;
  source: string;
  include?: string[];
  exclude?: string[];
  directoryPath?: string;
  prune?: boolean;
  maxDeletes?: number;
  maxDeletePercent?: number;
  allowEmpty?: boolean;
  digest?: string;
}

/** Outputs of a FileSetFolder. */
export interface FileSetFolderOutputs extends FileSetFolderInputs {
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
const FOLDER_UPDATE_KEYS = ['digest', 'include', 'exclude', 'prune', 'maxDeletes', 'maxDeletePercent', 'allowEmpty'] as const;

/** Marks a state digest that must differ from any real one, so the next up syncs again. */
const INCOMPLETE = 'incomplete';

function parseFolderId(id: string): { fileSetId: string; directoryPath: string } {
  const i = id.indexOf('/');
  return i < 0 ? { fileSetId: id, directoryPath: '' } : { fileSetId: id.slice(0, i), directoryPath: id.slice(i + 1) };
}

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
  };
}

function syncOptions(inputs: FileSetFolderInputs) {
  const path = require('node:path') as typeof import('node:path');
  return wire.compact({
    fileSetId: inputs.fileSetId,
    source: path.resolve(inputs.source),
    include: inputs.include,
    exclude: inputs.exclude,
    directoryPath: inputs.directoryPath ?? '',
    prune: inputs.prune,
    maxDeletes: inputs.maxDeletes,
    maxDeletePercent: inputs.maxDeletePercent,
    allowEmpty: inputs.allowEmpty,
  });
}

/** Errors raised before the loader changed anything: the operation simply failed. */
function changedNothing(e: unknown): boolean {
  const code = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  return code === 'GUARD' || code === 'NOT_FOUND' || code === 'UNAUTHORIZED' || code === 'FORBIDDEN' || code === 'CONFIG';
}

function inputsOnly(o: FileSetFolderInputs): FileSetFolderInputs {
  return wire.compact({
    fileSetId: o.fileSetId,
    source: o.source,
    include: o.include,
    exclude: o.exclude,
    directoryPath: o.directoryPath ?? '',
    prune: o.prune,
    maxDeletes: o.maxDeletes,
    maxDeletePercent: o.maxDeletePercent,
    allowEmpty: o.allowEmpty,
  });
}

/**
 * Syncs; a failure after some files may have changed is reported as a partial failure so the engine keeps
 * the resource (with a digest that forces the next up to sync again) instead of losing track of the files.
 */
async function sync(id: string, inputs: FileSetFolderInputs & { __provider?: string }, previous?: Partial<FileSetFolderOutputs>): Promise<FileSetFolderOutputs> {
  const loader = rt.loaderLib();
  return rt.withClient(async (client) => {
    try {
      const r = await loader.syncFolder(client, syncOptions(inputs));
      return { ...inputsOnly(inputs), directoryPath: inputs.directoryPath ?? '', digest: r.digest, fileCount: r.fileCount, totalBytes: r.totalBytes };
    } catch (e) {
      const action = `syncing ${inputs.source} into FileSet ${inputs.fileSetId} at "${inputs.directoryPath ?? ''}"`;
      if (changedNothing(e)) throw wire.failure(action, e);
      throw wire.partialFailure(wire.describeError(action, e), id, {
        ...inputsOnly(inputs),
        fileCount: previous?.fileCount ?? 0,
        totalBytes: previous?.totalBytes ?? 0,
        digest: INCOMPLETE,
        [wire.PROVIDER_KEY]: inputs.__provider,
      });
    }
  });
}

/** The FileSetFolder's provider. */
export const fileSetFolderProvider: pulumi.dynamic.ResourceProvider<FileSetFolderInputs, FileSetFolderOutputs> = {
  async configure(req) {
    rt.storeCredentials(req.config);
  },

  async check(_olds, news) {
    const n = { ...(news as unknown as Record<string, unknown>) };
    const f: Failure[] = [];
    wire.requireString(f, n, 'fileSetId');
    wire.requireString(f, n, 'source');
    wire.optionalStrings(f, n, 'include');
    wire.optionalStrings(f, n, 'exclude');
    wire.optionalType(f, n, 'directoryPath', 'string');
    wire.optionalType(f, n, 'prune', 'boolean');
    wire.optionalType(f, n, 'allowEmpty', 'boolean');
    wire.optionalType(f, n, 'maxDeletes', 'number');
    wire.optionalType(f, n, 'maxDeletePercent', 'number');
    if (typeof n.maxDeletes === 'number' && !(Number.isInteger(n.maxDeletes) && n.maxDeletes >= 0)) {
      f.push({ property: 'maxDeletes', reason: `maxDeletes must be a whole number >= 0 (got ${n.maxDeletes})` });
    }
    if (typeof n.maxDeletePercent === 'number' && !(n.maxDeletePercent >= 0 && n.maxDeletePercent <= 100)) {
      f.push({ property: 'maxDeletePercent', reason: `maxDeletePercent must be from 0 to 100 (got ${n.maxDeletePercent})` });
    }
    if (typeof n.directoryPath === 'string' && n.directoryPath !== wire.UNKNOWN) {
      // "/handbook/" and "handbook" name the same prefix; keep one spelling so they do not diff.
      n.directoryPath = n.directoryPath.replace(/^\/+|\/+$/g, '');
      const problem = wire.remotePathProblem(n.directoryPath as string, true);
      if (problem) f.push({ property: 'directoryPath', reason: `directoryPath "${n.directoryPath}" ${problem}` });
    }
    if (f.length === 0) {
      if ([n.source, n.include, n.exclude, n.directoryPath].some(wire.isUnknown)) {
        n.digest = wire.UNKNOWN;
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
            const d = await rt.loaderLib().folderDigest(wire.compact({
              source: abs,
              include: n.include as string[] | undefined,
              exclude: n.exclude as string[] | undefined,
              directoryPath: (n.directoryPath as string | undefined) ?? '',
            }));
            n.digest = d.digest;
          } catch (e) {
            f.push({ property: 'source', reason: wire.describeError(`hashing ${n.source}`, e) });
          }
        }
      }
    }
    const inputs = wire.compact(n) as unknown as FileSetFolderInputs;
    return f.length ? { inputs, failures: f } : { inputs };
  },

  async diff(_id, olds, news) {
    const o = withDefaults(olds as unknown as Record<string, unknown>);
    const n = withDefaults(news as unknown as Record<string, unknown>);
    const replaces = wire.changedKeys(o, n, FOLDER_REPLACE_KEYS);
    const updates = wire.changedKeys(o, n, FOLDER_UPDATE_KEYS);
    return { changes: replaces.length + updates.length > 0, replaces };
  },

  async create(inputs) {
    const id = `${inputs.fileSetId}/${inputs.directoryPath ?? ''}`;
    return { id, outs: await sync(id, inputs) };
  },

  async update(id, olds, news) {
    return { outs: await sync(id, news, olds) };
  },

  async read(id, props) {
    const parsed = parseFolderId(id);
    const p = (props ?? {}) as Partial<FileSetFolderOutputs>;
    const fileSetId = p.fileSetId || parsed.fileSetId;
    const directoryPath = p.directoryPath ?? parsed.directoryPath;
    return rt.withClient(async (client) => {
      try {
        await client.getFileSet(fileSetId);
      } catch (e) {
        if (wire.isNotFound(e)) return {};
        throw wire.failure(`reading FileSet ${fileSetId}`, e);
      }
      const { [wire.PROVIDER_KEY]: _p, ...old } = p as Partial<FileSetFolderOutputs> & { [wire.PROVIDER_KEY]?: string };
      if (!p.source) {
        // Import: only the remote side is known; the program's source decides the next sync.
        let fileCount = 0;
        let totalBytes = 0;
        for await (const e of client.listFiles(fileSetId, { directoryPath, filesOnly: true })) {
          fileCount += 1;
          totalBytes += e.size ?? 0;
        }
        const outs = { fileSetId, directoryPath, source: '', fileCount, totalBytes, digest: INCOMPLETE };
        return { id: `${fileSetId}/${directoryPath}`, props: outs, inputs: wire.compact({ fileSetId, directoryPath }) as unknown as FileSetFolderOutputs };
      }
      const drift = await remoteDrift(client, { ...(old as FileSetFolderInputs), fileSetId, directoryPath });
      const outs = { ...old, fileSetId, directoryPath, digest: drift ? `drifted: ${drift}` : (old.digest as string) } as FileSetFolderOutputs;
      return { id, props: outs };
    });
  },

  async delete(_id, props) {
    const loader = rt.loaderLib();
    await rt.withClient(async (client) => {
      try {
        await loader.removeFolderFiles(client, wire.compact({
          fileSetId: props.fileSetId,
          directoryPath: props.directoryPath ?? '',
          source: props.source || '.',
          include: props.include,
          exclude: props.exclude,
        }));
      } catch (e) {
        if (wire.isNotFound(e)) return;
        throw wire.failure(`removing the files of ${props.source} from FileSet ${props.fileSetId} at "${props.directoryPath ?? ''}"`, e);
      }
    });
  },
};

/**
 * What a sync would change now (e.g. "2 upload, 1 delete"), or undefined when the prefix matches the local
 * folder. Planned with the loader (read-only), so excluded paths and prune behave exactly as in a sync. When
 * the local folder is gone, drift cannot be judged and is not reported.
 */
async function remoteDrift(client: Parameters<Parameters<typeof rt.withClient>[0]>[0], inputs: FileSetFolderInputs): Promise<string | undefined> {
  const path = require('node:path') as typeof import('node:path');
  const fs = require('node:fs') as typeof import('node:fs');
  const abs = path.resolve(inputs.source);
  if (!fs.existsSync(abs)) return undefined;
  const { plan } = await rt.loaderLib().planFolder(client, wire.compact({
    fileSetId: inputs.fileSetId,
    source: abs,
    include: inputs.include,
    exclude: inputs.exclude,
    directoryPath: inputs.directoryPath ?? '',
    prune: inputs.prune ?? true,
    allowEmpty: true,
  }));
  const s = plan.entries[0] && { upload: plan.entries[0].uploads.filter((u) => u.op === 'upload').length, replace: plan.entries[0].uploads.filter((u) => u.op === 'replace').length, delete: plan.entries[0].deletes.length };
  if (!s) return undefined;
  const parts: string[] = [];
  if (s.upload) parts.push(`${s.upload} upload`);
  if (s.replace) parts.push(`${s.replace} replace`);
  if (s.delete) parts.push(`${s.delete} delete`);
  return parts.length ? parts.join(', ') : undefined;
}

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
}

/** Every output key as undefined, so each becomes an output property. */
const FOLDER_OUTPUT_PROPS: Record<keyof FileSetFolderOutputs, undefined> = {
  fileSetId: undefined,
  source: undefined,
  include: undefined,
  exclude: undefined,
  directoryPath: undefined,
  prune: undefined,
  maxDeletes: undefined,
  maxDeletePercent: undefined,
  allowEmpty: undefined,
  digest: undefined,
  fileCount: undefined,
  totalBytes: undefined,
};

/** A local directory kept in sync with a FileSet prefix. The resource id is `<fileSetId>/<directoryPath>`. */
export class FileSetFolder extends pulumi.dynamic.Resource {
  declare readonly fileSetId: pulumi.Output<string>;
  declare readonly source: pulumi.Output<string>;
  declare readonly include: pulumi.Output<string[] | undefined>;
  declare readonly exclude: pulumi.Output<string[] | undefined>;
  declare readonly directoryPath: pulumi.Output<string>;
  declare readonly prune: pulumi.Output<boolean | undefined>;
  declare readonly maxDeletes: pulumi.Output<number | undefined>;
  declare readonly maxDeletePercent: pulumi.Output<number | undefined>;
  declare readonly allowEmpty: pulumi.Output<boolean | undefined>;
  declare readonly digest: pulumi.Output<string>;
  declare readonly fileCount: pulumi.Output<number>;
  declare readonly totalBytes: pulumi.Output<number>;

  constructor(name: string, args: FileSetFolderArgs, opts?: pulumi.CustomResourceOptions) {
    super(fileSetFolderProvider, name, { ...FOLDER_OUTPUT_PROPS, ...(args || {}) }, opts, 'domo-filesets', 'FileSetFolder');
  }

  /** Adopts the files under a prefix by id `<fileSetId>/<directoryPath>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): FileSetFolder {
    return new FileSetFolder(name, undefined as unknown as FileSetFolderArgs, { ...opts, id });
  }
}
