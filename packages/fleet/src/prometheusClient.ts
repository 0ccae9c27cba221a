import { FleetError, FleetErrorCode } from './errors.js';

/** One series of a range query: its labels and `[unix seconds, value]` points. */
export interface RangeSeries {
  /** Labels, `__name__` included. */
  readonly metric: Readonly<Record<string, string>>;
  /** Points as Prometheus returns them: `[seconds, "value"]`. */
  readonly values: readonly (readonly [number, string])[];
}

/** Metric metadata: `type` is `gauge`, `counter`, `histogram`, `summary` or `unknown`. */
export interface MetricMetadata {
  /** The metric type the exporter declared. */
  readonly type: string;
  /** The HELP text. */
  readonly help: string;
}

/**
 * The part of Prometheus's HTTP API (`/api/v1`) the fleet learner reads: metric names, metadata and
 * `query_range`. Works against Prometheus 2.x and the API-compatible long-term stores (Thanos Query,
 * Mimir, VictoriaMetrics).
 */
export class PrometheusClient {
  private readonly base: string;

  /** @param url Prometheus base URL, e.g. `http://prometheus:9090`. */
  constructor(url: string, private readonly fetchFn: typeof fetch = fetch) {
    this.base = url.replace(/\/+$/, '');
  }

  private async get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`);
    } catch (err) {
      throw new FleetError(FleetErrorCode.prometheus, `cannot reach Prometheus at ${this.base} (${(err as Error).message}); check --prometheus and that Prometheus is up.`, { cause: err });
    }
    const text = await res.text();
    let body: { status?: string; data?: T; error?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new FleetError(FleetErrorCode.prometheus, `${this.base}${path} answered HTTP ${res.status} with something that is not the Prometheus API (${text.slice(0, 80)}); is --prometheus the Prometheus base URL?`);
    }
    if (body.status !== 'success' || body.data === undefined) throw new FleetError(FleetErrorCode.prometheus, `Prometheus refused ${path}: ${body.error ?? `HTTP ${res.status}`}`);
    return body.data;
  }

  /** Metric names matching a series selector. */
  metricNames(match: string): Promise<string[]> {
    return this.get<string[]>(`/api/v1/label/__name__/values?match[]=${encodeURIComponent(match)}`);
  }

  /** Metadata of every metric (first entry per name). */
  async metadata(): Promise<Map<string, MetricMetadata>> {
    const data = await this.get<Record<string, MetricMetadata[]>>('/api/v1/metadata');
    return new Map(Object.entries(data).flatMap(([k, v]) => (v[0] === undefined ? [] : [[k, v[0]] as const])));
  }

  /** `query_range` of a PromQL expression; `start`/`end` in unix seconds, `step` in seconds. */
  async queryRange(query: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    const q = `/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start}&end=${end}&step=${step}`;
    const data = await this.get<{ resultType: string; result: RangeSeries[] }>(q);
    return data.result;
  }

  /** Instant `query` of a PromQL expression at `time` (unix seconds). */
  async query(query: string, time: number): Promise<{ readonly metric: Readonly<Record<string, string>>; readonly value: readonly [number, string] }[]> {
    const data = await this.get<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(query)}&time=${time}`);
    return data.result;
  }
}
