/**
 * Typed errors of the CLI and the one place that turns any thrown value into an exit code and one line
 * for stderr. Commands never call process.exit: they throw, and bin.ts maps what they threw.
 */

/** Exit codes of the user contract (docs/gitops.md "Exit codes"). */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  CHANGES: 2,
  GUARD: 3,
  /** Stopped by Ctrl-C (128 + SIGINT), as shells report it. */
  SIGINT: 130,
  /** Stopped by SIGTERM (128 + 15). */
  SIGTERM: 143,
} as const;

/** An error raised by the CLI itself (bad flag value, refused destroy, failed apply); exit code attached. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.ERROR,
  ) {
    super(message);
  }
}

/** A bad command line (flag value, missing argument); always exit 1. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.ERROR);
  }
}

/**
 * Not a failure: `plan --detailed-exitcode` found changes. Carries exit 2 and prints nothing on stderr,
 * so CI scripts can branch on the code alone.
 */
export class ChangesPending extends CliError {
  override readonly name = 'ChangesPending';
  constructor() {
    super('changes pending', EXIT.CHANGES);
  }
}

/** A safety guard refused a FileSet's change (exit 3). */
export class GuardRefused extends CliError {
  override readonly name = 'GuardRefused';
  constructor(message: string) {
    super(message, EXIT.GUARD);
  }
}

/** True for errors that mean "exit with this code" but are not failures worth a stderr line. */
export function isSilent(err: unknown): boolean {
  return err instanceof ChangesPending;
}

interface WithExitCode {
  exitCode?: unknown;
  code?: unknown;
  name?: unknown;
}

/**
 * Exit code for anything thrown: our own errors and the loader's carry `exitCode` (3 for guards);
 * commander's help/version "errors" are successes; everything else is 1.
 */
export function exitCodeOf(err: unknown): number {
  if (err && typeof err === 'object') {
    const e = err as WithExitCode;
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
    }
    if (typeof e.exitCode === 'number' && ([EXIT.ERROR, EXIT.CHANGES, EXIT.GUARD, EXIT.SIGINT, EXIT.SIGTERM] as number[]).includes(e.exitCode)) {
      return e.exitCode;
    }
    if (e.name === 'GuardError') return EXIT.GUARD;
  }
  return EXIT.ERROR;
}

/** Replaces every occurrence of each secret with "***" (secrets shorter than 4 chars are ignored as noise). */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}

/**
 * A copy of a JSON-like value with every secret replaced in every string (keys too). Renderers run on the
 * copy, so a secret is gone before any escaping could change its spelling (markdown turns `_` into `\_`).
 */
export function scrubDeep<T>(value: T, secrets: Iterable<string>): T {
  const list = [...secrets].filter((s) => s && s.length >= 4);
  if (list.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [walk(k), walk(x)]));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k, list), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * The one stderr line for an error: `domo-filesets: error: …`, first line of the message only, never a
 * stack, secrets scrubbed. Commander's own messages already start with "error: ", which is dropped.
 */
export function formatErrorLine(err: unknown, secrets: Iterable<string> = []): string {
  let msg: string;
  if (err instanceof Error) msg = err.message || err.name;
  else if (typeof err === 'string') msg = err;
  else msg = `unexpected failure: ${String(err)}`;
  msg = msg.replace(/^error:\s*/i, '');
  const lines = msg
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  // Commander's messages are ours to show whole ("unknown command 'plna'" + "(Did you mean plan?)");
  // anything else keeps only its first line, so a multi-line message can never smuggle in a stack.
  const code = (err as { code?: unknown } | null)?.code;
  const commander = typeof code === 'string' && code.startsWith('commander.');
  const line = (commander ? lines.join(' ') : lines[0]) || 'unknown error';
  return `domo-filesets: error: ${scrub(line, secrets)}`;
}
