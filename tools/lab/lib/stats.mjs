// Medians, bootstrap confidence intervals and verdicts for the lab's table.
//
// CI: percentile bootstrap of the median, 10,000 resamples with replacement, seeded (mulberry32) so
// the same samples always give the same interval. With 5 samples the interval is wide: that is the
// honest answer, and the verdict is a tie unless the intervals do not overlap.

/** Deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Median of finite numbers (NaN for none). */
export function median(values) {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** 95 % percentile-bootstrap CI of the median: [lo, hi] (NaN when there are no samples). */
export function bootstrapMedianCi(values, { resamples = 10_000, level = 0.95, seed = 12 } = {}) {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return [NaN, NaN];
  if (v.length === 1) return [v[0], v[0]];
  const r = rng(seed);
  const meds = new Float64Array(resamples);
  const buf = new Array(v.length);
  for (let i = 0; i < resamples; i++) {
    for (let j = 0; j < v.length; j++) buf[j] = v[Math.floor(r() * v.length)];
    meds[i] = median(buf);
  }
  meds.sort();
  const a = (1 - level) / 2;
  return [meds[Math.floor(a * (resamples - 1))], meds[Math.ceil((1 - a) * (resamples - 1))]];
}

/** { n, median, ci: [lo, hi] } of samples. */
export function summarize(values) {
  const v = values.filter(Number.isFinite);
  return { n: v.length, median: median(v), ci: bootstrapMedianCi(v) };
}

/**
 * Equivalence margin of the verdicts: medians closer than 1 % of the reference's median are a tie even
 * when their intervals do not overlap (a 0.2 MiB difference on 385 MiB is not a loss). 1 % is below any
 * difference a tuning change is made for (the lab's references are +5 % to 8×); a difference over 1 %
 * with disjoint intervals is still a loss, so a regression larger than that still shows.
 */
export const EQUIVALENCE_MARGIN = 0.01;

/**
 * Verdict of `a` against `b` for an objective where `better` is 'higher' or 'lower': 'win' or
 * 'loss' when the 95 % intervals do not overlap and the medians differ by more than `margin` of b's
 * median, 'tie' otherwise, 'n/a' with fewer than 3 samples.
 */
export function verdict(a, b, better, margin = EQUIVALENCE_MARGIN) {
  // Fewer than 3 samples give no interval worth the name (one sample is a point): no verdict.
  if (!a || !b || a.n < 3 || b.n < 3) return 'n/a';
  if (Math.abs(a.median - b.median) <= margin * Math.abs(b.median)) return 'tie';
  const [alo, ahi] = a.ci;
  const [blo, bhi] = b.ci;
  if (alo <= bhi && blo <= ahi) return 'tie';
  const aAbove = alo > bhi;
  return (aAbove && better === 'higher') || (!aAbove && better === 'lower') ? 'win' : 'loss';
}

/** Ratio of medians a/b (NaN when undefined). */
export function ratio(a, b) {
  return a && b && b.median !== 0 ? a.median / b.median : NaN;
}
