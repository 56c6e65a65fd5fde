/**
 * Shared body of the manifest commands: load the manifest (one-line ManifestError on problems), connect (env
 * or embedded emulator), run the loader with progress on stderr (and, for commands that change things, with
 * Ctrl-C/SIGTERM handling), and hand the report back for rendering.
 */
import { dirname, resolve } from 'node:path';
import type { RunOptions } from '../../loader/run';
import type { Manifest, Report } from '../../loader/types';
import { connectEmbedded, connectFromEnv, withConnection, type ConnectOptions, type Connection } from '../connect';
import { onInterrupt } from '../interrupt';
import type { Ctx } from '../outcome';
import { createProgress } from '../progress';
import type { Format } from '../validate';

/** Flags shared by plan and apply. */
export interface ManifestFlags {
  file?: string;
  format: Format;
  concurrency?: number;
  /** false with --no-adaptive: the client keeps --concurrency requests in flight from the start. */
  adaptive?: boolean;
  /** --request-timeout: the longest one attempt of a request may take, headers and body, in ms. */
  requestTimeout?: number;
  maxDeletes?: number;
  emulator?: boolean;
}

/** Loads the manifest named by -f, relative to the working directory. */
export async function readManifest(ctx: Ctx, file: string): Promise<Manifest> {
  const { loadManifest }: typeof import('../../loader') = require('../../loader');
  return loadManifest(resolve(ctx.cwd, file), ctx.io.env);
}

/** Opens the connection the flags ask for. */
export function connect(
  ctx: Ctx,
  flags: { emulator?: boolean; requestTimeout?: number } & Omit<ConnectOptions, 'requestTimeoutMs'>,
  manifest: Manifest,
): Promise<Connection> | Connection {
  const opts: ConnectOptions = {
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.adaptive === false ? { adaptive: false } : {}),
    ...(flags.requestTimeout !== undefined ? { requestTimeoutMs: flags.requestTimeout } : {}),
  };
  return flags.emulator ? connectEmbedded(ctx.io, manifest.dir ?? dirname(manifest.file), opts) : connectFromEnv(ctx.io, opts);
}

/**
 * Runs a loader operation with progress and the run options the flags give, closing the connection and the
 * progress bar whatever happens. `interruptible`: Ctrl-C/SIGTERM stop the run (see interrupt.ts).
 */
export async function runWithProgress<T = Report>(
  ctx: Ctx,
  flags: ManifestFlags,
  manifest: Manifest,
  interruptible: boolean,
  fn: (opts: RunOptions, conn: Connection) => Promise<T>,
): Promise<T> {
  return withConnection(connect(ctx, flags, manifest), async (conn) => {
    const progress = createProgress(ctx.io);
    const interrupt = interruptible ? onInterrupt(ctx.io) : undefined;
    try {
      return await fn(
        {
          client: conn.client,
          onProgress: progress.onProgress,
          ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
          ...(flags.maxDeletes !== undefined ? { maxDeletes: flags.maxDeletes } : {}),
          ...(interrupt ? { signal: interrupt.stop, cancel: interrupt.cancel } : {}),
        },
        conn,
      );
    } finally {
      interrupt?.dispose();
      progress.stop();
    }
  });
}
