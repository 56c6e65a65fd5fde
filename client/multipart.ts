/**
 * A multipart/form-data body built as a stream with an exact Content-Length whenever every part's size is
 * known, so a 1 GiB upload never sits in memory and the server can reject an oversize body (413) up front.
 * A body is described as data (parts) and rendered per attempt, so a retry reads the file's range again
 * instead of replaying consumed bytes.
 */
import { randomBytes } from 'node:crypto';
import type { OpenedFile } from './upload-source';

/** Where a part's bytes come from. */
export type PartData =
  | { kind: 'buffer'; buffer: Buffer }
  /** A range [start, end) of an opened file, read by position on each rendering. */
  | { kind: 'file'; file: OpenedFile; start: number; end: number }
  | { kind: 'stream'; stream: AsyncIterable<Buffer | string>; size?: number };

/** One form part. */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: PartData;
}

/** A renderable multipart body. */
export interface MultipartBody {
  contentType: string;
  /** Exact byte length, or undefined when a stream part has no declared size (chunked encoding). */
  contentLength: number | undefined;
  /** False when a part is a caller's stream: rendering twice would send a consumed stream. */
  replayable: boolean;
  render(): AsyncIterable<Buffer>;
  /**
   * The whole body as one Buffer when every part is already in memory and it is at most 1 MiB, else undefined.
   * Sending one Buffer skips the per-request stream machinery, which costs more than the bytes themselves.
   */
  toBuffer(): Buffer | undefined;
}

/**
 * Escapes a quoted header parameter as browsers do (WHATWG / RFC 7578 §4.2): the value stays UTF-8 (no
 * `filename*`), and only `"`, CR and LF are percent-escaped because they would end the parameter or header.
 */
function escapeQuotedParam(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function partHeader(boundary: string, part: FormPart): Buffer {
  let h = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuotedParam(part.name)}"`;
  if (part.filename !== undefined) h += `; filename="${escapeQuotedParam(part.filename)}"`;
  h += '\r\n';
  if (part.contentType) h += `Content-Type: ${part.contentType.replace(/[\r\n]/g, '')}\r\n`;
  h += '\r\n';
  return Buffer.from(h, 'utf8');
}

function dataSize(d: PartData): number | undefined {
  if (d.kind === 'buffer') return d.buffer.length;
  if (d.kind === 'file') return d.end - d.start;
  return d.size;
}

/** Bodies up to this size are sent as one Buffer: one copy of up to 1 MiB costs less than a stream per upload. */
const MAX_COPIED_BODY = 1024 * 1024;

/** Builds a multipart body from parts; nothing is read until render() is iterated. */
export function buildMultipart(parts: FormPart[], boundary = `----domo-filesets-${randomBytes(12).toString('hex')}`): MultipartBody {
  const headers = parts.map((p) => partHeader(boundary, p));
  const crlf = Buffer.from('\r\n');
  const closing = Buffer.from(`--${boundary}--\r\n`);
  let contentLength: number | undefined = closing.length;
  for (let i = 0; i < parts.length; i++) {
    const size = dataSize(parts[i].data);
    contentLength = contentLength === undefined || size === undefined ? undefined : contentLength + headers[i].length + size + crlf.length;
  }
  const replayable = parts.every((p) => p.data.kind !== 'stream');
  function toBuffer(): Buffer | undefined {
    // Large in-memory parts (split parts of a Buffer source) are streamed as they are rather than copied.
    if (contentLength === undefined || contentLength > MAX_COPIED_BODY) return undefined;
    const pieces: Buffer[] = [];
    for (let i = 0; i < parts.length; i++) {
      const d = parts[i].data;
      if (d.kind !== 'buffer') return undefined;
      pieces.push(headers[i], d.buffer, crlf);
    }
    pieces.push(closing);
    return Buffer.concat(pieces, contentLength);
  }
  async function* render(): AsyncGenerator<Buffer> {
    for (let i = 0; i < parts.length; i++) {
      yield headers[i];
      const d = parts[i].data;
      if (d.kind === 'buffer') {
        if (d.buffer.length > 0) yield d.buffer;
      } else if (d.kind === 'file') {
        yield* d.file.range(d.start, d.end);
      } else {
        for await (const chunk of d.stream) {
          yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        }
      }
      yield crlf;
    }
    yield closing;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, contentLength, replayable, render, toBuffer };
}
