import type { kmeans as KMeans } from 'ml-kmeans';
import { createRequire } from 'node:module';
import { quantileSorted } from 'simple-statistics';
import { seededRandom } from './random.js';

let kmeansFn: typeof KMeans | undefined;

/**
 * ml-kmeans, loaded on the first training instead of when `@ainka/ml` is imported: it brings ml-matrix and
 * ml-spectra-processing (~250 modules, ~5 MB of RSS in ainkad, which never clusters). Node >= 20.19
 * `require()`s an ES module synchronously (no top-level await in it), so training stays synchronous.
 */
function kmeans(...args: Parameters<typeof KMeans>): ReturnType<typeof KMeans> {
  if (kmeansFn === undefined) {
    // __filename in the CJS build, import.meta.url in the ESM one (a bundler's `require` shim cannot load it)
    const load = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    kmeansFn = (load('ml-kmeans') as { kmeans: typeof KMeans }).kmeans;
  }
  return kmeansFn(...args);
}

/** Options of {@link MultivariateAnomalyDetector}. */
export interface MultivariateDetectorOptions {
  /** Names of the metrics, in the order values are given. */
  readonly metrics: readonly string[];
  /** Number of k-means clusters of normal behaviour (default 3). */
  readonly clusters?: number;
  /** Size of the reservoir sample of past (standardised) vectors the model is trained on (default 512). */
  readonly sampleSize?: number;
  /** Retrain the clusters every this many updates (default 256). */
  readonly retrainEvery?: number;
  /** Updates before the first training; scores are 0 until then (default 128). */
  readonly warmup?: number;
  /** Smoothing of each metric's running mean and scale (default 0.01). */
  readonly alpha?: number;
  /** Seed for the reservoir sampler and k-means initialisation (default 42). */
  readonly seed?: number;
}

/** Why a vector scored the way it did. */
export interface MultivariateExplanation {
  /** A sentence naming the metrics that moved, with their share and how many sigmas they moved. */
  readonly reason: string;
  /** Up to three metrics with the largest share (the first always, others from 10%). */
  readonly top: readonly string[];
}

/** Result of one multivariate update. */
export interface MultivariateAnomalyResult {
  /** Anomaly score in [0, 1]. */
  readonly score: number;
  /** Distance to the nearest cluster of normal behaviour, in units of the training 99th percentile. */
  readonly distanceRatio: number;
  /** Share of the distance contributed by each metric (sums to 1 when the distance is non-zero). */
  readonly contributions: Readonly<Record<string, number>>;
  /** The metrics that explain most of the anomaly, largest share first, with a readable sentence. */
  readonly explanation: MultivariateExplanation;
}

/**
 * Anomaly detection over a vector of host metrics, in the spirit of netdata's k-means detector but
 * across metrics: each metric is standardised with running (EW) statistics, a reservoir sample of past
 * standardised vectors is clustered with k-means (ml-kmeans, seeded), and a new vector's distance to
 * its nearest centroid — relative to the 99th percentile of training distances — is the score. The
 * per-metric squared differences to that centroid say which metrics contributed.
 *
 * Memory is O(sampleSize × metrics); time per update is O(clusters × metrics), plus a retrain every
 * `retrainEvery` updates.
 */
export class MultivariateAnomalyDetector {
  /** The metric names, in the order vectors are read. */
  readonly metrics: readonly string[];
  readonly #k: number;
  readonly #sampleSize: number;
  readonly #retrainEvery: number;
  readonly #warmup: number;
  readonly #alpha: number;
  readonly #seed: number;
  readonly #rand: () => number;
  readonly #mean: Float64Array;
  readonly #var: Float64Array;
  readonly #sample: number[][] = [];
  #n = 0;
  #centroids: number[][] = [];
  #p99 = 1;

  constructor(options: MultivariateDetectorOptions) {
    if (options.metrics.length === 0) throw new RangeError('MultivariateAnomalyDetector needs at least one metric name in options.metrics');
    this.metrics = [...options.metrics];
    this.#k = options.clusters ?? 3;
    this.#sampleSize = options.sampleSize ?? 512;
    this.#retrainEvery = options.retrainEvery ?? 256;
    this.#warmup = Math.max(options.warmup ?? 128, this.#k + 1);
    this.#alpha = options.alpha ?? 0.01;
    this.#seed = options.seed ?? 42;
    this.#rand = seededRandom(this.#seed);
    this.#mean = new Float64Array(this.metrics.length);
    this.#var = new Float64Array(this.metrics.length);
  }

  /**
   * Consume one vector of metric values (same order as `metrics`, or a record keyed by metric name).
   * @param _t - timestamp in milliseconds (kept for symmetry with the univariate detectors)
   */
  update(_t: number, values: readonly number[] | Readonly<Record<string, number>>): MultivariateAnomalyResult {
    const d = this.metrics.length;
    const x = Array.isArray(values)
      ? (values as readonly number[])
      : this.metrics.map((m) => (values as Readonly<Record<string, number>>)[m] ?? NaN);
    if (x.length !== d) throw new RangeError(`expected ${d} values (${this.metrics.join(', ')}), got ${x.length}`);
    const z = new Array<number>(d);
    this.#n++;
    const a = Math.max(this.#alpha, 1 / this.#n);
    for (let i = 0; i < d; i++) {
      const v = x[i] as number;
      const m = this.#mean[i] as number;
      const sd = Math.sqrt(this.#var[i] as number) + 1e-9;
      z[i] = this.#n > 1 && Number.isFinite(v) ? (v - m) / sd : 0;
      if (Number.isFinite(v)) {
        const diff = v - m;
        this.#mean[i] = m + a * diff;
        this.#var[i] = (1 - a) * ((this.#var[i] as number) + a * diff * diff);
      }
    }
    let result: MultivariateAnomalyResult = this.#score(z);
    // Reservoir sample (seeded) of standardised vectors, then periodic retraining.
    if (this.#sample.length < this.#sampleSize) this.#sample.push(z);
    else {
      const j = Math.floor(this.#rand() * this.#n);
      if (j < this.#sampleSize) this.#sample[j] = z;
    }
    if (this.#n === this.#warmup || (this.#n > this.#warmup && this.#n % this.#retrainEvery === 0)) this.#train();
    if (this.#centroids.length === 0) result = { ...result, score: 0 };
    return result;
  }

  #train(): void {
    const k = Math.min(this.#k, this.#sample.length);
    const res = kmeans(this.#sample, k, { seed: this.#seed, initialization: 'kmeans++', maxIterations: 50 });
    this.#centroids = res.centroids;
    const dists = this.#sample.map((v) => Math.sqrt(this.#nearest(v).dist2)).sort((p, q) => p - q);
    this.#p99 = Math.max(dists.length > 0 ? quantileSorted(dists, 0.99) : 1, 1e-6);
  }

  #nearest(v: readonly number[]): { index: number; dist2: number } {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < this.#centroids.length; c++) {
      const cen = this.#centroids[c] as number[];
      let s = 0;
      for (let i = 0; i < v.length; i++) {
        const q = (v[i] as number) - (cen[i] as number);
        s += q * q;
      }
      if (s < bestD) {
        bestD = s;
        best = c;
      }
    }
    return { index: best, dist2: bestD };
  }

  #score(z: readonly number[]): MultivariateAnomalyResult {
    const contributions: Record<string, number> = {};
    if (this.#centroids.length === 0) {
      for (const m of this.metrics) contributions[m] = 0;
      return { score: 0, distanceRatio: 0, contributions, explanation: { reason: 'still learning normal behaviour', top: [] } };
    }
    const { index, dist2 } = this.#nearest(z);
    const cen = this.#centroids[index] as number[];
    this.metrics.forEach((m, i) => {
      const q = (z[i] as number) - (cen[i] as number);
      contributions[m] = dist2 > 0 ? (q * q) / dist2 : 0;
    });
    const ratio = Math.sqrt(dist2) / this.#p99;
    // Ratio 1 (the training 99th percentile) maps to 0.5; far outliers approach 1.
    const score = ratio <= 0 ? 0 : 1 - Math.pow(2, -ratio * ratio);
    const top = Object.entries(contributions)
      .sort((p, q) => q[1] - p[1])
      .filter(([, share], i) => i === 0 || share >= 0.1)
      .slice(0, 3)
      .map(([m]) => m);
    const reason =
      ratio > 1
        ? `${ratio.toFixed(1)}× the usual distance from normal behaviour, mostly ${top
            .map((m) => `${m} (${Math.round((contributions[m] ?? 0) * 100)}%, ${(z[this.metrics.indexOf(m)] ?? 0).toFixed(1)}σ)`)
            .join(', ')}`
        : 'within normal behaviour';
    return { score, distanceRatio: ratio, contributions, explanation: { reason, top } };
  }
}
