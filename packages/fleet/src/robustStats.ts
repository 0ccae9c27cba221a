/** Median of a non-empty list (NaN for an empty one). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The robust centre and spread of a sample. */
export interface RobustSpread {
  /** The median. */
  readonly median: number;
  /** Median absolute deviation from the median. */
  readonly mad: number;
  /**
   * A robust standard deviation: 1.4826 × MAD (consistent with σ for normal data); when more than half
   * the values are equal (MAD = 0), 1.2533 × the mean absolute deviation instead; never below `floor`.
   */
  readonly sigma: number;
}

/**
 * Median, MAD and a robust σ (Iglewicz & Hoaglin's modified z-score scale, with the mean-absolute-deviation
 * fallback when MAD is 0).
 *
 * @param floor smallest σ returned, so identical hosts do not make every tiny difference infinite.
 */
export function robustSpread(values: readonly number[], floor = 0): RobustSpread {
  const m = median(values);
  const dev = values.map((v) => Math.abs(v - m));
  const mad = median(dev);
  let sigma = 1.4826 * mad;
  if (sigma === 0 && dev.length > 0) sigma = 1.2533 * (dev.reduce((a, b) => a + b, 0) / dev.length);
  return { median: m, mad, sigma: Math.max(sigma, floor) };
}

/** The robust z-score of `value` (0 when σ is 0 and the value is the median, ±Infinity otherwise). */
export function robustZ(value: number, spread: RobustSpread): number {
  const d = value - spread.median;
  if (spread.sigma === 0) return d === 0 ? 0 : Math.sign(d) * Number.POSITIVE_INFINITY;
  return d / spread.sigma;
}
