/**
 * The search body shared by files/search and filesets/search: filters (eight operators and `not`),
 * dateFilters and fieldSort, evaluated over the wire objects so every answered field is filterable.
 */
import { errors } from './errors';
import { likeMatch, MAX_LIKE_PATTERN } from './like';

/** One filter as the API takes it. */
interface Filter {
  field: string;
  value?: unknown[];
  operator: string;
  not?: boolean;
}

/** One date filter; start/end inclusive ISO strings. */
interface DateFilter {
  field: string;
  start?: string | null;
  end?: string | null;
  not?: boolean;
}

/** One sort key. */
export interface FieldSort {
  field: string;
  order?: 'ASC' | 'DESC' | string | null;
}

/** A validated search body. */
export interface SearchBody {
  filters: Filter[];
  dateFilters: DateFilter[];
  fieldSort: FieldSort[];
}

const OPERATORS = new Set(['EQUALS', 'GREATER_THAN', 'LESS_THAN', 'LESS_THAN_OR_EQUAL', 'GREATER_THAN_OR_EQUAL', 'IN', 'IS_NULL', 'LIKE']);

function arrayOf<T>(v: unknown, what: string): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw errors.badRequest(`${what} must be an array`);
  return v as T[];
}

/** Validates a search body (absent or {} means "everything"). */
export function parseSearchBody(body: unknown): SearchBody {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const filters = arrayOf<Filter>(b.filters, 'filters');
  for (const f of filters) {
    if (!f || typeof f.field !== 'string') throw errors.badRequest('each filter needs a field');
    if (typeof f.operator !== 'string' || !OPERATORS.has(f.operator)) {
      throw errors.badRequest(`unknown filter operator ${JSON.stringify(f.operator)}; expected one of ${[...OPERATORS].join(', ')}`);
    }
    if (f.value !== undefined && f.value !== null && !Array.isArray(f.value)) throw errors.badRequest(`filter ${f.field}: value must be an array`);
    if (f.operator !== 'IS_NULL' && (!Array.isArray(f.value) || f.value.length === 0)) {
      throw errors.badRequest(`filter ${f.field} ${f.operator} needs at least one value`);
    }
    if (f.operator === 'LIKE') {
      for (const v of f.value ?? []) {
        if (String(v).length > MAX_LIKE_PATTERN) throw errors.badRequest(`filter ${f.field} LIKE: a pattern may have at most ${MAX_LIKE_PATTERN} characters`);
      }
    }
  }
  const dateFilters = arrayOf<DateFilter>(b.dateFilters, 'dateFilters');
  for (const d of dateFilters) {
    if (!d || typeof d.field !== 'string') throw errors.badRequest('each dateFilter needs a field');
    if (!d.start && !d.end) throw errors.badRequest(`dateFilter ${d.field} needs start or end`);
    for (const v of [d.start, d.end]) if (v && Number.isNaN(toTime(v))) throw errors.badRequest(`dateFilter ${d.field}: invalid date ${v}`);
  }
  const fieldSort = arrayOf<FieldSort>(b.fieldSort, 'fieldSort');
  for (const s of fieldSort) {
    if (!s || typeof s.field !== 'string') throw errors.badRequest('each fieldSort needs a field');
    if (s.order != null && s.order !== 'ASC' && s.order !== 'DESC') throw errors.badRequest(`fieldSort order must be ASC or DESC, got ${s.order}`);
  }
  return { filters, dateFilters, fieldSort };
}

function toTime(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return NaN;
}

/** Orders two field values: numbers numerically, ISO dates by time, else strings; null sorts last. */
function compareValues(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a === true || a === 'true') - Number(b === true || b === 'true');
  const na = Number(a);
  const nb = Number(b);
  if ((typeof a === 'number' || typeof b === 'number') && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  const sa = String(a);
  const sb = String(b);
  if (ISO.test(sa) && ISO.test(sb)) return Date.parse(sa) - Date.parse(sb);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
const ISO = /^\d{4}-\d{2}-\d{2}T/;

/** Case-insensitive LIKE; a pattern without wildcards means "contains" (as Domo's examples use it). */
function likeMatches(value: unknown, pattern: unknown): boolean {
  if (value === null || value === undefined) return false;
  const v = String(value).toLowerCase();
  const p = String(pattern).toLowerCase();
  if (!p.includes('%') && !p.includes('_')) return v.includes(p);
  return likeMatch(v, p);
}

function eq(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0 && (a === null) === (b === null);
}

function matchFilter(obj: Record<string, unknown>, f: Filter): boolean {
  const v = obj[f.field];
  const vals = f.value ?? [];
  let ok: boolean;
  switch (f.operator) {
    case 'EQUALS':
      ok = eq(v, vals[0]);
      break;
    case 'IN':
      ok = vals.some((x) => eq(v, x));
      break;
    case 'GREATER_THAN':
      ok = v != null && compareValues(v, vals[0]) > 0;
      break;
    case 'GREATER_THAN_OR_EQUAL':
      ok = v != null && compareValues(v, vals[0]) >= 0;
      break;
    case 'LESS_THAN':
      ok = v != null && compareValues(v, vals[0]) < 0;
      break;
    case 'LESS_THAN_OR_EQUAL':
      ok = v != null && compareValues(v, vals[0]) <= 0;
      break;
    case 'IS_NULL':
      ok = v === null || v === undefined;
      break;
    case 'LIKE':
      ok = vals.some((x) => likeMatches(v, x));
      break;
    default:
      ok = false;
  }
  return f.not ? !ok : ok;
}

function matchDate(obj: Record<string, unknown>, d: DateFilter): boolean {
  const t = toTime(obj[d.field]);
  let ok = !Number.isNaN(t);
  if (ok && d.start) ok = t >= toTime(d.start);
  if (ok && d.end) ok = t <= toTime(d.end);
  return d.not ? !ok : ok;
}

/** Whether a wire object passes every filter and date filter. */
export function matches(obj: Record<string, unknown>, body: SearchBody): boolean {
  for (const f of body.filters) if (!matchFilter(obj, f)) return false;
  for (const d of body.dateFilters) if (!matchDate(obj, d)) return false;
  return true;
}

/** A comparator for fieldSort; ties fall back to `tieField` so the order is total and pages are stable. */
export function sortComparator(sorts: FieldSort[], tieField: string): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  return (a, b) => {
    for (const s of sorts) {
      const av = a[s.field];
      const bv = b[s.field];
      // Nulls last in both directions (as SQL's NULLS LAST), so DESC does not lead with directories' null sizes.
      if ((av == null) !== (bv == null)) return av == null ? 1 : -1;
      const c = compareValues(av, bv);
      if (c !== 0) return s.order === 'DESC' ? -c : c;
    }
    const x = String(a[tieField]);
    const y = String(b[tieField]);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
