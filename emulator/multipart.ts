/**
 * Multipart parsing with @fastify/busboy. The first file part is streamed to the store while it is hashed
 * (never buffered whole); small fields are collected. Whatever fails, a blob already written is freed.
 * Every stream involved has an error listener from the moment it exists: a body cut short can fail any of
 * them, possibly before the store starts reading (the disk store first creates a directory), and an
 * unhandled stream error would end the process.
 */
import Busboy from '@fastify/busboy';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { type Ctx, countBody } from './context';
import { errors } from './errors';
import type { Store } from './store/types';

/** The streamed file part, stored. */
export interface StoredPart {
  field: string;
  filename: string;
  blobId: string;
  size: number;
  /** SHA-256 hex of the part ('' when the caller asked for no hash: split parts are hashed whole at finalize). */
  sha256: string;
  /** The part's declared Content-Type. */
  mimeType: string;
  /** The first bytes, for content sniffing of names without a known extension. */
  head: Buffer;
}

const HEAD_BYTES = 1024;

/** A parsed multipart body. */
export interface ParsedForm {
  fields: Record<string, string>;
  file: StoredPart | null;
}

const MAX_FIELD = 1024 * 1024;

/**
 * Parses the request. `fileFields` names the parts to store (the first present one wins); other file
 * parts with a name in `textFields` are read as text (e.g. createFileRequest sent as a Blob); the rest are
 * discarded. `hashFile: false` skips hashing the stored part (a split part's own hash is never used).
 */
export function parseMultipart(ctx: Ctx, store: Store, fileFields: string[], textFields: string[], hashFile = true): Promise<ParsedForm> {
  const ct = ctx.req.headers['content-type'];
  if (!ct || !/^multipart\/form-data/i.test(ct)) throw errors.unsupported(`Content-Type must be multipart/form-data, got ${ct ?? 'none'}`);
  return new Promise<ParsedForm>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let filePromise: Promise<StoredPart> | null = null;
    let fileStream: (NodeJS.ReadableStream & { destroy(e?: Error): void }) | null = null;
    const pending: Promise<void>[] = [];
    let settled = false;
    let bb: ReturnType<typeof Busboy>;
    try {
      bb = Busboy({ headers: { ...ctx.req.headers, 'content-type': ct }, preservePath: true, limits: { fieldSize: MAX_FIELD } });
    } catch (e) {
      throw errors.badRequest(`Malformed multipart body: ${(e as Error).message}`);
    }

    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      ctx.req.unpipe(bb);
      // End the file part's stream too: a parser error does not always reach it (it depends on the Node
      // version), and a part that never ends leaves the store's write, and its partial blob, pending forever.
      fileStream?.destroy(e instanceof Error ? e : new Error(String(e)));
      // Free the blob if the file part was (partly) stored.
      void filePromise?.then((f) => store.deleteBlob(f.blobId)).catch(() => undefined);
      reject(e);
    };

    bb.on('file', (field, stream, filename, _encoding, mimeType) => {
      if (!filePromise && fileFields.includes(field)) {
        fileStream = stream;
        const hash = hashFile ? createHash('sha256') : null;
        const hashing = new PassThrough();
        // The store's reader reports the error; until it attaches, this keeps it from being unhandled.
        hashing.on('error', () => undefined);
        let head = Buffer.alloc(0);
        stream.on('data', (c: Buffer) => {
          hash?.update(c);
          if (head.length < HEAD_BYTES) head = Buffer.concat([head, c.subarray(0, HEAD_BYTES - head.length)]);
        });
        stream.on('error', (e) => hashing.destroy(e));
        stream.pipe(hashing);
        filePromise = store.writeBlob(hashing).then((b) => ({
          field,
          filename: filename ?? '',
          blobId: b.blobId,
          size: b.size,
          sha256: hash ? hash.digest('hex') : '',
          mimeType: mimeType ?? '',
          head,
        }));
        filePromise.catch(fail);
        return;
      }
      // A part cut short fails the whole parse (busboy's error, or the request's close), never this stream alone.
      stream.on('error', () => undefined);
      if (textFields.includes(field)) {
        const chunks: Buffer[] = [];
        pending.push(
          new Promise<void>((res) => {
            stream.on('data', (c: Buffer) => {
              if (chunks.reduce((n, b) => n + b.length, 0) < MAX_FIELD) chunks.push(c);
            });
            stream.on('end', () => {
              fields[field] = Buffer.concat(chunks).toString('utf8');
              res();
            });
          }),
        );
        return;
      }
      stream.resume();
    });
    bb.on('field', (field, value) => {
      fields[field] = value;
    });
    bb.on('error', (e: unknown) => fail(errors.badRequest(`Malformed multipart body: ${(e as Error).message}`)));
    bb.on('finish', () => {
      void Promise.all([filePromise, ...pending]).then(([file]) => {
        if (settled) return;
        settled = true;
        resolve({ fields, file: (file as StoredPart | null) ?? null });
      }, fail);
    });
    // A client that disconnects mid-body: stop, store nothing.
    const abort = (err: Error): void => {
      fileStream?.destroy(err);
      bb.destroy(err);
      fail(errors.badRequest(`Malformed multipart body: ${err.message}`));
    };
    ctx.req.on('error', abort);
    ctx.req.on('close', () => {
      if (!ctx.req.complete) abort(new Error('the connection closed before the body was complete'));
    });
    countBody(ctx);
    ctx.req.pipe(bb);
  });
}
