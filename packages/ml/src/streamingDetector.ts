import type { AnomalyDetector, AnomalyResult } from './detector.js';
import { normalTail } from './normal.js';

/** Hyper-parameters of {@link StreamingAnomalyDetector}; the defaults are global NAB-tuned values. */
export interface StreamingDetectorOptions {
  /** Smoothing of the fast level (prediction) EWMA. */
  readonly levelAlpha?: number;
  /** Smoothing of the residual-scale (mean absolute deviation) EWMA. */
  readonly scaleAlpha?: number;
  /** Error (in robust sigmas) at which the raw score reaches 1 − 1/e. */
  readonly errorScale?: number;
  /** Smoothing of the short-term average of raw scores (HTM uses a 10-point mean). */
  readonly shortAlpha?: number;
  /** Smoothing of the long-term raw-score distribution (mean and variance). */
  readonly longAlpha?: number;
  /** Rows during which the detector only learns and outputs 0. */
  readonly warmup?: number;
  /** Per-row decay of the suppression peak: a new alert must beat the decayed previous peak. */
  readonly suppressDecay?: number;
  /** Weight of the spatial-novelty (new extreme) signal. */
  readonly spatialWeight?: number;
  /** Evidence (in sigmas) at which the output score reaches 1 − 1/e. */
  readonly outputScale?: number;
  /** Weight of the single-point (unaveraged) surprise scale. */
  readonly rawWeight?: number;
  /** Time-of-day buckets of the daily seasonal profile. */
  readonly dailyBuckets?: number;
  /** Smoothing of each seasonal bucket (per visit). */
  readonly seasonAlpha?: number;
  /** Weight of the seasonal-model error (0 disables the seasonal model). */
  readonly seasonalWeight?: number;
  /** Per-row decay of the record (largest-so-far) of each signal. */
  readonly recordDecay?: number;
  /** Weight of record-breaking novelty. */
  readonly recordWeight?: number;
  /** Weight of the averaged anomaly-likelihood signal. */
  readonly likelihoodWeight?: number;
  /** How the per-model errors combine: `min` (surprise under the best model) or `max`. */
  readonly errorCombine?: 'min' | 'max' | 'best' | 'blend';
  /** Robust sigmas added to the margin a new extreme must clear (guards Gaussian noise). */
  readonly spatialSigmas?: number;
}

const DEFAULTS: Required<StreamingDetectorOptions> = {
  levelAlpha: 0.1,
  scaleAlpha: 0.01,
  errorScale: 3,
  shortAlpha: 0.2,
  longAlpha: 0.001,
  warmup: 150,
  suppressDecay: 0.995,
  spatialWeight: 6,
  outputScale: 10,
  rawWeight: 0,
  likelihoodWeight: 0.3,
  dailyBuckets: 48,
  seasonAlpha: 0.3,
  seasonalWeight: 1,
  recordDecay: 0.9995,
  recordWeight: 1,
  errorCombine: 'min',
  spatialSigmas: 0,
};

const DAY_MS = 86_400_000;

/**
 * The package's univariate streaming detector: O(1) time and memory per update (a fixed ~1 KB of state).
 *
 * Per update it:
 * 1. predicts the value with three models — a fast EWMA level, the last value, and a daily profile of
 *    `dailyBuckets` time-of-day buckets (seasonal decomposition for daily patterns) — and turns each
 *    prediction error into robust sigmas (EW mean absolute deviation of that model's error);
 * 2. takes the surprise under the best explanation (`errorCombine: 'min'`): a point is anomalous only
 *    if none of the models predicted it;
 * 3. measures *record-breaking* surprise: the error against the largest error seen so far, slowly
 *    forgotten (`recordDecay`), so each series is judged against its own history (a noisy series
 *    stops alarming, a quiet one alarms on little), and level shifts become the new normal;
 * 4. adds contextual novelty when the value leaves the range seen so far (`spatialWeight`) and an
 *    HTM-style anomaly likelihood of the short-term average surprise (`likelihoodWeight`);
 * 5. reports an alert only when it beats the decayed previous peak (`suppressDecay`), so one incident
 *    yields one early alert rather than a burst.
 *
 * The defaults were chosen once, globally, on the NAB corpus (no per-file settings, no labels).
 */
export class StreamingAnomalyDetector implements AnomalyDetector {
  readonly name = 'ainka';
  readonly #o: Required<StreamingDetectorOptions>;
  #n = 0;
  #level = 0;
  #prev = 0;
  #scale = 0;
  #stepScale = 0;
  #short = 0;
  #longMean = 0;
  #longVar = 0;
  #min = Infinity;
  #max = -Infinity;
  #peak = 0;
  #rawMean = 0;
  #maxErr = 0;
  #maxZ = 0;
  readonly #season: Float64Array;
  readonly #seasonSeen: Uint8Array;
  #seasonScale = 0;
  #seasonDays = 0;
  #firstT: number | undefined;
  #rawVar = 0;

  constructor(options: StreamingDetectorOptions = {}) {
    this.#o = { ...DEFAULTS, ...options };
    this.#season = new Float64Array(this.#o.dailyBuckets);
    this.#seasonSeen = new Uint8Array(this.#o.dailyBuckets);
  }

  update(t: number, x: number): AnomalyResult {
    const o = this.#o;
    if (!Number.isFinite(x)) {
      return { score: 0, explanation: { reason: `non-finite value ${x} ignored` } };
    }
    if (this.#n === 0) {
      this.#level = x;
      this.#prev = x;
      this.#min = x;
      this.#max = x;
      this.#n = 1;
      this.#firstT = t;
      return { score: 0, explanation: { reason: 'first observation', expected: x } };
    }
    const expected = this.#level;
    const floor = 1e-9 + 1e-6 * Math.abs(expected) + 1e-3 * (this.#max - this.#min);
    const e1 = Math.abs(x - expected) / (this.#scale + floor);
    const e2 = Math.abs(x - this.#prev) / (this.#stepScale + floor);
    // Seasonal (time-of-day) model: EW mean per bucket, residual scale shared across buckets.
    const b = Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / (DAY_MS / o.dailyBuckets));
    const seen = this.#seasonSeen[b] ?? 0;
    const sExpected = seen > 0 ? (this.#season[b] ?? x) : expected;
    const e3raw = Math.abs(x - sExpected);
    const e3 = this.#seasonDays >= 2 ? e3raw / (this.#seasonScale + floor) : 0;
    // Surprise under the best explanation: an anomaly is what none of the models predicted.
    const errMin = this.#seasonDays >= 2 && o.seasonalWeight > 0 ? Math.min(e1, e2, e3) : Math.min(e1, e2);
    let errBest = e1;
    let bestScale = this.#scale;
    if (this.#stepScale < bestScale) {
      errBest = e2;
      bestScale = this.#stepScale;
    }
    if (this.#seasonDays >= 2 && o.seasonalWeight > 0 && this.#seasonScale < bestScale) errBest = e3;
    const err =
      o.errorCombine === 'min' ? errMin : o.errorCombine === 'best' ? errBest : o.errorCombine === 'blend' ? Math.sqrt(errMin * errBest) : Math.max(e1, e2, o.seasonalWeight * e3);
    const raw = 1 - Math.exp(-err / o.errorScale);

    // Spatial novelty: how far beyond the range seen so far, relative to that range.
    const range = this.#max - this.#min;
    const beyond = x > this.#max ? x - this.#max : x < this.#min ? this.#min - x : 0;
    const spatial = beyond > 0 ? Math.min(1, beyond / (range * 0.1 + o.spatialSigmas * this.#scale + floor)) : 0;

    // Anomaly likelihood of the short-term average surprise.
    // Early on, EWMAs run as cumulative means (alpha = 1/n) so their start value does not bias them.
    const n = this.#n;
    const la = Math.max(o.longAlpha, 1 / n);
    const sa = Math.max(o.scaleAlpha, 1 / n);
    this.#short += Math.max(o.shortAlpha, 1 / n) * (raw - this.#short);
    const sd = Math.sqrt(this.#longVar) + 1e-4;
    const z = (this.#short - this.#longMean) / sd;
    const likelihood = 1 - normalTail(z);
    const zPos = z > 0 ? z : 0;
    // Single-point scale: the raw surprise against its own long-run distribution.
    const sdRaw = Math.sqrt(this.#rawVar) + 1e-4;
    const zRaw = (raw - this.#rawMean) / sdRaw;
    const dr = raw - this.#rawMean;
    this.#rawMean += la * dr;
    this.#rawVar = (1 - la) * (this.#rawVar + la * dr * dr);
    const d = this.#short - this.#longMean;
    this.#longMean += la * d;
    this.#longVar = (1 - la) * (this.#longVar + la * d * d);

    // Learn.
    this.#scale += sa * (Math.abs(x - expected) - this.#scale);
    this.#stepScale += sa * (Math.abs(x - this.#prev) - this.#stepScale);
    this.#level += o.levelAlpha * (x - this.#level);
    this.#prev = x;
    if (seen === 0) this.#season[b] = x;
    else this.#season[b] = (this.#season[b] ?? x) + o.seasonAlpha * (x - (this.#season[b] ?? x));
    if (seen > 0) this.#seasonScale += sa * (e3raw - this.#seasonScale);
    this.#seasonSeen[b] = Math.min(255, seen + 1);
    if (this.#firstT === undefined) this.#firstT = t;
    this.#seasonDays = (t - this.#firstT) / DAY_MS;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    this.#n++;

    // Evidence in sigma-like units, squashed into [0, 1) without saturating (ties at 1 lose ranking).
    // Record-breaking novelty: each signal against the (slowly forgotten) largest value it has had.
    const rErr = err / (this.#maxErr + 1e-9);
    const rZ = zPos / (this.#maxZ + 1e-9);
    // Records start halfway through the warm-up, once the scales have settled.
    if (this.#n >= o.warmup / 2) {
      this.#maxErr = Math.max(this.#maxErr * o.recordDecay, err);
      this.#maxZ = Math.max(this.#maxZ * o.recordDecay, zPos);
    }
    const evidence = Math.max(o.likelihoodWeight * zPos, o.rawWeight * zRaw, o.spatialWeight * spatial * 10, o.recordWeight * 10 * Math.max(0, rErr - 1), o.recordWeight * 10 * Math.max(0, rZ - 1));
    let combined = 1 - Math.exp(-evidence / o.outputScale);
    if (this.#n <= o.warmup) combined = 0;
    // Suppression: report only what beats the decayed previous peak.
    this.#peak *= o.suppressDecay;
    let score = 0;
    if (combined > this.#peak) {
      score = combined;
      this.#peak = combined;
    }
    return {
      score,
      explanation: {
        reason: `value ${x} is ${err.toFixed(1)} robust sigmas from the expected ${expected.toPrecision(6)}`,
        expected,
        components: { surprise: raw, likelihood, spatial },
      },
    };
  }
}
