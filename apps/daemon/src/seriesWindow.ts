/**
 * The last `capacity` points of every series, in fixed typed-array rings (8 + 8 bytes per point).
 * It backs `ainka top`, `explain`, rule durations ("for 30 s") and the deep layer's refits.
 */
export class SeriesWindows {
  readonly capacity: number;
  private readonly rings = new Map<string, { t: Float64Array; v: Float64Array; n: number }>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Append one point. */
  push(key: string, t: number, v: number): void {
    let r = this.rings.get(key);
    if (r === undefined) {
      r = { t: new Float64Array(this.capacity), v: new Float64Array(this.capacity), n: 0 };
      this.rings.set(key, r);
    }
    const i = r.n % this.capacity;
    r.t[i] = t;
    r.v[i] = v;
    r.n++;
  }

  /** Latest value, or undefined. */
  last(key: string): number | undefined {
    const r = this.rings.get(key);
    if (r === undefined || r.n === 0) return undefined;
    return r.v[(r.n - 1) % this.capacity];
  }

  /** Time of the latest point, or undefined. */
  lastAt(key: string): number | undefined {
    const r = this.rings.get(key);
    if (r === undefined || r.n === 0) return undefined;
    return r.t[(r.n - 1) % this.capacity];
  }

  /** Points (oldest first), optionally only those at or after `since` (ms). */
  points(key: string, since = Number.NEGATIVE_INFINITY): { t: number; value: number }[] {
    const r = this.rings.get(key);
    if (r === undefined) return [];
    const m = Math.min(r.n, this.capacity);
    const out: { t: number; value: number }[] = [];
    for (let k = r.n - m; k < r.n; k++) {
      const i = k % this.capacity;
      const t = r.t[i] as number;
      if (t >= since) out.push({ t, value: r.v[i] as number });
    }
    return out;
  }

  /** Values only, oldest first, at most `n`. */
  values(key: string, n = this.capacity): number[] {
    const p = this.points(key);
    return p.slice(Math.max(0, p.length - n)).map((x) => x.value);
  }

  /** True when every point since `since` satisfies `pred` and the points cover the span. */
  held(key: string, since: number, pred: (v: number) => boolean): boolean {
    const r = this.rings.get(key);
    if (r === undefined || r.n === 0) return false;
    const m = Math.min(r.n, this.capacity);
    let coveredFrom = Number.POSITIVE_INFINITY;
    for (let k = r.n - 1; k >= r.n - m; k--) {
      const i = k % this.capacity;
      const t = r.t[i] as number;
      if (!pred(r.v[i] as number)) return false;
      coveredFrom = t;
      if (t <= since) return true;
    }
    return coveredFrom <= since;
  }

  /** Every series key. */
  keys(): IterableIterator<string> {
    return this.rings.keys();
  }

  /** Number of series. */
  get size(): number {
    return this.rings.size;
  }
}
