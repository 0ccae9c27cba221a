import { Histogram } from 'prom-client';
import type { LatencySummary } from './api.js';

/** Bucket upper bounds in ms: 0.25 ms … ~16 s, doubling. */
const BOUNDS: readonly number[] = Array.from({ length: 17 }, (_, i) => 0.25 * 2 ** i);

/** Where a layer's observations also go (a labelled child of {@link createDecisionLatencyMetric}). */
export interface LatencySink {
  observe(seconds: number): void;
}

/**
 * `ainka_decision_latency_seconds{layer}`: prom-client's histogram over the same buckets as
 * {@link LatencyHistogram}, created unregistered (the daemon's `/metrics` registers it). Each layer's
 * histogram feeds its `labels({ layer })` child.
 */
export function createDecisionLatencyMetric(): Histogram<'layer'> {
  return new Histogram({
    name: 'ainka_decision_latency_seconds',
    help: 'Latency of the decision layers: the kernel policy cache evaluation per sample (immediate), sample to decision (fast), cycle time (deep).',
    labelNames: ['layer'],
    buckets: BOUNDS.map((ms) => ms / 1000),
    registers: [],
  });
}

/**
 * A fixed-bucket latency histogram with exact recent percentiles (a ring of the last `keep`
 * observations), cheap enough to feed on every tick. One per decision layer.
 */
export class LatencyHistogram {
  readonly budgetMs: number;
  private readonly counts = new Array<number>(BOUNDS.length + 1).fill(0);
  private readonly recent: Float64Array;
  private n = 0;
  private over = 0;
  private maxSeen = 0;
  private sum = 0;

  constructor(
    budgetMs: number,
    keep = 1024,
    private readonly sink?: LatencySink,
  ) {
    this.budgetMs = budgetMs;
    this.recent = new Float64Array(keep);
  }

  /** Record one observation (ms); returns true when it exceeded the budget. */
  observe(ms: number): boolean {
    let i = 0;
    while (i < BOUNDS.length && ms > (BOUNDS[i] as number)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.recent[this.n % this.recent.length] = ms;
    this.n++;
    this.sum += ms;
    if (ms > this.maxSeen) this.maxSeen = ms;
    this.sink?.observe(ms / 1000);
    const over = ms > this.budgetMs;
    if (over) this.over++;
    return over;
  }

  /** Number of observations. */
  get count(): number {
    return this.n;
  }

  /** Sum of all observations (ms), for Prometheus `_sum`. */
  get total(): number {
    return this.sum;
  }

  /** Percentile (0..100) over the recent window, or null when empty. */
  percentile(p: number): number | null {
    const m = Math.min(this.n, this.recent.length);
    if (m === 0) return null;
    const sorted = Array.from(this.recent.subarray(0, m)).sort((a, b) => a - b);
    const idx = Math.min(m - 1, Math.max(0, Math.ceil((p / 100) * m) - 1));
    return sorted[idx] as number;
  }

  /** The summary the API returns. */
  summary(): LatencySummary {
    return {
      count: this.n,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.n === 0 ? null : this.maxSeen,
      budgetMs: this.budgetMs,
      overBudget: this.over,
      buckets: BOUNDS.map((le, i) => ({ le, count: this.counts[i] ?? 0 })),
    };
  }
}
