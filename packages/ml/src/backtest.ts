import { calendarPeriods } from './seasonality.js';
import type { ForecastPoint } from './workloadPredictor.js';

/** Anything that learns online and forecasts with intervals, e.g. {@link WorkloadPredictor}. */
export interface OnlineForecaster {
  /** Consume the next observation. */
  update(t: number, x: number): void;
  /** Forecast the next `h` rows with intervals. */
  forecast(h: number): ForecastPoint[];
}

/** Options of {@link backtestForecaster}. */
export interface BacktestOptions {
  /** Forecast horizon in rows (default 12). */
  readonly horizon?: number;
  /** First origin, as a fraction of the series (default 0.3). */
  readonly startFraction?: number;
  /** Rows between origins (default 6). */
  readonly stride?: number;
}

/** Rolling-origin backtest result for one series. */
export interface BacktestResult {
  /** Number of (origin, horizon) forecast points scored. */
  readonly points: number;
  /**
   * Mean absolute error of the forecaster divided by that of the seasonal-naive forecast (daily
   * period from the sampling interval, last value when under two days of history) at the same origins
   * and horizons: below 1 beats seasonal naive.
   */
  readonly mase: number;
  /** Fraction of actual values inside the forecaster's prediction interval. */
  readonly coverage: number;
  /** Mean absolute error of the forecaster. */
  readonly mae: number;
  /** Mean absolute error of seasonal naive at the same origins and horizons. */
  readonly maeSeasonalNaive: number;
  /** Seasonal-naive period used, in rows. */
  readonly period: number;
}

/**
 * Rolling-origin evaluation: feed the series row by row to a fresh forecaster; at every `stride`-th row
 * after `startFraction` of the series, forecast the next `horizon` rows and score them against what
 * actually came, next to a seasonal-naive forecast made at the same origin.
 */
export function backtestForecaster(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  forecaster: OnlineForecaster,
  options: BacktestOptions = {},
): BacktestResult {
  const H = options.horizon ?? 12;
  const stride = options.stride ?? 6;
  const n = values.length;
  const start = Math.max(2, Math.floor(n * (options.startFraction ?? 0.3)));
  // Sampling interval: the median gap of the first rows (irregular series have short and long gaps).
  const gaps: number[] = [];
  for (let i = 1; i < Math.min(n, 200); i++) gaps.push((timestamps[i] as number) - (timestamps[i - 1] as number));
  gaps.sort((a, b) => a - b);
  const step = gaps[gaps.length >> 1] ?? Infinity;
  const daily = calendarPeriods(step)[0] ?? 1;
  let sumModel = 0;
  let sumNaive = 0;
  let inside = 0;
  let points = 0;
  for (let i = 0; i < n; i++) {
    forecaster.update(timestamps[i] as number, values[i] as number);
    if (i < start || (i - start) % stride !== 0 || i + H >= n) continue;
    const f = forecaster.forecast(H);
    const period = i + 1 >= 2 * daily ? daily : 1;
    for (let k = 1; k <= H; k++) {
      const actual = values[i + k] as number;
      const p = f[k - 1];
      if (p === undefined) continue;
      const naive = values[i + k - period * Math.ceil(k / period)] as number;
      sumModel += Math.abs(actual - p.mean);
      sumNaive += Math.abs(actual - naive);
      if (actual >= p.lower && actual <= p.upper) inside++;
      points++;
    }
  }
  return {
    points,
    mase: sumNaive > 0 ? sumModel / sumNaive : sumModel > 0 ? Infinity : 1,
    coverage: points > 0 ? inside / points : NaN,
    mae: points > 0 ? sumModel / points : NaN,
    maeSeasonalNaive: points > 0 ? sumNaive / points : NaN,
    period: daily,
  };
}
