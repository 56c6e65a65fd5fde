/**
 * Pure verdicts on what uploads did: which form field sets the directory, whether paths come back as sent,
 * overwrites, implicit parent directories, SHA-256, declared content types and the split upload. Each takes
 * the answers its gatherer collected and decides, with the client's own readers, whether this version copes.
 */
import { normalizeFile, usableSha256 } from '../../client/normalize';
import { describeAnswer, fileEntryOf, ok, shown } from './answers';
import { jsonOf, type RawAnswer } from './raw';
import type { Json, Verdict } from './types';

/** Three uploads: the directory only in the createFileRequest part, only in a directoryPath field, in both. */
export interface UploadFieldObs {
  crf: { requested: string; answer: RawAnswer };
  dp: { requested: string; answer: RawAnswer };
  both: { requested: string; answer: RawAnswer };
}

/** Where an upload landed: its returned path, or the answer when it was refused. */
function landing(u: { requested: string; answer: RawAnswer }): { there: boolean; where: string } {
  const e = fileEntryOf(u.answer);
  if (!e) return { there: false, where: `refused (${describeAnswer(u.answer)})` };
  return { there: e.path === u.requested, where: shown(e.path) };
}

/** Which multipart field the server reads the directory from. */
export function judgeUploadField(o: UploadFieldObs): Verdict {
  const crf = landing(o.crf);
  const dp = landing(o.dp);
  const both = landing(o.both);
  const value = crf.there && dp.there ? 'both' : crf.there ? 'createFileRequest' : dp.there ? 'directoryPath' : 'neither';
  const observed = {
    both: 'either field: createFileRequest and directoryPath each set it',
    createFileRequest: `the createFileRequest JSON part (directoryPath alone landed at ${dp.where})`,
    directoryPath: `the top-level directoryPath field (createFileRequest alone landed at ${crf.where})`,
    neither: `neither (createFileRequest alone: ${crf.where}; directoryPath alone: ${dp.where})`,
  }[value];
  return {
    observed,
    value,
    handled: both.there,
    note: both.there
      ? 'the client sends both forms with the same directory, so every upload lands where it is asked to'
      : `an upload with both forms landed at ${both.where}: the client fails such uploads (PATH_MISMATCH) and apply exits 1`,
    ...(value === 'neither' ? {} : { emulator: [`--upload-field ${value}`] }),
  };
}

/** Uploads of names that servers tend to change, and every path the listing gave afterwards. */
export interface PathFidelityObs {
  cases: { label: string; requested: string; answer: RawAnswer }[];
  /** Paths of the FileSet's listing after the uploads. */
  listed: string[];
}

/** Whether uploads and listings give back exactly the path requested. */
export function judgePathFidelity(o: PathFidelityObs): Verdict {
  const listed = new Set(o.listed);
  const problems: { case: string; requested: string; got: string }[] = [];
  for (const c of o.cases) {
    const e = fileEntryOf(c.answer);
    if (!e) problems.push({ case: c.label, requested: c.requested, got: `refused (${describeAnswer(c.answer)})` });
    else if (e.path !== c.requested) problems.push({ case: c.label, requested: c.requested, got: `returned ${shown(e.path)}` });
    else if (!listed.has(c.requested)) problems.push({ case: c.label, requested: c.requested, got: 'not listed under that path' });
  }
  const labels = o.cases.map((c) => c.label).join(', ');
  return {
    observed: problems.length === 0 ? `kept exactly (${labels})` : `changed: ${problems.map((p) => `${p.case} ${shown(p.requested)} ${p.got}`).join('; ')}`,
    value: { changed: problems },
    handled: problems.length === 0,
    note:
      problems.length === 0
        ? 'uploads and listings give back the names sent, so plans converge'
        : 'the client refuses an upload stored under another path (PATH_MISMATCH): apply fails for such names instead of syncing them wrongly',
  };
}

/** Two uploads to one path, the second with `secondSize` bytes. */
export interface OverwriteObs {
  first: RawAnswer;
  second: RawAnswer;
  secondSize: number;
}

/** What a second upload to an existing path does. */
export function judgeOverwrite(o: OverwriteObs): Verdict {
  const first = fileEntryOf(o.first);
  if (!first)
    return { observed: `the first upload was refused: ${describeAnswer(o.first)}`, value: null, handled: false, note: 'uploads do not work with this token' };
  if (o.second.status === 409) {
    return {
      observed: '409 Conflict: no overwrite',
      value: { status: 409, sameId: null },
      handled: false,
      note: "replacing a changed file fails: the token's user needs permission to overwrite files in the FileSet",
      emulator: ['--no-overwrite'],
    };
  }
  const second = fileEntryOf(o.second);
  if (!second)
    return {
      observed: `re-upload answered ${describeAnswer(o.second)}`,
      value: { status: o.second.status, sameId: null },
      handled: false,
      note: 'replacing a changed file fails',
    };
  const sameId = second.id === first.id;
  const replaced = second.size === null || second.size === o.secondSize;
  return {
    observed: `${o.second.status}, file id ${sameId ? 'kept' : 'changed'}${replaced ? '' : `, but the size is still ${second.size}`}`,
    value: { status: o.second.status, sameId },
    handled: replaced,
    note: replaced
      ? 'a replace uploads over the old file; the loader keeps the id each upload returns'
      : 'the server answered success but kept the old content: the client fails the upload on the size or SHA-256 check',
  };
}

/** An upload into nested directories and the FileSet's listing afterwards. */
export interface ImplicitDirsObs {
  upload: RawAnswer;
  /** The parent directories of the uploaded file, outermost first. */
  parents: string[];
  /** The listing's entries as the client reads them (path, and kind 'directory' for directories). */
  listed: { path: string; kind: string }[];
}

/** Whether an upload into a/b creates directory entries for a and a/b. */
export function judgeImplicitDirs(o: ImplicitDirsObs): Verdict {
  if (!fileEntryOf(o.upload)) {
    return {
      observed: `an upload into a directory that does not exist was refused: ${describeAnswer(o.upload)}`,
      value: null,
      handled: false,
      note: 'the client does not create parent directories before an upload',
    };
  }
  const dirs = new Set(o.listed.filter((e) => e.kind === 'directory').map((e) => e.path));
  const present = o.parents.filter((p) => dirs.has(p));
  const value: Json = present.length === o.parents.length ? true : present.length === 0 ? false : 'partial';
  return {
    observed:
      value === true
        ? 'yes: the parents are listed as directories'
        : value === false
          ? 'no: no directory entries appear'
          : `partly: only ${present.map(shown).join(', ')}`,
    value,
    handled: true,
    note: 'directory entries are never planned as files; the loader works with them or without them',
    ...(value === 'partial' ? {} : { emulator: [value ? '--implicit-dirs' : '--no-implicit-dirs'] }),
  };
}

/** An upload's answer and the same file's raw listing entry (null: not listed), with the SHA-256 sent. */
export interface Sha256Obs {
  expected: string;
  upload: RawAnswer;
  listed: unknown | null;
}

type HashState = 'match' | 'absent' | 'other algorithm' | 'mismatch' | 'not listed';

function hashState(raw: unknown, expected: string): HashState {
  const e = normalizeFile(raw);
  const usable = usableSha256(e);
  if (usable !== null) return usable === expected ? 'match' : 'mismatch';
  return e.hash !== null ? 'other algorithm' : 'absent';
}

/** Whether files carry their SHA-256 in upload answers and listings. */
export function judgeSha256(o: Sha256Obs): Verdict {
  const entry = fileEntryOf(o.upload);
  if (!entry)
    return { observed: `the upload was refused: ${describeAnswer(o.upload)}`, value: null, handled: false, note: 'uploads do not work with this token' };
  const upload = hashState(jsonOf(o.upload), o.expected);
  const listing: HashState = o.listed === null ? 'not listed' : hashState(o.listed, o.expected);
  const has = (s: HashState): boolean => s === 'match';
  const observed =
    has(upload) && has(listing)
      ? 'in the upload answer and in listings'
      : !has(upload) && has(listing)
        ? `in listings only (upload answer: ${upload})`
        : `upload answer: ${upload}; listing: ${listing}`;
  const bad = upload === 'mismatch' || listing === 'mismatch' || listing === 'not listed';
  const none = !has(upload) && !has(listing);
  return {
    observed,
    value: { upload, listing },
    handled: !bad,
    note: bad
      ? 'the server reports a SHA-256 other than that of the bytes sent (or does not list the file): every upload fails verification'
      : none
        ? 'uploads are verified by size, and plans compare the SHA-256 recorded at upload; reported as unverified'
        : has(upload)
          ? 'uploads are verified against the SHA-256 in the answer'
          : 'the client fetches the file once after an upload to verify its SHA-256',
    ...(has(upload) && has(listing) ? { emulator: ['--hashes'] } : none && upload === 'absent' && listing === 'absent' ? { emulator: ['--no-hashes'] } : {}),
  };
}

/** An upload of a .txt name declared as `declared`. */
export interface ContentTypeObs {
  declared: string;
  upload: RawAnswer;
}

/** Whether the server keeps the content type an upload declares or derives its own. */
export function judgeContentType(o: ContentTypeObs): Verdict {
  const e = fileEntryOf(o.upload);
  if (!e) return { observed: `the upload was refused: ${describeAnswer(o.upload)}`, value: null, handled: false, note: 'uploads do not work with this token' };
  if (e.contentType === null)
    return {
      observed: 'no contentType in the answer',
      value: null,
      handled: true,
      note: 'the client declares a type for every upload; the server does not say which it kept',
    };
  const kept = e.contentType.toLowerCase().startsWith(o.declared);
  return {
    observed: `${kept ? 'kept' : 'derived'} (${e.contentType})`,
    value: kept ? 'kept' : 'derived',
    handled: true,
    note: kept
      ? 'the client declares text sources as text (or as the manifest contentTypes say), and the server keeps it'
      : 'the server picks the type from the name: manifest contentTypes do not change what it stores',
    emulator: [kept ? '--honour-content-type' : '--no-honour-content-type'],
  };
}

/** One split upload: each step's answer (in order), the content downloaded after finalize, and what was sent. */
export interface SplitRun {
  /** Part numbers in the order they were sent. */
  order: number[];
  steps: { step: string; answer: RawAnswer }[];
  content: string | null;
  expected: string;
}

/** Two split uploads of a small file: parts numbered from 1 sent out of order, and parts numbered from 0. */
export interface SplitObs {
  fromOne: SplitRun;
  fromZero: SplitRun;
}

function splitOutcome(r: SplitRun): { value: string; text: string } {
  const refused = r.steps.find((s) => !ok(s.answer));
  if (refused) return { value: 'refused', text: `refused at ${refused.step} (${describeAnswer(refused.answer)})` };
  if (r.content === r.expected) return { value: 'assembled', text: 'assembled in part-number order' };
  return { value: 'wrong content', text: 'finalized, but the content is not the parts in number order' };
}

/** How the split upload numbers and orders parts. */
export function judgeSplit(o: SplitObs): Verdict {
  const one = splitOutcome(o.fromOne);
  const zero = splitOutcome(o.fromZero);
  return {
    observed: `parts ${o.fromOne.order.join(', ')}: ${one.text}; parts ${o.fromZero.order.join(', ')}: ${zero.text}`,
    value: { fromOne: one.value, fromZero: zero.value },
    handled: one.value === 'assembled',
    note:
      one.value === 'assembled'
        ? 'the client numbers parts from 1 and sends up to 3 at a time; the server orders them by number'
        : 'the client numbers parts from 1 and may send them out of order: split uploads (files over the split threshold, or after a 413) fail',
  };
}
