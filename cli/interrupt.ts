/**
 * Ctrl-C and SIGTERM during a command that changes things. The first signal stops new work from starting
 * (`stop`); running requests get a grace period to finish, after which `cancel` aborts them (a split upload
 * in flight is then aborted, never left open — unless it replaces a file, which it had to delete first: that
 * one is finished, so the path is never left empty). The command then prints what was done and exits 130
 * (SIGINT) or 143 (SIGTERM). A second signal exits at once.
 */
import type { Io } from './io';

/** Signals of one interruptible command. */
export interface Interrupt {
  /** Aborted (with the signal's name as reason) at the first signal: start nothing new. */
  stop: AbortSignal;
  /** Aborted when the grace period after the first signal ends: abort what is still running. */
  cancel: AbortSignal;
  /** Removes the handlers; call when the command is done. */
  dispose(): void;
}

/** Seconds running requests get after the first signal. */
const GRACE_MS = 10_000;

const EXIT_CODE: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Installs the handlers for one command. `exit` is injectable for tests. */
export function onInterrupt(io: Io, opts: { graceMs?: number; exit?: (code: number) => void } = {}): Interrupt {
  const stop = new AbortController();
  const cancel = new AbortController();
  const graceMs = opts.graceMs ?? GRACE_MS;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let timer: NodeJS.Timeout | undefined;
  const handler = (sig: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      io.log(`domo-filesets: ${sig} again: exiting now`);
      exit(EXIT_CODE[sig] ?? 130);
      return;
    }
    io.log(
      `domo-filesets: ${sig}: starting nothing new; running requests get ${Math.round(graceMs / 1000)} s to finish (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again exits now)`,
    );
    stop.abort(sig);
    timer = setTimeout(() => cancel.abort(sig), graceMs);
    timer.unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stop: stop.signal,
    cancel: cancel.signal,
    dispose() {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
