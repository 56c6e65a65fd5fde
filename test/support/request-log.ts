/**
 * Reading the emulator's request log: what was deleted, what changed, what was faulted and retried — the
 * server's side of the story, which the invariants are checked against.
 */
import type { EmulatorHandle, RequestLogEntry } from '../../emulator';
import { isMutatingOperation } from '../../emulator/stats';

const ok = (e: RequestLogEntry): boolean => e.status >= 200 && e.status < 300;

/** Successful file deletes in a slice of the request log. */
export function successfulDeletes(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => (e.operationId === 'deleteFile' || e.operationId === 'deleteFileByPath') && ok(e));
}

/** Every path the successful file deletes of a log slice removed (a directory's children included). */
export function deletedPaths(log: RequestLogEntry[]): string[] {
  return successfulDeletes(log).flatMap((e) => e.removed ?? (e.path ? [e.path] : []));
}

/**
 * Log entries of operations that change data (files, FileSets, access, ownership, indexing) and succeeded
 * (2xx): what a refused run must not have.
 */
export function successfulMutations(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => isMutatingOperation(e.operationId) && ok(e));
}

/** Mutating requests the emulator counted since `before` (a `stats().mutating` snapshot). */
export function mutatingSince(emu: EmulatorHandle, before: number): number {
  return emu.stats().mutating - before;
}

/** Log entries the emulator failed on purpose: 500, 429, or a reset (status 0). */
export function faulted(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.status === 0 || e.status === 500 || e.status === 429);
}

/**
 * Requests seen again after a fault: for each faulted entry, a later entry of the same operation on the same
 * FileSet and path. Counted for requests that name a path (uploads, deletes, gets) and for the path-less ones
 * (listings, searches) by operation only — a conservative estimate of the client's retries as the server saw them.
 */
export function retriedAfterFault(log: RequestLogEntry[]): number {
  let n = 0;
  const pending = new Map<string, number>();
  for (const e of log) {
    const key = `${e.operationId}\0${e.fileSetId ?? ''}\0${e.path ?? ''}`;
    const waiting = pending.get(key) ?? 0;
    if (waiting > 0) {
      n += 1;
      pending.set(key, waiting - 1);
    }
    if (e.status === 0 || e.status === 500 || e.status === 429) pending.set(key, (pending.get(key) ?? 0) + 1);
  }
  return n;
}

/** Total injected faults from stats. */
export function faultTotal(emu: EmulatorHandle): number {
  return Object.values(emu.stats().faults).reduce((a, b) => a + b, 0);
}
