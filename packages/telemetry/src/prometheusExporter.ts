import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import { getMetricDefinition, type MetricDefinition } from './metricCatalogue.js';
import { type MetricSample, type MetricUnit, seriesKey } from './metricSample.js';
import type { SourceStatus } from './metricSource.js';

/**
 * The Prometheus name of an AINKA metric: `ainka_` + the name with dots as underscores, following the
 * Prometheus conventions (base units, `_total` for counters). Percentages become ratios
 * (`psi.memory.some_avg10` → `ainka_psi_memory_some_avg10_ratio`, value / 100). Gauges of things drop a
 * `_count` suffix, which Prometheus reserves for histograms and summaries (`cpu.online_count` →
 * `ainka_cpu_online`).
 *
 * @public
 */
export function prometheusName(
  name: string,
  unit: MetricUnit,
  prefix = 'ainka',
): {
  /** The Prometheus metric name. */
  name: string;
  /** Factor from the AINKA value to the Prometheus value (0.01 for percentages, else 1). */
  scale: number;
} {
  let base = `${prefix}_${name.replace(/\./g, '_')}`.replace(/[^a-zA-Z0-9_:]/g, '_');
  let scale = 1;
  // `_count` is reserved for histograms and summaries (promtool check metrics): a gauge of things drops
  // it (`cpu.procs_running_count` → `ainka_cpu_procs_running`); `process.count` names the things.
  if (unit === 'count' && base.endsWith('_count')) base = base === `${prefix}_process_count` ? `${prefix}_processes` : base.slice(0, -'_count'.length);
  if (unit === 'percent') {
    base += '_ratio';
    scale = 0.01;
  } else if (unit === 'total' && !base.endsWith('_total')) base += '_total';
  return { name: base, scale };
}

/** Options of {@link PrometheusExporter}. @public */
export interface PrometheusExporterOptions {
  /** Register into this registry (default: a new one, so several hubs do not collide). */
  readonly registry?: Registry;
  /** Metric name prefix. Default `ainka`. */
  readonly prefix?: string;
  /** Forget a metric not updated for this long (its source stopped). Default 10 minutes. */
  readonly staleAfterMs?: number;
  /** Clock (ms since the epoch) for staleness; injectable for tests. */
  readonly now?: () => number;
}

interface Family {
  readonly promName: string;
  readonly scale: number;
  readonly counter: boolean;
  labelNames: string[];
  series: Map<string, MetricSample>;
  updatedAt: number;
  metric: Gauge | Counter;
}

/**
 * Prometheus exposition of the latest samples through `prom-client`. Each update replaces, per
 * metric name, the set of series (so processes that left the top N disappear); metrics whose source
 * stopped are dropped after `staleAfterMs`. Source availability is exported as
 * `ainka_telemetry_source_up{source}`.
 *
 * @public
 */
export class PrometheusExporter {
  /** The registry to serve (`await registry.metrics()`). */
  readonly registry: Registry;
  private readonly prefix: string;
  private readonly staleAfterMs: number;
  private readonly nowFn: () => number;
  private readonly families = new Map<string, Family>();
  private readonly up: Gauge;
  private statuses: readonly SourceStatus[] = [];

  constructor(options: PrometheusExporterOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.prefix = options.prefix ?? 'ainka';
    this.staleAfterMs = options.staleAfterMs ?? 600_000;
    this.nowFn = options.now ?? Date.now;
    const self = this;
    this.up = new Gauge({
      name: `${this.prefix}_telemetry_source_up`,
      help: 'Whether an AINKA telemetry source is producing data (1) or unavailable (0).',
      labelNames: ['source'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of self.statuses) this.set({ source: s.id }, s.available ? 1 : 0);
      },
    });
  }

  /** Records source availability for `ainka_telemetry_source_up`. */
  setSourceStatus(statuses: readonly SourceStatus[]): void {
    this.statuses = [...statuses];
  }

  /** Takes the samples of one tick. */
  update(samples: readonly MetricSample[]): void {
    const now = this.nowFn();
    const byName = new Map<string, MetricSample[]>();
    for (const s of samples) {
      let list = byName.get(s.name);
      if (list === undefined) byName.set(s.name, (list = []));
      list.push(s);
    }
    for (const [name, list] of byName) {
      const first = list[0] as MetricSample;
      let fam = this.families.get(name);
      const labelNames = new Set(fam?.labelNames ?? getMetricDefinition(name)?.labels ?? []);
      for (const s of list) for (const k of Object.keys(s.labels ?? {})) labelNames.add(k);
      if (fam === undefined || labelNames.size !== fam.labelNames.length) {
        if (fam !== undefined) this.registry.removeSingleMetric(fam.promName);
        fam = this.createFamily(name, first.unit, getMetricDefinition(name), [...labelNames]);
        this.families.set(name, fam);
      }
      const series = new Map<string, MetricSample>();
      for (const s of list) series.set(seriesKey(s), s);
      fam.series = series;
      fam.updatedAt = now;
    }
    for (const [name, fam] of this.families) {
      if (now - fam.updatedAt > this.staleAfterMs) {
        this.registry.removeSingleMetric(fam.promName);
        this.families.delete(name);
      }
    }
  }

  private createFamily(name: string, unit: MetricUnit, def: MetricDefinition | undefined, labelNames: string[]): Family {
    const { name: promName, scale } = prometheusName(name, unit, this.prefix);
    const counter = unit === 'total';
    const help = `${def?.help ?? `AINKA metric ${name}`} (${name}${def === undefined ? '' : `, from ${def.source}`})`;
    const fam: Family = { promName, scale, counter, labelNames, series: new Map(), updatedAt: 0, metric: undefined as unknown as Gauge };
    const fill = (set: (labels: Record<string, string>, v: number) => void): void => {
      for (const s of fam.series.values()) set({ ...(s.labels ?? {}) }, s.value * scale);
    };
    fam.metric = counter
      ? new Counter({
          name: promName,
          help,
          labelNames,
          registers: [this.registry],
          collect() {
            // Kernel counters are absolute: reset, then add the current value.
            this.reset();
            fill((l, v) => this.inc(l, Math.max(0, v)));
          },
        })
      : new Gauge({
          name: promName,
          help,
          labelNames,
          registers: [this.registry],
          collect() {
            this.reset();
            fill((l, v) => this.set(l, v));
          },
        });
    return fam;
  }

  /** The exposition text. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The exposition content type. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** A `node:http` request handler serving the exposition on any path. */
  handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (_req, res) => {
      this.metrics().then(
        (text) => {
          res.setHeader('content-type', this.contentType);
          res.end(text);
        },
        (err: unknown) => {
          res.statusCode = 500;
          res.end(String(err));
        },
      );
    };
  }
}
