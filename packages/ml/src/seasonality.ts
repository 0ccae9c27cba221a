/** Sample autocorrelation of `values` at `lag` (0 when undefined). */
export function autocorrelation(values: ArrayLike<number>, lag: number): number {
  const n = values.length;
  if (lag <= 0 || lag >= n) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] as number;
  mean /= n;
  let den = 0;
  for (let i = 0; i < n; i++) den += ((values[i] as number) - mean) ** 2;
  if (den === 0) return 0;
  let num = 0;
  for (let i = lag; i < n; i++) num += ((values[i] as number) - mean) * ((values[i - lag] as number) - mean);
  return num / den;
}

/** A detected seasonal period. */
export interface Seasonality {
  /** Period in rows. */
  readonly period: number;
  /** Autocorrelation at that period. */
  readonly strength: number;
}

/**
 * Pick the candidate period (in rows) with the strongest autocorrelation, if it reaches `minStrength`
 * and at least two full periods of history exist. Candidates usually come from the sampling interval
 * (one day, one week). Returns `undefined` when no candidate is seasonal.
 */
export function detectSeasonality(values: ArrayLike<number>, candidates: readonly number[], minStrength = 0.3): Seasonality | undefined {
  let best: Seasonality | undefined;
  for (const period of candidates) {
    if (period < 2 || values.length < 2 * period) continue;
    const strength = autocorrelation(values, period);
    if (strength >= minStrength && (best === undefined || strength > best.strength)) best = { period, strength };
  }
  return best;
}

/** Candidate periods, in rows, for data sampled every `stepMs`: one day and one week. */
export function calendarPeriods(stepMs: number): number[] {
  if (!(stepMs > 0)) return [];
  return [86_400_000, 7 * 86_400_000].map((p) => Math.round(p / stepMs)).filter((p) => p >= 2);
}
