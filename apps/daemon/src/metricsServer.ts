import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Daemon } from './daemon.js';
import type { LatencyHistogram } from './latency.js';

function promName(name: string): string {
  return `ainka_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

function promLabels(labels: Readonly<Record<string, string>> | undefined, extra = ''): string {
  const parts = Object.entries(labels ?? {}).map(([k, v]) => `${k.replace(/[^a-zA-Z0-9_]/g, '_')}=${JSON.stringify(v)}`);
  if (extra !== '') parts.push(extra);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function histogram(out: string[], layer: string, h: LatencyHistogram): void {
  for (const b of h.cumulative()) {
    out.push(`ainka_decision_latency_seconds_bucket{layer="${layer}",le="${Number.isFinite(b.le) ? b.le / 1000 : '+Inf'}"} ${b.count}`);
  }
  out.push(`ainka_decision_latency_seconds_sum{layer="${layer}"} ${h.total / 1000}`);
  out.push(`ainka_decision_latency_seconds_count{layer="${layer}"} ${h.count}`);
}

/** Prometheus text exposition of the latest samples and the daemon's own metrics. */
export function renderMetrics(d: Daemon): string {
  const out: string[] = [];
  const byMetric = new Map<string, string[]>();
  for (const s of d.latestSamples().values()) {
    const n = promName(s.name);
    let l = byMetric.get(n);
    if (l === undefined) byMetric.set(n, (l = []));
    l.push(`${n}${promLabels(s.labels)} ${s.value}`);
  }
  for (const [n, lines] of [...byMetric].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(`# TYPE ${n} gauge`, ...lines);
  }
  out.push('# HELP ainka_decision_latency_seconds Sample-to-decision latency (fast) and cycle time (deep) of the decision layers.');
  out.push('# TYPE ainka_decision_latency_seconds histogram');
  histogram(out, 'fast', d.fast);
  histogram(out, 'deep', d.deep);
  out.push('# TYPE ainka_daemon_anomalies_total counter', `ainka_daemon_anomalies_total ${d.counters.anomalies}`);
  out.push('# TYPE ainka_daemon_actions_total counter');
  for (const [status, n] of d.counters.actions) out.push(`ainka_daemon_actions_total{status="${status}"} ${n}`);
  out.push('# TYPE ainka_daemon_budget_overruns_total counter');
  out.push(`ainka_daemon_budget_overruns_total{layer="fast"} ${d.counters.fastOverBudget}`, `ainka_daemon_budget_overruns_total{layer="deep"} ${d.counters.deepOverBudget}`);
  out.push('# TYPE ainka_daemon_resident_memory_bytes gauge', `ainka_daemon_resident_memory_bytes ${process.memoryUsage.rss()}`);
  out.push('# TYPE ainka_daemon_series gauge', `ainka_daemon_series ${d.windows.size}`);
  out.push('# TYPE ainka_daemon_detectors gauge', `ainka_daemon_detectors ${d.anomalies.detectorCount}`);
  return `${out.join('\n')}\n`;
}

/** `GET /metrics` on `host:port` (loopback by default). */
export async function startMetricsServer(d: Daemon, host: string, port: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?') === true)) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(renderMetrics(d));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('ainkad: GET /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${h}:${a.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
