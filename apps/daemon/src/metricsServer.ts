import { PrometheusExporter, type MetricSample } from '@ainka/telemetry';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge } from 'prom-client';
import type { Daemon } from './daemon.js';
import { pulledCounter, registerHealthMetrics } from './healthMetrics.js';

/**
 * The daemon's Prometheus exposition: the latest sample of every series through `@ainka/telemetry`'s
 * {@link PrometheusExporter} (its naming: `ainka_<name>`, ratios for percentages, `_total` for counters,
 * `ainka_telemetry_source_up`), and the daemon's own series registered in the same registry.
 */
export class DaemonMetrics {
  readonly exporter = new PrometheusExporter();

  constructor(private readonly d: Daemon) {
    const registers = [this.exporter.registry];
    this.exporter.registry.registerMetric(d.decisionLatency);
    new Gauge({
      name: 'ainka_kernel_policy_eval_seconds',
      help: "The kernel policy cache's own evaluation time per sample, from its counters (stat: last, p99 over 1024 samples, max since load).",
      labelNames: ['stat'],
      registers,
      collect() {
        this.reset();
        const c = d.immediate?.status?.counters;
        if (c === undefined) return;
        this.set({ stat: 'last' }, Number(c.evalNsLast) / 1e9);
        this.set({ stat: 'p99' }, Number(c.evalNsP99) / 1e9);
        this.set({ stat: 'max' }, Number(c.evalNsMax) / 1e9);
      },
    });
    new Gauge({
      name: 'ainka_kernel_policy_rules',
      help: 'Rules the daemon pushed to the kernel policy cache (absent when the module is not loaded).',
      registers,
      collect() {
        this.reset();
        if (d.immediate !== undefined) this.set(d.immediate.ruleCount);
      },
    });
    const counter = pulledCounter(registers);
    counter('ainka_daemon_anomalies_total', 'Anomalies opened by per-series detection.', [], () => [[{}, d.counters.anomalies]]);
    counter('ainka_daemon_actions_total', 'Decisions of the fast layer, by outcome (proposed, applied, skipped, failed).', ['status'], () => [...d.counters.actions].map(([status, n]) => [{ status }, n]));
    counter('ainka_daemon_kernel_decisions_total', 'Events of the kernel policy cache recorded as decisions, by kind (kernel-hit, kernel-request, kernel-observed, …).', ['status'], () =>
      [...d.counters.kernelDecisions].map(([status, n]) => [{ status }, n]),
    );
    counter('ainka_daemon_budget_overruns_total', 'Decision-layer observations over their latency budget.', ['layer'], () => [
      ...(d.immediate !== undefined ? ([[{ layer: 'immediate' }, d.immediate.latency.summary().overBudget]] as [Record<string, string>, number][]) : []),
      [{ layer: 'fast' }, d.counters.fastOverBudget],
      [{ layer: 'deep' }, d.counters.deepOverBudget],
    ]);
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('ainka_daemon_resident_memory_bytes', 'Resident set size of ainkad.', () => process.memoryUsage.rss());
    gauge('ainka_daemon_series', 'Series held in memory.', () => d.windows.size);
    gauge('ainka_daemon_detectors', 'Per-series anomaly detectors.', () => d.anomalies.detectorCount);
    registerHealthMetrics(this.exporter.registry, d);
    d.guard?.registerMetrics(this.exporter.registry);
  }

  /** The exposition text (the latest samples are handed to the exporter at scrape time). */
  async render(): Promise<string> {
    const samples: MetricSample[] = [];
    for (const s of this.d.latestSamples().values()) samples.push({ name: s.name, ...(s.labels !== undefined ? { labels: s.labels } : {}), value: s.value, unit: s.unit, timestamp: s.t });
    this.exporter.update(samples);
    this.exporter.setSourceStatus(this.d.sourceStatus());
    return this.exporter.metrics();
  }

  get contentType(): string {
    return this.exporter.contentType;
  }
}

/** `GET /metrics` on `host:port` (loopback by default). */
export async function startMetricsServer(d: Daemon, host: string, port: number): Promise<{ url: string; close: () => Promise<void> }> {
  const metrics = new DaemonMetrics(d);
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?') === true)) {
      metrics.render().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`ainkad: metrics failed: ${String(err)}\n`);
        },
      );
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
