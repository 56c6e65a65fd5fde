/**
 * Saved plans (`plan --out FILE`, `apply FILE`), as Terraform's: the plan is written as versioned JSON, and
 * applying it first plans again and refuses — changing nothing — when anything the plan was made from has
 * changed since: the manifest, the API it was made against, a FileSet's id, a local file's content or a
 * remote file's id or hash. The refusal names what changed.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { LoaderError } from './errors';
import { describeChange } from './changes';
import { actionsOf } from './plan';
import type { FileSetChange, FileSetPlan, Plan } from './types';

/** Largest plan file read (a plan of 100,000 files is a few tens of MB). */
const MAX_PLAN_BYTES = 512 * 1024 * 1024;

/** SHA-256 hex of a plan file's bytes: what a reviewer approved. */
export function planDigest(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes the plan; returns the file's digest. */
export async function writePlanFile(plan: Plan, file: string): Promise<string> {
  const text = `${JSON.stringify(plan)}\n`;
  try {
    await fsp.writeFile(file, text);
  } catch (e) {
    throw new LoaderError(`cannot write the plan to ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return planDigest(text);
}

/** Reads and checks a plan file; returns it with its digest. Throws LoaderError naming the file. */
export async function readPlanFile(file: string): Promise<{ plan: Plan; digest: string }> {
  let text: string;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    if (st.size > MAX_PLAN_BYTES) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new LoaderError(`cannot read the plan ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new LoaderError(`${file} is not a domo-filesets plan: not JSON`);
  }
  const problem = planShapeProblem(doc);
  if (problem) throw new LoaderError(`${file} is not a usable domo-filesets plan: ${problem}`);
  return { plan: doc as Plan, digest: planDigest(text) };
}

function planShapeProblem(doc: unknown): string | null {
  const o = doc as Partial<Plan> | null;
  if (!o || typeof o !== 'object' || o.format !== 'domo-filesets-plan') return "no 'format: domo-filesets-plan'";
  if (o.version !== 1) return `version ${JSON.stringify(o.version)} is not supported by this version (1)`;
  if (!o.manifest || typeof o.manifest.file !== 'string' || typeof o.manifest.digest !== 'string') return 'no manifest file and digest';
  if (typeof o.target !== 'string') return 'no target';
  if (!Array.isArray(o.filesets)) return 'no filesets';
  for (const fs of o.filesets) {
    if (!fs || typeof fs.name !== 'string' || !Array.isArray(fs.entries) || !Array.isArray(fs.changes)) return 'a FileSet without name, entries or changes';
    for (const e of fs.entries) {
      if (!e || typeof e.directoryPath !== 'string' || !Array.isArray(e.uploads) || !Array.isArray(e.deletes) || !e.state || !Array.isArray(e.problems)) {
        return `an entry of FileSet '${fs.name}' without uploads, deletes, state or problems`;
      }
    }
  }
  return null;
}

/** The actions of a FileSet plan: a key that compares everything, and the words that name it. */
function actionKeys(p: FileSetPlan): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of actionsOf(p.entries)) out.set(`${a.op} ${a.path} ${a.kind ?? ''} ${a.hash ?? '-'}`, `${a.op} ${a.path}${a.kind === 'directory' ? '/' : ''}`);
  for (const c of p.changes) out.set(JSON.stringify(c), describeChange(c));
  return out;
}

/** How a change's starting point (`from`) reads in a message. */
function fromText(c: FileSetChange): string {
  if (c.from === null) return c.op === 'grant' ? 'no grant' : 'nothing';
  return c.op === 'transfer' ? `user ${c.from}` : typeof c.from === 'string' && c.op === 'update' ? JSON.stringify(c.from) : String(c.from);
}

/** FileSet changes of the same words in both plans that start from different states: label → both starting points. */
function movedChanges(saved: readonly FileSetChange[], fresh: readonly FileSetChange[]): Map<string, { planned: string; now: string }> {
  const out = new Map<string, { planned: string; now: string }>();
  const plannedByLabel = new Map(saved.map((c) => [describeChange(c), c]));
  for (const c of fresh) {
    const was = plannedByLabel.get(describeChange(c));
    if (was && JSON.stringify(was) !== JSON.stringify(c)) out.set(describeChange(c), { planned: fromText(was), now: fromText(c) });
  }
  return out;
}

/**
 * Why a saved plan no longer describes what applying it would do, as one-line reasons (empty: it is fresh).
 * `fresh` is a plan made now from the same manifest against the same API.
 */
export function stalenessOf(saved: Plan, fresh: Plan): string[] {
  const reasons: string[] = [];
  if (saved.manifest.digest !== fresh.manifest.digest) reasons.push(`the manifest ${fresh.manifest.file} changed since the plan was made`);
  if (saved.target !== fresh.target) reasons.push(`the plan was made against ${saved.target}, not ${fresh.target}`);
  if (saved.filesets.length !== fresh.filesets.length) {
    reasons.push(`the plan has ${saved.filesets.length} FileSet(s), the manifest now ${fresh.filesets.length}`);
    return reasons;
  }
  saved.filesets.forEach((s, i) => {
    const f = fresh.filesets[i];
    const where = `FileSet '${s.name}'`;
    if (s.name !== f.name || s.id !== f.id) {
      reasons.push(`${where}: planned as ${s.id ?? 'to be created'}, now ${f.id ?? 'absent (to be created)'}${s.name !== f.name ? ` named '${f.name}'` : ''}`);
      return;
    }
    if (s.entries.length !== f.entries.length) {
      reasons.push(`${where}: ${s.entries.length} entries planned, ${f.entries.length} now`);
      return;
    }
    const before = actionKeys(s);
    const now = actionKeys(f);
    // A FileSet change planned from one state and needed now from another (a grant changed in Domo to
    // another permission, a description edited) is one change whose starting point moved, named as such.
    const moved = movedChanges(s.changes, f.changes);
    for (const [label, from] of moved) reasons.push(`${where}: ${label}: planned from ${from.planned}, Domo now has ${from.now}`);
    const gone = [...before].filter(([k, label]) => !now.has(k) && !moved.has(label)).map(([, label]) => label);
    const added = [...now].filter(([k, label]) => !before.has(k) && !moved.has(label)).map(([, label]) => label);
    s.entries.forEach((e, k) => {
      const n = f.entries[k];
      const prefix = e.directoryPath === '' ? 'the root' : `'${e.directoryPath}'`;
      if (e.state.local !== n.state.local) reasons.push(`${where}: local files under ${prefix} changed since the plan`);
      if (e.state.remote !== n.state.remote) reasons.push(`${where}: remote files under ${prefix} changed since the plan (ids or hashes)`);
    });
    const show = (list: string[]): string => list.slice(0, 5).join(', ') + (list.length > 5 ? `, … (${list.length} in all)` : '');
    if (added.length > 0) reasons.push(`${where}: would now also ${show(added)}`);
    if (gone.length > 0) reasons.push(`${where}: would no longer ${show(gone)}`);
  });
  return reasons;
}
