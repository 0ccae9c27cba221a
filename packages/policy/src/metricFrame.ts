/**
 * The metric values of one evaluation, in slots fixed when the rules were compiled, so compiled rules read
 * a `Float64Array` instead of looking names up. Missing values are `NaN` (every comparison on them is false).
 */
export class MetricFrame {
  private data: Float64Array;
  private readonly index: ReadonlyMap<string, number>;
  private readonly capacity: () => number;

  /**
   * @param index metric name → slot, from the engine (it may grow as rules with selectors meet new targets).
   * @param capacity number of slots (default `index.size`).
   */
  constructor(index: ReadonlyMap<string, number>, capacity: () => number = () => index.size) {
    this.index = index;
    this.capacity = capacity;
    this.data = new Float64Array(capacity()).fill(Number.NaN);
  }

  /** Slot values; `NaN` = missing. */
  get values(): Float64Array {
    const n = this.capacity();
    if (n > this.data.length) {
      const next = new Float64Array(Math.max(n, this.data.length * 2)).fill(Number.NaN);
      next.set(this.data);
      this.data = next;
    }
    return this.data;
  }

  /** Set a metric; returns false (and does nothing) when no rule reads it. */
  set(metric: string, value: number): boolean {
    const i = this.index.get(metric);
    if (i === undefined) return false;
    this.values[i] = value;
    return true;
  }

  /** Set many metrics from a record or map. */
  setAll(values: Readonly<Record<string, number>> | ReadonlyMap<string, number>): void {
    const entries = values instanceof Map ? values.entries() : Object.entries(values);
    for (const [k, v] of entries) this.set(k, v);
  }

  /** A metric's value, or `undefined` when missing or not read by any rule. */
  get(metric: string): number | undefined {
    const i = this.index.get(metric);
    if (i === undefined) return undefined;
    const v = this.values[i] as number;
    return Number.isNaN(v) ? undefined : v;
  }

  /** Mark every metric missing. */
  clear(): void {
    this.values.fill(Number.NaN);
  }

  /** Mark one slot missing (a slot freed for reuse). */
  clearSlot(slot: number): void {
    if (slot < this.data.length) this.data[slot] = Number.NaN;
  }

  /** Names of the metrics the rules read. */
  metrics(): string[] {
    return [...this.index.keys()];
  }
}

/** Lookups the evaluation may need beyond plain metrics (provided by the caller, e.g. from `@ainka/ml`). */
export interface EvaluationContext {
  /** Anomaly score of a metric in 0 … 1, or `undefined` when unknown. */
  anomalyScore?(metric: string): number | undefined;
  /** Forecast of a metric `horizonSeconds` ahead, or `undefined` when unknown. */
  forecast?(metric: string, horizonSeconds: number): number | undefined;
}
