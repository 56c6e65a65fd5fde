/**
 * The CLI's view of its streams: results go to stdout, logs and progress to stderr, colour only on a TTY
 * without NO_COLOR, and every text line passes through the secret scrubber on its way out.
 */
import { createColors } from 'picocolors';
import { scrub } from './errors';

/** Colour functions (identity functions when colour is off). */
export type Colors = ReturnType<typeof createColors>;

/** Streams and terminal facts a command may use; tests pass fakes. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdinIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** Colours for stdout text. */
  color: Colors;
  /** Colours for stderr text. */
  colorErr: Colors;
  /** Values never to print (tokens); filled as they become known. */
  secrets: Set<string>;
  /** Writes text to stdout (scrubbed). */
  out(text: string): void;
  /** Writes one log line to stderr (scrubbed). */
  log(line: string): void;
}

/** Colour is for humans at a terminal: a TTY, and the user did not set NO_COLOR (https://no-color.org). */
export function colorEnabled(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY === true;
}

/** Builds the Io over the given streams (default: the process's). */
export function createIo(opts: Partial<Pick<Io, 'stdout' | 'stderr' | 'stdinIsTTY' | 'env'>> = {}): Io {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const env = opts.env ?? process.env;
  const secrets = new Set<string>();
  return {
    stdout,
    stderr,
    env,
    stdinIsTTY: opts.stdinIsTTY ?? process.stdin.isTTY === true,
    color: createColors(colorEnabled(stdout.isTTY, env)),
    colorErr: createColors(colorEnabled(stderr.isTTY, env)),
    secrets,
    out(text: string) {
      stdout.write(scrub(text, secrets));
    },
    log(line: string) {
      stderr.write(scrub(line.endsWith('\n') ? line : `${line}\n`, secrets));
    },
  };
}
