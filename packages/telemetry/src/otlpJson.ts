import { hostname } from 'node:os';
import { map, type Observable } from 'rxjs';
import { getMetricDefinition } from './metricCatalogue.js';
import type { MetricSample, MetricUnit } from './metricSample.js';
import type { SampleBatch } from './metricsCollector.js';

/** An OTLP attribute (`KeyValue` with a string value). @public */
export interface OtlpAttribute {
  /** Attribute name. */
  readonly key: string;
  /** Attribute value. */
  readonly value: {
    /** The string value. */
    readonly stringValue: string;
  };
}

/** An OTLP number data point in the JSON encoding (times are decimal strings of nanoseconds). @public */
export interface OtlpDataPoint {
  /** The sample labels. */
  readonly attributes: readonly OtlpAttribute[];
  /** Nanoseconds since the epoch, as a decimal string. */
  readonly timeUnixNano: string;
  /** The value. */
  readonly asDouble: number;
}

/** An OTLP metric (gauge, or cumulative monotonic sum for counters). @public */
export interface OtlpMetric {
  /** `ainka.` + the metric name. */
  readonly name: string;
  /** UCUM unit. */
  readonly unit: string;
  /** Help text from the catalogue. */
  readonly description: string;
  /** Set for gauges. */
  readonly gauge?: {
    /** One point per series. */
    readonly dataPoints: readonly OtlpDataPoint[];
  };
  /** Set for counters. */
  readonly sum?: {
    /** One point per series. */
    readonly dataPoints: readonly OtlpDataPoint[];
    /** Always 2: `AGGREGATION_TEMPORALITY_CUMULATIVE`. */
    readonly aggregationTemporality: 2;
    /** Always true: counters only go up. */
    readonly isMonotonic: true;
  };
}

/** The OTLP/JSON `ExportMetricsServiceRequest` shape. @public */
export interface OtlpMetricsRequest {
  /** One resource (this host) with one scope. */
  readonly resourceMetrics: ReadonlyArray<{
    /** The resource: this host. */
    readonly resource: {
      /** Resource attributes (`host.name`, `service.name` …). */
      readonly attributes: readonly OtlpAttribute[];
    };
    /** Metrics grouped by instrumentation scope (one scope here). */
    readonly scopeMetrics: ReadonlyArray<{
      /** The instrumentation scope. */
      readonly scope: {
        /** Scope name. */
        readonly name: string;
        /** Scope version. */
        readonly version: string;
      };
      /** The metrics. */
      readonly metrics: readonly OtlpMetric[];
    }>;
  }>;
}

const ucum: Record<MetricUnit, string> = {
  ratio: '1',
  percent: '%',
  bytes: 'By',
  seconds: 's',
  hertz: 'Hz',
  bytes_per_second: 'By/s',
  per_second: '{event}/s',
  count: '{count}',
  total: '{count}',
  cores: '{cpu}',
  load: '{load}',
  info: '1',
};

/** Options of {@link toOtlpJson}. @public */
export interface OtlpOptions {
  /** `service.name` resource attribute. Default `ainka`. */
  readonly serviceName?: string;
  /** `host.name` resource attribute. Default: this machine's host name. */
  readonly hostName?: string;
  /** Prefix of metric names. Default `ainka.`. */
  readonly prefix?: string;
}

const attr = (key: string, value: string): OtlpAttribute => ({ key, value: { stringValue: value } });

/**
 * Converts samples to an OTLP/JSON metrics request (the body of `POST /v1/metrics`, or one line of an
 * OTLP JSON file exporter). Counters (`unit: total`) become cumulative monotonic sums; everything
 * else a gauge. Units are UCUM (`By`, `s`, `1`). Byte counts whose unit is `total` stay `{count}`.
 *
 * @public
 */
export function toOtlpJson(samples: readonly MetricSample[], options: OtlpOptions = {}): OtlpMetricsRequest {
  const prefix = options.prefix ?? 'ainka.';
  const groups = new Map<string, MetricSample[]>();
  for (const s of samples) {
    let g = groups.get(s.name);
    if (g === undefined) groups.set(s.name, (g = []));
    g.push(s);
  }
  const metrics: OtlpMetric[] = [];
  for (const [name, list] of groups) {
    const first = list[0] as MetricSample;
    const dataPoints = list.map(
      (s): OtlpDataPoint => ({
        attributes: Object.entries(s.labels ?? {}).map(([k, v]) => attr(k, v)),
        timeUnixNano: (BigInt(Math.round(s.timestamp)) * 1_000_000n).toString(),
        asDouble: s.value,
      }),
    );
    const unit = first.unit === 'total' && name.endsWith('_bytes_total') ? 'By' : ucum[first.unit];
    const description = getMetricDefinition(name)?.help ?? '';
    metrics.push(
      first.unit === 'total'
        ? { name: `${prefix}${name}`, unit, description, sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } }
        : { name: `${prefix}${name}`, unit, description, gauge: { dataPoints } },
    );
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attr('service.name', options.serviceName ?? 'ainka'), attr('host.name', options.hostName ?? hostname())] },
        scopeMetrics: [{ scope: { name: '@ainka/telemetry', version: '0.1.0' }, metrics }],
      },
    ],
  };
}

/**
 * One OTLP/JSON line per batch: pipe it to a file, a socket or stdout for an OpenTelemetry collector's
 * `otlpjsonfile` receiver.
 *
 * @public
 */
export function otlpJsonLines(batches$: Observable<SampleBatch>, options: OtlpOptions = {}): Observable<string> {
  return batches$.pipe(map((b) => `${JSON.stringify(toOtlpJson(b.samples, options))}\n`));
}
