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

/**
 * Canonical string key of a series (`name` + sorted labels), usable as a Map key.
 *
 * @example `seriesKey({ name: 'disk.reads_per_second', labels: { device: 'vda' } })` → `disk.reads_per_second{device="vda"}`
 * @public
 */
export function seriesKey(sample: { readonly name: string; readonly labels?: MetricLabels | undefined }): string {
  const labels = sample.labels;
  if (labels === undefined) return sample.name;
  const keys = Object.keys(labels);
  if (keys.length === 0) return sample.name;
  if (keys.length > 1) keys.sort();
  let out = `${sample.name}{`;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    out += `${i === 0 ? '' : ','}${k}=${JSON.stringify(labels[k])}`;
  }
  return `${out}}`;
}
