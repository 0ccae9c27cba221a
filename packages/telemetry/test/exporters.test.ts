import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type MetricSample, metricCatalogue, otlpJsonLines, PrometheusExporter, prometheusName, type SampleBatch, toOtlpJson } from '../src/index.js';

const t = 1_700_000_000_000;
const samples: MetricSample[] = [
  { name: 'psi.memory.some_avg10', unit: 'percent', value: 12.5, timestamp: t },
  { name: 'disk.read_bytes_per_second', unit: 'bytes_per_second', value: 4096, labels: { device: 'vda' }, timestamp: t },
  { name: 'disk.read_bytes_total', unit: 'total', value: 1e9, labels: { device: 'vda' }, timestamp: t },
  { name: 'cpu.busy_ratio', unit: 'ratio', value: 0.25, timestamp: t },
  { name: 'cpu.busy_ratio', unit: 'ratio', value: 0.5, labels: { cpu: '1' }, timestamp: t },
  { name: 'ebpf.runqlat_p99_seconds', unit: 'seconds', value: 0.002, labels: { cpu: '0' }, timestamp: t },
];

describe('Prometheus exposition', () => {
  it('uses conventional names, base units and types', async () => {
    const e = new PrometheusExporter();
    e.update(samples);
    e.setSourceStatus([{ id: 'proc.stat', available: true }, { id: 'sys.cpufreq', available: false, reason: 'no driver' }]);
    const text = await e.metrics();
    expect(text).toContain('# TYPE ainka_psi_memory_some_avg10_ratio gauge');
    expect(text).toContain('ainka_psi_memory_some_avg10_ratio 0.125');
    expect(text).toContain('ainka_disk_read_bytes_per_second{device="vda"} 4096');
    expect(text).toContain('# TYPE ainka_disk_read_bytes_total counter');
    expect(text).toContain('ainka_disk_read_bytes_total{device="vda"} 1000000000');
    expect(text).toContain('ainka_cpu_busy_ratio 0.25');
    expect(text).toContain('ainka_cpu_busy_ratio{cpu="1"} 0.5');
    expect(text).toContain('ainka_ebpf_runqlat_p99_seconds{cpu="0"} 0.002');
    expect(text).toContain('ainka_telemetry_source_up{source="sys.cpufreq"} 0');
    expect(text).toMatch(/# HELP ainka_disk_read_bytes_per_second bytes read per second \(disk\.read_bytes_per_second, from \/proc\/diskstats\)/);
  });

  it('replaces the series of a metric on each update and drops stale metrics', async () => {
    let now = 0;
    const e = new PrometheusExporter({ now: () => now, staleAfterMs: 1000 });
    e.update([{ name: 'process.rss_bytes', unit: 'bytes', value: 1, labels: { pid: '1', comm: 'a' }, timestamp: 0 }, ...samples]);
    e.update([{ name: 'process.rss_bytes', unit: 'bytes', value: 2, labels: { pid: '2', comm: 'b' }, timestamp: 0 }]);
    let text = await e.metrics();
    expect(text).not.toContain('pid="1"');
    expect(text).toContain('ainka_process_rss_bytes{pid="2",comm="b"} 2');
    expect(text).toContain('ainka_cpu_busy_ratio'); // not in the last update, not yet stale
    now = 5000;
    e.update([{ name: 'process.rss_bytes', unit: 'bytes', value: 3, labels: { pid: '2', comm: 'b' }, timestamp: 0 }]);
    text = await e.metrics();
    expect(text).not.toContain('ainka_cpu_busy_ratio');
  });

  it('every catalogued metric maps to a valid, unit-suffixed Prometheus name', () => {
    const names = new Set<string>();
    for (const d of metricCatalogue) {
      const { name } = prometheusName(d.name, d.unit);
      expect(name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      if (d.kind === 'counter') expect(name).toMatch(/_total$/);
      if (d.unit === 'bytes') expect(name).toMatch(/_bytes$/);
      if (d.unit === 'seconds') expect(name).toMatch(/_seconds$/);
      if (d.unit === 'ratio' || d.unit === 'percent') expect(name).toMatch(/_ratio$/);
      // promtool check metrics: `_count`, `_sum`, `_bucket` belong to histograms and summaries.
      if (d.kind !== 'counter') expect(name).not.toMatch(/_(count|sum|bucket)$/);
      expect(names.has(name), name).toBe(false);
      names.add(name);
    }
  });
});

describe('OpenTelemetry JSON', () => {
  it('builds an OTLP/JSON metrics request with gauges, cumulative sums and UCUM units', () => {
    const r = toOtlpJson(samples, { hostName: 'box' });
    const rm = r.resourceMetrics[0];
    expect(rm?.resource.attributes).toContainEqual({ key: 'host.name', value: { stringValue: 'box' } });
    const metrics = rm?.scopeMetrics[0]?.metrics ?? [];
    const busy = metrics.find((m) => m.name === 'ainka.cpu.busy_ratio');
    expect(busy?.unit).toBe('1');
    expect(busy?.gauge?.dataPoints).toHaveLength(2);
    expect(busy?.gauge?.dataPoints[1]?.attributes).toEqual([{ key: 'cpu', value: { stringValue: '1' } }]);
    expect(busy?.gauge?.dataPoints[0]?.timeUnixNano).toBe('1700000000000000000');
    const total = metrics.find((m) => m.name === 'ainka.disk.read_bytes_total');
    expect(total?.sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
    expect(total?.unit).toBe('By');
    expect(metrics.find((m) => m.name === 'ainka.psi.memory.some_avg10')?.unit).toBe('%');
  });

  it('streams one JSON line per batch', () => {
    const b$ = new Subject<SampleBatch>();
    const lines: string[] = [];
    otlpJsonLines(b$).subscribe((l) => lines.push(l));
    b$.next({ timestamp: t, samples, durationMs: 1 });
    b$.next({ timestamp: t + 1000, samples: samples.slice(0, 1), durationMs: 1 });
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(JSON.parse(lines[1] as string).resourceMetrics[0].scopeMetrics[0].metrics).toHaveLength(1);
  });
});

describe('documentation', () => {
  it('every catalogued label is a valid Prometheus label name (prom-client refuses the whole exposition otherwise)', () => {
    for (const d of metricCatalogue) for (const l of d.labels) expect(l, d.name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
  });

  it('the README lists every catalogued metric with its Prometheus name', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const d of metricCatalogue) {
      expect(readme, d.name).toContain(`| \`${d.name}\` | ${d.unit} |`);
      expect(readme, d.name).toContain(`\`${prometheusName(d.name, d.unit).name}\``);
    }
  });
});
