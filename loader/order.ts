/** The one order of the loader: UTF-16 code units, the same on every platform and locale. */

/** Compares two strings by code units (never by locale: two machines must agree on every order). */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two things by their `path`. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return compareUtf16(a.path, b.path);
}
