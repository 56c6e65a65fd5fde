/** Shared fixtures of the loader's integration tests: an emulator, a client, a temp tree and a manifest. */
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DomoFilesClient } from '../../client';
import type { EmulatorHandle, EmulatorOptions } from '../../emulator';
import { loadManifest, type Manifest } from '../../loader';
import { startScratchBackend, type ScratchBackend } from '../support/harness';

/** A running emulator with a client and a scratch directory. */
export type Env = ScratchBackend;

/** Starts an emulator with the run's profile and a client pointed at it (fast retries for fault tests). */
export function startEnv(opts: EmulatorOptions = {}): Promise<Env> {
  return startScratchBackend(opts, { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 50 } });
}

export { writeTree } from '../support/fs-state';

/** Removes files under `root`. */
export function removeFiles(root: string, rels: string[]): void {
  for (const rel of rels) rmSync(path.join(root, rel), { force: true });
}

/** Writes `manifest.yaml` in `dir` and loads it. */
export async function manifestOf(dir: string, yaml: string, env: Record<string, string | undefined> = {}): Promise<Manifest> {
  const file = path.join(dir, 'manifest.yaml');
  writeFileSync(file, yaml);
  return loadManifest(file, env);
}

/** The remote files of a FileSet as sorted [path, hash] pairs (directories left out). */
export async function remoteListing(client: DomoFilesClient, fileSetId: string, directoryPath = ''): Promise<[string, string | null][]> {
  const out: [string, string | null][] = [];
  for await (const f of client.listFiles(fileSetId, { filesOnly: true, limit: 1000, ...(directoryPath ? { directoryPath } : {}) })) {
    if (!f.isDirectory) out.push([f.path, f.hash]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Requests since the last snapshot, per operation id, with the mutating count. */
export function statsDelta(emu: EmulatorHandle): () => { total: number; mutating: number; requests: Record<string, number> } {
  const before = emu.stats();
  return () => {
    const now = emu.stats();
    const requests: Record<string, number> = {};
    for (const [k, v] of Object.entries(now.requests)) {
      const d = v - (before.requests[k] ?? 0);
      if (d > 0) requests[k] = d;
    }
    return { total: now.total - before.total, mutating: now.mutating - before.mutating, requests };
  };
}
