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
import { errorCodeOf } from './retry-policy';
import type { Transport } from './transport';
import type { DownloadResult, DownloadTarget } from './types';

const MAX_REDIRECTS = 5;

function hashTap(state: { bytes: number; hash: ReturnType<typeof createHash> }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      state.bytes += chunk.length;
      state.hash.update(chunk);
      cb(null, chunk);
    },
  });
}

async function writeToStream(
  body: AsyncIterable<Buffer>,
  target: NodeJS.WritableStream,
  state: { bytes: number; hash: ReturnType<typeof createHash> },
): Promise<void> {
  for await (const chunk of body) {
    state.bytes += chunk.length;
    state.hash.update(chunk);
    if (!target.write(chunk)) await once(target as unknown as import('node:events').EventEmitter, 'drain');
  }
}

/**
 * Downloads `start` into `target`, verifying `expectedSha256` when given. File targets are retried as a whole
 * (the temporary file restarts); a stream target is retried only while nothing was written to it yet.
 * The caller's stream is not ended (it may be stdout). Each redirect hop is one request of the client's
 * limiter; the last one holds its slot while the body streams.
 */
export async function download(args: {
  transport: Transport;
  start: URL;
  target: DownloadTarget;
  expectedSha256: string | null;
  signal?: AbortSignal;
  operation: string;
}): Promise<DownloadResult> {
  const { transport, start, target, signal } = args;
  const path = start.pathname + start.search;
  return transport.retrying({ operation: args.operation, idempotency: 'idempotent', method: 'GET', path, signal }, async (attempt) => {
    let url = start;
    for (let hop = 0; ; hop++) {
      const spec = { method: 'GET' as const, url, signal };
      const next = await transport.exchange(spec, async (res) => {
        const location = res.headers.location;
        if (res.statusCode >= 300 && res.statusCode < 400 && location !== undefined && hop < MAX_REDIRECTS) {
          await res.body.dump();
          return new URL(Array.isArray(location) ? location[0] : location, url);
        }
        await transport.check(res, spec);
        return receive(res, url, target, attempt, args.expectedSha256, path, signal);
      });
      if (next instanceof URL) {
        url = next;
        continue;
      }
      return next;
    }
  });
}

async function receive(
  res: Dispatcher.ResponseData,
  url: URL,
  target: DownloadTarget,
  attempt: number,
  expectedSha256: string | null,
  path: string,
  signal: AbortSignal | undefined,
): Promise<DownloadResult> {
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
            method: 'GET',
            path: p,
            attempts: attempt,
            cause: err,
            reason: errorCodeOf(err) === 'DEADLINE' ? 'deadline' : 'reset',
          });
        }
        throw err;
      }
    }
    const sha256 = state.hash.digest('hex');
    if (expectedSha256 && sha256 !== expectedSha256.toLowerCase()) {
      throw new IntegrityError(
        `SHA-256 mismatch downloading ${redactPath(path)}: expected ${expectedSha256.toLowerCase()}, got ${sha256} (${state.bytes} bytes)`,
        { method: 'GET', path: redactPath(path), attempts: attempt, expected: expectedSha256.toLowerCase(), actual: sha256 },
      );
    }
    if (tmp !== undefined && 'filePath' in target) {
      await rename(tmp, target.filePath);
      tmp = undefined;
    }
    return { bytes: state.bytes, sha256 };
  } finally {
    if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
  }
}
