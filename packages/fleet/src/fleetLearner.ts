import { FleetError, FleetErrorCode } from './errors.js';
import type { MetricMetadata, PrometheusClient, RangeSeries } from './prometheusClient.js';
import { median, robustSpread, robustZ } from './robustStats.js';

/** Options of {@link learnFleet} and {@link learnFromSeries}. */
export interface FleetLearnOptions {
  /** The label hosts are grouped by (role, instance type, …). Default `role`; hosts without it form group `default`. */
  readonly groupBy?: string;
  /** The label naming a host. Default `host`. */
  readonly hostLabel?: string;
  /** |robust z| above which a host's value of one series is outlying. Default 3.5 (Iglewicz & Hoaglin). */
  readonly zThreshold?: number;
  /** Thresholds are median ± k robust σ. Default 3. */
  readonly k?: number;
  /** Series seen on fewer hosts of a group are not learned. Default 3. */
  readonly minHosts?: number;
  /** A host is an outlier when more than this fraction of its learned series are outlying. Default 0.1. */
  readonly hostOutlierFraction?: number;
  /** Robust σ is never below this fraction of |median| (identical hosts do not make tiny differences infinite). Default 0.01. */
  readonly relativeSigmaFloor?: number;
}

/** What one host's value of one series is. */
export interface HostValue {
  /** The host. */
  readonly host: string;
  /** The host's median of the series over the learning range. */
  readonly value: number;
  /** Its robust z-score against the group. */
  readonly z: number;
}

/** The learned baseline of one series (metric and labels other than host, group, job and instance) in one group. */
export interface SeriesBaseline {
  /** `ainka_disk_utilization_ratio{device="vda"}`. */
  readonly series: string;
  /** Median across hosts of each host's median. */
  readonly median: number;
  /** Median absolute deviation across hosts. */
  readonly mad: number;
  /** Robust σ (1.4826 × MAD, see `robustSpread`). */
  readonly sigma: number;
  /** median − k σ. */
  readonly lower: number;
  /** median + k σ. */
  readonly upper: number;
  /** Every host's value and z. */
  readonly hosts: readonly HostValue[];
}

/** One group of hosts and the baselines learned from them. */
export interface GroupBaseline {
  /** The group label's value. */
  readonly group: string;
  /** Its hosts, sorted. */
  readonly hosts: readonly string[];
  /** Learned series, sorted by name. */
  readonly series: readonly SeriesBaseline[];
}

/** The verdict on one host. */
export interface HostVerdict {
  /** Its group. */
  readonly group: string;
  /** The host. */
  readonly host: string;
  /** Learned series the host has. */
  readonly series: number;
  /** Of those, how many are outlying (|z| > zThreshold). */
  readonly outlying: number;
  /** outlying / series. */
  readonly fraction: number;
  /** Whether the host is an outlier (fraction > hostOutlierFraction). */
  readonly outlier: boolean;
  /** Its most outlying series, highest |z| first (at most 10). */
  readonly top: readonly { readonly series: string; readonly value: number; readonly median: number; readonly z: number }[];
}

/** The learned fleet: baselines per group, a verdict per host. */
export interface FleetModel {
  /** When the model was learned (epoch ms). */
  readonly timestamp: number;
  /** The grouping label. */
  readonly groupBy: string;
  /** The host label. */
  readonly hostLabel: string;
  /** The z threshold used. */
  readonly zThreshold: number;
  /** The threshold width used (median ± k σ). */
  readonly k: number;
  /** The learning range (unix seconds) and step, when read from Prometheus. */
  readonly range?: { readonly start: number; readonly end: number; readonly step: number };
  /** Groups, sorted by name. */
  readonly groups: readonly GroupBaseline[];
  /** Hosts, outliers first, then by group and name. */
  readonly hosts: readonly HostVerdict[];
}

const DROP = new Set(['__name__', 'job', 'instance']);

/** The series key of a Prometheus series: name and labels other than host, group, job and instance. */
export function seriesKey(metric: Readonly<Record<string, string>>, drop: ReadonlySet<string>): string {
  const name = metric.__name__ ?? '';
  const labels = Object.keys(metric)
    .filter((k) => !DROP.has(k) && !drop.has(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(metric[k])}`);
  return labels.length === 0 ? name : `${name}{${labels.join(',')}}`;
}

/** Learn baselines and verdicts from range-query results (every series must carry the host label). */
export function learnFromSeries(input: readonly RangeSeries[], options: FleetLearnOptions = {}, timestamp = Date.now()): FleetModel {
  const groupBy = options.groupBy ?? 'role';
  const hostLabel = options.hostLabel ?? 'host';
  const zThreshold = options.zThreshold ?? 3.5;
  const k = options.k ?? 3;
  const minHosts = options.minHosts ?? 3;
  const hostFraction = options.hostOutlierFraction ?? 0.1;
  const relFloor = options.relativeSigmaFloor ?? 0.01;
  if (!(zThreshold > 0) || !(k > 0) || !(minHosts >= 2)) throw new FleetError(FleetErrorCode.badOption, `zThreshold (${zThreshold}) and k (${k}) must be > 0 and minHosts (${minHosts}) at least 2.`);
  const drop = new Set([groupBy, hostLabel]);
  // group → series → host → value (the host's median over the range)
  const byGroup = new Map<string, Map<string, Map<string, number>>>();
  const hostsOf = new Map<string, Set<string>>();
  for (const s of input) {
    const host = s.metric[hostLabel];
    if (host === undefined || host === '') continue;
    const group = s.metric[groupBy] ?? 'default';
    const values = s.values.map(([, v]) => Number(v)).filter((v) => Number.isFinite(v));
    if (values.length === 0) continue;
    let g = byGroup.get(group);
    if (g === undefined) byGroup.set(group, (g = new Map()));
    let hosts = hostsOf.get(group);
    if (hosts === undefined) hostsOf.set(group, (hosts = new Set()));
    hosts.add(host);
    const key = seriesKey(s.metric, drop);
    let perHost = g.get(key);
    if (perHost === undefined) g.set(key, (perHost = new Map()));
    perHost.set(host, median(values));
  }
  const groups: GroupBaseline[] = [];
  const verdicts: HostVerdict[] = [];
  for (const group of [...byGroup.keys()].sort()) {
    const g = byGroup.get(group) as Map<string, Map<string, number>>;
    const series: SeriesBaseline[] = [];
    for (const key of [...g.keys()].sort()) {
      const perHost = g.get(key) as Map<string, number>;
      if (perHost.size < minHosts) continue;
      const spread = robustSpread([...perHost.values()], Math.max(1e-12, relFloor * Math.abs(median([...perHost.values()]))));
      const hosts = [...perHost].sort(([a], [b]) => a.localeCompare(b)).map(([host, value]) => ({ host, value, z: robustZ(value, spread) }));
      series.push({ series: key, median: spread.median, mad: spread.mad, sigma: spread.sigma, lower: spread.median - k * spread.sigma, upper: spread.median + k * spread.sigma, hosts });
    }
    const hostNames = [...(hostsOf.get(group) ?? [])].sort();
    groups.push({ group, hosts: hostNames, series });
    for (const host of hostNames) {
      const mine = series.flatMap((s) => s.hosts.filter((h) => h.host === host).map((h) => ({ series: s.series, value: h.value, median: s.median, z: h.z })));
      const outlying = mine.filter((m) => Math.abs(m.z) > zThreshold);
      const fraction = mine.length === 0 ? 0 : outlying.length / mine.length;
      verdicts.push({
        group,
        host,
        series: mine.length,
        outlying: outlying.length,
        fraction,
        outlier: fraction > hostFraction,
        top: outlying.sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, 10),
      });
    }
  }
  verdicts.sort((a, b) => Number(b.outlier) - Number(a.outlier) || a.group.localeCompare(b.group) || a.host.localeCompare(b.host));
  return { timestamp, groupBy, hostLabel, zThreshold, k, groups, hosts: verdicts };
}

/** Options of {@link learnFleet}. */
export interface FleetQueryOptions extends FleetLearnOptions {
  /** History to learn from, in seconds, ending at `end`. */
  readonly rangeSeconds: number;
  /** End of the range (unix seconds). Default now. */
  readonly end?: number;
  /** Resolution of the range query in seconds. Default range / 120 (at least 1). */
  readonly stepSeconds?: number;
  /** Series selector of the metrics to learn. Default every `ainka_*` metric. */
  readonly match?: string;
  /**
   * Metric names never learned. Default: AINKA's own health and bookkeeping (`ainka_daemon_*`,
   * `ainka_telemetry_*`, …), top-N processes (their pids come and go), and recording rules.
   */
  readonly exclude?: RegExp;
  /** Range queries in flight at once. Default 4. */
  readonly concurrency?: number;
  /**
   * Let Prometheus take each host's median (`quantile_over_time(0.5, …[range])`, one instant query per
   * metric) instead of fetching every point: one value per series crosses the network, which is what a
   * fleet of thousands of hosts needs. Default false (range queries, medians taken here).
   */
  readonly serverSide?: boolean;
}

const DEFAULT_EXCLUDE = /^ainka_(daemon|telemetry|watched|decision|kernel_policy|policy|ebpf|guard|process)_|^ainka_processes$|:/;

/** Gauges are learned as they are; counters as their per-second rate; histograms and summaries are skipped. */
function queryFor(name: string, meta: MetricMetadata | undefined, step: number): string | undefined {
  const type = meta?.type ?? (name.endsWith('_total') ? 'counter' : 'gauge');
  if (type === 'gauge' || type === 'unknown') return name;
  if (type === 'counter') return `rate(${name}[${Math.max(4 * step, 60)}s])`;
  return undefined;
}

/**
 * Read the fleet's history from Prometheus (`query_range`, one query per metric) and learn per-series
 * baselines across the hosts of each group, and which hosts are outliers.
 *
 * @example
 * ```ts
 * const model = await learnFleet(new PrometheusClient('http://prometheus:9090'), { rangeSeconds: 3600, groupBy: 'role' });
 * for (const h of model.hosts.filter((h) => h.outlier)) console.log(h.host, h.top[0]?.series);
 * ```
 */
export async function learnFleet(prometheus: PrometheusClient, options: FleetQueryOptions): Promise<FleetModel> {
  if (!(options.rangeSeconds > 0)) throw new FleetError(FleetErrorCode.badOption, `rangeSeconds must be > 0 (got ${options.rangeSeconds}); pass e.g. --range 1h.`);
  const end = options.end ?? Math.floor(Date.now() / 1000);
  const start = end - options.rangeSeconds;
  const step = options.stepSeconds ?? Math.max(1, Math.round(options.rangeSeconds / 120));
  const exclude = options.exclude ?? DEFAULT_EXCLUDE;
  const [names, metadata] = await Promise.all([prometheus.metricNames(options.match ?? '{__name__=~"ainka_.+"}'), prometheus.metadata()]);
  const queries = names
    .filter((n) => !exclude.test(n))
    .flatMap((n) => {
      const q = queryFor(n, metadata.get(n), step);
      return q === undefined ? [] : [{ name: n, q }];
    });
  const all: RangeSeries[] = [];
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const run = (x: { name: string; q: string }): Promise<RangeSeries[]> => {
    if (options.serverSide !== true) return prometheus.queryRange(x.q, start, end, step);
    // A counter's rate is a subquery over the range; a gauge is a plain range selector.
    const sel = x.q === x.name ? `${x.q}[${options.rangeSeconds}s]` : `${x.q}[${options.rangeSeconds}s:${step}s]`;
    return prometheus.query(`quantile_over_time(0.5, ${sel})`, end).then((r) => r.map((v) => ({ metric: v.metric, values: [v.value] })));
  };
  for (let i = 0; i < queries.length; i += concurrency) {
    const batch = await Promise.all(queries.slice(i, i + concurrency).map((x) => run(x).then((r) => r.map((s) => ({ metric: { ...s.metric, __name__: x.q === x.name ? x.name : `${x.name}:rate` }, values: s.values })))));
    for (const b of batch) all.push(...b);
  }
  return { ...learnFromSeries(all, options), range: { start, end, step } };
}
