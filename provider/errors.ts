/**
 * What the providers tell the engine when something fails: one-line messages naming the action, the
 * permission a 403 lacked, and partial failures that keep a half-made resource in the state.
 *
 * Functions here travel inside `__provider` by value; like provider/inputs.ts they reference local names only.
 */

/** Key of the serialized provider in inputs and outputs. */
const PROVIDER = '__provider';

/** The `code` of an error (the client's and the loader's errors carry a stable one), if any. */
export function errorCode(e: unknown): unknown {
  return e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
}

/** The one-line message of an error, prefixed with what was being done. */
export function describeError(action: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return `${action}: ${msg.split('\n')[0]}`;
}

/**
 * An error for the engine that names the action (one line, no stack for the user to read). For a 403, it
 * says which permission on the FileSet the token's user needs (READ to read, EDIT to change files, OWNER to
 * change or delete the FileSet itself).
 */
export function failure(action: string, e: unknown, permission?: 'READ' | 'EDIT' | 'OWNER'): Error {
  const code = errorCode(e);
  let message = describeError(action, e);
  if (code === 'FORBIDDEN') {
    message += `; the token's user lacks the permission for this${permission ? ` (it needs ${permission} on the FileSet)` : ''}. A 403 is never read as "already gone"`;
  }
  const err = new Error(message);
  if (typeof code === 'string') (err as Error & { code?: string }).code = code;
  return err;
}

/**
 * An error that tells the engine the resource exists but is not right (ErrorResourceInitFailed): the engine
 * records `id` with `outputs`. The serialized provider is taken from `inputs` and stored with them, or later
 * operations could not find the code.
 */
export function partialFailure(message: string, id: string, outputs: object, inputs: object): Error {
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) if (v !== undefined) props[k] = v;
  const code = (inputs as Record<string, unknown>)[PROVIDER];
  if (typeof code === 'string') props[PROVIDER] = code;
  const err = new Error(message) as Error & { id?: string; properties?: Record<string, unknown>; reasons?: string[] };
  err.id = id;
  err.properties = props;
  err.reasons = [message];
  return err;
}

/** Outputs as they were stored, without the serialized provider (the engine adds the current one). */
export function withoutProvider<T extends object>(stored: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) if (k !== PROVIDER) out[k] = v;
  return out as T;
}
