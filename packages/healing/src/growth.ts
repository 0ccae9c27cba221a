import { HealingError, HealingErrorCode } from './errors.js';

/** One observation of a resource: time in ms and value (bytes, fds, threads …). */
export interface GrowthPoint {
  /** Time (ms since the epoch or any fixed origin). */
  readonly t: number;
  /** Observed value. */
  readonly value: number;
}

/** Options of {@link estimateGrowth}. */
export interface GrowthOptions {
  /**
   * The span is cut into this many equal-time buckets and each bucket contributes its minimum (the
   * "floor" after a garbage collection, a cache trim or a connection-pool shrink). Default 10.
   */
  readonly buckets?: number;
}

/** A robust growth estimate of one series. */
export interface GrowthEstimate {
  /** Theil–Sen slope of the bucket floors: the median of all pairwise slopes, per second. */
  readonly ratePerSecond: number;
  /** First quartile of the pairwise slopes, per second: a conservative rate (positive = most pairs grow). */
  readonly lowerRatePerSecond: number;
  /** First quartile of the pairwise slopes of the later half of the floors, per second: is it still growing? */
  readonly recentLowerRatePerSecond: number;
  /**
   * Growth is steady: the first quartile of the slopes is positive over the whole span and over its later
   * half (a one-off step leaves one of the two flat).
   */
  readonly steady: boolean;
  /** Kendall's tau of the floors in [−1, 1]: 1 = every later floor is higher. */
  readonly tau: number;
  /** The floor line's value at the last point's time (intercept of the Theil–Sen fit). */
  readonly fittedNow: number;
  /** Growth of the floor line over the span (rate × span). */
  readonly growthOverSpan: number;
  /** Seconds between the first and the last point. */
  readonly spanSeconds: number;
  /** Points used. */
  readonly points: number;
  /** Floors (one per non-empty bucket) the slope was fitted on. */
  readonly floors: readonly GrowthPoint[];
}

function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Sorted pairwise slopes (per second) and Kendall's tau of a list of points in time order. */
function pairwise(floors: readonly GrowthPoint[]): { slopes: number[]; tau: number } {
  const slopes: number[] = [];
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < floors.length; i++) {
    for (let j = i + 1; j < floors.length; j++) {
      const a = floors[i] as GrowthPoint;
      const b = floors[j] as GrowthPoint;
      const dt = (b.t - a.t) / 1000;
      if (dt <= 0) continue;
      const dv = b.value - a.value;
      slopes.push(dv / dt);
      if (dv > 0) concordant++;
      else if (dv < 0) discordant++;
    }
  }
  slopes.sort((a, b) => a - b);
  return { slopes, tau: slopes.length === 0 ? 0 : (concordant - discordant) / slopes.length };
}

/**
 * Estimate how fast a resource grows, resistant to sawtooth patterns (GC heaps, caches, pools): the span
 * is cut into equal-time buckets, each bucket keeps its minimum, and the Theil–Sen slope (median of the
 * slopes between every pair of floors) is fitted on those floors. A sawtooth whose teeth are shorter
 * than a bucket has flat floors (rate ≈ 0, tau ≈ 0); a one-off step (a cache warming up) leaves either the
 * whole span's or its later half's first quartile of slopes at about 0 (`steady` is false); a leak under a sawtooth raises every floor.
 *
 * @returns `undefined` with fewer than 3 non-empty buckets (not enough evidence either way).
 * @throws `HealingError` `ERR_AINKA_HEALING_INVALID_OPTION` when `buckets` < 3.
 */
export function estimateGrowth(points: readonly GrowthPoint[], options: GrowthOptions = {}): GrowthEstimate | undefined {
  const buckets = options.buckets ?? 10;
  if (!Number.isInteger(buckets) || buckets < 3) {
    throw new HealingError(HealingErrorCode.invalidOption, `buckets must be an integer ≥ 3 (got ${buckets}); use the default 10`);
  }
  if (points.length < 3) return undefined;
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const t0 = (sorted[0] as GrowthPoint).t;
  const t1 = (sorted[sorted.length - 1] as GrowthPoint).t;
  const span = t1 - t0;
  if (span <= 0) return undefined;
  const width = span / buckets;
  const floors: GrowthPoint[] = [];
  let current: GrowthPoint | undefined;
  let index = -1;
  for (const p of sorted) {
    const i = Math.min(buckets - 1, Math.floor((p.t - t0) / width));
    if (i !== index) {
      if (current !== undefined) floors.push(current);
      current = p;
      index = i;
    } else if (current !== undefined && p.value < current.value) {
      current = p;
    }
  }
  if (current !== undefined) floors.push(current);
  if (floors.length < 3) return undefined;
  const all = pairwise(floors);
  if (all.slopes.length === 0) return undefined;
  const slopes = all.slopes;
  const rate = quantileSorted(slopes, 0.5);
  const lower = quantileSorted(slopes, 0.25);
  const recent = pairwise(floors.slice(Math.floor(floors.length / 2)));
  const recentLower = recent.slopes.length > 0 ? quantileSorted(recent.slopes, 0.25) : 0;
  // Theil–Sen intercept: median of (v − rate·t) over the floors, evaluated at the last point.
  const intercepts = floors.map((f) => f.value - rate * ((f.t - t0) / 1000)).sort((a, b) => a - b);
  const fittedNow = quantileSorted(intercepts, 0.5) + (rate * span) / 1000;
  return {
    ratePerSecond: rate,
    lowerRatePerSecond: lower,
    recentLowerRatePerSecond: recentLower,
    steady: lower > 0 && recentLower > 0,
    tau: all.tau,
    fittedNow,
    growthOverSpan: (rate * span) / 1000,
    spanSeconds: span / 1000,
    points: sorted.length,
    floors,
  };
}

/**
 * Seconds until a resource growing at `ratePerSecond` uses up `headroom` (limit minus current use);
 * `null` when it does not grow or there is no limit.
 */
export function secondsToExhaustion(headroom: number | null, ratePerSecond: number): number | null {
  if (headroom === null || !Number.isFinite(headroom) || ratePerSecond <= 0) return null;
  return Math.max(0, headroom / ratePerSecond);
}
