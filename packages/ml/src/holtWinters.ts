/** Smoothing parameters of {@link HoltWinters}. */
export interface HoltWintersParams {
  /** Level smoothing in (0, 1). */
  readonly alpha: number;
  /** Trend smoothing in [0, 1) (0 disables the trend). */
  readonly beta: number;
  /** Seasonal smoothing in [0, 1). */
  readonly gamma: number;
  /** Trend damping φ in (0, 1]. */
  readonly phi: number;
}

/**
 * Additive Holt-Winters (ETS(A,Ad,A)) exponential smoothing, updated online in O(1) per value with
 * O(period) memory. With `period` 0 it is damped-trend Holt smoothing.
 */
export class HoltWinters {
  /** Seasonal period in rows (0: no season). */
  readonly period: number;
  /** The smoothing parameters. */
  readonly params: HoltWintersParams;
  #level = 0;
  #trend = 0;
  readonly #season: Float64Array;
  #t = 0;
  #ready = false;

  constructor(period: number, params: HoltWintersParams) {
    this.period = period > 1 ? Math.floor(period) : 0;
    this.params = params;
    this.#season = new Float64Array(this.period);
  }

  /** Initialise from history (at least two periods when seasonal) and run through it. Returns the one-step SSE. */
  fit(history: ArrayLike<number>): number {
    const m = this.period;
    const n = history.length;
    if (m > 0 && n >= 2 * m) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < m; i++) {
        a += history[i] as number;
        b += history[i + m] as number;
      }
      a /= m;
      b /= m;
      const trend = this.params.beta > 0 ? (b - a) / m : 0;
      // Level at the end of the first period; seasonals net of the first period's trend.
      this.#level = a + (trend * (m - 1)) / 2;
      this.#trend = trend;
      for (let i = 0; i < m; i++) this.#season[i] = (history[i] as number) - (a + trend * (i - (m - 1) / 2));
      this.#t = m;
      this.#ready = true;
      let sse = 0;
      for (let i = m; i < n; i++) sse += this.update(history[i] as number) ** 2;
      return sse / Math.max(1, n - m);
    }
    this.#level = n > 0 ? (history[0] as number) : 0;
    this.#ready = n > 0;
    this.#t = 0;
    let sse = 0;
    for (let i = 1; i < n; i++) sse += this.update(history[i] as number) ** 2;
    return sse / Math.max(1, n - 1);
  }

  /** Consume the next value; returns the one-step forecast error (actual − forecast). */
  update(x: number): number {
    if (!this.#ready) {
      this.#level = x;
      this.#ready = true;
      return 0;
    }
    const { alpha, beta, gamma, phi } = this.params;
    const m = this.period;
    const si = m > 0 ? this.#t % m : 0;
    const s = m > 0 ? (this.#season[si] as number) : 0;
    const forecast = this.#level + phi * this.#trend + s;
    const err = x - forecast;
    const prevLevel = this.#level;
    this.#level = prevLevel + phi * this.#trend + alpha * err;
    this.#trend = phi * this.#trend + beta * alpha * err;
    if (m > 0) this.#season[si] = s + gamma * (1 - alpha) * err;
    this.#t++;
    return err;
  }

  /** Point forecasts for the next `h` values. */
  forecast(h: number): number[] {
    const out: number[] = [];
    const m = this.period;
    let damp = 0;
    let p = 1;
    for (let k = 1; k <= h; k++) {
      p *= this.params.phi;
      damp += p;
      const s = m > 0 ? (this.#season[(this.#t + k - 1) % m] as number) : 0;
      out.push(this.#level + damp * this.#trend + s);
    }
    return out;
  }

  /**
   * Fit a small grid of smoothing parameters on `history` and return the model with the lowest one-step
   * mean squared error, already run through the history (ETS-style parameter selection).
   */
  static select(history: ArrayLike<number>, period: number): HoltWinters {
    let best: HoltWinters | undefined;
    let bestMse = Infinity;
    for (const alpha of [0.1, 0.3, 0.6, 0.9]) {
      for (const beta of [0, 0.05]) {
        for (const gamma of period > 1 ? [0.05, 0.2, 0.5] : [0]) {
          const hw = new HoltWinters(period, { alpha, beta, gamma, phi: beta > 0 ? 0.98 : 1 });
          const mse = hw.fit(history);
          if (mse < bestMse) {
            bestMse = mse;
            best = hw;
          }
        }
      }
    }
    return best ?? new HoltWinters(period, { alpha: 0.3, beta: 0, gamma: 0.1, phi: 0.95 });
  }
}
