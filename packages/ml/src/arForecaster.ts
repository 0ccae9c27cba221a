import MultivariateLinearRegression from 'ml-regression-multivariate-linear';

/**
 * Autoregression on lags, fitted by least squares with ml.js (`ml-regression-multivariate-linear`):
 * `x_t = c + Σ a_i x_{t−lag_i}`. Lags are typically 1…p plus the seasonal lag.
 */
export class ArForecaster {
  /** The lags used as regressors, ascending. */
  readonly lags: readonly number[];
  #weights: number[] | undefined;

  constructor(lags: readonly number[]) {
    if (lags.length === 0 || lags.some((l) => !(l >= 1))) throw new RangeError('ArForecaster needs lags ≥ 1, e.g. [1, 2, 3]');
    this.lags = [...lags].sort((a, b) => a - b);
  }

  /** The largest lag: the history a forecast needs. */
  get order(): number {
    return this.lags[this.lags.length - 1] as number;
  }

  /** Least-squares fit on `history`; returns false (and keeps the previous fit) when history is too short. */
  fit(history: ArrayLike<number>): boolean {
    const p = this.order;
    const n = history.length;
    if (n < p + 2 * this.lags.length + 10) return false;
    const xs: number[][] = [];
    const ys: number[][] = [];
    for (let t = p; t < n; t++) {
      xs.push(this.lags.map((l) => history[t - l] as number));
      ys.push([history[t] as number]);
    }
    try {
      const model = new MultivariateLinearRegression(xs, ys, { intercept: true, statistics: false });
      const w = model.weights.map((row) => row[0] as number);
      if (w.every(Number.isFinite)) this.#weights = w;
    } catch {
      return false; // singular design (e.g. a constant series): keep the previous fit
    }
    return this.#weights !== undefined;
  }

  /** Whether a fit exists. */
  get ready(): boolean {
    return this.#weights !== undefined;
  }

  /** Recursive forecasts for the next `h` values given the most recent history (oldest first). */
  forecast(recent: ArrayLike<number>, h: number): number[] {
    const w = this.#weights;
    const buf = Array.from(recent as ArrayLike<number>);
    const out: number[] = [];
    for (let k = 0; k < h; k++) {
      let y = w === undefined ? (buf[buf.length - 1] ?? 0) : (w[w.length - 1] as number);
      if (w !== undefined) this.lags.forEach((l, i) => (y += (w[i] as number) * (buf[buf.length - l] ?? buf[0] ?? 0)));
      out.push(y);
      buf.push(y);
    }
    return out;
  }
}
