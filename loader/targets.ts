/**
 * From manifest entries to the FileSets they reach. Entries are grouped by what they name (id when pinned,
 * else name), every group is looked up, and groups that turn out to be the same FileSet (a name and an id
 * that resolve to one id) are merged. Overlap and agreement are checked on the resolved FileSets, before any
 * change: two entries pruning each other's files in one FileSet is refused whatever they are called.
 */
import type { FileSet } from '../client';
import { LoaderError, ManifestError } from './errors';
import { sharedSettingsConflict } from './manifest';
import { forEachPooled } from './pool';
import { findFileSet } from './remote';
import type { Run } from './run';
import type { FileSetSpec, Manifest } from './types';

/** One FileSet the manifest reaches, with every entry that reaches it. */
export interface Target {
  name: string;
  /** The existing FileSet, or null when it must be created. */
  fileSet: FileSet | null;
  specs: FileSetSpec[];
}

/** Entries grouped by the FileSet they name (id when pinned, else name), in manifest order. */
export function groupEntries(specs: readonly FileSetSpec[]): FileSetSpec[][] {
  const groups = new Map<string, FileSetSpec[]>();
  for (const s of specs) {
    const key = s.id !== undefined ? `id:${s.id}` : `name:${s.name}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.values()];
}

/** Looks every group up and merges groups that resolve to the same FileSet; throws on overlapping entries. */
export async function resolveTargets(manifest: Manifest, run: Run): Promise<Target[]> {
  const groups = groupEntries(manifest.filesets);
  const found: (FileSet | null)[] = new Array<FileSet | null>(groups.length).fill(null);
  await forEachPooled(
    groups,
    run.concurrency,
    async (specs, i) => {
      const first = specs[0];
      const fs = await findFileSet(run.client, { name: first.name, ...(first.id !== undefined ? { id: first.id } : {}) });
      if (!fs && first.id !== undefined) {
        throw new LoaderError(`FileSet id '${first.id}' (${first.name}, manifest line ${first.line}) does not exist; remove 'id' to create it by name`);
      }
      found[i] = fs;
    },
    run.signal,
  );
  const targets: Target[] = [];
  const byId = new Map<string, Target>();
  groups.forEach((specs, i) => {
    const fs = found[i];
    const same = fs ? byId.get(fs.id) : undefined;
    if (same) {
      for (const b of specs) {
        for (const a of same.specs) {
          const conflict = sharedSettingsConflict(a, b);
          if (conflict) throw new ManifestError(manifest.file, b.line, `${conflict} (FileSet ${fs!.id})`);
        }
      }
      same.specs.push(...specs);
      return;
    }
    const t: Target = { name: specs[0].name, fileSet: fs, specs: [...specs] };
    if (fs) byId.set(fs.id, t);
    targets.push(t);
  });
  return targets;
}
