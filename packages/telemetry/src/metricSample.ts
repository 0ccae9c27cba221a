/**
 * The unit of a metric value. Rates are per second, times are seconds, sizes are bytes.
 *
 * - `ratio`: a fraction in [0, 1] (busy time, utilisation).
 * - `percent`: a percentage in [0, 100] (only where the kernel reports one, e.g. PSI averages).
 * - `bytes`, `seconds`, `hertz`: SI base units.
 * - `bytes_per_second`, `per_second`: rates over the last tick.
 * - `count`: an instantaneous number of things (processes, CPUs, in-flight requests).
 * - `total`: a cumulative, monotonically increasing counter (as read from the kernel).
 * - `cores`: CPU-seconds per second (may exceed 1 on multi-core machines).
 * - `load`: a load average.
 * - `info`: always 1; the information is in the labels (e.g. the active I/O scheduler).
 *
 * @public
 */
export type MetricUnit =
  | 'ratio'
  | 'percent'
  | 'bytes'
  | 'seconds'
  | 'hertz'
  | 'bytes_per_second'
  | 'per_second'
  | 'count'
  | 'total'
  | 'cores'
  | 'load'
  | 'info';

/** Label set of a sample: small, string-valued, e.g. `{ device: 'nvme0n1' }`. @public */
export type MetricLabels = Readonly<Record<string, string>>;

/**
 * One observed value of one series at one time. A series is identified by `name` plus `labels`.
 *
 * Names are dot-separated lower_snake segments, ending with the unit where it applies
 * (`mem.available_bytes`, `disk.read_bytes_per_second`, `psi.memory.some_avg10`).
 *
 * @public
 */
export interface MetricSample {
  /** Metric name from {@link metricCatalogue} (or a source's own name for merged streams). */
  readonly name: string;
  /** Labels identifying the series within the metric, e.g. `{ device: 'vda' }`. */
  readonly labels?: MetricLabels;
  /** The value, in `unit`. */
  readonly value: number;
  /** The unit of `value`. */
  readonly unit: MetricUnit;
  /** Milliseconds since the Unix epoch at which the value was read. */
  readonly timestamp: number;
}

/** Keys of frozen label sets, per metric name (see {@link seriesKey}). */
const frozenKeys = new WeakMap<MetricLabels, Map<string, string>>();

/**
 * Canonical string key of a series (`name` + sorted labels), usable as a Map key.
 *
 * When `labels` is a frozen object (as the built-in sources emit, one object per series for its lifetime:
 * see {@link SeriesLabels}) the key is computed once and cached, so the per-tick lookups of the collector,
 * the history and the daemon allocate nothing.
 *
 * @example `seriesKey({ name: 'disk.reads_per_second', labels: { device: 'vda' } })` → `disk.reads_per_second{device="vda"}`
 * @public
 */
export function seriesKey(sample: { readonly name: string; readonly labels?: MetricLabels | undefined }): string {
  const labels = sample.labels;
  if (labels === undefined) return sample.name;
  let cache: Map<string, string> | undefined;
  if (Object.isFrozen(labels)) {
    cache = frozenKeys.get(labels);
    const hit = cache?.get(sample.name);
    if (hit !== undefined) return hit;
  }
  const key = computeSeriesKey(sample.name, labels);
  if (Object.isFrozen(labels)) {
    if (cache === undefined) frozenKeys.set(labels, (cache = new Map()));
    cache.set(sample.name, key);
  }
  return key;
}

function computeSeriesKey(name: string, labels: MetricLabels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  if (keys.length > 1) keys.sort();
  let out = `${name}{`;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    out += `${i === 0 ? '' : ','}${k}=${JSON.stringify(labels[k])}`;
  }
  return `${out}}`;
}

/**
 * One frozen labels object per series, reused from tick to tick, so that {@link seriesKey} is computed
 * once per series instead of once per sample. Call `get`/`set` while collecting and `sweep()` once per
 * collection: label sets not used since the previous sweep are forgotten.
 *
 * @example
 * ```ts
 * const cache = new SeriesLabels<string>();
 * const labels = cache.get('vda') ?? cache.set('vda', { device: 'vda' });
 * cache.sweep();
 * ```
 * @public
 */
export class SeriesLabels<K> {
  private cur = new Map<K, MetricLabels>();
  private prev = new Map<K, MetricLabels>();

  /** The labels stored for `id` (kept for the next sweep), if any. */
  get(id: K): MetricLabels | undefined {
    let l = this.cur.get(id);
    if (l === undefined) {
      l = this.prev.get(id);
      if (l !== undefined) this.cur.set(id, l);
    }
    return l;
  }

  /** Freezes and stores `labels` for `id`, and returns them. */
  set(id: K, labels: Record<string, string>): MetricLabels {
    const l = Object.freeze(labels);
    this.cur.set(id, l);
    return l;
  }

  /** Forgets the label sets not used since the previous sweep. */
  sweep(): void {
    const old = this.prev;
    this.prev = this.cur;
    old.clear();
    this.cur = old;
  }
}
