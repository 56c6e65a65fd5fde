/**
 * Upload sources described as data: size (when knowable), whether a retry can replay them, and how to read
 * one range of them for split-upload parts.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { ValidationError } from './errors';
import type { PartData } from './multipart';
import type { UploadSource } from './types';

/** A source with what the client needs to know before sending it. */
export interface DescribedSource {
  /** The whole body as one multipart part's data. */
  data: PartData;
  size: number | undefined;
  /** File paths and buffers can be read again for a retry; a caller's stream cannot. */
  replayable: boolean;
}

/**
 * Files up to this size are read into memory in one go: one open/read/close instead of a stat plus a read
 * stream (three thread-pool round trips and a stream per file), which dominated many-small-file applies.
 */
export const SMALL_FILE_BYTES = 256 * 1024;

/**
 * Reads a small regular file whole with synchronous calls (a few microseconds for a few KiB, cheaper than
 * the thread-pool round trips of the async API). Returns null when the file is not a regular file or is
 * larger than SMALL_FILE_BYTES, so the caller takes the general path (and its error messages).
 */
export function readSmallFile(filePath: string): Buffer | null {
  let fd: number;
  try {
    // Non-blocking open: a FIFO put where a file was must not block the process (fstat then refuses it).
    fd = openSync(filePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null; // the general path reports it (stat's error, as before)
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > SMALL_FILE_BYTES) return null;
    // One byte more than the stat size tells a file that grew since stat; it is then read by the stream path.
    const buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
    }
    if (n > st.size) return null;
    return buf.subarray(0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Resolves size and replayability; small files are read whole, larger ones only stat'ed (read when sent). */
export async function describeSource(source: UploadSource): Promise<DescribedSource> {
  if ('filePath' in source) {
    const small = readSmallFile(source.filePath);
    if (small) return { data: { kind: 'buffer', buffer: small }, size: small.length, replayable: true };
    const st = await stat(source.filePath);
    if (!st.isFile()) throw new ValidationError(`Not a regular file: ${source.filePath}`);
    return { data: { kind: 'file', filePath: source.filePath, start: 0, end: st.size }, size: st.size, replayable: true };
  }
  if ('content' in source) {
    const c = source.content;
    const buffer = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    return { data: { kind: 'buffer', buffer }, size: buffer.length, replayable: true };
  }
  if ('stream' in source) {
    return { data: { kind: 'stream', stream: source.stream, size: source.size }, size: source.size, replayable: false };
  }
  throw new ValidationError('Upload source must be {filePath}, {content} or {stream}');
}

/**
 * Splits a remote path into the multipart upload's directoryPath and filename: "a/b c/d.txt" →
 * {directoryPath: "a/b c", name: "d.txt"}; "d.txt" → {directoryPath: "", name: "d.txt"}.
 */
export function splitRemotePath(path: string): { path: string; directoryPath: string; name: string } {
  if (/[/\\]$/.test(path)) throw new ValidationError(`Invalid remote file path "${path}": it ends with a slash (a directory)`);
  const clean = normalizeRemotePath(path);
  const name = posix.basename(clean);
  if (clean === '' || name === '' || name === '.' || name === '..') {
    throw new ValidationError(`Invalid remote file path "${path}": it needs a file name`);
  }
  const dir = posix.dirname(clean);
  return { path: clean, directoryPath: dir === '.' ? '' : dir, name };
}

/** POSIX separators, no leading/trailing or doubled slashes; "." and ".." segments refused. */
export function normalizeRemotePath(path: string): string {
  const segments = path.replace(/\\/g, '/').split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new ValidationError(`Invalid remote path "${path}": "." and ".." segments are not allowed`);
  }
  return segments.join('/');
}

/** Yields the part data of a split upload: file ranges (read lazily) or buffers cut from a stream. */
export async function* splitParts(d: PartData, partSize: number): AsyncGenerator<PartData> {
  if (d.kind === 'file') {
    for (let start = d.start; start < d.end; start += partSize) {
      yield { kind: 'file', filePath: d.filePath, start, end: Math.min(d.end, start + partSize) };
    }
    return;
  }
  if (d.kind === 'buffer') {
    for (let start = 0; start < d.buffer.length; start += partSize) {
      yield { kind: 'buffer', buffer: d.buffer.subarray(start, start + partSize) };
    }
    return;
  }
  // A stream is cut into buffered parts so each part can be retried on its own.
  let pending: Buffer[] = [];
  let pendingSize = 0;
  for await (const raw of d.stream as AsyncIterable<Buffer | string>) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    while (pendingSize + chunk.length >= partSize) {
      const take = partSize - pendingSize;
      pending.push(chunk.subarray(0, take));
      yield { kind: 'buffer', buffer: Buffer.concat(pending) };
      pending = [];
      pendingSize = 0;
      chunk = chunk.subarray(take);
    }
    if (chunk.length) {
      pending.push(chunk);
      pendingSize += chunk.length;
    }
  }
  if (pendingSize > 0) yield { kind: 'buffer', buffer: Buffer.concat(pending) };
}
