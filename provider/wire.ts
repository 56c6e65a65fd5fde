/**
 * Small helpers shared by the three providers: the engine's unknown sentinel, shape checks that return
 * failures instead of throwing, and value plumbing that keeps `undefined` out of what goes on the wire
 * (google-protobuf's Struct.fromJavaScript throws on it).
 */

// Code in this file travels inside `__provider`, where compiled `exports.X` references to exported consts
// would dangle: functions here use the local names, and the exports are aliases.
const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** The value the engine sends during preview for inputs that are not known yet. */
export const UNKNOWN = UNKNOWN_VALUE;

/** Key of the serialized provider in inputs and outputs. */
export const PROVIDER_KEY = '__provider';

/** One check failure, as pulumi.dynamic.CheckFailure. */
export interface Failure {
  property: string;
  reason: string;
}

/** True for the preview-time unknown sentinel (also when nested in an array or object). */
export function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN_VALUE) return true;
  if (Array.isArray(v)) return v.some(isUnknown);
  if (v && typeof v === 'object') return Object.values(v as Record<string, unknown>).some(isUnknown);
  return false;
}

/** A copy without undefined values (the wire cannot carry them). */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** Structural equality of JSON values; undefined and null are the same (absent). */
export function same(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => same(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!same(ao[k], bo[k])) return false;
  return true;
}

/**
 * Compares new inputs with old outputs: a key counts when the new value is unknown or differs. Keys whose new
 * value is absent are not managed by the program and never count.
 */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => news[k] !== undefined && (isUnknown(news[k]) || !same(olds[k], news[k])));
}

/** Checks a required non-empty string (unknown passes). */
export function requireString(f: Failure[], inputs: Record<string, unknown>, key: string): void {
  const v = inputs[key];
  if (v === UNKNOWN_VALUE) return;
  if (typeof v !== 'string' || v.trim() === '') f.push({ property: key, reason: `${key} is required and must be a non-empty string` });
}

/** Checks an optional value's type (unknown passes). */
export function optionalType(f: Failure[], inputs: Record<string, unknown>, key: string, type: 'string' | 'boolean' | 'number'): void {
  const v = inputs[key];
  if (v === undefined || v === null || isUnknown(v)) return;
  if (typeof v !== type) f.push({ property: key, reason: `${key} must be a ${type}, got ${Array.isArray(v) ? 'array' : typeof v}` });
}

/** Checks an optional list of strings (unknown passes). */
export function optionalStrings(f: Failure[], inputs: Record<string, unknown>, key: string): void {
  const v = inputs[key];
  if (v === undefined || v === null || isUnknown(v)) return;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) f.push({ property: key, reason: `${key} must be a list of non-empty strings` });
}

/**
 * A remote path problem, or undefined when fine: POSIX separators, no leading or trailing slash, no `.`/`..`
 * segments. `allowEmpty` for directory prefixes ("" = the FileSet's root).
 */
export function remotePathProblem(p: string, allowEmpty: boolean): string | undefined {
  if (p === '') return allowEmpty ? undefined : 'must not be empty';
  if (p.includes('\\')) return 'must use "/" as separator';
  if (p.startsWith('/') || p.endsWith('/')) return 'must not start or end with "/"';
  if (p.split('/').some((s) => s === '' || s === '.' || s === '..')) return 'must not contain empty, "." or ".." segments';
  return undefined;
}

/** True for the client's 404 error (by code, so it works across module copies). */
export function isNotFound(e: unknown): boolean {
  return !!e && typeof e === 'object' && ((e as { code?: unknown }).code === 'NOT_FOUND' || (e as { status?: unknown }).status === 404);
}

/** The one-line message of an error, prefixed with what was being done. */
export function describeError(action: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return `${action}: ${msg.split('\n')[0]}`;
}

/** An error for the engine that names the action (one line, no stack for the user to read). */
export function failure(action: string, e: unknown): Error {
  const err = new Error(describeError(action, e));
  const code = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  if (typeof code === 'string') (err as Error & { code?: string }).code = code;
  return err;
}

/**
 * An error that tells the engine the resource exists but is not right (ErrorResourceInitFailed): the engine
 * records `id` with `properties` (which must carry `__provider`, or later operations cannot find the code).
 */
export function partialFailure(message: string, id: string, properties: Record<string, unknown>): Error {
  const err = new Error(message) as Error & { id?: string; properties?: Record<string, unknown>; reasons?: string[] };
  err.id = id;
  err.properties = compact(properties);
  err.reasons = [message];
  return err;
}
