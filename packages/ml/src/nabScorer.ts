/**
 * The Numenta Anomaly Benchmark scorer: sweep scores, corpus-wide threshold optimisation and
 * normalisation, as specified in NAB's SCORING.md (and implemented by NAB's `sweeper.py`).
 *
 * @packageDocumentation
 */

/** A NAB cost profile. */
export interface NabProfile {
  /** Profile name, e.g. `standard`. */
  readonly name: string;
  /** Reward for detecting a window (at its left edge). */
  readonly tpWeight: number;
  /** Cost of missing a window. */
  readonly fnWeight: number;
  /** Cost of a detection outside windows (scaled by the sweep sigmoid). */
  readonly fpWeight: number;
}

/** NAB's three profiles: standard, reward low false-positive rate, reward low false-negative rate. */
export const NAB_PROFILES: readonly NabProfile[] = [
  { name: 'standard', tpWeight: 1, fnWeight: 1, fpWeight: 0.11 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fnWeight: 1, fpWeight: 0.22 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fnWeight: 2, fpWeight: 0.11 },
];

/** One scored file: its timestamps, the detector's scores, and its labelled windows. */
export interface NabScoringInput {
  /** File name, used in error messages. */
  readonly name: string;
  /** Row timestamps (any monotone number, typically epoch ms). */
  readonly timestamps: ArrayLike<number>;
  /** Anomaly score per row, in [0, 1]. */
  readonly scores: ArrayLike<number>;
  /** Labelled windows as `[start, end]` timestamps, matching row timestamps, inclusive. */
  readonly windows: ReadonlyArray<readonly [number, number]>;
}

/** The result of scoring a corpus under one profile. */
export interface NabProfileScore {
  /** The profile's name. */
  readonly profile: string;
  /** The corpus-wide threshold that maximises the raw score (`> 1` means "never fire"). */
  readonly threshold: number;
  /** Raw score S at that threshold. */
  readonly raw: number;
  /** Raw score of a detector that never fires. */
  readonly nullScore: number;
  /** Raw score of a perfect detector. */
  readonly perfectScore: number;
  /** `100 (S − S_null) / (S_perfect − S_null)`. */
  readonly normalized: number;
  /** Windows detected at the threshold. */
  readonly tp: number;
  /** Detected rows outside any window at the threshold. */
  readonly fp: number;
  /** Windows missed at the threshold. */
  readonly fn: number;
}

/** `scaledSigmoid(p)`: −1 for p > 3, else `2 / (1 + e^{5p}) − 1`. */
export function scaledSigmoid(p: number): number {
  return p > 3 ? -1 : 2 / (1 + Math.exp(5 * p)) - 1;
}

/** Probationary rows of a file with `n` rows: `min(floor(0.15 n), 0.15 · 5000)`. */
export function probationaryLength(n: number): number {
  return Math.min(Math.floor(0.15 * n), 0.15 * 5000);
}

interface Scorable {
  score: Float64Array;
  /** Global window id, or −1 outside windows. */
  window: Int32Array;
  /** Unweighted sweep value: scaledSigmoid(position). */
  unweighted: Float64Array;
}

/** Options of {@link scoreNabCorpus}. */
export interface NabScoringOptions {
  /**
   * Round every score to this many significant digits before scoring (default 12). NAB's published
   * scoreboard was computed from result files written by Python 2, whose `str(float)` keeps 12
   * significant digits; scores that close to 1 then tie, which moves the optimal threshold. With 12 the
   * windowed-Gaussian baseline reproduces the published 39.6 / 20.9 / 47.4; pass `Infinity` to score
   * the exact values.
   */
  readonly significantDigits?: number;
}

/** Round to `digits` significant digits, as a text round trip through `%.{digits}g` would. */
export function roundSignificant(x: number, digits: number): number {
  if (!Number.isFinite(digits) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

function prepare(files: readonly NabScoringInput[], digits: number): { rows: Scorable; windowCount: number } {
  let total = 0;
  for (const f of files) total += Math.max(0, f.scores.length - Math.ceil(probationaryLength(f.scores.length)));
  const score = new Float64Array(total);
  const window = new Int32Array(total);
  const unweighted = new Float64Array(total);
  let k = 0;
  let windowBase = 0;
  for (const f of files) {
    const n = f.scores.length;
    if (f.timestamps.length !== n) throw new RangeError(`${f.name}: ${f.timestamps.length} timestamps but ${n} scores`);
    // Resolve windows to row indices [left, right].
    const bounds: Array<[number, number]> = [];
    for (const [a, b] of f.windows) {
      let left = -1;
      let right = -1;
      for (let i = 0; i < n; i++) {
        const t = f.timestamps[i] as number;
        if (left < 0 && t >= a) left = i;
        if (t <= b) right = i;
      }
      if (left < 0 || right < left) throw new RangeError(`${f.name}: window [${a}, ${b}] matches no rows`);
      bounds.push([left, right]);
    }
    bounds.sort((x, y) => x[0] - y[0]);
    const prob = probationaryLength(n);
    let w = 0;
    let inWindow = false;
    let prevRight = -1;
    let prevWidth = 0;
    for (let i = 0; i < n; i++) {
      const cur = bounds[w];
      if (!inWindow && cur !== undefined && i === cur[0]) inWindow = true;
      let u: number;
      if (inWindow && cur !== undefined) {
        const width = cur[1] - cur[0] + 1;
        u = scaledSigmoid(-(cur[1] - i + 1) / width);
      } else if (prevRight < 0) {
        u = -1;
      } else {
        u = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
      }
      if (i >= prob) {
        const s = roundSignificant(f.scores[i] as number, digits);
        if (!(s >= 0 && s <= 1)) throw new RangeError(`${f.name}: row ${i} has score ${s}, outside [0, 1]`);
        score[k] = s;
        window[k] = inWindow ? windowBase + w : -1;
        unweighted[k] = u;
        k++;
      }
      if (inWindow && cur !== undefined && i === cur[1]) {
        inWindow = false;
        prevRight = cur[1];
        prevWidth = cur[1] - cur[0] + 1;
        w++;
      }
    }
    windowBase += bounds.length;
  }
  return { rows: { score: score.subarray(0, k), window: window.subarray(0, k), unweighted: unweighted.subarray(0, k) }, windowCount: windowBase };
}

/**
 * Score a whole corpus under each profile: the threshold is optimised over all scorable rows of all
 * files at once (one threshold per detector and profile), then the raw score is normalised against the
 * null and perfect detectors.
 */
export function scoreNabCorpus(
  files: readonly NabScoringInput[],
  profiles: readonly NabProfile[] = NAB_PROFILES,
  options: NabScoringOptions = {},
): NabProfileScore[] {
  const { rows, windowCount } = prepare(files, options.significantDigits ?? 12);
  const n = rows.score.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sc = rows.score;
  order.sort((a, b) => (sc[b] as number) - (sc[a] as number));
  const maxTp = scaledSigmoid(-1);
  return profiles.map((p) => {
    const best = new Float64Array(windowCount).fill(-p.fnWeight);
    const nullScore = -p.fnWeight * windowCount;
    let cur = nullScore;
    let bestScore = cur;
    let bestThreshold = 1.1;
    let tp = 0;
    let fp = 0;
    let bestTp = 0;
    let bestFp = 0;
    let i = 0;
    while (i < n) {
      const threshold = sc[order[i] as number] as number;
      while (i < n && sc[order[i] as number] === threshold) {
        const r = order[i] as number;
        const w = rows.window[r] as number;
        const u = rows.unweighted[r] as number;
        if (w < 0) {
          cur += u * p.fpWeight;
          fp++;
        } else {
          const v = (u * p.tpWeight) / maxTp;
          const old = best[w] as number;
          if (old === -p.fnWeight) tp++;
          if (v > old) {
            cur += v - old;
            best[w] = v;
          }
        }
        i++;
      }
      if (cur > bestScore) {
        bestScore = cur;
        bestThreshold = threshold;
        bestTp = tp;
        bestFp = fp;
      }
    }
    const perfectScore = p.tpWeight * windowCount;
    return {
      profile: p.name,
      threshold: bestThreshold,
      raw: bestScore,
      nullScore,
      perfectScore,
      normalized: (100 * (bestScore - nullScore)) / (perfectScore - nullScore),
      tp: bestTp,
      fp: bestFp,
      fn: windowCount - bestTp,
    };
  });
}

/**
 * Score a corpus under each profile at a **fixed** threshold (chosen elsewhere, e.g. on a training
 * split): a row is a detection when its score is at or above the threshold, as in the sweep. Returns
 * the raw, null and perfect scores so held-out folds can be summed before normalising.
 */
export function scoreNabAtThreshold(
  files: readonly NabScoringInput[],
  threshold: number,
  profiles: readonly NabProfile[] = NAB_PROFILES,
  options: NabScoringOptions = {},
): NabProfileScore[] {
  const { rows, windowCount } = prepare(files, options.significantDigits ?? 12);
  const maxTp = scaledSigmoid(-1);
  return profiles.map((p) => {
    const best = new Float64Array(windowCount).fill(-p.fnWeight);
    const nullScore = -p.fnWeight * windowCount;
    let fpSum = 0;
    let fp = 0;
    for (let r = 0; r < rows.score.length; r++) {
      if (!((rows.score[r] as number) >= threshold)) continue;
      const w = rows.window[r] as number;
      const u = rows.unweighted[r] as number;
      if (w < 0) {
        fpSum += u * p.fpWeight;
        fp++;
      } else {
        const v = (u * p.tpWeight) / maxTp;
        if (v > (best[w] as number)) best[w] = v;
      }
    }
    let raw = fpSum;
    let tp = 0;
    for (const b of best) {
      raw += b;
      if (b !== -p.fnWeight) tp++;
    }
    const perfectScore = p.tpWeight * windowCount;
    const span = perfectScore - nullScore;
    return { profile: p.name, threshold, raw, nullScore, perfectScore, normalized: span > 0 ? (100 * (raw - nullScore)) / span : 0, tp, fp, fn: windowCount - tp };
  });
}
