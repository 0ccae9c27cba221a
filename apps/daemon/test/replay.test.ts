import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord, StatusResult } from '../src/index.js';
import { cliJson, ensureBuilt, eventually, fixture, startDaemon, tempDir, writeConfig, type RunningDaemon } from './harness.js';

let d: RunningDaemon;

beforeAll(async () => {
  ensureBuilt();
  const dir = tempDir('replay');
  const policy = join(dir, 'pressure.yaml');
  writeConfig(dir, '');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    policy,
    ['name: pressure-test', 'mode: advise', 'rules:', '  - use: writeback-pressure', '    params: { forSeconds: 1 }', '  - use: cpu-saturation', '    params: { forSeconds: 1, minCores: 0.1, maxAgeSeconds: 600 }', ''].join('\n'),
  );
  const cfg = writeConfig(dir, [`policy:`, `  builtin: false`, `  packs: []`, `  files: [${JSON.stringify(policy)}]`, 'ml:', '  anomaly: { warmup: 5 }', 'layers: { deepIntervalMs: 1000 }', ''].join('\n'));
  d = await startDaemon(dir, ['--config', cfg, '--replay', fixture, '--interval', '200']);
}, 120_000);

afterAll(async () => {
  await d?.stop();
});

describe('ainkad against a recorded telemetry stream (CPU hogs + disk writer)', () => {
  it('advises earlier writeback with the dirty-page evidence, and writes nothing', async () => {
    const line = await d.waitFor((l) => l.event === 'action' && (l.action as ActionRecord).knob === 'sysctl:vm.dirty_background_ratio');
    const a = line.action as ActionRecord;
    expect(a.status).toBe('proposed');
    expect(a.value).toBe('5');
    expect(a.evidence.some((e) => e.series === 'mem.dirty_bytes' && e.value >= 256 * 1024 * 1024)).toBe(true);
    expect(String(line.msg)).toMatch(/^advise: reason 'writeback-pressure' on knob sysctl:vm\.dirty_background_ratio: \d+ → 5, because/);
    const advice = cliJson<{ advice: ActionRecord[] }>(['advise'], d.socket).advice;
    expect(advice.find((x) => x.rule === 'writeback-pressure')?.evidence.length).toBeGreaterThan(0);
  });

  it('flags the CPU hog as the top consumer, with cpu.busy_ratio as evidence', async () => {
    const line = await d.waitFor((l) => l.event === 'action' && (l.action as ActionRecord).rule === 'cpu-saturation');
    const a = line.action as ActionRecord;
    expect(a.knob).toMatch(/^process:\d+:nice$/);
    expect(a.evidence.map((e) => e.series)).toContain('cpu.busy_ratio');
    expect(a.evidence.some((e) => e.series.startsWith('process.cpu_cores{'))).toBe(true);
  });

  it('reports its source, layers and latency over the API', async () => {
    const s = await eventually(() => {
      const st = cliJson<StatusResult>(['status'], d.socket);
      return st.ticks >= 10 && (st.layers.find((l) => l.name === 'deep')?.latency?.count ?? 0) > 0 ? st : undefined;
    });
    expect(s.source).toBe('replay');
    expect(s.mode).toBe('advise');
    const fast = s.layers.find((l) => l.name === 'fast');
    expect(fast?.latency?.count).toBeGreaterThanOrEqual(10);
    expect(fast?.latency?.p50).not.toBeNull();
    const immediate = s.layers.find((l) => l.name === 'immediate');
    expect(immediate?.available).toBe(false);
    expect(immediate?.reason).toMatch(/module|ipc/i);
  });

  it('serves /metrics through @ainka/telemetry\'s PrometheusExporter, with the daemon\'s own series', async () => {
    const s = cliJson<StatusResult>(['status'], d.socket);
    expect(s.metricsUrl).not.toBeNull();
    const res = await fetch(s.metricsUrl as string);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    // The exporter's names: base units, `_total` for counters, source availability.
    expect(text).toMatch(/^ainka_mem_total_bytes \d+/m);
    expect(text).toMatch(/^# TYPE ainka_cpu_context_switches_total counter$/m);
    expect(text).toContain('ainka_telemetry_source_up{source="replay"} 1');
    // The daemon's series, registered in the same registry.
    expect(text).toContain('# TYPE ainka_decision_latency_seconds histogram');
    expect(text).toMatch(/^ainka_decision_latency_seconds_count\{layer="fast"\} [1-9]/m);
    expect(text).toContain('ainka_decision_latency_seconds_bucket{layer="deep",le="+Inf"}');
    expect(text).not.toContain('layer="immediate"');
    expect(text).toMatch(/^ainka_daemon_actions_total\{status="proposed"\} [1-9]/m);
    expect(text).toMatch(/^ainka_daemon_budget_overruns_total\{layer="fast"\} \d+/m);
    expect(text).toMatch(/^ainka_daemon_resident_memory_bytes \d+/m);
    // Every line is a comment or `name{labels} value`.
    for (const l of text.split('\n')) if (l !== '' && !l.startsWith('#')) expect(l).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \S+$/);
  });
});
