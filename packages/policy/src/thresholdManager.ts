/** What the manager needs to know about a dynamic threshold. */
export interface DynamicThresholdSpec {
  /** Metric whose baseline is learned. */
  readonly metric: string;
  /** Quantile of the baseline, 0 … 1 (p95 = 0.95). */
  readonly quantile: number;
  /** Multiplier applied to the quantile. */
  readonly factor: number;
  /** Keep one baseline per hour of day. */
  readonly seasonal: boolean;
}

/** A live threshold value that compiled rules read; `NaN` until enough samples are seen. */
export interface ThresholdCell {
  /** Current value. */
  value: number;
}

/** Options of {@link ThresholdManager}. */
export interface ThresholdManagerOptions {
  /** Samples kept per baseline (ring buffer). Default 2048. */
  window?: number;
  /** Samples needed before a threshold is published. Default 30. */
  minSamples?: number;
  /** A published threshold moves only when the new value differs by at least this fraction (threshold hysteresis). Default 0.05. */
  minRelativeChange?: number;
  /** Hour of day of a timestamp, for seasonal baselines. Default UTC hours. */
  hourOf?: (atMs: number) => number;
}

class Ring {
  readonly data: Float64Array;
  size = 0;
  next = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    this.data[this.next] = v;
    this.next = (this.next + 1) % this.data.length;
    this.size = Math.min(this.size + 1, this.data.length);
  }
  quantile(q: number): number {
    const sorted = Float64Array.from(this.data.subarray(0, this.size)).sort();
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
  }
}

/**
 * Dynamic thresholds from learned baselines: a rolling window of each metric (and, for seasonal
 * thresholds, one window per hour of day), from which `refresh()` publishes quantile × factor into cells
 * that compiled rules read. A published value moves only when it changes by `minRelativeChange`, so a
 * threshold does not jitter with every sample.
 */
export class ThresholdManager {
  private readonly window: number;
  private readonly minSamples: number;
  private readonly minRelativeChange: number;
  private readonly hourOf: (atMs: number) => number;
  private readonly rings = new Map<string, Ring>();
  private readonly cells = new Map<string, { spec: DynamicThresholdSpec; cell: ThresholdCell }>();
  private lastAt = 0;

  /** @param options window size, warm-up and threshold hysteresis. */
  constructor(options: ThresholdManagerOptions = {}) {
    this.window = options.window ?? 2048;
    this.minSamples = options.minSamples ?? 30;
    this.minRelativeChange = options.minRelativeChange ?? 0.05;
    this.hourOf = options.hourOf ?? ((t) => new Date(t).getUTCHours());
  }

  private ring(key: string): Ring {
    let r = this.rings.get(key);
    if (!r) {
      r = new Ring(this.window);
      this.rings.set(key, r);
    }
    return r;
  }

  /** Record a sample of a metric at `atMs`. Non-finite values are ignored. */
  observe(metric: string, value: number, atMs: number): void {
    if (!Number.isFinite(value)) return;
    this.ring(metric).push(value);
    this.ring(`${metric}@${this.hourOf(atMs)}`).push(value);
    this.lastAt = atMs;
  }

  /** Metrics that some threshold learns from. */
  learnedMetrics(): string[] {
    return [...new Set([...this.cells.values()].map((c) => c.spec.metric))];
  }

  /** The quantile × factor of a baseline now, or `undefined` while it has fewer than `minSamples`. */
  compute(spec: DynamicThresholdSpec, atMs: number = this.lastAt): number | undefined {
    const r = this.rings.get(spec.seasonal ? `${spec.metric}@${this.hourOf(atMs)}` : spec.metric);
    if (!r || r.size < this.minSamples) return undefined;
    return r.quantile(spec.quantile) * spec.factor;
  }

  /** The live cell for a threshold (shared between rules that use the same one). */
  cell(spec: DynamicThresholdSpec): ThresholdCell {
    const key = `${spec.metric}|${spec.quantile}|${spec.factor}|${spec.seasonal}`;
    let entry = this.cells.get(key);
    if (!entry) {
      entry = { spec, cell: { value: Number.NaN } };
      this.cells.set(key, entry);
      const v = this.compute(spec);
      if (v !== undefined) entry.cell.value = v;
    }
    return entry.cell;
  }

  /** Recompute every cell for time `atMs`, moving each only past the relative-change band. */
  refresh(atMs: number = this.lastAt): void {
    for (const { spec, cell } of this.cells.values()) {
      const v = this.compute(spec, atMs);
      if (v === undefined) continue;
      const old = cell.value;
      if (Number.isNaN(old) || Math.abs(v - old) > Math.abs(old) * this.minRelativeChange || (old === 0 && v !== 0)) cell.value = v;
    }
  }
}
