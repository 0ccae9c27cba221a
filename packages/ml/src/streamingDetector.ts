import type { AnomalyDetector, AnomalyExplanation, AnomalyResult } from './detector.js';
import { normalTail } from './normal.js';

/** Hyper-parameters of {@link StreamingAnomalyDetector}; the defaults are global values chosen on NAB. */
export interface StreamingDetectorOptions {
  /** Smoothing of the level (EWMA) prediction model. */
  readonly levelAlpha?: number;
  /** Smoothing of each model's residual scale (EW mean absolute error). */
  readonly scaleAlpha?: number;
  /** Time-of-day buckets of the daily seasonal model. */
  readonly dailyBuckets?: number;
  /** Smoothing of each seasonal bucket (per visit). */
  readonly seasonAlpha?: number;
  /** Use the daily seasonal model (after two days of data). */
  readonly seasonal?: boolean;
  /**
   * A model may explain a point away only if its residual scale is within this factor of the best
   * model's (so a model that is usually poor on this series cannot hide a contextual anomaly).
   */
  readonly competence?: number;
  /** Per-row decay of the record (largest surprise so far) that new surprises are compared with. */
  readonly recordDecay?: number;
  /**
   * Records remember a share of the history that grows with it: after `n` rows the per-row decay is
   * `max(recordDecay, 1 − recordGrowth / n)`, so a record fades as a power of the rows seen
   * (`n^−recordGrowth`) rather than exponentially, and a long-watched bursty series stops re-alarming on
   * the same size of burst every few thousand rows. 0 keeps the fixed `recordDecay`.
   */
  readonly recordGrowth?: number;
  /** Weight of record-breaking surprise. */
  readonly recordWeight?: number;
  /** Weight of spatial novelty (the value leaves the range seen so far). */
  readonly spatialWeight?: number;
  /** Robust sigmas added to the margin a new extreme must clear (raise for Gaussian-noise series). */
  readonly spatialSigmas?: number;
  /** Typical steps (EW mean |Δx|) added to that margin, so a slow ramp to new highs does not alarm. */
  readonly spatialSteps?: number;
  /**
   * Weight of the HTM-style anomaly likelihood of the short-term average surprise as a signal of its own
   * (0 by default: it enters through its record, step 3, which ranks alerts better on NAB).
   */
  readonly likelihoodWeight?: number;
  /** Error (in robust sigmas) at which the raw surprise fed to the likelihood reaches 1 − 1/e. */
  readonly errorScale?: number;
  /** Smoothing of the short-term average surprise (HTM averages 10 points). */
  readonly shortAlpha?: number;
  /**
   * Smoothing of the long-run distribution of the short-term average (never below 1 / rows seen; 0 = the
   * whole history, so the z-score is judged against everything seen).
   */
  readonly longAlpha?: number;
  /** Weight of contextual novelty (a sequence of quantised values never seen before). */
  readonly contextWeight?: number;
  /** Quantisation levels of the context (over the range seen so far). */
  readonly contextLevels?: number;
  /** Previous values in a context, besides the current one. */
  readonly contextLength?: number;
  /** Novel contexts count only when rarer than e^−bias (evidence is −ln(rate) − bias). */
  readonly contextBias?: number;
  /** Smoothing of the novel-context rate. */
  readonly contextAlpha?: number;
  /**
   * The novel-context rate averages over a span that grows with the history: after `n` rows its
   * smoothing is `min(contextAlpha, contextGrowth / n)`, so the rarity of novelty is judged on the
   * whole of a long history, not on the last few hundred rows. 0 keeps the fixed `contextAlpha`.
   */
  readonly contextGrowth?: number;
  /** Rows during which the detector only learns and outputs 0. */
  readonly warmup?: number;
  /** Per-row decay of the suppression peak: a new alert must beat the decayed previous one. */
  readonly suppressDecay?: number;
  /** Evidence at which the output score reaches 1 − 1/e. */
  readonly outputScale?: number;
}

const DEFAULTS: Required<StreamingDetectorOptions> = {
  levelAlpha: 0.1,
  scaleAlpha: 0.01,
  dailyBuckets: 48,
  seasonAlpha: 0.3,
  seasonal: true,
  competence: 8,
  recordDecay: 0.9995,
  recordGrowth: 0.5,
  recordWeight: 1,
  spatialWeight: 6,
  spatialSigmas: 0,
  spatialSteps: 8,
  likelihoodWeight: 0,
  errorScale: 3,
  shortAlpha: 0.2,
  longAlpha: 0,
  contextWeight: 1,
  contextLevels: 8,
  contextLength: 2,
  contextBias: 4,
  contextAlpha: 0.005,
  contextGrowth: 6,
  warmup: 100,
  suppressDecay: 0.995,
  outputScale: 10,
};

const DAY_MS = 86_400_000;
const CONTEXT_SLOTS = 1024;

/**
 * The package's univariate streaming detector: O(1) time and a fixed ~2 KB of state per series.
 *
 * Per update it:
 * 1. predicts the value with three models — an EWMA level, the last value, and a daily profile of
 *    `dailyBuckets` time-of-day buckets (seasonal decomposition for daily patterns) — and turns each
 *    prediction error into robust sigmas (EW mean absolute error of that model);
 * 2. takes the surprise under the best *competent* explanation: a point is anomalous only if none of
 *    the models that usually predict this series well predicted it;
 * 3. compares that surprise, and the HTM-style z-score of its short-term average, with the largest ones
 *    seen so far, slowly forgotten: each series is judged against its own history, so a noisy series
 *    stops alarming, a quiet one alarms on little, and a level shift alarms once and then becomes the
 *    new normal. Records fade as a power of the rows seen (`recordGrowth`), not at a fixed rate, so a
 *    long-watched bursty series does not re-alarm on an ordinary burst every few thousand rows;
 * 4. adds spatial novelty (the value leaves the range seen so far) and contextual novelty (a short
 *    sequence of quantised values never seen before, scored by how rare novel contexts have become over
 *    the whole history, as CAD OSE does);
 * 5. reports an alert only when it beats the decayed previous peak (`suppressDecay`), so one incident
 *    yields one early alert rather than a burst.
 *
 * The defaults were chosen once, globally, on the NAB corpus (no per-file settings, no labels, no
 * look-ahead); NAB has no held-out split, so expect somewhat lower scores on unseen data.
 */
export class StreamingAnomalyDetector implements AnomalyDetector {
  readonly name = 'ainka';
  readonly #o: Required<StreamingDetectorOptions>;
  #n = 0;
  #firstT = 0;
  #level = 0;
  #prev = 0;
  #min = Infinity;
  #max = -Infinity;
  #scale = 0;
  #stepScale = 0;
  readonly #season: Float64Array;
  readonly #seasonSeen: Uint8Array;
  #seasonScale = 0;
  #short = 0;
  #longMean = 0;
  #longVar = 0;
  #maxErr = 0;
  #maxZ = 0;
  #context = 0;
  #novelRate = 0.5;
  readonly #contexts = new Uint8Array(CONTEXT_SLOTS);
  #peak = 0;

  readonly #contextModulus: number;

  constructor(options: StreamingDetectorOptions = {}) {
    this.#o = { ...DEFAULTS, ...options };
    this.#contextModulus = Math.pow(this.#o.contextLevels, this.#o.contextLength + 1);
    this.#season = new Float64Array(this.#o.dailyBuckets);
    this.#seasonSeen = new Uint8Array(this.#o.dailyBuckets);
  }

  /**
   * Consume one observation and score it (0 during the warm-up, and whenever the point does not beat
   * the decayed previous alert).
   * @param t - timestamp in milliseconds since the epoch (drives the daily seasonal model)
   * @param x - the observed value; non-finite values are ignored and score 0
   */
  update(t: number, x: number): AnomalyResult {
    const o = this.#o;
    if (!Number.isFinite(x)) return { score: 0, explanation: { reason: `non-finite value ${x} ignored` } };
    if (this.#n === 0) {
      this.#level = x;
      this.#prev = x;
      this.#min = x;
      this.#max = x;
      this.#firstT = t;
      this.#n = 1;
      return { score: 0, explanation: { reason: 'first observation', expected: x } };
    }
    const n = this.#n;
    // Early on, EWMAs run as cumulative means (alpha = 1/n) so their start value does not bias them.
    const sa = Math.max(o.scaleAlpha, 1 / n);
    const la = Math.max(o.longAlpha, 1 / n);

    // 1. Three prediction models and their errors in robust sigmas.
    const expected = this.#level;
    const range = this.#max - this.#min;
    const floor = 1e-9 + 1e-6 * Math.abs(expected) + 1e-3 * range;
    const e1 = Math.abs(x - expected) / (this.#scale + floor);
    const e2 = Math.abs(x - this.#prev) / (this.#stepScale + floor);
    const b = Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / (DAY_MS / o.dailyBuckets));
    const seen = this.#seasonSeen[b] as number;
    const seasonal = o.seasonal && t - this.#firstT >= 2 * DAY_MS;
    const sExpected = seen > 0 ? (this.#season[b] as number) : expected;
    const e3abs = Math.abs(x - sExpected);
    const e3 = e3abs / (this.#seasonScale + floor);

    // 2. Surprise under the best competent model.
    const bestScale = Math.min(this.#scale, this.#stepScale, seasonal ? this.#seasonScale : Infinity);
    const competent = o.competence * bestScale + floor;
    let err = Infinity;
    if (this.#scale <= competent) err = e1;
    if (this.#stepScale <= competent && e2 < err) err = e2;
    if (seasonal && this.#seasonScale <= competent && e3 < err) err = e3;
    if (!Number.isFinite(err)) err = Math.min(e1, e2);

    // 4a. Spatial novelty: how far beyond the range seen so far, relative to that range.
    const beyond = x > this.#max ? x - this.#max : x < this.#min ? this.#min - x : 0;
    const margin = range * 0.1 + o.spatialSigmas * this.#scale + o.spatialSteps * this.#stepScale + floor;
    const spatial = beyond > 0 ? Math.min(1, beyond / margin) : 0;

    // 4b. Anomaly likelihood of the short-term average surprise against its long-run distribution.
    const raw = 1 - Math.exp(-err / o.errorScale);
    this.#short += Math.max(o.shortAlpha, 1 / n) * (raw - this.#short);
    const z = (this.#short - this.#longMean) / (Math.sqrt(this.#longVar) + 1e-4);
    const zPos = z > 0 ? z : 0;
    const d = this.#short - this.#longMean;
    this.#longMean += la * d;
    this.#longVar = (1 - la) * (this.#longVar + la * d * d);

    // Learn the models.
    this.#scale += sa * (Math.abs(x - expected) - this.#scale);
    this.#stepScale += sa * (Math.abs(x - this.#prev) - this.#stepScale);
    this.#level += o.levelAlpha * (x - this.#level);
    this.#prev = x;
    if (seen === 0) this.#season[b] = x;
    else {
      this.#season[b] = sExpected + o.seasonAlpha * (x - sExpected);
      this.#seasonScale += sa * (e3abs - this.#seasonScale);
    }
    if (seen < 255) this.#seasonSeen[b] = seen + 1;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    this.#n = n + 1;

    // 3. Record-breaking surprise (records start halfway through the warm-up, once scales settle).
    const rErr = err / (this.#maxErr + 1e-9);
    const rZ = zPos / (this.#maxZ + 1e-9);
    if (this.#n >= o.warmup / 2) {
      const decay = o.recordGrowth > 0 ? Math.max(o.recordDecay, 1 - o.recordGrowth / this.#n) : o.recordDecay;
      this.#maxErr = Math.max(this.#maxErr * decay, err);
      this.#maxZ = Math.max(this.#maxZ * decay, zPos);
    }

    // 4c. Contextual novelty: a short sequence of quantised values (hashed into a fixed table).
    const levels = o.contextLevels;
    const span = this.#max - this.#min;
    const q = span > 0 ? Math.min(levels - 1, Math.floor((levels * (x - this.#min)) / (span * 1.0000001))) : 0;
    this.#context = (this.#context * levels + q) % this.#contextModulus;
    const slot = (Math.imul(this.#context + 1, 2654435761) >>> 0) % CONTEXT_SLOTS;
    const count = this.#contexts[slot] as number;
    let context = 0;
    if (this.#n > 50) {
      const novel = count === 0 ? 1 : 0;
      context = novel * Math.max(0, -Math.log(this.#novelRate + 1e-4) - o.contextBias);
      const rateAlpha = o.contextGrowth > 0 ? Math.min(o.contextAlpha, o.contextGrowth / this.#n) : o.contextAlpha;
      this.#novelRate += rateAlpha * (novel - this.#novelRate);
    }
    if (count < 255) this.#contexts[slot] = count + 1;

    // Combine: evidence in sigma-like units, squashed into [0, 1) without saturating.
    const record = o.recordWeight * 10 * Math.max(0, rErr - 1, rZ - 1);
    const evidence = Math.max(record, o.spatialWeight * 10 * spatial, o.contextWeight * context, o.likelihoodWeight * zPos);
    const combined = this.#n <= o.warmup ? 0 : 1 - Math.exp(-evidence / o.outputScale);
    const lo = this.#min;
    const hi = this.#max;

    // 5. Suppression: report only what beats the decayed previous peak.
    this.#peak *= o.suppressDecay;
    let score = 0;
    if (combined > this.#peak) {
      score = combined;
      this.#peak = combined;
    }
    return new StreamingResult(score, x, err, expected, evidence, record, 10 * o.spatialWeight * spatial, spatial, context, z, lo, hi, o.outputScale);
  }
}

/**
 * One update's result. The explanation is built only when read: most are never read, and building
 * strings and objects for each of thousands of series per second would dominate the cost.
 */
class StreamingResult implements AnomalyResult {
  constructor(
    readonly score: number,
    private readonly x: number,
    private readonly err: number,
    private readonly expected: number,
    private readonly evidence: number,
    private readonly record: number,
    private readonly spatialEvidence: number,
    private readonly spatial: number,
    private readonly context: number,
    private readonly z: number,
    private readonly lo: number,
    private readonly hi: number,
    private readonly outputScale: number,
  ) {}

  get explanation(): AnomalyExplanation {
    const { x, err, expected, evidence, record, spatialEvidence, context, lo, hi } = this;
    const base = `value ${x} is ${err.toFixed(1)} robust sigmas from the expected ${expected.toPrecision(6)}`;
    let reason = base;
    if (evidence > 0) {
      if (evidence === spatialEvidence) reason = `${base}; it leaves the range seen so far (${lo.toPrecision(6)} to ${hi.toPrecision(6)})`;
      else if (evidence === record) reason = `${base}, the largest surprise in recent history`;
      else if (evidence === context) reason = `${base}; this sequence of values has not been seen before`;
      else reason = `${base}; surprises have been unusually frequent lately`;
    }
    return {
      reason,
      expected,
      components: {
        record: 1 - Math.exp(-record / this.outputScale),
        spatial: this.spatial,
        context: 1 - Math.exp(-context / this.outputScale),
        likelihood: 1 - normalTail(this.z),
      },
    };
  }
}
