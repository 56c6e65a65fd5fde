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
import { accessChanges, ownerOf } from './changes';
import type { EntryPlan, FileSetChange, FileSetPlan, FileSetSpec } from './types';

/** The first value any entry of the FileSet gives for a key (entries may not disagree: checked at load and lookup). */
function setting<K extends keyof FileSetSpec>(specs: readonly FileSetSpec[], key: K): FileSetSpec[K] | undefined {
  return specs.find((s) => s[key] !== undefined)?.[key];
}

/** What planning needs to know about a manifest entry. */
function entryOptions(spec: FileSetSpec): EntryOptions {
  return {
    line: spec.line,
    source: spec.source,
    directoryPath: spec.directoryPath,
    selection: { include: spec.include, exclude: spec.exclude, dot: spec.dot },
    prune: spec.prune,
    maxDeletePercent: spec.maxDeletePercent,
    allowEmpty: spec.allowEmpty,
    contentTypes: spec.contentTypes,
    ...(spec.maxDeletes !== undefined ? { maxDeletes: spec.maxDeletes } : {}),
  };
}

/**
 * Changes to the FileSet itself that the manifest asks for, in the order apply makes them: field updates,
 * then access (while the token's user still owns it), then an ownership transfer. Returns the problems that
 * block the FileSet too (a transfer away from the token's own user without allowOwnerTransfer).
 */
async function fileSetChanges(run: Run, target: Target): Promise<{ changes: FileSetChange[]; problems: string[] }> {
  const fs = target.fileSet;
  const changes: FileSetChange[] = [];
  const problems: string[] = [];
  const access = setting(target.specs, 'access');
  const owner = setting(target.specs, 'owner');
  const allowTransfer = target.specs.some((s) => s.allowOwnerTransfer);
  if (fs) {
    const description = setting(target.specs, 'description');
    if (description !== undefined && (fs.description ?? '') !== description) {
      changes.push({ op: 'update', field: 'description', from: fs.description, to: description });
    }
    const aiEnabled = setting(target.specs, 'aiEnabled');
    if (aiEnabled !== undefined && fs.aiEnabled !== aiEnabled) changes.push({ op: 'update', field: 'aiEnabled', from: fs.aiEnabled, to: aiEnabled });
  }
  if (access === undefined && owner === undefined) return { changes, problems };
  const current = fs && access !== undefined ? (await run.client.getAccess(fs.id)).fileSetAccess : [];
  // A FileSet created by this run is owned by the token's user, whose id the API does not tell.
  const currentOwner = fs ? ownerOf(fs, current.length > 0 ? current : null) : null;
  if (access !== undefined) changes.push(...accessChanges(current, currentOwner, access));
  if (owner !== undefined && owner !== currentOwner) {
    const ours = fs === null || fs.permission === 'OWNER';
    if (ours && !allowTransfer) {
      const line = target.specs.find((s) => s.owner !== undefined)?.line ?? 0;
      problems.push(
        `owner ${owner} (line ${line}) would move FileSet '${target.name}' away from ${fs ? `user ${currentOwner ?? '?'}, ` : ''}this token's user, who may then lose access; set allowOwnerTransfer: true to allow it`,
      );
    } else {
      changes.push({ op: 'transfer', from: currentOwner, to: owner });
    }
  }
  return { changes, problems };
}

/**
 * What the token's permission on the FileSet (as the API reports it) cannot do: file changes need EDIT,
 * access and ownership changes need OWNER. Found before anything changes, so nothing half-applies.
 */
function permissionProblems(target: Target, entries: readonly EntryPlan[], changes: readonly FileSetChange[]): string[] {
  const perm = target.fileSet?.permission;
  if (!perm || perm === 'OWNER') return [];
  const out: string[] = [];
  const files = entries.some((e) => e.uploads.length > 0 || e.deletes.length > 0);
  const fields = changes.some((c) => c.op === 'update');
  const owned = changes.filter((c) => c.op !== 'update');
  if ((files || fields) && perm !== 'EDIT') out.push(`this token's user has ${perm} on FileSet '${target.name}'; changing its files or settings needs EDIT`);
  if (owned.length > 0) out.push(`this token's user has ${perm} on FileSet '${target.name}'; changing its access or owner needs OWNER`);
  return out;
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
  const { changes, problems } = await fileSetChanges(run, target);
  problems.push(...permissionProblems(target, entries, changes));
  if (problems.length > 0 && entries.length > 0) entries[0].problems.push(...problems);
  const plan: FileSetPlan = { name: target.name, id: target.fileSet?.id ?? null, changes, entries };
  if (!target.fileSet) {
    const description = setting(target.specs, 'description');
    const aiEnabled = setting(target.specs, 'aiEnabled');
    plan.create = { name: target.name, ...(description !== undefined ? { description } : {}), ...(aiEnabled !== undefined ? { aiEnabled } : {}) };
  }
  const refused = entries.find((e) => e.refused)?.refused;
  if (refused) plan.refused = refused;
  return plan;
}
