import { probit } from 'simple-statistics';
import { ArForecaster } from './arForecaster.js';
import { MlOptionError } from './options.js';
import { HoltWinters } from './holtWinters.js';
import { calendarPeriods, detectSeasonality, type Seasonality } from './seasonality.js';

/** Options of {@link WorkloadPredictor}. */
export interface WorkloadPredictorOptions {
  /** Longest horizon (in rows) that forecasts and intervals are calibrated for (default 12). */
  readonly horizon?: number;
  /**
   * Rows of history kept for (re)fitting, in a fixed ring (default 2048: 8 + a few bytes per row, so
   * ~16 KB per series; seasonal periods longer than a third of it are not detected).
   */
  readonly historySize?: number;
  /** Refit the member models every this many rows (default 288). */
  readonly refitEvery?: number;
  /** Non-seasonal AR lags (default 1…6); the seasonal lag is added when one is detected. */
  readonly arLags?: readonly number[];
  /** Nominal coverage of the prediction interval (default 0.8). */
  readonly coverage?: number;
  /** Smoothing of the per-member error used for ensemble weights (default 0.05). */
  readonly errorAlpha?: number;
}

/** One forecast point with its prediction interval. */
export interface ForecastPoint {
  /** Steps ahead (1 = next row). */
  readonly h: number;
  /** Timestamp of the forecast row, extrapolated from the sampling interval. */
  readonly t: number;
  /** Point forecast (the ensemble's weighted mean). */
  readonly mean: number;
  /** Lower bound of the prediction interval. */
  readonly lower: number;
  /** Upper bound of the prediction interval. */
  readonly upper: number;
}

/** Names of the ensemble members. */
export type ForecasterName = 'holtWinters' | 'ar' | 'seasonalNaive';

interface Pending {
  /** Forecasts per member for the next `horizon` rows, made at row index `origin`. */
  origin: number;
  members: Record<ForecasterName, number[]>;
  ensemble: number[];
}

const MEMBERS: readonly ForecasterName[] = ['holtWinters', 'ar', 'seasonalNaive'];

/**
 * Online workload forecaster: an error-weighted ensemble of Holt-Winters/ETS (with seasonality
 * detection on the sampling calendar: daily, weekly), AR on lags fitted with ml.js regression, and
 * seasonal naive. Members are weighted by the inverse of their recent (EW) squared one-step error; the
 * prediction interval at each horizon is the ensemble's own recent absolute error quantile at that
 * horizon (tracked online), so its coverage is calibrated on the series itself.
 *
 * Memory is a fixed ring of `historySize` rows plus O(horizon²) of pending forecasts; each update is
 * O(horizon × members), plus a refit every `refitEvery` rows.
 */
export class WorkloadPredictor {
  /** Longest horizon, in rows, that forecasts are made and calibrated for. */
  readonly horizon: number;
  readonly #historySize: number;
  readonly #refitEvery: number;
  readonly #arLags: readonly number[];
  readonly #coverage: number;
  readonly #errorAlpha: number;
  readonly #ring: Float64Array;
  #ringLength = 0;
  #ringStart = 0;
  #n = 0;
  #lastT = NaN;
  #stepMs = NaN;
  readonly #gaps = new Float64Array(31);
  #gapCount = 0;
  #seasonality: Seasonality | undefined;
  #hw: HoltWinters | undefined;
  #ar: ArForecaster | undefined;
  readonly #mse: Record<ForecasterName, number> = { holtWinters: NaN, ar: NaN, seasonalNaive: NaN };
  /** Running quantile of |error| per horizon. */
  readonly #q: Float64Array;
  readonly #qSeen: Uint32Array;
  /** Running mean of |error| per horizon. */
  readonly #mae: Float64Array;
  readonly #pending: Pending[] = [];
  /** Two-sided normal quantile of `coverage` (1.2816 for 0.8). */
  readonly #z: number;

  /**
   * @param options - see {@link WorkloadPredictorOptions}; invalid values throw an `MlOptionError`
   *   (`code: 'ERR_AINKA_ML_INVALID_OPTION'`) naming the option and its valid range
   */
  constructor(options: WorkloadPredictorOptions = {}) {
    const bad = (name: string, expect: string, got: unknown): never => {
      throw new MlOptionError(`WorkloadPredictor: option ${name} must be ${expect}, got ${String(got)}.`);
    };
    const int = (name: keyof WorkloadPredictorOptions, v: number, min: number): number =>
      Number.isInteger(v) && v >= min ? v : bad(name, `an integer ≥ ${min}`, v);
    this.horizon = int('horizon', options.horizon ?? 12, 1);
    this.#historySize = int('historySize', options.historySize ?? 2048, 32);
    this.#refitEvery = int('refitEvery', options.refitEvery ?? 288, 1);
    this.#arLags = options.arLags ?? [1, 2, 3, 4, 5, 6];
    if (this.#arLags.length === 0 || !this.#arLags.every((l) => Number.isInteger(l) && l >= 1)) bad('arLags', 'a non-empty list of integers ≥ 1', JSON.stringify(this.#arLags));
    this.#coverage = options.coverage ?? 0.8;
    if (!(this.#coverage > 0 && this.#coverage < 1)) bad('coverage', 'a probability in (0, 1)', this.#coverage);
    this.#errorAlpha = options.errorAlpha ?? 0.05;
    if (!(this.#errorAlpha > 0 && this.#errorAlpha <= 1)) bad('errorAlpha', 'a smoothing factor in (0, 1]', this.#errorAlpha);
    this.#z = probit((1 + this.#coverage) / 2);
    this.#ring = new Float64Array(this.#historySize);
    this.#q = new Float64Array(this.horizon);
    this.#qSeen = new Uint32Array(this.horizon);
    this.#mae = new Float64Array(this.horizon);
  }

  /** The detected seasonal period (rows), if any. */
  get seasonality(): Seasonality | undefined {
    return this.#seasonality;
  }

  /** Current ensemble weights (sum to 1). */
  get weights(): Readonly<Record<ForecasterName, number>> {
    return this.#weights();
  }

  /** Consume the next observation. */
  update(t: number, x: number): void {
    if (!Number.isFinite(x)) return;
    if (Number.isFinite(this.#lastT) && t > this.#lastT) {
      // Sampling interval: median of the last 31 gaps (robust to irregular sampling and outages).
      this.#gaps[this.#gapCount++ % this.#gaps.length] = t - this.#lastT;
      const g = Array.from(this.#gaps.subarray(0, Math.min(this.#gapCount, this.#gaps.length))).sort((a, b) => a - b);
      this.#stepMs = g[g.length >> 1] as number;
    }
    this.#lastT = t;
    this.#score(x);
    if (this.#ringLength < this.#historySize) this.#ring[(this.#ringStart + this.#ringLength++) % this.#historySize] = x;
    else {
      this.#ring[this.#ringStart] = x;
      this.#ringStart = (this.#ringStart + 1) % this.#historySize;
    }
    this.#n++;
    this.#hw?.update(x);
    if (this.#n >= 32 && (this.#hw === undefined || this.#n % this.#refitEvery === 0)) this.#refit();
    if (this.#hw !== undefined) this.#pending.push(this.#forecastMembers());
  }

  /** Forecast the next `h` rows (h ≤ horizon) with `coverage` prediction intervals. */
  forecast(h: number = this.horizon): ForecastPoint[] {
    const steps = Math.min(h, this.horizon);
    const p = this.#hw === undefined ? undefined : this.#forecastMembers();
    const last = this.#at(1);
    const out: ForecastPoint[] = [];
    for (let k = 1; k <= steps; k++) {
      const mean = p?.ensemble[k - 1] ?? last;
      const width = this.#intervalHalfWidth(k);
      const step = Number.isFinite(this.#stepMs) ? this.#stepMs : 0;
      out.push({ h: k, t: this.#lastT + k * step, mean, lower: mean - width, upper: mean + width });
    }
    return out;
  }

  #intervalHalfWidth(k: number): number {
    if ((this.#qSeen[k - 1] ?? 0) > 20) return this.#q[k - 1] as number;
    // Before calibration: scale the ensemble's one-step error by √h with a normal quantile.
    const w = this.#weights();
    let mse = 0;
    for (const m of MEMBERS) mse += w[m] * (Number.isFinite(this.#mse[m]) ? this.#mse[m] : 0);
    return this.#z * Math.sqrt(mse * k);
  }

  #weights(): Record<ForecasterName, number> {
    const raw: Record<ForecasterName, number> = { holtWinters: 0, ar: 0, seasonalNaive: 0 };
    let sum = 0;
    for (const m of MEMBERS) {
      const e = this.#mse[m];
      if (m === 'ar' && !(this.#ar?.ready ?? false)) continue;
      if (m === 'seasonalNaive' && this.#seasonality === undefined) continue;
      const v = Number.isFinite(e) ? 1 / (e + 1e-12) : 1;
      raw[m] = v;
      sum += v;
    }
    if (sum === 0) return { holtWinters: 1, ar: 0, seasonalNaive: 0 };
    for (const m of MEMBERS) raw[m] /= sum;
    return raw;
  }

  /** The value `back` rows ago (1 = the latest), or the latest when the ring is shorter. */
  #at(back: number): number {
    if (this.#ringLength === 0) return 0;
    const b = back <= this.#ringLength ? back : 1;
    return this.#ring[(this.#ringStart + this.#ringLength - b) % this.#historySize] as number;
  }

  /** The last `n` values, oldest first (a copy: only for refits and AR inputs). */
  #tail(n: number): number[] {
    const m = Math.min(n, this.#ringLength);
    const out = new Array<number>(m);
    for (let i = 0; i < m; i++) out[i] = this.#at(m - i);
    return out;
  }

  #refit(): void {
    const hist = this.#tail(this.#ringLength);
    this.#seasonality = detectSeasonality(hist, Number.isFinite(this.#stepMs) ? calendarPeriods(this.#stepMs) : []);
    const period = this.#seasonality?.period ?? 0;
    this.#hw = HoltWinters.select(hist, period);
    const lags = period > 0 ? [...this.#arLags, period] : [...this.#arLags];
    const ar = new ArForecaster(lags);
    if (ar.fit(hist)) this.#ar = ar;
    else if (this.#ar !== undefined && this.#ar.order > hist.length) this.#ar = undefined;
  }

  #forecastMembers(): Pending {
    const H = this.horizon;
    const hw = (this.#hw as HoltWinters).forecast(H);
    const ar = this.#ar?.ready ? this.#ar.forecast(this.#tail(this.#ar.order), H) : hw;
    const m = this.#seasonality?.period ?? 0;
    const last = this.#at(1);
    const sn = Array.from({ length: H }, (_, k) => (m > 0 && m - (k % m) <= this.#ringLength ? this.#at(m - (k % m)) : last));
    const members = { holtWinters: hw, ar, seasonalNaive: sn };
    const w = this.#weights();
    const ensemble = Array.from({ length: H }, (_, k) => MEMBERS.reduce((s, name) => s + w[name] * (members[name][k] as number), 0));
    return { origin: this.#n, members, ensemble };
  }

  /** Score pending forecasts against the value that just arrived (row index n). */
  #score(x: number): void {
    const a = this.#errorAlpha;
    const target = 1 - this.#coverage;
    for (const p of this.#pending) {
      const k = this.#n - p.origin; // steps ahead, 0-based index
      if (k === 0) {
        for (const m of MEMBERS) {
          const e = x - (p.members[m][0] as number);
          this.#mse[m] = Number.isFinite(this.#mse[m]) ? this.#mse[m] + a * (e * e - this.#mse[m]) : e * e;
        }
      }
      const e = Math.abs(x - (p.ensemble[k] as number));
      const seen = (this.#qSeen[k] ?? 0) + 1;
      this.#qSeen[k] = seen;
      const q = this.#q[k] as number;
      // Stochastic-approximation quantile: step proportional to the current error scale.
      // Step scaled by the current quantile, or by the mean error when the quantile has collapsed
      // (long runs of exact predictions) so that it can recover.
      const mae = (this.#mae[k] as number) + Math.max(0.01, 1 / seen) * (e - (this.#mae[k] as number));
      this.#mae[k] = mae;
      const eta = Math.max(0.01, 1 / seen) * Math.max(q, mae, 1e-9);
      this.#q[k] = seen === 1 ? e : Math.max(0, q + eta * ((e > q ? 1 : 0) - target));
    }
    while (this.#pending.length > 0 && this.#n - (this.#pending[0] as Pending).origin >= this.horizon - 1) this.#pending.shift();
  }
}
