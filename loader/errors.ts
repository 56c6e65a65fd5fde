/**
 * The loader's typed errors. Each carries the exit code the CLI maps it to, so exit codes come only from
 * error types caught at the top, never from string matching.
 */

/**
 * Control characters and the Unicode line and paragraph separators as `\uXXXX` escapes. A message names files,
 * and a file name may hold a line break: the CLI prints only an error's first line, so a raw one would cut the
 * name (and the reason) off.
 */
function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Base of every loader error: one line for users, with the exit code the CLI should use. */
export class LoaderError extends Error {
  override readonly name: string = 'LoaderError';
  readonly code: string = 'LOADER';
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(oneLine(message), options);
  }
}

/** A manifest that cannot be used; the message starts with "file:line: ". */
export class ManifestError extends LoaderError {
  override readonly name = 'ManifestError';
  override readonly code = 'MANIFEST';
  /** Manifest file (absolute or as given) and 1-based line the problem is on (0 when unknown). */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${problem}`);
  }
}

/** A safety guard refused a FileSet's change; nothing was changed for that FileSet (exit 3). */
export class GuardError extends LoaderError {
  override readonly name = 'GuardError';
  override readonly code = 'GUARD';
  override readonly exitCode = 3;
  constructor(
    message: string,
    readonly guard: 'maxDeletes' | 'maxDeletePercent' | 'emptySource',
  ) {
    super(message);
  }
}

/** True for any of the loader's own errors. */
export function isLoaderError(e: unknown): e is LoaderError {
  return e instanceof LoaderError;
}
