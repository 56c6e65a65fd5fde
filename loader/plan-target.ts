/**
 * Planning one FileSet of a manifest: its FileSet-level changes (create, description, aiEnabled) and the
 * plan of each of its entries. Read-only towards Domo. The steps are separate so that an apply can scan
 * every source before it changes anything, and plan and apply each FileSet as soon as its listing is in.
 */
import { listEntry, planEntryFrom, scanEntry, type EntryOptions } from './entry';
import type { RemoteEntry } from './remote';
import type { Run } from './run';
import type { LocalFile } from './scan';
import type { Target } from './targets';
import type { EntryPlan, FileSetChange, FileSetPlan, FileSetSpec } from './types';

/** The first value any entry of the FileSet gives for a key (entries may not disagree: checked at load and lookup). */
function setting<K extends keyof FileSetSpec>(specs: readonly FileSetSpec[], key: K): FileSetSpec[K] | undefined {
  return specs.find((s) => s[key] !== undefined)?.[key];
}

/** What planning needs to know about a manifest entry. */
export function entryOptions(spec: FileSetSpec): EntryOptions {
  return {
    line: spec.line, source: spec.source, directoryPath: spec.directoryPath,
    selection: { include: spec.include, exclude: spec.exclude, dot: spec.dot },
    prune: spec.prune, maxDeletePercent: spec.maxDeletePercent, allowEmpty: spec.allowEmpty, contentTypes: spec.contentTypes,
    ...(spec.maxDeletes !== undefined ? { maxDeletes: spec.maxDeletes } : {}),
  };
}

/** Changes to the FileSet itself that the manifest asks for. */
export function fileSetChanges(target: Target): FileSetChange[] {
  const fs = target.fileSet;
  if (!fs) return [];
  const changes: FileSetChange[] = [];
  const description = setting(target.specs, 'description');
  if (description !== undefined && (fs.description ?? '') !== description) {
    changes.push({ op: 'update', field: 'description', from: fs.description, to: description });
  }
  const aiEnabled = setting(target.specs, 'aiEnabled');
  if (aiEnabled !== undefined && fs.aiEnabled !== aiEnabled) changes.push({ op: 'update', field: 'aiEnabled', from: fs.aiEnabled, to: aiEnabled });
  return changes;
}

/** Scans every entry of the FileSet (in manifest order). */
export async function scanTarget(run: Run, target: Target, deferHash: boolean): Promise<LocalFile[][]> {
  const out: LocalFile[][] = [];
  for (const spec of target.specs) out.push(await scanEntry(run, entryOptions(spec), deferHash));
  return out;
}

/** Lists every entry's prefix of the FileSet. */
export function listTarget(run: Run, target: Target): Promise<RemoteEntry[][]> {
  return Promise.all(target.specs.map((spec) => listEntry(run, target.fileSet?.id ?? null, entryOptions(spec))));
}

/** Plans the FileSet from its scans and listings. */
export async function planTargetFrom(run: Run, target: Target, scans: readonly LocalFile[][], listings: readonly RemoteEntry[][]): Promise<FileSetPlan> {
  const entries: EntryPlan[] = [];
  for (const [k, spec] of target.specs.entries()) {
    entries.push(await planEntryFrom(run, target.fileSet?.id ?? null, entryOptions(spec), scans[k], listings[k]));
  }
  const plan: FileSetPlan = { name: target.name, id: target.fileSet?.id ?? null, changes: fileSetChanges(target), entries };
  if (!target.fileSet) {
    const description = setting(target.specs, 'description');
    const aiEnabled = setting(target.specs, 'aiEnabled');
    plan.create = { name: target.name, ...(description !== undefined ? { description } : {}), ...(aiEnabled !== undefined ? { aiEnabled } : {}) };
  }
  const refused = entries.find((e) => e.refused)?.refused;
  if (refused) plan.refused = refused;
  return plan;
}
