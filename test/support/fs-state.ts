/**
 * Helpers shared by the suites that run the built CLI against an emulator (test/e2e, test/chaos,
 * test/badinput, test/security): where the build is, temp workspaces, and the local and remote file sets
 * the suites compare.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { DomoFilesClient } from '../../client';

/** Repository root. */
export const ROOT = join(__dirname, '..', '..');
/** The built CLI. */
export const BIN = join(ROOT, 'dist', 'cli', 'bin.js');

/** Fails loudly when the build is missing instead of a confusing spawn error. */
export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does it in pretest)`);
}

/** A temp workspace with helpers to write a source tree and a manifest. */
export interface Workspace {
  dir: string;
  write(rel: string, content: string | Buffer): Promise<void>;
  remove(rel: string): Promise<void>;
  manifest(yaml: string, name?: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** Creates a temp workspace under the OS temp dir. */
export async function workspace(label = 'e2e'): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), `domo-filesets-${label}-`));
  return {
    dir,
    async write(rel, content) {
      const p = join(dir, rel);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, content);
    },
    async remove(rel) {
      await rm(join(dir, rel), { force: true, recursive: true });
    },
    async manifest(yaml, name = 'manifest.yaml') {
      const p = join(dir, name);
      await writeFile(p, yaml);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Writes files (path → content) under `root`, creating directories. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** SHA-256 hex. */
export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Local files under `root` as remote path → sha256 (NFC, as Domo stores names), with an optional prefix. */
export async function localState(root: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const rel = relative(root, p).split(sep).join('/');
        out[(prefix ? `${prefix}/${rel}` : rel).normalize('NFC')] = sha256(await readFile(p));
      }
    }
  };
  await walk(root);
  return out;
}

/** Remote files as path → hash; throws on a duplicate path (the listing must never hold one path twice). */
export async function remoteState(client: DomoFilesClient, fileSetId: string, directoryPath?: string): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for await (const f of client.listFiles(fileSetId, { filesOnly: true, ...(directoryPath ? { directoryPath } : {}) })) {
    const p = f.path.normalize('NFC');
    if (p in out) throw new Error(`duplicate remote file ${JSON.stringify(p)}`);
    out[p] = f.hash;
  }
  return out;
}
