/**
 * SQL LIKE without regular expressions: `%` matches any run of characters, `_` exactly one. The matcher is
 * the greedy one with a single backtrack point (the last `%` seen), so a pattern costs at most
 * O(value × pattern) steps whatever it contains — `%a%a%a…` included — instead of a regex's exponential
 * backtracking. Characters are compared by code point, so `_` matches one character even outside the BMP.
 */

/** Longest LIKE pattern accepted (in UTF-16 code units); longer ones are refused before matching. */
export const MAX_LIKE_PATTERN = 1000;

/** Whether `value` matches the LIKE `pattern` (case-sensitive; callers lower-case both when they want). */
export function likeMatch(value: string, pattern: string): boolean {
  const v = Array.from(value);
  const p = Array.from(pattern);
  let vi = 0;
  let pi = 0;
  // Position of the last `%` in the pattern, and where in the value its run currently ends.
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && p[pi] === '%') {
      star = pi++;
      mark = vi;
    } else if (pi < p.length && (p[pi] === '_' || p[pi] === v[vi])) {
      vi++;
      pi++;
    } else if (star >= 0) {
      // Let the last `%` swallow one more character and retry the rest of the pattern after it.
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '%') pi++;
  return pi === p.length;
}
