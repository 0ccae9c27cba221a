import { TelemetryError } from './errors.js';

/**
 * One point of a {@link SeriesWindows} series.
 *
 * @public
 */
export interface WindowPoint {
  /** When the value was sampled, milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** The sample's value. */
  readonly value: number;
}

/** One series' ring: `t` holds offsets from `base` (int32), or absolute timestamps once `base` is undefined. */
interface Ring {
  v: Float64Array;
  t: Int32Array | Float64Array;
  base: number | undefined;
  n: number;
}

/** The timestamp at ring slot `i`. */
function at(r: Ring, i: number): number {
  return r.base === undefined ? (r.t[i] as number) : (r.t[i] as number) + r.base;
}

/** Switches a ring to float64 timestamps (a timestamp that is no int32 offset from its base). */
function widen(r: Ring, capacity: number): void {
  const t = new Float64Array(capacity);
  const m = Math.min(r.n, capacity);
  for (let k = r.n - m; k < r.n; k++) t[k % capacity] = at(r, k % capacity);
  r.t = t;
  r.base = undefined;
}

/**
 * The last `capacity` points of every series, in memory, in fixed typed-array rings (12 bytes per point:
 * the value as a float64, the timestamp as an int32 of milliseconds from the series' first point — a ring
 * whose timestamps do not fit, fractional or more than ~24 days away, switches to float64 timestamps and
 * stays exact; nothing is allocated per push once a series exists). For the recent past of many series: a
 * dashboard's sparklines, "held for 30 s" rule conditions, refitting a forecaster. Loads no native module
 * (for durable history use `HistoryManager` from `@ainka/telemetry/history`).
 *
 * @example
 * ```ts
 * const windows = new SeriesWindows(600); // ten minutes at 1 Hz
 * windows.push('cpu.busy_ratio', Date.now(), 0.42);
 * windows.held('cpu.busy_ratio', Date.now() - 30_000, (v) => v > 0.9); // false
 * ```
 *
 * @public
 */
export class SeriesWindows {
  /** Points kept per series. */
  readonly capacity: number;
  private readonly rings = new Map<string, Ring>();

  /**
   * @param capacity - points kept per series (the oldest is overwritten); a positive integer.
   * @throws TelemetryError `ERR_AINKA_TELEMETRY_INVALID_OPTION` when `capacity` is not a positive integer.
   */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new TelemetryError('ERR_AINKA_TELEMETRY_INVALID_OPTION', `SeriesWindows capacity must be a positive integer, got ${String(capacity)}: pass the number of points to keep per series (e.g. 600 for ten minutes at 1 Hz)`);
    }
    this.capacity = capacity;
  }

  /** Appends one point (`timestamp` in ms since the epoch; points are expected in time order per series). */
  push(key: string, timestamp: number, v: number): void {
    let r = this.rings.get(key);
    if (r === undefined) {
      // one buffer per series: the values, then the timestamps
      const buf = new ArrayBuffer(this.capacity * 12);
      r = { v: new Float64Array(buf, 0, this.capacity), t: new Int32Array(buf, this.capacity * 8, this.capacity), base: Number.isFinite(timestamp) ? Math.round(timestamp) : 0, n: 0 };
      this.rings.set(key, r);
    }
    const i = r.n % this.capacity;
    if (r.base === undefined) r.t[i] = timestamp;
    else {
      const d = timestamp - r.base;
      if (d === (d | 0)) r.t[i] = d;
      else {
        widen(r, this.capacity);
        r.t[i] = timestamp;
      }
    }
    r.v[i] = v;
    r.n++;
  }

  /** The latest value of a series, or `undefined` when it has none. */
  last(key: string): number | undefined {
    const r = this.rings.get(key);
    if (r === undefined || r.n === 0) return undefined;
    return r.v[(r.n - 1) % this.capacity];
  }

  /** The timestamp of a series' latest point, or `undefined` when it has none. */
  lastAt(key: string): number | undefined {
    const r = this.rings.get(key);
    if (r === undefined || r.n === 0) return undefined;
    return at(r, (r.n - 1) % this.capacity);
  }

  /** The points of a series, oldest first, optionally only those at or after `since` (ms since the epoch). */
  points(key: string, since = Number.NEGATIVE_INFINITY): WindowPoint[] {
    const r = this.rings.get(key);
    if (r === undefined) return [];
    const m = Math.min(r.n, this.capacity);
    const out: WindowPoint[] = [];
    for (let k = r.n - m; k < r.n; k++) {
      const i = k % this.capacity;
      const t = at(r, i);
      if (t >= since) out.push({ timestamp: t, value: r.v[i] as number });
    }
    return out;
  }

  /** The values of a series only, oldest first, at most the last `n`. */
  values(key: string, n = this.capacity): number[] {
    const p = this.points(key);
    return p.slice(Math.max(0, p.length - n)).map((x) => x.value);
  }

  /**
   * True when every point at or after `since` satisfies `pred` and the kept points reach back to `since`
   * (a series that started after `since`, or whose older points were overwritten, has not held).
   */
  held(key: string, since: number, pred: (v: number) => boolean): boolean {
    const r = this.rings.get(key);
    if (r === undefined || r.n === 0) return false;
    const m = Math.min(r.n, this.capacity);
    let coveredFrom = Number.POSITIVE_INFINITY;
    for (let k = r.n - 1; k >= r.n - m; k--) {
      const i = k % this.capacity;
      const t = at(r, i);
      if (!pred(r.v[i] as number)) return false;
      coveredFrom = t;
      if (t <= since) return true;
    }
    return coveredFrom <= since;
  }

  /**
   * Forgets every series whose latest point is older than `before` (ms since the epoch). Series come and go
   * (one per process, cgroup or device); a window is `capacity` × 12 bytes, so a machine that starts many
   * short-lived processes would otherwise keep a window for every process it ever saw.
   * @returns how many series were forgotten
   */
  forgetBefore(before: number): number {
    let n = 0;
    for (const [key, r] of this.rings) {
      if (r.n > 0 && at(r, (r.n - 1) % this.capacity) >= before) continue;
      this.rings.delete(key);
      n++;
    }
    return n;
  }

  /** Every series key, in insertion order. */
  keys(): IterableIterator<string> {
    return this.rings.keys();
  }

  /** The number of series. */
  get size(): number {
    return this.rings.size;
  }
}
