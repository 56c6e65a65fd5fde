/**
 * Child process for the FileSetFolder check measurement: times one loader.folderDigest call in a fresh
 * process, as Pulumi's provider host runs `check` in a fresh process on every preview.
 *   node dist/bench/folder-check.js LOADER_MODULE SOURCE CACHE_DIR
 * Prints {"ms","digest","fileCount","totalBytes"}.
 */
import * as path from 'node:path';

interface FolderDigestFn {
  (opts: { source: string; cacheDir?: string }): Promise<{ digest: string; fileCount: number; totalBytes: number }>;
}

async function main(): Promise<void> {
  const [loaderModule, source, cacheDir] = process.argv.slice(2);
  // Loaded at run time so the bench compiles even while loader/ is mid-change.
  const loader = require(path.resolve(loaderModule)) as { folderDigest?: FolderDigestFn };
  if (typeof loader.folderDigest !== 'function') throw new Error(`${loaderModule} exports no folderDigest`);
  const started = process.hrtime.bigint();
  const r = await loader.folderDigest({ source, cacheDir });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`${JSON.stringify({ ms, digest: r.digest, fileCount: r.fileCount, totalBytes: r.totalBytes })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`folder-check: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
