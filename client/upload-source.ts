/**
 * Upload sources described as data: size (when knowable), whether a retry can replay them, how to read one
 * range of them for split-upload parts, and their first bytes for content sniffing.
 *
 * A local file is opened once, without blocking (a FIFO put where a file was must not hang the process), and
 * every read — retries and split parts included — is a positioned read from that one descriptor: what is
 * sent is the file that was opened, even if its path is replaced meanwhile. With `expect` the open does not
 * follow a symlink and the opened file must be the regular file (device + inode) the caller approved.
 */
import { closeSync, constants, fstatSync, openSync, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import { SNIFF_BYTES } from './content-type';
import { SourceChangedError, ValidationError } from './errors';
import type { PartData } from './multipart';
import type { UploadSource } from './types';

const readAsync = promisify(read);

/** Chunk size of positioned reads when a file range is streamed. */
const READ_CHUNK = 256 * 1024;

/** A local file opened for an upload; close it when the upload settles. */
export class OpenedFile {
  private closed = false;

  constructor(
    readonly filePath: string,
    private readonly fd: number,
    /** The size fstat reported at open: what is sent. */
    readonly size: number,
  ) {}

  /** Bytes [start, end) in chunks; a file that shrank meanwhile is SourceChangedError (the length is promised). */
  async *range(start: number, end: number): AsyncGenerator<Buffer> {
    for (let pos = start; pos < end;) {
      const want = Math.min(READ_CHUNK, end - pos);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await readAsync(this.fd, buf, 0, want, pos);
      if (bytesRead === 0) {
        throw new SourceChangedError(`Source file ${this.filePath} shrank while it was uploaded (${pos} of ${this.size} bytes read)`, {
          filePath: this.filePath,
        });
      }
      pos += bytesRead;
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
  }

  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  readSync(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let n = 0;
    while (n < length) {
      const r = readSync(this.fd, buf, n, length - n, position + n);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n);
  }

  /** Closes the descriptor (once). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // already gone: nothing to release
    }
  }
}

/** A source with what the client needs to know before sending it. */
export interface DescribedSource {
  /** The whole body as one multipart part's data. */
  data: PartData;
  size: number | undefined;
  /** File paths and buffers can be read again for a retry; a caller's stream cannot. */
  replayable: boolean;
  /** The first bytes (up to SNIFF_BYTES) for content sniffing; undefined for a caller's stream. */
  head(): Buffer | undefined;
  /** Bytes handed to the request body so far (a stream's size is known only after it was sent). */
  sentBytes(): number;
  /** Releases the file descriptor, if any. */
  close(): void;
}

/**
 * Files up to this size are read whole by one synchronous read right after the open, and closed at once: a
 * read stream per file (thread-pool round trips and a stream each) dominated many-small-file applies.
 */
const SMALL_FILE_BYTES = 256 * 1024;

function changed(filePath: string, what: string): SourceChangedError {
  return new SourceChangedError(`Source file ${filePath} changed since it was approved for upload: ${what}`, { filePath });
}

/**
 * Opens a local file for an upload (see the header comment). With `expect`: a symlink, a vanished path,
 * anything but a regular file, or another device/inode is SourceChangedError. Without: the path may be a
 * symlink; anything but a regular file is ValidationError; other failures are Node's own errors.
 */
function openSource(filePath: string, expect?: { dev: number; ino: number }): OpenedFile {
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (expect ? (constants.O_NOFOLLOW ?? 0) : 0);
  let fd: number;
  try {
    fd = openSync(filePath, flags);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (expect && code === 'ELOOP') throw changed(filePath, 'it is now a symbolic link');
    if (expect && code === 'ENOENT') throw changed(filePath, 'it no longer exists');
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      if (expect) throw changed(filePath, 'it is no longer a regular file');
      throw new ValidationError(`Not a regular file: ${filePath}`);
    }
    if (expect && (st.dev !== expect.dev || st.ino !== expect.ino)) throw changed(filePath, 'it was replaced by another file');
    return new OpenedFile(filePath, fd, st.size);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function counting(stream: NodeJS.ReadableStream, count: { n: number }): AsyncIterable<Buffer> {
  return (async function* () {
    for await (const raw of stream as AsyncIterable<Buffer | string>) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      count.n += chunk.length;
      yield chunk;
    }
  })();
}

/**
 * Resolves size and replayability. A small file is read whole and closed at once; a larger one stays open
 * (read by position when sent) until close().
 */
export function describeSource(source: UploadSource): DescribedSource {
  if ('filePath' in source) {
    const file = openSource(source.filePath, source.expect);
    if (file.size <= SMALL_FILE_BYTES) {
      // One byte more than fstat's size tells a file that grows while it is read.
      const buf = file.readSync(0, file.size + 1);
      if (buf.length <= file.size) {
        file.close();
        return bufferSource(buf);
      }
    }
    return {
      data: { kind: 'file', file, start: 0, end: file.size },
      size: file.size,
      replayable: true,
      head: () => file.readSync(0, Math.min(SNIFF_BYTES, file.size)),
      sentBytes: () => file.size,
      close: () => file.close(),
    };
  }
  if ('content' in source) {
    const c = source.content;
    return bufferSource(typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  }
  if ('stream' in source) {
    const count = { n: 0 };
    return {
      data: { kind: 'stream', stream: counting(source.stream, count), size: source.size },
      size: source.size,
      replayable: false,
      head: () => undefined,
      sentBytes: () => count.n,
      close: () => undefined,
    };
  }
  throw new ValidationError('Upload source must be {filePath}, {content} or {stream}');
}

function bufferSource(buffer: Buffer): DescribedSource {
  return {
    data: { kind: 'buffer', buffer },
    size: buffer.length,
    replayable: true,
    head: () => buffer.subarray(0, SNIFF_BYTES),
    sentBytes: () => buffer.length,
    close: () => undefined,
  };
}

/** Yields the part data of a split upload: file ranges (read when sent) or buffers cut from a stream. */
export async function* splitParts(d: PartData, partSize: number): AsyncGenerator<PartData> {
  if (d.kind === 'file') {
    for (let start = d.start; start < d.end; start += partSize) {
      yield { kind: 'file', file: d.file, start, end: Math.min(d.end, start + partSize) };
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
  for await (const raw of d.stream) {
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
