/**
 * Shared body of plan and apply: load the manifest (one-line ManifestError on problems), connect (env or
 * embedded emulator), run the loader with progress on stderr, and hand the report back for rendering.
 */
import { dirname, resolve } from 'node:path';
import type { Manifest, Progress, Report } from '../../loader/types';
import { connectEmbedded, connectFromEnv, withConnection, type Connection } from '../connect';
import type { Ctx } from '../outcome';
import { createProgress } from '../progress';

/** Flags shared by plan and apply. */
export interface ManifestFlags {
  file: string;
  format: 'text' | 'json' | 'markdown';
  concurrency?: number;
  maxDeletes?: number;
  emulator?: boolean;
}

/** Loads the manifest named by -f, relative to the working directory. */
export async function readManifest(ctx: Ctx, file: string): Promise<Manifest> {
  const { loadManifest } = require('../../loader') as typeof import('../../loader');
  return loadManifest(resolve(ctx.cwd, file), ctx.io.env);
}

/** Opens the connection the flags ask for. */
export function connect(ctx: Ctx, flags: { emulator?: boolean }, manifest: Manifest): Promise<Connection> | Connection {
  return flags.emulator ? connectEmbedded(ctx.io, manifest.dir ?? dirname(manifest.file)) : connectFromEnv(ctx.io);
}

/** Runs plan or apply with progress, closing the connection and the progress bar whatever happens. */
export async function runWithProgress(
  ctx: Ctx,
  flags: ManifestFlags,
  fn: (manifest: Manifest, conn: Connection, onProgress: (p: Progress) => void) => Promise<Report>,
): Promise<Report> {
  const manifest = await readManifest(ctx, flags.file);
  return withConnection(connect(ctx, flags, manifest), async (conn) => {
    const progress = createProgress(ctx.io);
    try {
      return await fn(manifest, conn, progress.onProgress);
    } finally {
      progress.stop();
    }
  });
}
