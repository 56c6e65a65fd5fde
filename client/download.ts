/**
 * Downloads: the API answers 302 to a content URL (possibly on another origin). The redirect is followed here,
 * not by undici, so that the token is attached only when the hop's origin is the configured one (the transport
 * decides per URL). Bytes are hashed (SHA-256) while streaming; a file target is written to a temporary file
 * in the same directory and renamed into place, so a failed or corrupt download never leaves a partial file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { IntegrityError, NetworkError, redactPath } from './errors';
import type { Transport } from './transport';
import type { DownloadResult, DownloadTarget } from './types';

const MAX_REDIRECTS = 5;

/** Follows redirects by hand; returns the final 2xx response (body unconsumed). */
async function openContent(transport: Transport, start: URL, signal?: AbortSignal): Promise<{ res: Dispatcher.ResponseData; url: URL }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const spec = { method: 'GET' as const, url, signal };
    const res = await transport.once(spec);
    const location = res.headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && location !== undefined && hop < MAX_REDIRECTS) {
      await res.body.dump();
      url = new URL(Array.isArray(location) ? location[0] : location, url);
      continue;
    }
    await transport.check(res, spec);
    return { res, url };
  }
}

function hashTap(state: { bytes: number; hash: ReturnType<typeof createHash> }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      state.bytes += chunk.length;
      state.hash.update(chunk);
      cb(null, chunk);
    },
  });
}

async function writeToStream(body: AsyncIterable<Buffer>, target: NodeJS.WritableStream, state: { bytes: number; hash: ReturnType<typeof createHash> }): Promise<void> {
  for await (const chunk of body) {
    state.bytes += chunk.length;
    state.hash.update(chunk);
    if (!target.write(chunk)) await once(target as unknown as import('node:events').EventEmitter, 'drain');
  }
}

/**
 * Downloads `start` into `target`, verifying `expectedSha256` when given. File targets are retried as a whole
 * (the temporary file restarts); a stream target is retried only while nothing was written to it yet.
 * The caller's stream is not ended (it may be stdout).
 */
export async function download(args: {
  transport: Transport;
  start: URL;
  target: DownloadTarget;
  expectedSha256: string | null;
  signal?: AbortSignal;
}): Promise<DownloadResult> {
  const { transport, start, target, signal } = args;
  const path = start.pathname + start.search;
  return transport.retrying({ method: 'GET', path, idempotency: 'idempotent', signal }, async (attempt) => {
    const { res, url } = await openContent(transport, start, signal);
    const state = { bytes: 0, hash: createHash('sha256') };
    let tmp: string | undefined;
    try {
      if ('filePath' in target) {
        tmp = join(dirname(target.filePath), `.${basename(target.filePath)}.${randomBytes(6).toString('hex')}.download`);
        await pipeline(res.body, hashTap(state), createWriteStream(tmp), { signal });
      } else {
        try {
          await writeToStream(res.body as AsyncIterable<Buffer>, target.stream, state);
        } catch (err) {
          if (state.bytes > 0 && !signal?.aborted) {
            // Bytes already reached the caller's stream: a retry would duplicate them.
            const p = redactPath(url.pathname + url.search);
            throw new NetworkError(`Network error: GET ${p} — download broke off after ${state.bytes} bytes (${attempt} attempt${attempt === 1 ? '' : 's'})`, {
              method: 'GET', path: p, attempts: attempt, cause: err,
            });
          }
          throw err;
        }
      }
      const sha256 = state.hash.digest('hex');
      if (args.expectedSha256 && sha256 !== args.expectedSha256.toLowerCase()) {
        throw new IntegrityError(
          `SHA-256 mismatch downloading ${redactPath(path)}: expected ${args.expectedSha256.toLowerCase()}, got ${sha256} (${state.bytes} bytes)`,
          { method: 'GET', path: redactPath(path), attempts: attempt, expected: args.expectedSha256.toLowerCase(), actual: sha256 },
        );
      }
      if (tmp !== undefined && 'filePath' in target) {
        await rename(tmp, target.filePath);
        tmp = undefined;
      }
      return { bytes: state.bytes, sha256 };
    } finally {
      if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
      if (!res.body.destroyed) res.body.destroy();
    }
  });
}
