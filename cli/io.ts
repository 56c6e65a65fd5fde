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
  /** Writes text to stdout (secrets scrubbed, terminal controls neutralized). */
  out(text: string): void;
  /** Writes one log line to stderr (secrets scrubbed, terminal controls neutralized). */
  log(line: string): void;
}

/**
 * Neutralizes control characters that could drive a terminal (cursor moves, window titles, hyperlinks, C1
 * controls), wherever they came from: a server's message, a file name, a FileSet name. Kept: newline, tab,
 * and the colour sequences this tool writes itself (ESC [ digits/semicolons m). Everything else in C0, DEL
 * and C1 becomes a visible `\u00XX` — which, inside a JSON string, is the same character's valid escape.
 */
export function neutralizeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (m) =>
    m.length > 1 ? m : `\\u${m.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
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
      stdout.write(neutralizeControls(scrub(text, secrets)));
    },
    log(line: string) {
      stderr.write(neutralizeControls(scrub(line.endsWith('\n') ? line : `${line}\n`, secrets)));
    },
  };
}
