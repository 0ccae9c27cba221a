import { median } from 'simple-statistics';
import { normalTail } from './normal.js';

/** Options of {@link CapacityPlanner}. */
export interface CapacityPlannerOptions {
  /** The limit the resource must not cross (disk size, memory, table size...). */
  readonly limit: number;
  /** `up` when the resource grows toward the limit (default), `down` when it shrinks toward it. */
  readonly direction?: 'up' | 'down';
  /** Rows of history kept (default 4096). */
  readonly historySize?: number;
  /** Two-sided confidence of the band (default 0.8). */
  readonly confidence?: number;
  /** A level shift bigger than this many residual sigmas starts a new trend segment (default 6). */
  readonly shiftSigmas?: number;
}

/** What a {@link CapacityPlanner} currently expects. */
export interface CapacityEstimate {
  /** Milliseconds from the last observation until the limit is first crossed (Infinity: not on this trend). */
  readonly timeToLimit: number;
  /** Earliest plausible crossing (ms from the last observation) at the configured confidence. */
  readonly earliest: number;
  /** Latest plausible crossing (ms from the last observation; Infinity if the trend may be flat). */
  readonly latest: number;
  /** Timestamp of the expected crossing (Infinity when none). */
  readonly crossingAt: number;
  /** Trend in units per day. */
  readonly slopePerDay: number;
  /** Standard error of the trend (inflated for residual autocorrelation). */
  readonly slopeStdErrPerDay: number;
  /** Daily-cycle peak above the trend (0 without a daily cycle): the limit is first crossed at a peak. */
  readonly dailyPeak: number;
  /** Start of the trend segment in use (the last level shift, or the start of history). */
  readonly segmentStart: number;
  /** A sentence for a person. */
  readonly reason: string;
}

const DAY = 86_400_000;
const BUCKETS = 24;

/**
 * Time until a resource crosses a limit, with a confidence band, robust to daily cycles and level
 * shifts. The series is de-seasonalised with an hourly time-of-day profile (once two days are seen);
 * the last level shift is found by a split search on the de-seasonalised history, and a least-squares
 * trend is fitted to the segment after it. The slope's standard error is inflated for residual
 * autocorrelation, and the band comes from the slope's confidence interval; the crossing is when the
 * trend plus the daily peak reaches the limit.
 */
export class CapacityPlanner {
  readonly #o: Required<CapacityPlannerOptions>;
  readonly #t: number[] = [];
  readonly #x: number[] = [];

  constructor(options: CapacityPlannerOptions) {
    if (!Number.isFinite(options.limit)) throw new RangeError('CapacityPlanner needs a finite options.limit (the value the resource must not cross)');
    this.#o = { direction: 'up', historySize: 4096, confidence: 0.8, shiftSigmas: 6, ...options };
  }

  /** Consume one observation (timestamps in ms, increasing). */
  update(t: number, x: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(t)) return;
    this.#t.push(t);
    this.#x.push(this.#o.direction === 'up' ? x : -x);
    if (this.#t.length > this.#o.historySize) {
      this.#t.shift();
      this.#x.shift();
    }
  }

  /** The current estimate; needs at least 10 observations. */
  estimate(): CapacityEstimate {
    const sign = this.#o.direction === 'up' ? 1 : -1;
    const limit = sign * this.#o.limit;
    const ts = this.#t;
    const n = ts.length;
    const none = (reason: string, extra: Partial<CapacityEstimate> = {}): CapacityEstimate => ({
      timeToLimit: Infinity,
      earliest: Infinity,
      latest: Infinity,
      crossingAt: Infinity,
      slopePerDay: 0,
      slopeStdErrPerDay: 0,
      dailyPeak: 0,
      segmentStart: ts[0] ?? NaN,
      reason,
      ...extra,
    });
    if (n < 10) return none(`need at least 10 observations, have ${n}`);
    const last = ts[n - 1] as number;
    // Daily profile (hour-of-day means of the raw values, centred), once two days are covered.
    const profile = new Float64Array(BUCKETS);
    let dailyPeak = 0;
    if (last - (ts[0] as number) >= 2 * DAY) {
      // Detrend with a centred one-day moving mean (only where the whole day is inside the history),
      // then take the median per hour of day, so a level shift or an edge does not leak into the profile.
      const mean = movingMean(ts, this.#x, DAY);
      const perBucket: number[][] = Array.from({ length: BUCKETS }, () => []);
      for (let i = 0; i < n; i++) {
        const t = ts[i] as number;
        if (t - (ts[0] as number) < DAY / 2 || last - t < DAY / 2) continue;
        (perBucket[bucket(t)] as number[]).push((this.#x[i] as number) - (mean[i] as number));
      }
      const med = perBucket.map((v) => (v.length > 0 ? median(v) : NaN));
      const present = med.filter(Number.isFinite);
      const centre = present.length > 0 ? present.reduce((a, b) => a + b, 0) / present.length : 0;
      for (let b = 0; b < BUCKETS; b++) profile[b] = Number.isFinite(med[b]) ? (med[b] as number) - centre : 0;
      dailyPeak = Math.max(0, ...profile);
    }
    const y = this.#x.map((v, i) => v - profileAt(profile, ts[i] as number));
    const start = lastShift(y, this.#o.shiftSigmas);
    const seg = n - start;
    if (seg < 10) return none(`a level shift ${seg} observations ago; waiting for more data on the new level`, { segmentStart: ts[start] as number, dailyPeak });
    // Least squares on the segment (time in days from the last observation), refitted once without
    // outliers (residuals beyond 5 robust sigmas) so that spikes do not tilt the trend.
    const idx: number[] = [];
    for (let i = start; i < n; i++) idx.push(i);
    let fit = fitLine(ts, y, idx, last);
    const mad = median(fit.res.map(Math.abs)) / 0.6745;
    if (mad > 0) {
      const kept = idx.filter((_, j) => Math.abs(fit.res[j] as number) <= 5 * mad);
      if (kept.length >= 10 && kept.length < idx.length) fit = fitLine(ts, y, kept, last);
    }
    const { slope, level, mt, stt, res } = fit;
    const m = res.length;
    let ss = 0;
    let lag = 0;
    for (let i = 0; i < m; i++) {
      ss += (res[i] as number) ** 2;
      if (i > 0) lag += (res[i] as number) * (res[i - 1] as number);
    }
    const rho = ss > 0 ? Math.min(0.99, Math.max(0, lag / ss)) : 0;
    const sigma2 = ss / Math.max(1, m - 2);
    const se = stt > 0 ? Math.sqrt((sigma2 / stt) * ((1 + rho) / (1 - rho))) : Infinity;
    const z = zQuantile((1 + this.#o.confidence) / 2);
    // Uncertainty of the trend's current value (same autocorrelation inflation as the slope).
    const seLevel = Math.sqrt(sigma2 * (1 / m + (mt * mt) / Math.max(stt, 1e-300)) * ((1 + rho) / (1 - rho)));
    const gap = limit - (level + dailyPeak);
    const cross = (g: number, s: number): number => (g <= 0 ? 0 : s > 0 ? (g / s) * DAY : Infinity);
    const timeToLimit = cross(gap, slope);
    const earliest = cross(gap - z * seLevel, slope + z * se);
    const latest = cross(gap + z * seLevel, slope - z * se);
    const unit = (v: number): string => (sign * v).toPrecision(4);
    const reason =
      gap <= 0
        ? `already at the limit: trend ${unit(level)} plus daily peak ${dailyPeak.toPrecision(3)} reaches ${unit(limit)}`
        : Number.isFinite(timeToLimit)
          ? `trend ${unit(slope)}/day from ${unit(level)} reaches ${unit(limit)} in ${(timeToLimit / DAY).toFixed(1)} days (${(earliest / DAY).toFixed(1)}–${Number.isFinite(latest) ? (latest / DAY).toFixed(1) : '∞'} at ${Math.round(this.#o.confidence * 100)}%)`
          : `no growth toward ${unit(limit)}: trend ${unit(slope)}/day${Number.isFinite(earliest) ? `, though within the band it could arrive in ${(earliest / DAY).toFixed(1)} days` : ''}`;
    return {
      timeToLimit,
      earliest,
      latest,
      crossingAt: last + timeToLimit,
      slopePerDay: sign * slope,
      slopeStdErrPerDay: se,
      dailyPeak,
      segmentStart: ts[start] as number,
      reason,
    };
  }
}

/** Ordinary least squares of y on time (days relative to `last`) over the given indices. */
function fitLine(
  ts: readonly number[],
  y: readonly number[],
  idx: readonly number[],
  last: number,
): { slope: number; level: number; mt: number; stt: number; res: number[] } {
  let mt = 0;
  let my = 0;
  for (const i of idx) {
    mt += ((ts[i] as number) - last) / DAY;
    my += y[i] as number;
  }
  mt /= idx.length;
  my /= idx.length;
  let stt = 0;
  let sty = 0;
  for (const i of idx) {
    const dt = ((ts[i] as number) - last) / DAY - mt;
    stt += dt * dt;
    sty += dt * ((y[i] as number) - my);
  }
  const slope = stt > 0 ? sty / stt : 0;
  const level = my - slope * mt; // trend value at the last observation
  const res = idx.map((i) => (y[i] as number) - (level + slope * (((ts[i] as number) - last) / DAY)));
  return { slope, level, mt, stt, res };
}

/** The daily profile at time t, linearly interpolated between bucket centres (no steps at bucket edges). */
function profileAt(profile: Float64Array, t: number): number {
  const pos = ((((t % DAY) + DAY) % DAY) / DAY) * BUCKETS - 0.5;
  const i0 = Math.floor(pos);
  const f = pos - i0;
  const a = profile[(i0 + BUCKETS) % BUCKETS] as number;
  const b = profile[(i0 + 1) % BUCKETS] as number;
  return a + f * (b - a);
}

function bucket(t: number): number {
  return Math.floor((((t % DAY) + DAY) % DAY) / (DAY / BUCKETS));
}

/** Centred moving mean over a time span (two-pointer, O(n)). */
function movingMean(ts: readonly number[], xs: readonly number[], span: number): Float64Array {
  const n = ts.length;
  const out = new Float64Array(n);
  let lo = 0;
  let hi = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i] as number;
    while (hi < n && (ts[hi] as number) <= t + span / 2) sum += xs[hi++] as number;
    while ((ts[lo] as number) < t - span / 2) sum -= xs[lo++] as number;
    out[i] = sum / (hi - lo);
  }
  return out;
}

/**
 * Index where the last level shift begins (0 if none). On the remaining history, detrended by the
 * median first difference (a robust slope), it finds the point with the largest local step (median of
 * up to 20 points after minus median of 20 before) in units of the noise (MAD of first differences). The step counts
 * as a level shift only if it is significant (`sigmas`) and concentrated: one of the first differences
 * around the split carries at least 30% of it and is itself well above the noise, so smooth curves and
 * ramps are never read as shifts.
 * Repeats on the part after the shift, so the last shift wins.
 */
function lastShift(y: readonly number[], sigmas: number): number {
  let start = 0;
  for (let iter = 0; iter < 5; iter++) {
    const n = y.length - start;
    if (n < 20) return start;
    const diffs: number[] = [];
    for (let i = start + 1; i < y.length; i++) diffs.push((y[i] as number) - (y[i - 1] as number));
    const slope = median(diffs);
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = (y[start + i] as number) - slope * i;
    let rMin = Infinity;
    let rMax = -Infinity;
    for (const v of r) {
      if (v < rMin) rMin = v;
      if (v > rMax) rMax = v;
    }
    // Noise from first differences, floored at 0.1% of the detrended range: on near-noiseless data a
    // shift smaller than that is numerical dust, not a change of level.
    const noise = Math.max(median(diffs.map((d) => Math.abs(d - slope))) / (Math.SQRT2 * 0.6745), 1e-3 * (rMax - rMin)) + 1e-12;
    let best = -1;
    let bestStat = 0;
    const minSeg = Math.max(5, Math.floor(n * 0.05));
    for (let k = minSeg - 1; k < n - minSeg; k++) {
      // Local step: mean of the next w points minus mean of the previous w (k is the last "before").
      const w = Math.min(20, k + 1, n - k - 1);
      // Medians, not means, so that a single spike is not a step.
      const step = median(Array.from(r.subarray(k + 1, k + 1 + w))) - median(Array.from(r.subarray(k + 1 - w, k + 1)));
      const stat = Math.abs(step) / (noise * Math.sqrt(2 / w));
      if (stat <= bestStat) continue;
      let jump = 0;
      for (let j = Math.max(1, k - 1); j <= Math.min(n - 1, k + 3); j++) jump = Math.max(jump, Math.abs((r[j] as number) - (r[j - 1] as number)));
      if (jump < 0.3 * Math.abs(step) || jump < 4 * Math.SQRT2 * noise) continue;
      bestStat = stat;
      best = start + k + 1;
    }
    if (best < 0 || bestStat < sigmas * 2) return start;
    start = best;
  }
  return start;
}

/** Standard normal quantile by bisection on the tail (adequate for confidence levels). */
function zQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (1 - normalTail(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
