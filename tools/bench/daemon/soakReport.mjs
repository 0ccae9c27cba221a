// The arithmetic of the daemon soak (tools/bench/daemon/soak.mjs), kept apart so it is tested on its own
// and on the soak's real samples (apps/daemon/test/soak.test.ts).

/**
 * Least-squares line through `points` ([x, y] pairs).
 * @param {ReadonlyArray<readonly [number, number]>} points
 * @returns {{ slope: number, intercept: number, r2: number, n: number }}
 */
export function linearFit(points) {
  const n = points.length;
  if (n < 2) return { slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN, n };
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (y - my);
    syy += (y - my) * (y - my);
  }
  if (sxx === 0) return { slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN, n };
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy), n };
}

/**
 * RSS growth in MB per hour from [seconds since start, RSS in kB] samples.
 * @param {ReadonlyArray<readonly [number, number]>} samples
 */
export function rssSlopeMbPerHour(samples) {
  const fit = linearFit(samples.map(([s, kb]) => [s / 3600, kb / 1024]));
  return { mbPerHour: fit.slope, r2: fit.r2, n: fit.n };
}

/**
 * The RSS trend of a soak, fitted twice: over the whole run and over the steady state after a stated
 * warm-up (`warmupSeconds`, on the samples' clock; the seeded history's eviction, the detectors' first
 * windows and V8's heap sizing all happen in the first minutes). The verdict is read from the steady fit:
 * a run that climbs while warming up and then stays flat is flat, a leak keeps its slope after the
 * warm-up and is still caught. With too few samples after the warm-up (< 10) the steady fit is NaN,
 * which no verdict reads as flat.
 * @param {ReadonlyArray<readonly [number, number]>} samples [seconds since the daemon answered, RSS in kB]
 * @param {number} warmupSeconds samples before this many seconds are left out of the steady fit
 * @returns {{ warmupSeconds: number, whole: { mbPerHour: number, r2: number, n: number }, steady: { mbPerHour: number, r2: number, n: number }, mbPerHour: number, r2: number, n: number }}
 */
export function rssTrend(samples, warmupSeconds) {
  const whole = rssSlopeMbPerHour(samples);
  const after = samples.filter(([s]) => s >= warmupSeconds);
  const steady = after.length >= 10 ? rssSlopeMbPerHour(after) : { mbPerHour: Number.NaN, r2: Number.NaN, n: after.length };
  return { warmupSeconds, whole, steady, mbPerHour: steady.mbPerHour, r2: steady.r2, n: steady.n };
}

/**
 * Samples missing from the history: each series should have one point per daemon tick of the window
 * (`ticks`, counted by the daemon between the two status calls that bound the window; one tick of slack
 * for the edges).
 * @param {ReadonlyArray<{ series: string, points: ReadonlyArray<{ t: number }> }>} series
 * @param {number} from window start (ms)
 * @param {number} to window end (ms, exclusive)
 * @param {number} ticks ticks the daemon made in the window
 */
export function missingSamples(series, from, to, ticks) {
  let missing = 0;
  let present = 0;
  for (const s of series) {
    const got = s.points.filter((p) => p.t >= from && p.t < to).length;
    present += got;
    missing += Math.max(0, ticks - 1 - got);
  }
  return { series: series.length, ticks, present, missing };
}

/**
 * Ticks the daemon did not make: wall time of the window over the interval, less the ticks made (one of slack).
 * @param {number} wallMs
 * @param {number} intervalMs
 * @param {number} ticks
 */
export function missedTicks(wallMs, intervalMs, ticks) {
  return Math.max(0, Math.floor(wallMs / intervalMs) - 1 - ticks);
}

/**
 * The soak's verdicts: RSS slope within `maxSlopeMbPerHour` (the steady-state slope when `r.rss` comes
 * from `rssTrend`, whose `mbPerHour` is the fit after the warm-up), the database within its bound,
 * nothing dropped.
 * @param {{ rss: { mbPerHour: number }, sqlite: { finalBytes: number, boundBytes: number }, drops: { missingSamples: number, missedTicks: number, ebpfKernelDrops: number, tickErrors: number } }} r
 * @param {{ maxSlopeMbPerHour: number }} limits
 */
export function verdicts(r, limits) {
  return {
    rssFlat: Number.isFinite(r.rss.mbPerHour) && r.rss.mbPerHour <= limits.maxSlopeMbPerHour,
    withinBound: r.sqlite.finalBytes <= r.sqlite.boundBytes,
    noDrops: r.drops.missingSamples === 0 && r.drops.missedTicks === 0 && r.drops.ebpfKernelDrops === 0 && r.drops.tickErrors === 0,
  };
}
