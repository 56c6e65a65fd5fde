/**
 * Input validation and comparison for the providers' check and diff: the engine's unknown sentinel, shape
 * checks that return failures instead of throwing, and value plumbing that keeps `undefined` out of what
 * goes on the wire (google-protobuf's Struct.fromJavaScript throws on it).
 *
 * Functions here travel inside `__provider` by value. A compiled reference to an exported const becomes
 * `exports.X`, which would point at the provider host's module instead of this one, so functions use local
 * names only and the exported consts are aliases.
 */

const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** The value the engine sends during preview for inputs that are not known yet. */
export const UNKNOWN = UNKNOWN_VALUE;

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
 * Turns the hidden `overlaps` input (conflicts with other resources of the program, found when the program
 * constructed the resource) into failures on `property`. Unknown during preview: nothing to report yet.
 */
export function overlapFailures(f: Failure[], inputs: Record<string, unknown>, property: string): void {
  const v = inputs.overlaps;
  if (!Array.isArray(v) || isUnknown(v)) return;
  for (const reason of v) if (typeof reason === 'string') f.push({ property, reason });
}

/** The inputs without the hidden `overlaps` (it is only for check: it never reaches diff, create or the state). */
export function withoutOverlaps<T extends object>(inputs: T): T {
  const { overlaps: _o, ...rest } = inputs as T & { overlaps?: unknown };
  return rest as T;
}

/** Splits a resource id `<fileSetId>/<rest>` (FileSet ids hold no "/"); `rest` is "" when there is none. */
export function splitId(id: string): { fileSetId: string; rest: string } {
  const i = id.indexOf('/');
  return i < 0 ? { fileSetId: id, rest: '' } : { fileSetId: id.slice(0, i), rest: id.slice(i + 1) };
}
