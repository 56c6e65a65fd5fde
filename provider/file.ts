/**
 * The FileSetFile resource: one file in a FileSet, from inline `content` or a local `source` file. check
 * hashes the bytes into the `hash` input, so a content change is an update in preview; fileSetId or path
 * changes replace. The resource id is `<fileSetId>/<path>`.
 */
import * as pulumi from '@pulumi/pulumi';
import type { FileEntry, UploadSource } from '../client/types';
import * as runtimeModule from './runtime';
import type { Failure } from './wire';
import * as wireModule from './wire';

// Plain copies of the helper modules, so the serialized provider carries their code by value. Referenced as
// modules, they would serialize as require("domo-filesets/dist/provider/…") in a user's project: a private
// path the package does not export, and one that ties old state to this version's file layout.
const wire = { ...wireModule };
const rt = { ...runtimeModule };

/** Inputs of a FileSetFile as the provider sees them; `hash` is computed by check. */
export interface FileSetFileInputs {
  fileSetId: string;
  path: string;
  source?: string;
  content?: string;
  contentType?: string;
  hash?: string;
}

/** Outputs of a FileSetFile. */
export interface FileSetFileOutputs {
  fileSetId: string;
  path: string;
  source?: string;
  content?: string;
  /** The content type asked for, else the one Domo assigned. */
  contentType: string | null;
  /** SHA-256 (hex) of the bytes Domo holds. */
  hash: string | null;
  size: number | null;
  /** Domo's file id. */
  fileId: string;
}

/** Fields that identify a file: changing one replaces it. */
const FILE_REPLACE_KEYS = ['fileSetId', 'path'] as const;
/** Fields that update the file in place (a new upload). */
const FILE_UPDATE_KEYS = ['hash', 'contentType', 'source'] as const;

/** SHA-256 hex of a local file, streamed. */
async function hashFile(file: string): Promise<string> {
  const crypto = require('node:crypto') as typeof import('node:crypto');
  const fs = require('node:fs') as typeof import('node:fs');
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** SHA-256 hex of inline content (UTF-8). */
function hashContent(content: string): string {
  const crypto = require('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(Buffer.from(content, 'utf8')).digest('hex');
}

/** Splits `<fileSetId>/<path>` (FileSet ids hold no "/"). */
function parseFileId(id: string): { fileSetId: string; path: string } {
  const i = id.indexOf('/');
  return i < 0 ? { fileSetId: id, path: '' } : { fileSetId: id.slice(0, i), path: id.slice(i + 1) };
}

function uploadSource(inputs: FileSetFileInputs): UploadSource {
  const path = require('node:path') as typeof import('node:path');
  return typeof inputs.content === 'string' ? { content: Buffer.from(inputs.content, 'utf8') } : { filePath: path.resolve(inputs.source as string) };
}

function toOutputs(entry: FileEntry, inputs: FileSetFileInputs): FileSetFileOutputs {
  return wire.compact({
    fileSetId: inputs.fileSetId,
    path: inputs.path,
    source: inputs.source,
    content: inputs.content,
    contentType: inputs.contentType ?? entry.contentType,
    hash: entry.hash ?? inputs.hash ?? null,
    size: entry.size,
    fileId: entry.id,
  });
}

async function upload(inputs: FileSetFileInputs, action: string): Promise<FileSetFileOutputs> {
  return rt.withClient(async (client) => {
    let entry: FileEntry;
    try {
      entry = await client.uploadFile(inputs.fileSetId, wire.compact({
        path: inputs.path,
        source: uploadSource(inputs),
        contentType: inputs.contentType,
        expectedSha256: inputs.hash && inputs.hash !== wire.UNKNOWN ? inputs.hash : undefined,
      }));
    } catch (e) {
      // Bytes that arrived wrong (or changed since check) must not stay behind under the managed path.
      if (e && typeof e === 'object' && (e as { code?: unknown }).code === 'INTEGRITY') {
        await client.deleteFileByPath(inputs.fileSetId, inputs.path).catch(() => undefined);
      }
      throw wire.failure(`${action} "${inputs.path}" in FileSet ${inputs.fileSetId}`, e);
    }
    return toOutputs(entry, inputs);
  });
}

/** The FileSetFile's provider. */
export const fileSetFileProvider: pulumi.dynamic.ResourceProvider<FileSetFileInputs, FileSetFileOutputs> = {
  async configure(req) {
    rt.storeCredentials(req.config);
  },

  async check(_olds, news) {
    const n = news as unknown as Record<string, unknown>;
    const f: Failure[] = [];
    wire.requireString(f, n, 'fileSetId');
    wire.requireString(f, n, 'path');
    if (typeof n.path === 'string' && n.path !== wire.UNKNOWN) {
      const problem = wire.remotePathProblem(n.path, false);
      if (problem) f.push({ property: 'path', reason: `path "${n.path}" ${problem}` });
    }
    wire.optionalType(f, n, 'contentType', 'string');
    wire.optionalType(f, n, 'source', 'string');
    wire.optionalType(f, n, 'content', 'string');
    const hasSource = n.source !== undefined && n.source !== null;
    const hasContent = n.content !== undefined && n.content !== null;
    if (hasSource === hasContent) {
      f.push({ property: hasSource ? 'content' : 'source', reason: 'exactly one of source (a local file) or content (a string) is required' });
    }
    let hash: string | undefined;
    if (f.length === 0) {
      if (wire.isUnknown(hasSource ? n.source : n.content)) {
        hash = wire.UNKNOWN;
      } else if (hasContent) {
        hash = hashContent(n.content as string);
      } else {
        try {
          const path = require('node:path') as typeof import('node:path');
          hash = await hashFile(path.resolve(n.source as string));
        } catch (e) {
          const code = e && typeof e === 'object' ? (e as { code?: string }).code : undefined;
          f.push({ property: 'source', reason: `cannot read source "${n.source}" (relative to ${process.cwd()}): ${code ?? (e as Error).message}` });
        }
      }
    }
    const inputs = wire.compact({ ...news, hash });
    return f.length ? { inputs, failures: f } : { inputs };
  },

  async diff(_id, olds, news) {
    const o = olds as unknown as Record<string, unknown>;
    const n = news as unknown as Record<string, unknown>;
    const replaces = wire.changedKeys(o, n, FILE_REPLACE_KEYS);
    const updates = wire.changedKeys(o, n, FILE_UPDATE_KEYS);
    // Switching between content and source with the same bytes still has to reach the state.
    if ((n.content === undefined) !== (o.content === undefined)) updates.push('content');
    return { changes: replaces.length + updates.length > 0, replaces };
  },

  async create(inputs) {
    const outs = await upload(inputs, 'uploading');
    return { id: `${inputs.fileSetId}/${inputs.path}`, outs };
  },

  async read(id, props) {
    const parsed = parseFileId(id);
    const fileSetId = (props && props.fileSetId) || parsed.fileSetId;
    const path = (props && props.path) || parsed.path;
    return rt.withClient(async (client) => {
      let entry: FileEntry;
      try {
        entry = await client.getFileByPath(fileSetId, path);
      } catch (e) {
        if (wire.isNotFound(e)) return {};
        throw wire.failure(`reading "${path}" in FileSet ${fileSetId}`, e);
      }
      const { __provider: _p, ...old } = (props ?? {}) as Partial<FileSetFileOutputs> & { __provider?: string };
      const outs = toOutputs(entry, { ...old, fileSetId, path, hash: old.hash ?? undefined, contentType: old.contentType ?? undefined });
      const result: pulumi.dynamic.ReadResult<FileSetFileOutputs> = { id: `${fileSetId}/${path}`, props: outs };
      if (!props || !props.path) {
        // Import: what the program must declare to adopt the file without a change.
        return { ...result, inputs: wire.compact({ fileSetId, path, contentType: entry.contentType ?? undefined, hash: entry.hash ?? undefined }) as unknown as FileSetFileOutputs };
      }
      return result;
    });
  },

  async update(_id, olds, news) {
    if (olds.hash === news.hash && olds.hash !== null && (news.contentType === undefined || news.contentType === olds.contentType)) {
      // Same bytes, e.g. only the source path changed: nothing to send.
      const { __provider: _p, ...rest } = olds as FileSetFileOutputs & { __provider?: string };
      return { outs: wire.compact({ ...rest, source: news.source, content: news.content }) };
    }
    return { outs: await upload(news, 'uploading') };
  },

  async delete(_id, props) {
    await rt.withClient(async (client) => {
      try {
        await client.deleteFileByPath(props.fileSetId, props.path);
      } catch (e) {
        if (wire.isNotFound(e)) return;
        throw wire.failure(`deleting "${props.path}" from FileSet ${props.fileSetId}`, e);
      }
    });
  },
};

/** Arguments of a FileSetFile: exactly one of source and content. */
export interface FileSetFileArgs {
  /** The FileSet that holds the file (replaces). */
  fileSetId: pulumi.Input<string>;
  /** Path inside the FileSet, e.g. "handbook/intro.md" (replaces). */
  path: pulumi.Input<string>;
  /** Local file to upload, relative to the Pulumi project directory or absolute. */
  source?: pulumi.Input<string>;
  /** Inline content (UTF-8). */
  content?: pulumi.Input<string>;
  /** Content type (default: derived by Domo/the client from the name). */
  contentType?: pulumi.Input<string>;
}

/** Every output key as undefined, so each becomes an output property. */
const FILE_OUTPUT_PROPS: Record<keyof FileSetFileOutputs, undefined> = {
  fileSetId: undefined,
  path: undefined,
  source: undefined,
  content: undefined,
  contentType: undefined,
  hash: undefined,
  size: undefined,
  fileId: undefined,
};

/** One file in a FileSet. The resource id is `<fileSetId>/<path>`. */
export class FileSetFile extends pulumi.dynamic.Resource {
  declare readonly fileSetId: pulumi.Output<string>;
  declare readonly path: pulumi.Output<string>;
  declare readonly source: pulumi.Output<string | undefined>;
  declare readonly content: pulumi.Output<string | undefined>;
  declare readonly contentType: pulumi.Output<string | null>;
  declare readonly hash: pulumi.Output<string | null>;
  declare readonly size: pulumi.Output<number | null>;
  declare readonly fileId: pulumi.Output<string>;

  constructor(name: string, args: FileSetFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(fileSetFileProvider, name, { ...FILE_OUTPUT_PROPS, ...(args || {}) }, opts, 'domo-filesets', 'FileSetFile');
  }

  /** Adopts an existing file by id `<fileSetId>/<path>`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): FileSetFile {
    return new FileSetFile(name, undefined as unknown as FileSetFileArgs, { ...opts, id });
  }
}
