import type { AnomalyAlert, AnomalyDetector, AnomalyExplanation, AnomalyResult } from './detector.js';
import { normalTail } from './normal.js';
import { validateOptions, type OptionRule } from './options.js';

/**
 * Hyper-parameters of {@link StreamingAnomalyDetector}. Every time constant is in **seconds of the
 * series' own clock** (the row interval is taken from the timestamps), so the detector behaves the same
 * on 5-minute rows and on 1-second rows; counts of evidence (rows) are named `…Rows`.
 */
export interface StreamingDetectorOptions {
  /** Time constant of the level (EWMA) prediction model, seconds. */
  readonly levelSeconds?: number;
  /** Time constant of each model's residual scale (EW mean absolute error), seconds. */
  readonly scaleSeconds?: number;
  /** Time-of-day buckets of the daily seasonal model. */
  readonly dailyBuckets?: number;
  /** Time constant of each daily bucket, seconds of data inside that bucket. */
  readonly seasonSeconds?: number;
  /** Use the daily seasonal model (after two days of data). */
  readonly seasonal?: boolean;
  /** Use the weekly seasonal model too (day-of-week × time-of-day buckets, after two weeks of data). */
  readonly weekly?: boolean;
  /**
   * A model may explain a point away only if its residual scale is within this factor of the best
   * model's (so a model that is usually poor on this series cannot hide a contextual anomaly).
   */
  readonly competence?: number;
  /** Time constant of the record (largest surprise so far) that new surprises are compared with. */
  readonly recordSeconds?: number;
  /**
   * Records remember a share of the history that grows with it: after `T` seconds of history the
   * decay over a row of `dt` seconds is at least `1 − recordGrowth · dt / T`, so a record fades as a
   * power of the time watched, not exponentially. 0 keeps the fixed `recordSeconds`.
   */
  readonly recordGrowth?: number;
  /** Weight of record-breaking surprise. */
  readonly recordWeight?: number;
  /** A surprise below this many robust sigmas is never a record (a quiet series stays quiet). */
  readonly minSurprise?: number;
  /**
   * Weight of the change-point signal: a two-sided CUSUM of the error against the level model (in
   * robust sigmas, drift allowance `cusumDrift`) compared with its own record, so a sustained shift
   * hidden in noise (a CPU hog on an already busy host) is found although no single point is unusual.
   */
  readonly cusumWeight?: number;
  /**
   * Weight of the level-shift signal: the mean of the last few rows (`shiftShortRows`) against a slower
   * mean (`shiftLongRows`), in units of that difference's own spread (`shiftSpreadRows`), compared with
   * the largest *completed* excursion of that z-score so far (records fade as `recordGrowth`). Finds a
   * sustained shift that stays inside the range seen so far (CPU from 20 % to 60 % on a host that has
   * touched 100 %), where no single point is unusual. A shift the competent daily (or weekly) profile
   * predicts is explained away. Its windows count rows, not seconds: a shift is judged on how many
   * samples show it, at any sampling rate.
   */
  readonly shiftWeight?: number;
  /** Rows in the short-term mean of the level-shift signal (EWMA time constant, in typical rows). */
  readonly shiftShortRows?: number;
  /** Rows in the reference mean the short-term mean is compared with (EWMA time constant, rows). */
  readonly shiftLongRows?: number;
  /** Rows over which the spread of (short − reference) is measured (EW variance, rows). */
  readonly shiftSpreadRows?: number;
  /** A level-shift z-score below this is never a record (a series that never shifts stays quiet). */
  readonly minShift?: number;
  /** CUSUM drift allowance per row, in robust sigmas. */
  readonly cusumDrift?: number;
  /** A CUSUM below this (robust sigma-rows) is never a record. */
  readonly minCusum?: number;
  /**
   * Which completed CUSUM excursion a new one must beat: 1 = the largest so far (slowly forgotten),
   * 2 = the second largest. An excursion runs while the CUSUM is above 0; within it, a row must also beat
   * the excursion's own running peak (so one lasting shift signals once). With 2, one past incident
   * (a memory leak's CUSUM of thousands) does not raise the bar for the next, smaller one; shifts that
   * recur (a bursty series) still do.
   */
  readonly cusumRank?: number;
  /** A likelihood z-score below this is never a record (its record may have faded to almost 0). */
  readonly minLikelihoodZ?: number;
  /** Weight of spatial novelty (the value leaves the range seen so far). */
  readonly spatialWeight?: number;
  /** Robust sigmas added to the margin a new extreme must clear (raise for Gaussian-noise series). */
  readonly spatialSigmas?: number;
  /** Typical steps (EW mean |Δx|) added to that margin, so a slow ramp to new highs does not alarm. */
  readonly spatialSteps?: number;
  /**
   * Changes smaller than this fraction of the series' level are within its normal resolution: the
   * error scale never drops below it (a 2 % memory drift is 2 such units, not "8 robust sigmas").
   */
  readonly relativeTolerance?: number;
  /**
   * The error scale never drops below this many quanta (the smallest non-zero step seen: PSI moves in
   * 0.01, byte counters in pages), so one quantum of change is never a strong surprise.
   */
  readonly resolutionSteps?: number;
  /**
   * Weight of the HTM-style anomaly likelihood of the short-term average surprise as a signal of its own
   * (0 by default: it enters through its record, step 3).
   */
  readonly likelihoodWeight?: number;
  /** Error (in robust sigmas) at which the raw surprise fed to the likelihood reaches 1 − 1/e. */
  readonly errorScale?: number;
  /** Time constant of the short-term average surprise, seconds. */
  readonly shortSeconds?: number;
  /** Weight of contextual novelty (a sequence of quantised values never seen before). */
  readonly contextWeight?: number;
  /** Quantisation levels of the context (over the range seen so far). */
  readonly contextLevels?: number;
  /** Previous values in a context, besides the current one. */
  readonly contextLength?: number;
  /** Novel contexts count only when rarer than e^−bias (evidence is −ln(rate) − bias). */
  readonly contextBias?: number;
  /** Time constant of the novel-context rate, seconds. */
  readonly contextSeconds?: number;
  /** The novel-context rate averages over a span that grows with the history (as `recordGrowth`). */
  readonly contextGrowth?: number;
  /**
   * Series sampled more coarsely than this (seconds) stretch every time constant by `rowSeconds /
   * referenceRowSeconds`, so no model averages fewer rows than at this rate (default 300: NAB's rows).
   */
  readonly referenceRowSeconds?: number;
  /**
   * Count the memories of the *surprise statistics* — the records (`recordSeconds`), the novel-context
   * rate (`contextSeconds`) and the short-term average surprise (`shortSeconds`) — in rows: each is then
   * read as that many seconds at `referenceRowSeconds` per row (e.g. `recordSeconds` ≈ 2000 rows) at any
   * sampling rate. They measure how often surprises come, and the chance of a new record among N rows
   * does not depend on the interval between them. The prediction models (level, season, residual scale)
   * stay in wall time: they follow the signal. Default `true`; `false` keeps all in seconds. No effect
   * on series sampled at `referenceRowSeconds` or more coarsely.
   */
  readonly surpriseInRows?: boolean;
  /** Rows of evidence before the detector is fully confident (scores are capped below until then). */
  readonly warmupRows?: number;
  /** Seconds of history before the detector is fully confident (scores are capped below until then). */
  readonly warmupSeconds?: number;
  /**
   * Rows on which the value changed before the detector is fully confident. A series that has barely
   * moved (a counter at 0, an idle device) has no measured noise, so its first departures are not
   * certain however many "sigmas" they are: the score is capped at `moves / warmupMoves` until then.
   */
  readonly warmupMoves?: number;
  /**
   * Rows over which the onset suppression peak decays by 1/e: a new onset must beat the decayed
   * previous one. Counted in rows, not seconds: it de-duplicates the output of one incident, and an
   * incident spans a few rows of a 5-minute series but minutes of a 1-second one.
   */
  readonly suppressRows?: number;
  /** Evidence at which the uncalibrated score (`calibrate: false`) reaches 1 − 1/e. */
  readonly outputScale?: number;
  /**
   * Calibrate the score into a false-alarm rate (default). `false` gives the uncalibrated
   * `confidence · (1 − e^{−evidence / outputScale})`, which ranks points within one series the same way
   * but means different things on different series.
   */
  readonly calibrate?: boolean;
  /** Calibration: chance events per e-fold of a series' age with evidence ≥ E are `base · (1 + E)^−power`. */
  readonly calibrationBase?: number;
  /** Calibration: see `calibrationBase`. */
  readonly calibrationPower?: number;
  /**
   * Rows of the young-series rule's sustained extreme (0 turns the rule off): the last `sustainRows`
   * values must *all* lie beyond the level by more than `sustainRatio` times the largest deviation any
   * earlier run of `sustainRows` values sustained (never less than the series' error scale and
   * resolution). Counted in rows, as a run of samples. See `sustainSeconds`.
   */
  readonly sustainRows?: number;
  /** How many times the largest earlier sustained deviation a run must exceed to fire the rule. */
  readonly sustainRatio?: number;
  /**
   * The rule applies while the series is younger than this (seconds of history; default one day, the
   * age from which the calibration's youth term `ln(1 + day / age)` is held at its one-day value). It
   * lets a blatant, sustained departure alarm on a series minutes old, where the calibrated tail
   * probability is strict (any record is likely when little has been seen). It is a rule, not a
   * measured tail probability: its rate is what the live-host alarm bench measures.
   */
  readonly sustainSeconds?: number;
  /**
   * Score of a run exactly `sustainRatio` times beyond (default 0.99, ainkad's default threshold); a
   * run `ρ` times beyond scores `1 − (1 − sustainScore) · (sustainRatio / ρ)²`, capped by `confidence`.
   */
  readonly sustainScore?: number;
  /** Score at which an alert opens (the daemon passes its configured threshold). */
  readonly alertScore?: number;
  /**
   * An open alert ends after the value has been back near its pre-alert level this long, or near what
   * the level model now expects (the new level has become normal) this long, seconds.
   */
  readonly alertHoldSeconds?: number;
  /** An open alert whose level persists ends after this long at the latest, once its score is below `alertScore`, seconds. */
  readonly alertMaxSeconds?: number;
}

/** Time constant (seconds) equivalent to a per-row factor `keep` at 5-minute rows. */
const at5min = (keep: number): number => -300 / Math.log(keep);

/** The default options (time constants from the values chosen on NAB's 5-minute rows). */
export const STREAMING_DETECTOR_DEFAULTS: Readonly<Required<StreamingDetectorOptions>> = Object.freeze({
  levelSeconds: at5min(0.9),
  scaleSeconds: at5min(0.99),
  dailyBuckets: 48,
  seasonSeconds: at5min(0.7),
  seasonal: true,
  weekly: false,
  competence: 8,
  recordSeconds: at5min(0.9995),
  recordGrowth: 0.5,
  recordWeight: 1,
  minSurprise: 3,
  minLikelihoodZ: 2,
  cusumWeight: 1,
  cusumDrift: 1,
  minCusum: 10,
  cusumRank: 2,
  shiftWeight: 1,
  shiftShortRows: 5,
  shiftLongRows: 100,
  shiftSpreadRows: 300,
  minShift: 3,
  spatialWeight: 6,
  spatialSigmas: 0,
  spatialSteps: 8,
  relativeTolerance: 0.01,
  resolutionSteps: 2,
  likelihoodWeight: 0,
  errorScale: 3,
  shortSeconds: at5min(0.8),
  contextWeight: 1,
  contextLevels: 8,
  contextLength: 2,
  contextBias: 4,
  contextSeconds: at5min(0.995),
  contextGrowth: 6,
  referenceRowSeconds: 300,
  surpriseInRows: true,
  warmupRows: 100,
  warmupSeconds: 120,
  warmupMoves: 3,
  suppressRows: -1 / Math.log(0.995),
  outputScale: 10,
  calibrate: true,
  calibrationBase: 7.2,
  calibrationPower: 1.26,
  sustainRows: 5,
  sustainRatio: 3,
  sustainSeconds: 86_400,
  sustainScore: 0.99,
  alertScore: 0.99,
  alertHoldSeconds: 30,
  alertMaxSeconds: 1800,
});

const positive = (v: number): boolean => v > 0;
const nonNegative = (v: number): boolean => v >= 0;
const RULES: Record<keyof StreamingDetectorOptions, OptionRule> = {
  levelSeconds: { test: positive, expect: 'a positive number of seconds' },
  scaleSeconds: { test: positive, expect: 'a positive number of seconds' },
  dailyBuckets: { test: (v) => Number.isInteger(v) && v >= 1 && v <= 1440, expect: 'an integer from 1 to 1440' },
  seasonSeconds: { test: positive, expect: 'a positive number of seconds' },
  seasonal: { boolean: true },
  weekly: { boolean: true },
  competence: { test: (v) => v >= 1, expect: 'a factor of at least 1' },
  recordSeconds: { test: positive, expect: 'a positive number of seconds' },
  recordGrowth: { test: nonNegative, expect: 'a number ≥ 0' },
  recordWeight: { test: nonNegative, expect: 'a weight ≥ 0' },
  minSurprise: { test: nonNegative, expect: 'robust sigmas ≥ 0' },
  cusumWeight: { test: nonNegative, expect: 'a weight ≥ 0' },
  cusumDrift: { test: nonNegative, expect: 'robust sigmas ≥ 0' },
  minCusum: { test: nonNegative, expect: 'robust sigma-rows ≥ 0' },
  cusumRank: { test: (v) => v === 1 || v === 2, expect: '1 (the largest excursion) or 2 (the second largest)' },
  shiftWeight: { test: nonNegative, expect: 'a weight ≥ 0' },
  shiftShortRows: { test: (v) => v >= 1, expect: 'a number of rows ≥ 1' },
  shiftLongRows: { test: (v) => v >= 1, expect: 'a number of rows ≥ 1' },
  shiftSpreadRows: { test: (v) => v >= 1, expect: 'a number of rows ≥ 1' },
  minShift: { test: nonNegative, expect: 'a z-score ≥ 0' },
  minLikelihoodZ: { test: nonNegative, expect: 'a z-score ≥ 0' },
  spatialWeight: { test: nonNegative, expect: 'a weight ≥ 0' },
  spatialSigmas: { test: nonNegative, expect: 'robust sigmas ≥ 0' },
  spatialSteps: { test: nonNegative, expect: 'a number of steps ≥ 0' },
  relativeTolerance: { test: (v) => v >= 0 && v < 1, expect: 'a fraction in [0, 1)' },
  resolutionSteps: { test: nonNegative, expect: 'a number of quanta ≥ 0' },
  likelihoodWeight: { test: nonNegative, expect: 'a weight ≥ 0' },
  errorScale: { test: positive, expect: 'robust sigmas > 0' },
  shortSeconds: { test: positive, expect: 'a positive number of seconds' },
  contextWeight: { test: nonNegative, expect: 'a weight ≥ 0' },
  contextLevels: { test: (v) => Number.isInteger(v) && v >= 2 && v <= 64, expect: 'an integer from 2 to 64' },
  contextLength: { test: (v) => Number.isInteger(v) && v >= 0 && v <= 6, expect: 'an integer from 0 to 6' },
  contextBias: { test: nonNegative, expect: 'a number ≥ 0' },
  contextSeconds: { test: positive, expect: 'a positive number of seconds' },
  contextGrowth: { test: nonNegative, expect: 'a number ≥ 0' },
  referenceRowSeconds: { test: positive, expect: 'a positive number of seconds' },
  surpriseInRows: { boolean: true },
  warmupRows: { test: (v) => Number.isInteger(v) && v >= 2, expect: 'an integer ≥ 2' },
  warmupSeconds: { test: nonNegative, expect: 'seconds ≥ 0' },
  warmupMoves: { test: (v) => Number.isInteger(v) && v >= 0, expect: 'an integer ≥ 0' },
  suppressRows: { test: positive, expect: 'a positive number of rows' },
  outputScale: { test: positive, expect: 'a positive number' },
  calibrate: { boolean: true },
  calibrationBase: { test: positive, expect: 'a positive rate' },
  calibrationPower: { test: positive, expect: 'a positive exponent' },
  sustainRows: { test: (v) => Number.isInteger(v) && v >= 0 && v <= 64, expect: 'an integer from 0 (off) to 64' },
  sustainRatio: { test: (v) => v > 1, expect: 'a ratio > 1' },
  sustainSeconds: { test: nonNegative, expect: 'seconds ≥ 0' },
  sustainScore: { test: (v) => v > 0 && v < 1, expect: 'a score in (0, 1)' },
  alertScore: { test: (v) => v > 0 && v <= 1, expect: 'a score in (0, 1]' },
  alertHoldSeconds: { test: nonNegative, expect: 'seconds ≥ 0' },
  alertMaxSeconds: { test: positive, expect: 'a positive number of seconds' },
};

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const CONTEXT_SLOTS = 1024;
/** Lower bound of the short-term surprise average's standard deviation (√0.0003, HTM's variance floor). */
const MIN_LIKELIHOOD_SD = Math.sqrt(0.0003);
/**
 * A row interval counts for at most this many typical intervals: a gap in the data brings no new
 * evidence, so models forget no more over it than over one ordinary row.
 */
const MAX_GAP_ROWS = 1;

/** `1 − e^{−dt/τ}`: the EWMA weight of a row `dt` seconds long for a time constant of `τ` seconds. */
const alphaOf = (dtS: number, tauS: number): number => -Math.expm1(-dtS / tauS);

/**
 * The package's univariate streaming detector: O(1) time and a fixed ~3.6 KB of state per series
 * (~6 KB with the weekly model).
 *
 * Per update it:
 * 1. predicts the value with an EWMA level, the last value, and daily (optionally weekly) profiles,
 *    and turns each prediction error into robust sigmas (EW mean absolute error of that model, never
 *    below the series' resolution: `relativeTolerance` of its level and `resolutionSteps` quanta);
 * 2. takes the surprise under the best *competent* explanation: a point is anomalous only if none of
 *    the models that usually predict this series well predicted it;
 * 3. compares that surprise, and the HTM-style z-score of its short-term average, with the largest ones
 *    seen so far, slowly forgotten (records fade as a power of the time watched);
 * 4. adds spatial novelty (the value leaves the range seen so far), contextual novelty (a short
 *    sequence of quantised values never seen before, scored by how rare novel contexts have become) and
 *    level shifts (a short-term mean that has moved from its reference by more than any completed
 *    excursion before, in units of its own spread: a sustained shift inside the range seen so far);
 * 5. **calibrates** the evidence `E` into a rate: on normal rows (measured outside NAB's labelled
 *    windows, see `tools/bench/nab/calibrate.ts`) the share with evidence ≥ `E` falls as
 *    `calibrationBase · (1 + E)^−calibrationPower`; times rows per day (from the timestamps) that is the
 *    expected number of chance alarms per day `r` at this level, and the score is
 *    `confidence / (1 + r)`, i.e. `r = (1 − s) / s` once warmed up. A score of 0.99 therefore means
 *    "evidence this strong arises by chance about once in 100 days on one series" (0.5: once a day),
 *    whatever the sampling rate, and `confidence` (history seen / warm-up, in rows, in seconds and in
 *    rows on which the value moved) keeps a new or never-moving series from ever being certain;
 * 5b. applies the **young-series rule** while the series is younger than `sustainSeconds` (a day), where
 *    step 5 is strict (`ln(1 + day / age)`: every record is likely when little has been seen): when the
 *    last `sustainRows` (5) values *all* lie beyond the level by more than `sustainRatio` (3) times the
 *    largest deviation any earlier, non-overlapping run of as many values sustained (never less than the
 *    error scale, and never for a departure within ten resolutions), the score is at least
 *    `sustainScore` (0.99) — higher the further beyond — capped by `confidence`. A spike shorter than
 *    the run never fires it; a CPU hog, a leak or traffic falling to 0 minutes after the series appeared
 *    does. It is a rule with its own explanation, not a tail probability: its false-alarm rate is what
 *    the live-host alarm bench (`tools/bench/ml/alarms.ts`) measures;
 * 6. keeps an alert state: it opens when the score reaches `alertScore`, and ends once the value has
 *    been back near its pre-alert level for `alertHoldSeconds`, or near what the level model now
 *    expects for as long (the new level has become normal; at the latest after `alertMaxSeconds`), so a
 *    lasting shift does not keep the series from opening its next alert. `onsetScore` is the score only where it beats the decayed previous
 *    peak: one early signal per incident, which is what NAB's scorer rewards.
 */
export class StreamingAnomalyDetector implements AnomalyDetector {
  readonly name = 'ainka';
  readonly #o: Required<StreamingDetectorOptions>;
  #n = 0;
  #firstT = 0;
  #lastT = 0;
  #dt = 0;
  #elapsed = 0;
  #level = 0;
  #prev = 0;
  #min = Infinity;
  #max = -Infinity;
  #quantum = Infinity;
  #moves = 0;
  #scale = 0;
  #stepScale = 0;
  readonly #season: Float64Array;
  readonly #seasonSeen: Uint8Array;
  #seasonScale = 0;
  readonly #week: Float64Array | undefined;
  readonly #weekSeen: Uint8Array | undefined;
  #weekScale = 0;
  #short = 0;
  #longMean = 0;
  #longVar = 0;
  #maxErr = 0;
  #maxZ = 0;
  #cusumUp = 0;
  #cusumDown = 0;
  #maxCusum = 0;
  // `cusumRank` 2: the second-largest completed excursion and the running one's peak.
  #maxCusum2 = 0;
  #cusumPeak = 0;
  // Level-shift signal: short and reference means, spread of their difference, excursion and record.
  #shortMean = 0;
  #refMean = 0;
  #shiftVar = 0;
  #shiftPeak = 0;
  #maxShift = 0;
  #context = 0;
  #novelRate = 0.5;
  readonly #contexts = new Uint8Array(CONTEXT_SLOTS);
  #peak = 0;
  // Alert state.
  #alertSince = -1;
  #alertPeak = 0;
  #alertLevel = 0;
  #alertScale = 0;
  #normalSince = -1;
  #adaptedSince = -1;
  // Young-series rule: 3 · sustainRows slots after the daily profile in #season (one array, one
  // allocation): the last `sustainRows` values, then the up and down deviations of the latest runs
  // (delayed by one run, so a run is compared only with runs it does not overlap); and the records.
  #runCount = 0;
  #susUp = 0;
  #susDown = 0;
  #ruleOn = false;

  readonly #contextModulus: number;

  /**
   * @param options - hyper-parameters; unknown names and out-of-range values throw a
   *   `RangeError` with `code: 'ERR_AINKA_ML_INVALID_OPTION'` naming the option and its valid range
   */
  constructor(options: StreamingDetectorOptions = {}) {
    this.#o = validateOptions('StreamingAnomalyDetector', STREAMING_DETECTOR_DEFAULTS, RULES, options);
    this.#contextModulus = Math.pow(this.#o.contextLevels, this.#o.contextLength + 1);
    this.#season = new Float64Array(this.#o.dailyBuckets + 3 * this.#o.sustainRows);
    this.#seasonSeen = new Uint8Array(this.#o.dailyBuckets);
    if (this.#o.weekly) {
      this.#week = new Float64Array(7 * this.#o.dailyBuckets);
      this.#weekSeen = new Uint8Array(7 * this.#o.dailyBuckets);
    }
  }

  /** The typical row interval seen so far, in seconds (0 before the second row). */
  get rowSeconds(): number {
    return this.#dt;
  }

  /**
   * Consume one observation and score it.
   * @param t - timestamp in milliseconds since the epoch (drives every time constant and the seasonal
   *   models); rows must come in time order
   * @param x - the observed value; non-finite values are ignored and score 0
   */
  update(t: number, x: number): StreamingResult {
    const o = this.#o;
    if (!Number.isFinite(x)) return new StreamingResult(0, 0, 0, 0, this.#alertState(t, false), x, 0, this.#level, 0, 0, 0, 0, 0, 0, this.#min, this.#max, o.outputScale, `non-finite value ${x} ignored`);
    if (this.#n === 0) {
      this.#level = x;
      this.#prev = x;
      this.#min = x;
      this.#max = x;
      this.#firstT = t;
      this.#lastT = t;
      this.#n = 1;
      return new StreamingResult(0, 0, 0, 0, this.#alertState(t, false), x, 0, x, 0, 0, 0, 0, 0, 0, x, x, o.outputScale, 'first observation');
    }
    // Row interval: the typical interval tracks the observed ones robustly (a gap moves it little).
    const rawDt = Math.max(0, (t - this.#lastT) / 1000);
    if (this.#dt === 0) this.#dt = rawDt > 0 ? rawDt : 1;
    else if (rawDt > 0) this.#dt += 0.05 * (Math.min(Math.max(rawDt, this.#dt / 4), this.#dt * 4) - this.#dt);
    const dt = Math.min(rawDt, MAX_GAP_ROWS * this.#dt);
    this.#lastT = t;
    // History in seconds, counting a gap as one typical interval (no data, no new evidence).
    this.#elapsed += dt;
    const elapsedS = Math.max(this.#elapsed, 1e-9);

    const n = this.#n;
    // Time constants stretch on series sampled more coarsely than the reference interval, so no model
    // averages fewer rows than it does at the reference rate (evidence, not only time).
    const stretch = Math.max(1, this.#dt / o.referenceRowSeconds);
    const tau = (seconds: number): number => seconds * stretch;
    // Memories of the surprise statistics count rows (see `surpriseInRows`).
    const rowStretch = o.surpriseInRows ? this.#dt / o.referenceRowSeconds : stretch;
    const tauS = (seconds: number): number => seconds * rowStretch;
    // Early on, EWMAs run as cumulative means (alpha = 1/n) so their start value does not bias them.
    const sa = Math.max(alphaOf(dt, tau(o.scaleSeconds)), 1 / n);
    const la = 1 / n;

    // 1. Prediction models and their errors in robust sigmas, never below the series' resolution.
    const expected = this.#level;
    const range = this.#max - this.#min;
    const step = Math.abs(x - this.#prev);
    // Until a series has moved, its resolution is unknown: its first step is taken as one quantum (a
    // counter leaving 0 for the first time is one step of unknown size, not 10⁹ sigmas).
    const quantum = Number.isFinite(this.#quantum) ? this.#quantum : step;
    const floor = 1e-9 + 1e-3 * range + Math.max(o.relativeTolerance * Math.abs(expected), o.resolutionSteps * quantum);
    const e1 = Math.abs(x - expected) / (this.#scale + floor);
    const e2 = step / (this.#stepScale + floor);
    const tod = ((t % DAY_MS) + DAY_MS) % DAY_MS;
    const b = Math.floor(tod / (DAY_MS / o.dailyBuckets));
    const seen = this.#seasonSeen[b] as number;
    const seasonal = o.seasonal && t - this.#firstT >= 2 * DAY_MS;
    const sExpected = seen > 0 ? (this.#season[b] as number) : expected;
    const e3abs = Math.abs(x - sExpected);
    const e3 = e3abs / (this.#seasonScale + floor);
    let wb = -1;
    let wExpected = expected;
    let e4abs = 0;
    let e4 = Infinity;
    const weekly = this.#week !== undefined && t - this.#firstT >= 2 * WEEK_MS;
    if (this.#week !== undefined) {
      const tow = ((t % WEEK_MS) + WEEK_MS) % WEEK_MS;
      wb = Math.floor(tow / (DAY_MS / o.dailyBuckets));
      if ((this.#weekSeen?.[wb] ?? 0) > 0) wExpected = this.#week[wb] as number;
      e4abs = Math.abs(x - wExpected);
      e4 = e4abs / (this.#weekScale + floor);
    }

    // 2. Surprise under the best competent model.
    const bestScale = Math.min(this.#scale, this.#stepScale, seasonal ? this.#seasonScale : Infinity, weekly ? this.#weekScale : Infinity);
    const competent = o.competence * bestScale + floor;
    let err = Infinity;
    if (this.#scale <= competent) err = e1;
    if (this.#stepScale <= competent && e2 < err) err = e2;
    if (seasonal && this.#seasonScale <= competent && e3 < err) err = e3;
    if (weekly && this.#weekScale <= competent && e4 < err) err = e4;
    if (!Number.isFinite(err)) err = Math.min(e1, e2);
    // A competent daily (weekly) profile that predicts this point explains a level shift away: the
    // level moved because it always does at this time.
    const profileExplains =
      (seasonal && this.#seasonScale <= competent && e3 < o.minShift) || (weekly && this.#weekScale <= competent && e4 < o.minShift);

    // 4a. Spatial novelty: how far beyond the range seen so far, relative to that range and resolution.
    const beyond = x > this.#max ? x - this.#max : x < this.#min ? this.#min - x : 0;
    const margin = range * 0.1 + o.spatialSigmas * this.#scale + o.spatialSteps * this.#stepScale + floor;
    const spatial = beyond > 0 ? Math.min(1, beyond / margin) : 0;
    // Beyond the margin, evidence keeps growing with the log of the excursion (a 30-sigma jump is
    // stronger evidence than a 2-margin one), so blatant faults can be certain on a young series.
    const farBeyond = beyond > margin ? Math.log(beyond / margin) : 0;

    // 4b. Anomaly likelihood of the short-term average surprise against its long-run distribution.
    const raw = 1 - Math.exp(-err / o.errorScale);
    this.#short += Math.max(alphaOf(dt, tauS(o.shortSeconds)), 1 / n) * (raw - this.#short);
    // The spread of the short-term average never counts below MIN_LIKELIHOOD_SD (as NAB's HTM likelihood
    // bounds its variance): on a series that has been flat, one blip is not a thousand-sigma likelihood.
    const z = (this.#short - this.#longMean) / Math.max(Math.sqrt(this.#longVar), MIN_LIKELIHOOD_SD);
    const zPos = z > 0 ? z : 0;
    const d = this.#short - this.#longMean;
    this.#longMean += la * d;
    this.#longVar = (1 - la) * (this.#longVar + la * d * d);

    // 4d. Change point: two-sided CUSUM of the level model's signed error.
    const u = (x - expected) / (this.#scale + floor);
    this.#cusumUp = Math.max(0, this.#cusumUp + u - o.cusumDrift);
    this.#cusumDown = Math.max(0, this.#cusumDown - u - o.cusumDrift);
    const cusum = Math.max(this.#cusumUp, this.#cusumDown);

    // 4f. Young-series rule: a run of `sustainRows` values all beyond the level by more than
    // `sustainRatio` times the largest deviation any earlier (non-overlapping) run sustained.
    let sustain = 0;
    let sustainBound = 0;
    const K = o.sustainRows;
    if (K > 0) {
      const run = this.#season;
      const R0 = o.dailyBuckets;
      run[R0 + (this.#runCount % K)] = x;
      this.#runCount++;
      const m = this.#runCount - K;
      if (m >= 0) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let j = 0; j < K; j++) {
          const v = run[R0 + j] as number;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        const up = lo - expected;
        const down = expected - hi;
        const slot = m % K;
        if (m >= K) {
          // The run that ended K rows ago, which does not overlap this one, joins the records.
          const oldUp = run[R0 + K + slot] as number;
          const oldDown = run[R0 + 2 * K + slot] as number;
          if (oldUp > this.#susUp) this.#susUp = oldUp;
          if (oldDown > this.#susDown) this.#susDown = oldDown;
        }
        run[R0 + K + slot] = up;
        run[R0 + 2 * K + slot] = down;
        // Never against less than the error scale and resolution, and never for a departure within ten
        // resolutions (a 5 % memory drift is not blatant however quiet the series has been).
        if (elapsedS < o.sustainSeconds) {
          const unit = this.#scale + floor;
          const minDev = 10 * floor;
          const rUp = up >= minDev ? up / Math.max(this.#susUp, unit) : 0;
          const rDown = down >= minDev ? down / Math.max(this.#susDown, unit) : 0;
          sustain = Math.max(rUp, rDown);
          sustainBound = rUp >= rDown ? lo : hi;
        }
      }
    }

    // Learn the models.
    const scaleBefore = this.#scale;
    // The level runs as a cumulative mean until its EWMA weight takes over (as the scales do), so a
    // slow level on a fast series is not anchored to the first value for many time constants.
    const la1 = Math.max(alphaOf(dt, tau(o.levelSeconds)), 1 / n);
    this.#scale += sa * (Math.abs(x - expected) - this.#scale);
    this.#stepScale += sa * (step - this.#stepScale);
    this.#level += la1 * (x - this.#level);
    if (step > 1e-12 * Math.abs(x)) {
      this.#moves++;
      if (step < this.#quantum) this.#quantum = step;
    }
    this.#prev = x;
    const sAlpha = alphaOf(dt, tau(o.seasonSeconds));
    if (seen === 0) this.#season[b] = x;
    else {
      this.#season[b] = sExpected + sAlpha * (x - sExpected);
      this.#seasonScale += sa * (e3abs - this.#seasonScale);
    }
    if (seen < 255) this.#seasonSeen[b] = seen + 1;
    if (this.#week !== undefined && this.#weekSeen !== undefined && wb >= 0) {
      const ws = this.#weekSeen[wb] as number;
      if (ws === 0) this.#week[wb] = x;
      else {
        this.#week[wb] = wExpected + sAlpha * (x - wExpected);
        this.#weekScale += sa * (e4abs - this.#weekScale);
      }
      if (ws < 255) this.#weekSeen[wb] = ws + 1;
    }
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    this.#n = n + 1;

    // 3. Record-breaking surprise (records start halfway through the warm-up, once scales settle, and
    // only once the series has moved `warmupMoves` times: the first rows of a series that wakes up must
    // not become the records its own onset is then measured against).
    const rErr = err / Math.max(this.#maxErr, o.minSurprise, 1e-9);
    const rZ = zPos / Math.max(this.#maxZ, o.minLikelihoodZ, 1e-9);
    const second = o.cusumRank === 2;
    const rC = cusum / Math.max(second ? Math.max(this.#maxCusum2, this.#cusumPeak) : this.#maxCusum, o.minCusum, 1e-9);
    if (this.#n >= o.warmupRows / 2 && this.#moves >= o.warmupMoves) {
      const fixed = Math.exp(-dt / tauS(o.recordSeconds));
      const decay = o.recordGrowth > 0 ? Math.max(fixed, 1 - (o.recordGrowth * dt) / elapsedS) : fixed;
      this.#maxErr = Math.max(this.#maxErr * decay, err);
      this.#maxZ = Math.max(this.#maxZ * decay, zPos);
      if (!second) this.#maxCusum = Math.max(this.#maxCusum * decay, cusum);
      else {
        // An excursion (CUSUM above 0) joins the two records when it ends.
        this.#maxCusum *= decay;
        this.#maxCusum2 *= decay;
        this.#cusumPeak *= decay;
        if (cusum > 0) this.#cusumPeak = Math.max(this.#cusumPeak, cusum);
        else if (this.#cusumPeak > 0) {
          const p = this.#cusumPeak;
          if (p > this.#maxCusum) {
            this.#maxCusum2 = this.#maxCusum;
            this.#maxCusum = p;
          } else if (p > this.#maxCusum2) this.#maxCusum2 = p;
          this.#cusumPeak = 0;
        }
      }
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
      const fixed = alphaOf(dt, tauS(o.contextSeconds));
      const rateAlpha = o.contextGrowth > 0 ? Math.min(fixed, (o.contextGrowth * dt) / elapsedS) : fixed;
      this.#novelRate += rateAlpha * (novel - this.#novelRate);
    }
    if (count < 255) this.#contexts[slot] = count + 1;

    // 4e. Level shift: the short-term mean against a slower reference mean, in units of the spread of
    // that difference, compared with the largest completed excursion (not the running one: a z-score
    // that rises smoothly would otherwise only ever beat its own record by one row's increment).
    let shiftEvidence = 0;
    if (o.shiftWeight > 0) {
      const rowS = this.#dt;
      this.#shortMean += Math.max(alphaOf(dt, o.shiftShortRows * rowS), 1 / n) * (x - this.#shortMean);
      const diff = this.#shortMean - this.#refMean;
      const zShift = n > o.warmupRows ? Math.abs(diff) / (Math.sqrt(this.#shiftVar) + floor) : 0;
      this.#shiftVar += Math.max(alphaOf(dt, o.shiftSpreadRows * rowS), 1 / n) * (diff * diff - this.#shiftVar);
      this.#refMean += Math.max(alphaOf(dt, o.shiftLongRows * rowS), 1 / n) * (x - this.#refMean);
      if (!profileExplains) shiftEvidence = o.shiftWeight * 10 * Math.max(0, zShift / Math.max(this.#maxShift, o.minShift) - 1);
      const fixed = Math.exp(-dt / tauS(o.recordSeconds));
      this.#maxShift *= o.recordGrowth > 0 ? Math.max(0, 1 - (o.recordGrowth * dt) / elapsedS) : fixed;
      // An excursion lasts while z > 1; its peak becomes a record when it ends.
      if (zShift > 1) this.#shiftPeak = Math.max(this.#shiftPeak, zShift);
      else if (this.#shiftPeak > 0) {
        this.#maxShift = Math.max(this.#maxShift, this.#shiftPeak);
        this.#shiftPeak = 0;
      }
    }

    // Combine: evidence in sigma-like units.
    const record = o.recordWeight * 10 * Math.max(0, rErr - 1, rZ - 1);
    const spatialEvidence = o.spatialWeight * 10 * (spatial + 0.5 * farBeyond);
    const shift = Math.max(o.cusumWeight * 10 * Math.max(0, rC - 1), shiftEvidence);
    const evidence = Math.max(record, spatialEvidence, shift, o.contextWeight * context, o.likelihoodWeight * zPos);

    // 5. Calibration: the chance of evidence this strong on a normal row, times rows per day.
    // Chance evidence comes at a rate that falls as 1 / age (new extremes and records of a stationary
    // series arrive at ~1 per e-fold of history, whatever the sampling rate): the expected count with
    // evidence ≥ E in the next day is F(E) · ln(1 + day / age), F(E) = base · (1 + E)^−power.
    const perEfold = evidence > 0 ? o.calibrationBase * Math.pow(1 + evidence, -o.calibrationPower) : Infinity;
    // Past one day of age the rate is held at its one-day value (conservative for old series).
    const alarmsPerDay = perEfold * Math.max(Math.LN2, Math.log1p(86_400 / elapsedS));
    const confidence = Math.min(1, this.#n / o.warmupRows, o.warmupSeconds > 0 ? elapsedS / o.warmupSeconds : 1, o.warmupMoves > 0 ? this.#moves / o.warmupMoves : 1);
    const calibrated = o.calibrate ? confidence / (1 + alarmsPerDay) : confidence * -Math.expm1(-evidence / o.outputScale);
    const ruleScore = sustain >= o.sustainRatio ? confidence * (1 - (1 - o.sustainScore) * (o.sustainRatio / sustain) ** 2) : 0;
    const byRule = ruleScore > calibrated;
    const score = byRule ? ruleScore : calibrated;

    // 6. Onset suppression (on the uncalibrated evidence scale, where its decay was chosen) and alert state.
    this.#peak *= Math.exp(-Math.min(1, dt / this.#dt) / o.suppressRows);
    // The young-series rule counts as an onset only on the row it starts firing (one signal per run).
    const ruleOnset = ruleScore > 0 && !this.#ruleOn;
    this.#ruleOn = ruleScore > 0;
    const strength = Math.max(confidence * -Math.expm1(-evidence / o.outputScale), ruleOnset ? ruleScore : 0);
    let onsetScore = 0;
    if (confidence >= 1 && strength > this.#peak) {
      onsetScore = score;
      this.#peak = strength;
    }
    const alert = this.#alertStep(t, x, score, expected, scaleBefore, floor);
    return new StreamingResult(score, onsetScore, alarmsPerDay, confidence, alert, x, err, expected, evidence, record, spatialEvidence, spatial, context, z, this.#min, this.#max, o.outputScale, undefined, shiftEvidence, this.#shortMean, this.#refMean, byRule ? { ratio: sustain, bound: sustainBound, rows: K, ageS: elapsedS } : undefined);
  }

  #alertState(t: number, onset: boolean): AnomalyAlert {
    return { active: this.#alertSince >= 0, onset, since: this.#alertSince >= 0 ? this.#alertSince : null, peak: this.#alertPeak, at: t };
  }

  #alertStep(t: number, x: number, score: number, level: number, scale: number, floor: number): AnomalyAlert {
    const o = this.#o;
    if (this.#alertSince < 0) {
      if (score < o.alertScore) return this.#alertState(t, false);
      this.#alertSince = t;
      this.#alertPeak = score;
      this.#alertLevel = level;
      this.#alertScale = Math.max(scale, 0) + floor;
      this.#normalSince = -1;
      this.#adaptedSince = -1;
      return this.#alertState(t, true);
    }
    if (score > this.#alertPeak) this.#alertPeak = score;
    const near = Math.abs(x - this.#alertLevel) <= 3 * this.#alertScale && score < o.alertScore;
    if (!near) this.#normalSince = -1;
    else if (this.#normalSince < 0) this.#normalSince = t;
    const recovered = this.#normalSince >= 0 && t - this.#normalSince >= o.alertHoldSeconds * 1000;
    // The new level has become normal once the detector's own level model predicts the value again
    // (within 3 error scales, as `near` is for the old level) for as long: a lasting shift does not hold
    // the alert (and silence the series' next onset) for `alertMaxSeconds`.
    const fits = Math.abs(x - level) <= 3 * (Math.max(scale, 0) + floor) && score < o.alertScore;
    if (!fits) this.#adaptedSince = -1;
    else if (this.#adaptedSince < 0) this.#adaptedSince = t;
    const adapted = this.#adaptedSince >= 0 && t - this.#adaptedSince >= o.alertHoldSeconds * 1000;
    const settled = (adapted || t - this.#alertSince >= o.alertMaxSeconds * 1000) && score < o.alertScore;
    if (recovered || settled) {
      const ended = this.#alertState(t, false);
      this.#alertSince = -1;
      this.#alertPeak = 0;
      return { ...ended, active: false };
    }
    return this.#alertState(t, false);
  }
}

/**
 * One update's result. The explanation is built only when read: most are never read, and building
 * strings and objects for each of thousands of series per second would dominate the cost.
 */
export class StreamingResult implements AnomalyResult {
  constructor(
    /**
     * Calibrated score `confidence / (1 + alarmsPerDay)`, in [0, 1]: 0.99 ≈ one chance alarm per 100 days;
     * or, where the young-series rule fires and scores higher, that rule's score (see the explanation).
     */
    readonly score: number,
    /** The score where it beats the decayed previous peak, else 0 (one early signal per incident). */
    readonly onsetScore: number,
    /** Expected false alarms per day on this series at evidence this strong (a rate, not a probability). */
    readonly alarmsPerDay: number,
    /** History seen relative to the warm-up (in rows and in seconds), in [0, 1]. */
    readonly confidence: number,
    /** The alert state after this row. */
    readonly alert: AnomalyAlert,
    private readonly x: number,
    private readonly err: number,
    private readonly expected: number,
    /** Uncalibrated evidence (sigma-like units, 0 when nothing is unusual) that the score calibrates. */
    readonly evidence: number,
    private readonly record: number,
    private readonly spatialEvidence: number,
    private readonly spatial: number,
    private readonly context: number,
    private readonly z: number,
    private readonly lo: number,
    private readonly hi: number,
    private readonly outputScale: number,
    private readonly fixedReason: string | undefined,
    private readonly shiftEvidence = 0,
    private readonly recentMean = 0,
    private readonly referenceMean = 0,
    /** Set when the young-series rule (a sustained extreme) decided the score. */
    private readonly sustained?: { readonly ratio: number; readonly bound: number; readonly rows: number; readonly ageS: number },
  ) {}

  get explanation(): AnomalyExplanation {
    const { x, err, expected, evidence, record, spatialEvidence, context, lo, hi } = this;
    if (this.fixedReason !== undefined) return { reason: this.fixedReason, expected };
    const base = `value ${x} is ${err.toFixed(1)} robust sigmas from the expected ${expected.toPrecision(6)}`;
    let reason = base;
    const sus = this.sustained;
    if (sus !== undefined) {
      const side = sus.bound >= expected ? `all at or above ${sus.bound.toPrecision(6)}` : `all at or below ${sus.bound.toPrecision(6)}`;
      reason =
        `value ${x}: the last ${sus.rows} values are ${side}, ${sus.ratio.toFixed(1)} times further from the level ${expected.toPrecision(6)} ` +
        `than any earlier run of ${sus.rows} values went; a sustained extreme on a young series (${formatAge(sus.ageS)} of history: a rule, not a tail probability)`;
    } else if (evidence > 0) {
      if (evidence === spatialEvidence) reason = `${base}; it leaves the range seen so far (${lo.toPrecision(6)} to ${hi.toPrecision(6)})`;
      else if (evidence === record) reason = `${base}, the largest surprise in recent history`;
      else if (evidence === context) reason = `${base}; this sequence of values has not been seen before`;
      else if (evidence === this.shiftEvidence) reason = `${base}; the level has shifted: recent mean ${this.recentMean.toPrecision(6)} against ${this.referenceMean.toPrecision(6)} before, more than any earlier excursion`;
      else reason = `${base}; surprises have been unusually frequent lately`;
      reason += `; by chance about ${formatRate(this.alarmsPerDay)}`;
    }
    if (this.confidence < 1) reason += ` (warming up: ${(100 * this.confidence).toFixed(0)} % of the history needed)`;
    return {
      reason,
      expected,
      components: {
        record: 1 - Math.exp(-record / this.outputScale),
        spatial: this.spatial,
        context: 1 - Math.exp(-context / this.outputScale),
        likelihood: 1 - normalTail(this.z),
        shift: 1 - Math.exp(-this.shiftEvidence / this.outputScale),
      },
    };
  }
}

function formatAge(s: number): string {
  return s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(0)} min` : `${(s / 3600).toFixed(1)} h`;
}

function formatRate(perDay: number): string {
  if (perDay >= 1) return `${perDay.toPrecision(2)} times a day`;
  const days = 1 / perDay;
  return days < 365 ? `once in ${days.toPrecision(2)} days` : `once in ${(days / 365).toPrecision(2)} years`;
}
