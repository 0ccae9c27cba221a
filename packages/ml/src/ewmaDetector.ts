import type { AnomalyDetector, AnomalyExplanation, AnomalyResult } from './detector.js';

/** Options of {@link EwmaDetector}. */
export interface EwmaDetectorOptions {
  /** Smoothing of the mean (default 0.05). */
  readonly alpha?: number;
  /** Smoothing of the mean absolute deviation (default 0.05). */
  readonly deviationAlpha?: number;
  /** Deviation (in robust sigmas) at which the score reaches 1 − 1/e (default 3). */
  readonly scale?: number;
}

/**
 * The simplest robust baseline: distance from an EWMA mean in units of the EW mean absolute deviation
 * (×1.25 ≈ a standard deviation for Gaussian data), squashed into [0, 1). Sixteen bytes of state; the
 * cost baseline the other detectors are measured against.
 */
export class EwmaDetector implements AnomalyDetector {
  readonly name = 'ewma';
  readonly #alpha: number;
  readonly #devAlpha: number;
  readonly #scale: number;
  #mean = NaN;
  #dev = 0;

  constructor(options: EwmaDetectorOptions = {}) {
    this.#alpha = options.alpha ?? 0.05;
    this.#devAlpha = options.deviationAlpha ?? 0.05;
    this.#scale = options.scale ?? 3;
  }

  /** Score `x` against the running mean and deviation, then update them. */
  update(_t: number, x: number): AnomalyResult {
    if (!Number.isFinite(x)) return { score: 0, explanation: { reason: `non-finite value ${x} ignored` } };
    if (Number.isNaN(this.#mean)) {
      this.#mean = x;
      return { score: 0, explanation: { reason: 'first observation', expected: x } };
    }
    const expected = this.#mean;
    const sigma = 1.25 * this.#dev + 1e-12 * (1 + Math.abs(expected));
    const z = Math.abs(x - expected) / sigma;
    this.#dev += this.#devAlpha * (Math.abs(x - expected) - this.#dev);
    this.#mean += this.#alpha * (x - expected);
    const score = 1 - Math.exp(-z / this.#scale);
    return new EwmaResult(score, x, z, expected);
  }
}

/** One update's result; the explanation is built only when read (object literals with getters are slow). */
class EwmaResult implements AnomalyResult {
  constructor(
    readonly score: number,
    private readonly x: number,
    private readonly z: number,
    private readonly expected: number,
  ) {}

  get explanation(): AnomalyExplanation {
    return { reason: `value ${this.x} is ${this.z.toFixed(1)} sigmas from the EWMA ${this.expected.toPrecision(6)}`, expected: this.expected };
  }
}
