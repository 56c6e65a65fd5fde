/**
 * The FileSetFile resource: one file in a FileSet, from inline `content` or a local `source` file. check
 * hashes the bytes into the `hash` input, so a content change is an update in preview; fileSetId or path
 * changes replace. The resource id is `<fileSetId>/<path>`.
 */
import * as pulumi from '@pulumi/pulumi';
import type { FileEntry, UploadSource } from '../client/types';
import type { Failure } from './inputs';
import { kit as sharedKit } from './kit';
import { fileClaim, recordClaim } from './overlaps';
import { DomoResource, type OutputKeys } from './resource';

// A local copy, so the serialized provider carries the helpers by value (see provider/kit.ts).
const kit = sharedKit;

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

function uploadSource(inputs: FileSetFileInputs): UploadSource {
  const path = require('node:path') as typeof import('node:path');
  return typeof inputs.content === 'string' ? { content: Buffer.from(inputs.content, 'utf8') } : { filePath: path.resolve(inputs.source as string) };
}

function toOutputs(entry: FileEntry, inputs: FileSetFileInputs): FileSetFileOutputs {
  return kit.compact({
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
  return kit.withClient(async (client) => {
    let entry: FileEntry;
    try {
      entry = await client.uploadFile(
        inputs.fileSetId,
        kit.compact({
          path: inputs.path,
          source: uploadSource(inputs),
          contentType: inputs.contentType,
          expectedSha256: inputs.hash && inputs.hash !== kit.UNKNOWN ? inputs.hash : undefined,
        }),
      );
    } catch (e) {
      // Bytes that arrived wrong (or changed since check) must not stay behind under the managed path.
      if (kit.errorCode(e) === 'INTEGRITY') {
        await client.deleteFileByPath(inputs.fileSetId, inputs.path).catch(() => undefined);
      }
      throw kit.failure(`${action} "${inputs.path}" in FileSet ${inputs.fileSetId}`, e, 'EDIT');
    }
    return toOutputs(entry, inputs);
  });
}

/**
 * True when the old and the new file may be the same path or one inside the other in one FileSet (unknowns
 * count as may). Then the old file must go before the new one is uploaded: deleted afterwards it would take
 * the new upload with it, and uploaded first the new path would meet a file where it needs a directory.
 */
function pathsCollide(o: Record<string, unknown>, n: Record<string, unknown>): boolean {
  if (!kit.isUnknown(n.fileSetId) && n.fileSetId !== o.fileSetId) return false;
  return kit.isUnknown(n.path) || kit.prefixesOverlap(String(o.path), String(n.path));
}

/** The FileSetFile's provider. */
export const fileSetFileProvider: pulumi.dynamic.ResourceProvider<FileSetFileInputs, FileSetFileOutputs> = {
  configure: kit.configure,

  async check(_olds, news) {
    const n = news as unknown as Record<string, unknown>;
    const f: Failure[] = [];
    kit.requireString(f, n, 'fileSetId');
    kit.requireString(f, n, 'path');
    if (typeof n.path === 'string' && n.path !== kit.UNKNOWN) {
      const problem = kit.clientLib().remotePathProblem(n.path);
      if (problem) f.push({ property: 'path', reason: `path "${n.path}" ${problem}` });
    }
    kit.overlapFailures(f, n, 'path');
    kit.optionalType(f, n, 'contentType', 'string');
    kit.optionalType(f, n, 'source', 'string');
    kit.optionalType(f, n, 'content', 'string');
    const hasSource = n.source !== undefined && n.source !== null;
    const hasContent = n.content !== undefined && n.content !== null;
    if (hasSource === hasContent) {
      f.push({ property: hasSource ? 'content' : 'source', reason: 'exactly one of source (a local file) or content (a string) is required' });
    }
    let hash: string | undefined;
    if (f.length === 0) {
      if (kit.isUnknown(hasSource ? n.source : n.content)) {
        hash = kit.UNKNOWN;
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
    const inputs = kit.compact({ ...kit.withoutOverlaps(news), hash });
    return f.length ? { inputs, failures: f } : { inputs };
  },

  async diff(_id, olds, news) {
    const o = olds as unknown as Record<string, unknown>;
    const n = news as unknown as Record<string, unknown>;
    const replaces = kit.changedKeys(o, n, FILE_REPLACE_KEYS);
    const updates = kit.changedKeys(o, n, FILE_UPDATE_KEYS);
    // Switching between content and source with the same bytes still has to reach the state.
    if ((n.content === undefined) !== (o.content === undefined)) updates.push('content');
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && pathsCollide(o, n) };
  },

  async create(inputs) {
    const outs = await upload(inputs, 'uploading');
    return { id: `${inputs.fileSetId}/${inputs.path}`, outs };
  },

  async read(id, props) {
    const parsed = kit.splitId(id);
    const fileSetId = (props && props.fileSetId) || parsed.fileSetId;
    const path = (props && props.path) || parsed.rest;
    return kit.withClient(async (client) => {
      let entry: FileEntry;
      try {
        entry = await client.getFileByPath(fileSetId, path);
      } catch (e) {
        if (kit.isNotFound(e)) return {};
        throw kit.failure(`reading "${path}" in FileSet ${fileSetId}`, e, 'READ');
      }
      const old = kit.withoutProvider((props ?? {}) as Partial<FileSetFileOutputs>);
      const outs = toOutputs(entry, { ...old, fileSetId, path, hash: old.hash ?? undefined, contentType: old.contentType ?? undefined });
      const result: pulumi.dynamic.ReadResult<FileSetFileOutputs> = { id: `${fileSetId}/${path}`, props: outs };
      if (!props || !props.path) {
        // Import: what the program must declare to adopt the file without a change.
        return {
          ...result,
          inputs: kit.compact({ fileSetId, path, contentType: entry.contentType ?? undefined, hash: entry.hash ?? undefined }) as unknown as FileSetFileOutputs,
        };
      }
      return result;
    });
  },

  async update(_id, olds, news) {
    if (olds.hash === news.hash && olds.hash !== null && (news.contentType === undefined || news.contentType === olds.contentType)) {
      // Same bytes, e.g. only the source path changed: nothing to send.
      return { outs: kit.compact({ ...kit.withoutProvider(olds), source: news.source, content: news.content }) };
    }
    return { outs: await upload(news, 'uploading') };
  },

  async delete(_id, props) {
    await kit.withClient(async (client) => {
      try {
        await client.deleteFileByPath(props.fileSetId, props.path);
      } catch (e) {
        if (kit.isNotFound(e)) return;
        throw kit.failure(`deleting "${props.path}" from FileSet ${props.fileSetId}`, e, 'EDIT');
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

/** Every output key, so each becomes an output property. */
const FILE_OUTPUTS: OutputKeys<FileSetFileOutputs> = {
  fileSetId: true,
  path: true,
  source: true,
  content: true,
  contentType: true,
  hash: true,
  size: true,
  fileId: true,
};

/**
 * One file in a FileSet. The resource id is `<fileSetId>/<path>`; `FileSetFile.get(name, id)` adopts one.
 * Its path must not be one a FileSetFolder of the same program manages (check fails, naming both).
 */
export class FileSetFile extends DomoResource {
  declare readonly fileSetId: pulumi.Output<string>;
  declare readonly path: pulumi.Output<string>;
  declare readonly source: pulumi.Output<string | undefined>;
  declare readonly content: pulumi.Output<string | undefined>;
  declare readonly contentType: pulumi.Output<string | null>;
  declare readonly hash: pulumi.Output<string | null>;
  declare readonly size: pulumi.Output<number | null>;
  declare readonly fileId: pulumi.Output<string>;

  constructor(name: string, args: FileSetFileArgs, opts?: pulumi.CustomResourceOptions) {
    const claim = args && pulumi.output({ fileSetId: args.fileSetId, path: args.path }).apply((a) => fileClaim(name, a.fileSetId, a.path));
    super(fileSetFileProvider, 'FileSetFile', FILE_OUTPUTS, name, args && { ...args, overlaps: recordClaim(claim) }, opts);
  }
}
