/**
 * A sorted array of paths with binary search. Paths sharing a prefix are contiguous in code-unit order, so a
 * directory's subtree is one range and a listing page costs O(log n + page). Inserts are a memmove
 * (cheap for the sizes an emulator holds, and appends — the common bulk-load order — are O(1)).
 */
export class SortedPaths {
  private readonly items: string[] = [];

  get length(): number {
    return this.items.length;
  }

  at(i: number): string {
    return this.items[i];
  }

  /** First index whose path is >= key. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose path is > key. */
  upperBound(key: string): number {
    const i = this.lowerBound(key);
    return i < this.items.length && this.items[i] === key ? i + 1 : i;
  }

  insert(path: string): void {
    const n = this.items.length;
    if (n === 0 || this.items[n - 1] < path) {
      this.items.push(path);
      return;
    }
    const i = this.lowerBound(path);
    if (this.items[i] !== path) this.items.splice(i, 0, path);
  }

  remove(path: string): void {
    const i = this.lowerBound(path);
    if (this.items[i] === path) this.items.splice(i, 1);
  }

  /** Removes and returns the paths in [from, to). */
  removeRange(from: number, to: number): string[] {
    return to > from ? this.items.splice(from, to - from) : [];
  }

  clear(): void {
    this.items.length = 0;
  }
}

/** The smallest string greater than every path under `dir/` ('0' follows '/' in code-unit order). */
export function subtreeEnd(dir: string): string {
  return dir + '0';
}
