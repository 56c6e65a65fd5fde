/**
 * Uploads: one multipart request below the split threshold, the split upload (initiate, parts, finalize) at
 * or above it. Every upload is checked twice before it counts as done: the stored path must be the
 * requested one exactly (a server that reads another form field, or normalizes names, stores elsewhere),
 * and the stored content must match — by SHA-256 when the server has a usable one, else by size.
 */
import { contentTypeFor, OCTET_STREAM } from './content-type';
import { ConflictError, IntegrityError, isDomoError, isNotFound, PathMismatchError, ValidationError } from './errors';
import type { FormPart, PartData } from './multipart';
import { usableSha256 } from './normalize';
import { splitRemotePath } from './remote-path';
import type { Requester } from './requester';
import { anyBody, fileBody } from './shapes';
import type { FileEntry, UploadedFile, UploadFileRequest } from './types';
import { describeSource, splitParts } from './upload-source';

/** The split-upload settings of a client; a 413 lowers them for the rest of its life. */
export interface SplitLimits {
  splitUploadThreshold: number;
  splitPartSize: number;
}

/** The split-upload steps and lookups an upload needs (DomoFilesClient provides them). */
export interface UploadClient {
  getFileByPath(fileSetId: string, path: string): Promise<FileEntry>;
  deleteFileByPath(fileSetId: string, path: string): Promise<void>;
  initiateSplitUpload(fileSetId: string, path: string): Promise<FileEntry>;
  finalizeSplitUpload(fileSetId: string, fileId: string): Promise<FileEntry>;
  abortSplitUpload(fileSetId: string, fileId: string): Promise<void>;
}

/** Split-upload parts of a file sent at once (Domo assembles parts by number, whatever their order). */
const SPLIT_PARTS_IN_FLIGHT = 3;

const enc = encodeURIComponent;

/** A PathMismatchError when the server stored `entry` under another path than `requested`. */
export function checkStoredPath(requested: string, entry: FileEntry, operation: string): void {
  if (entry.path === requested) return;
  throw new PathMismatchError(
    `The server stored ${JSON.stringify(requested)} as ${JSON.stringify(entry.path)} (${operation}): the upload is not where it was asked to go`,
    { operation, requested, returned: entry.path },
  );
}

/** The multipart form of an upload: the directory in both documented forms, then the file (if any). */
export function uploadForm(directoryPath: string, file?: FormPart): FormPart[] {
  // Metadata first, so a streaming server knows the directory before the bytes arrive. The OpenAPI spec's
  // schema names a top-level `directoryPath` field; its example, Domo's demo app and older references send a
  // `createFileRequest` JSON part. A server reads one or the other; both say the same.
  const parts: FormPart[] = [
    { name: 'directoryPath', data: { kind: 'buffer', buffer: Buffer.from(directoryPath) } },
    { name: 'createFileRequest', data: { kind: 'buffer', buffer: Buffer.from(JSON.stringify({ directoryPath })) } },
  ];
  if (file) parts.push(file);
  return parts;
}

/**
 * Sends the parts (numbered from 1) with at most `inFlight` at a time. After the first failure no new part
 * starts; the parts already sent are awaited (so an abort never races them) and the first error is thrown.
 */
async function forEachPart(parts: AsyncIterable<PartData>, inFlight: number, send: (part: PartData, partNumber: number) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let firstError: { e: unknown } | undefined;
  let partNumber = 0;
  try {
    for await (const part of parts) {
      if (firstError) break;
      const n = ++partNumber;
      const p: Promise<void> = send(part, n).then(
        () => {
          running.delete(p);
        },
        (e: unknown) => {
          running.delete(p);
          firstError ??= { e };
        },
      );
      running.add(p);
      if (running.size >= inFlight) await Promise.race(running);
      if (firstError) break;
    }
  } catch (e) {
    // reading the source failed (a stream error, a file that shrank): stop like a failed part
    firstError ??= { e };
  }
  await Promise.all(running);
  if (firstError) throw firstError.e;
}

/** Sends one split-upload part. Retried: re-sending the same part number replaces that part. */
export async function sendPart(req: Requester, fileSetId: string, fileId: string, partNumber: number, data: PartData, signal?: AbortSignal): Promise<void> {
  if (!Number.isInteger(partNumber) || partNumber < 0) throw new ValidationError(`Invalid part number ${partNumber}`);
  await req.multipart(
    { operation: 'uploadSplitFilePart', idempotency: 'idempotent' },
    `/filesets/${enc(fileSetId)}/files/multipart/${enc(fileId)}/part/${partNumber}`,
    [{ name: 'part', filename: `part-${partNumber}`, contentType: OCTET_STREAM, data }],
    'json-or-empty',
    anyBody,
    signal,
  );
}

/**
 * The split upload never overwrites (409 at initiate). To keep uploadFile's "upload or overwrite" meaning, an
 * existing *file* at the path is deleted and the upload initiated again; a directory is never deleted. A
 * failure after that delete leaves the path empty (the next apply uploads it again). `replaced`: a file was
 * deleted to make room.
 */
async function initiateReplacing(client: UploadClient, fileSetId: string, path: string): Promise<{ started: FileEntry; replaced: boolean }> {
  try {
    return { started: await client.initiateSplitUpload(fileSetId, path), replaced: false };
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const existing = await client.getFileByPath(fileSetId, path).catch((e: unknown) => {
      if (isNotFound(e)) return null;
      throw e;
    });
    if (existing && existing.kind !== 'file') throw err;
    if (existing) {
      await client.deleteFileByPath(fileSetId, path).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
    }
    return { started: await client.initiateSplitUpload(fileSetId, path), replaced: existing !== null };
  }
}

async function splitUpload(
  req: Requester,
  client: UploadClient,
  limits: SplitLimits,
  fileSetId: string,
  path: string,
  data: PartData,
  signal?: AbortSignal,
): Promise<FileEntry> {
  const { started, replaced } = await initiateReplacing(client, fileSetId, path);
  // Once the old file is gone, cancelling would leave the path empty: a replacement is finished instead.
  const partSignal = replaced ? undefined : signal;
  try {
    if (started.path !== '') checkStoredPath(path, started, 'initiateSplitFileUpload');
    // Parts read from a file go out a few at a time: each one waits on the server's parsing and storing,
    // and the disk read of the next overlaps it. Parts cut from a stream or a buffer go one by one, so at
    // most one part is held in memory and part failures surface in order.
    await forEachPart(splitParts(data, limits.splitPartSize), data.kind === 'file' ? SPLIT_PARTS_IN_FLIGHT : 1, (part, partNumber) =>
      sendPart(req, fileSetId, started.id, partNumber, part, partSignal),
    );
  } catch (err) {
    // Leave no half-assembled upload behind; the original error is what the caller needs.
    await client.abortSplitUpload(fileSetId, started.id).catch(() => undefined);
    throw err;
  }
  let done: FileEntry;
  try {
    done = await client.finalizeSplitUpload(fileSetId, started.id);
  } catch (err) {
    await client.abortSplitUpload(fileSetId, started.id).catch(() => undefined);
    throw err;
  }
  checkStoredPath(path, done, 'finalizeSplitFileUpload');
  return done;
}

/**
 * Compares what the server stored with what was sent: the SHA-256 (from `entry`, else one GET by path) when
 * `expectedSha256` is given and the server has a usable one, else the size (`expectedSize`). Throws
 * IntegrityError on a mismatch, or when neither can be compared.
 */
export async function verifyStored(
  client: Pick<UploadClient, 'getFileByPath'>,
  fileSetId: string,
  path: string,
  entry: FileEntry,
  want: { sha256?: string; size?: number },
): Promise<'sha256' | 'size'> {
  let have = entry;
  let fetched = false;
  const refetch = async (): Promise<void> => {
    if (fetched) return;
    have = await client.getFileByPath(fileSetId, path);
    fetched = true;
  };
  if (want.sha256 !== undefined) {
    const expected = want.sha256.toLowerCase();
    if (usableSha256(have) === null) await refetch();
    const got = usableSha256(have);
    if (got !== null) {
      if (got !== expected) {
        throw new IntegrityError(`SHA-256 mismatch after uploading ${path}: expected ${expected}, server has ${got}`, { expected, actual: got });
      }
      return 'sha256';
    }
  }
  if (want.size === undefined) {
    throw new IntegrityError(`Cannot verify upload of ${path}: the server reported no SHA-256 and no size to compare was given`, { expected: want.sha256 });
  }
  if (have.size === null) await refetch();
  if (have.size === null) {
    throw new IntegrityError(`Cannot verify upload of ${path}: the server reported neither a SHA-256 nor a size`, { expected: String(want.size) });
  }
  if (have.size !== want.size) {
    throw new IntegrityError(`Size mismatch after uploading ${path}: sent ${want.size} bytes, server has ${have.size} (it reports no SHA-256)`, {
      expected: String(want.size),
      actual: String(have.size),
    });
  }
  return 'size';
}

/** Lowers the split settings after a 413 to a single upload of `size` bytes. */
function learnTooLarge(limits: SplitLimits, size: number): void {
  limits.splitUploadThreshold = Math.max(1, Math.min(limits.splitUploadThreshold, size));
  limits.splitPartSize = Math.max(1, Math.min(limits.splitPartSize, Math.ceil(size / 2)));
}

/** See DomoFilesClient.uploadFile. */
export async function uploadFile(req: Requester, client: UploadClient, limits: SplitLimits, fileSetId: string, r: UploadFileRequest): Promise<UploadedFile> {
  const { path, directoryPath, name } = splitRemotePath(r.path);
  if (r.expectedSha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(r.expectedSha256)) {
    throw new ValidationError(`expectedSha256 of ${path} must be 64 hex digits`);
  }
  const src = describeSource(r.source);
  try {
    let contentType = r.contentType ?? contentTypeFor(name);
    if (r.contentType === undefined && contentType === OCTET_STREAM) contentType = contentTypeFor(name, src.head());
    const single = (): Promise<FileEntry> =>
      req.multipart(
        { operation: 'createFile', idempotency: src.replayable ? 'idempotent' : 'never' },
        `/filesets/${enc(fileSetId)}/files`,
        uploadForm(directoryPath, { name: 'file', filename: name, contentType, data: src.data }),
        'json',
        fileBody,
        r.signal,
      );
    let entry: FileEntry;
    if (src.size !== undefined && src.size >= limits.splitUploadThreshold) {
      entry = await splitUpload(req, client, limits, fileSetId, path, src.data, r.signal);
    } else {
      try {
        entry = await single();
        checkStoredPath(path, entry, 'createFile');
      } catch (e) {
        if (!(isDomoError(e) && e.code === 'PAYLOAD_TOO_LARGE' && src.replayable && src.size !== undefined)) throw e;
        learnTooLarge(limits, src.size);
        entry = await splitUpload(req, client, limits, fileSetId, path, src.data, r.signal);
      }
    }
    const verified = await verifyStored(client, fileSetId, path, entry, { sha256: r.expectedSha256, size: r.expectedSize ?? src.sentBytes() });
    return { ...entry, verified };
  } finally {
    src.close();
  }
}
