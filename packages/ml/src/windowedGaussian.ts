import type { AnomalyDetector, AnomalyResult } from './detector.js';
import { normalTail } from './normal.js';

/** Options of {@link WindowedGaussianDetector}. */
export interface WindowedGaussianOptions {
  /** Number of values in the sliding window (NAB: 6400). */
  readonly windowSize?: number;
  /** Once the window is full, it slides forward this many values at a time (NAB: 100). */
  readonly stepSize?: number;
}

/**
 * NAB's windowed-Gaussian baseline, reproduced exactly: the score is `1 − Q(|x − mean| / std)` over a
 * window of the last `windowSize` values (slid `stepSize` values at a time once full), computed before
 * `x` enters the window. It is the reference that validates the NAB scorer, not a detector to deploy:
 * its memory is O(windowSize).
 */
export class WindowedGaussianDetector implements AnomalyDetector {
  readonly name = 'windowedGaussian';
  readonly #windowSize: number;
  readonly #stepSize: number;
  readonly #window: Float64Array;
  #count = 0;
  #start = 0;
  readonly #step: number[] = [];
  #mean = 0;
  #std = 1;
  #m2 = 0;

  constructor(options: WindowedGaussianOptions = {}) {
    this.#windowSize = options.windowSize ?? 6400;
    this.#stepSize = options.stepSize ?? 100;
    this.#window = new Float64Array(this.#windowSize);
  }

  /** Score `x` against the current window, then add it to the window. */
  update(_t: number, x: number): AnomalyResult {
    let score = 0;
    let z = 0;
    if (this.#count > 0) {
      z = Math.abs(x - this.#mean) / this.#std;
      score = 1 - normalTail(z);
    }
    if (this.#count < this.#windowSize) {
      this.#window[this.#count] = x;
      this.#count++;
      // Welford's update while the window fills (the same mean/std as a two-pass computation).
      const d = x - this.#mean;
      this.#mean += d / this.#count;
      this.#m2 += d * (x - this.#mean);
      this.#setStd(this.#m2 / this.#count);
    } else {
      this.#step.push(x);
      if (this.#step.length === this.#stepSize) {
        for (const v of this.#step) {
          this.#window[this.#start] = v;
          this.#start = (this.#start + 1) % this.#windowSize;
        }
        this.#step.length = 0;
        this.#recompute();
      }
    }
    return {
      score,
      explanation: {
        reason: `value ${x} is ${z.toFixed(2)} standard deviations from the window mean ${this.#mean.toFixed(3)}`,
        expected: this.#mean,
      },
    };
  }

  #recompute(): void {
    const n = this.#windowSize;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.#window[i] ?? 0;
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = (this.#window[i] ?? 0) - mean;
      ss += d * d;
    }
    this.#mean = mean;
    this.#m2 = ss;
    this.#setStd(ss / n);
  }

  #setStd(variance: number): void {
    const std = Math.sqrt(variance);
    this.#std = std === 0 ? 0.000001 : std;
  }
}
