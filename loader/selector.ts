/**
 * Which paths an entry owns: include/exclude patterns and the dotfile switch, normalized once and applied by
 * the same function to both sides. The scan keeps a local file only when `selects` says so, and the planner
 * protects a remote file from pruning when `excludes` says so, so a pattern can never filter one side and
 * not the other (an exclude written `a//b` or `./a` means the same on both).
 */
import picomatch from 'picomatch';
import { LoaderError } from './errors';

/** Normalized include/exclude patterns of one entry. */
export interface Selection {
  include: string[];
  exclude: string[];
  dot: boolean;
}

/** Returns why a glob pattern is unsafe or malformed, or null when it is fine. */
function patternProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'empty pattern';
  if (pattern.includes('\0')) return 'pattern contains a NUL character';
  if (pattern.startsWith('/') || /^[A-Za-z]:[\\/]/.test(pattern) || pattern.startsWith('\\\\')) {
    return `pattern '${pattern}' is absolute; patterns are relative to source`;
  }
  if (pattern.startsWith('!')) return `pattern '${pattern}' is negated; put it in exclude instead`;
  const segments = pattern.split(/[\\/]/);
  if (segments.includes('..')) return `pattern '${pattern}' contains '..'; it may not reach outside source`;
  return null;
}

/**
 * One spelling per pattern: Unicode NFC (remote paths are NFC), no "./" prefix, no doubled or trailing
 * slashes. Returns the problem instead when the pattern is unsafe.
 */
export function normalizePattern(pattern: string): { value: string } | { problem: string } {
  const problem = patternProblem(pattern);
  if (problem) return { problem };
  let p = pattern.normalize('NFC').replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/\/+$/, '');
  if (p === '' || p === '.') return { problem: `pattern '${pattern}' names the source itself; use '**' for everything` };
  return { value: p };
}

/** Normalizes a whole selection; throws LoaderError naming the first bad pattern. */
export function normalizeSelection(sel: { include?: readonly string[]; exclude?: readonly string[]; dot?: boolean }, where = 'pattern'): Selection {
  const norm = (list: readonly string[]): string[] =>
    list.map((p) => {
      const n = normalizePattern(p);
      if ('problem' in n) throw new LoaderError(`${where}: ${n.problem}`);
      return n.value;
    });
  const include = sel.include && sel.include.length > 0 ? norm(sel.include) : ['**/*'];
  return { include: [...new Set(include)], exclude: [...new Set(norm(sel.exclude ?? []))], dot: sel.dot === true };
}

/** The matchers of a selection, over POSIX paths relative to the source (NFC). */
export interface Selector {
  readonly selection: Selection;
  /** True when the local file at `rel` belongs to the entry (included, not excluded, dotfile rule). */
  selects(rel: string): boolean;
  /**
   * True when `rel` or one of its parent directories matches an exclude pattern: such a remote path is never
   * pruned. Dotfiles always match here (it errs on the side of protecting).
   */
  excludes(rel: string): boolean;
}

/** Builds the selector of a normalized selection (picomatch, fast-glob's matcher). */
export function selectorOf(selection: Selection): Selector {
  const include = picomatch(selection.include, { dot: selection.dot });
  const exclude = selection.exclude.length > 0 ? picomatch(selection.exclude, { dot: true }) : null;
  const excludes = (rel: string): boolean => {
    if (!exclude) return false;
    if (exclude(rel)) return true;
    // fast-glob ignores a directory's contents when the pattern names the directory ("build" or "build/**").
    for (let idx = rel.indexOf('/'); idx >= 0; idx = rel.indexOf('/', idx + 1)) {
      if (exclude(rel.slice(0, idx))) return true;
    }
    return false;
  };
  return { selection, selects: (rel) => include(rel) && !excludes(rel), excludes };
}
