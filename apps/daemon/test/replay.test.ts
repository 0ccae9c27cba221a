import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord, PolicySummary, StatusResult } from '../src/index.js';
import { cli, cliJson, ensureBuilt, eventually, serverFixture, startDaemon, tempDir, writeConfig, type RunningDaemon } from './harness.js';

let d: RunningDaemon;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('replay');
  // The knobs the shipped server pack reads, at their defaults, under a file-tree root.
  const root = join(dir, 'root');
  mkdirSync(join(root, 'sys', 'block', 'vda', 'queue'), { recursive: true });
  writeFileSync(join(root, 'sys', 'block', 'vda', 'queue', 'read_ahead_kb'), '128\n');
  mkdirSync(join(root, 'proc', 'sys', 'vm'), { recursive: true });
  writeFileSync(join(root, 'proc', 'sys', 'vm', 'dirty_background_bytes'), '0\n');
  writeFileSync(join(root, 'proc', 'sys', 'vm', 'dirty_background_ratio'), '10\n');
  // Default policy config: the shipped server pack. The recording replays on its own clock (10x faster here).
  const cfg = writeConfig(
    dir,
    [`root: ${JSON.stringify(root)}`, 'telemetry: { replayTime: recorded, replayLoop: true }', 'ml:', '  anomaly: { warmup: 5 }', 'layers: { deepIntervalMs: 1000 }', ''].join('\n'),
  );
  d = await startDaemon(dir, ['--config', cfg, '--replay', serverFixture, '--interval', '100']);
}, 120_000);

afterAll(async () => {
  await d?.stop();
});

describe('ainkad with the shipped server pack against a recorded stream (advise)', () => {
  it('loads the server pack by default', () => {
    const list = cliJson<{ policies: PolicySummary[] }>(['policy', 'list'], d.socket).policies;
    expect(list.map((p) => p.name)).toEqual(['server']);
    expect(list[0]?.rules.map((r) => r.name)).toContain('larger-read-ahead-for-sequential-streams');
  });

  it('advises a larger read-ahead for the disk serving a large sequential stream, with the evidence, and writes nothing', async () => {
    const line = await d.waitFor((l) => l.event === 'action' && (l.action as ActionRecord).knob === 'block:vda:read_ahead_kb', 60_000);
    const a = line.action as ActionRecord;
    expect(a.status).toBe('proposed');
    expect(a.rule).toBe('larger-read-ahead-for-sequential-streams');
    expect(a.value).toBe('256');
    expect(a.evidence.map((e) => e.series)).toEqual(['disk.utilization_ratio{device="vda"}', 'avg(disk.read_request_bytes{device="vda"}, 15s)']);
    expect(a.evidence[0]?.value).toBeGreaterThan(0.2);
    expect(a.evidence[1]?.value).toBeGreaterThan(32 * 1024);
    expect(String(line.msg)).toMatch(/^advise: reason 'larger-read-ahead-for-sequential-streams' on knob block:vda:read_ahead_kb: 128 → 256, because disk\.utilization_ratio\{device="vda"\} = [\d.]+ > 0\.2 for 15 s/);
    // zram0 did no reads (request size 0): never selected.
    expect(d.logs().some((l) => l.event === 'action' && String((l.action as ActionRecord).knob).includes('zram0'))).toBe(false);
  });

  it('applies a JSON policy and advises from it; refuses bad policies with file/line errors and changes nothing', async () => {
    const good = join(dir, 'dirty.json');
    writeFileSync(
      good,
      JSON.stringify(
        {
          apiVersion: 'ainka.dev/v1',
          kind: 'Policy',
          name: 'dirty-json',
          rules: [{ name: 'bounded-dirty', when: 'mem.dirty_bytes > 512MiB for 5s', then: [{ knob: 'sysctl:vm.dirty_background_bytes', set: 67108864 }], cooldown: '1m' }],
        },
        null,
        2,
      ),
    );
    expect(cli(['policy', 'apply', good], d.socket).code).toBe(0);
    const line = await d.waitFor((l) => l.event === 'action' && (l.action as ActionRecord).rule === 'bounded-dirty', 60_000);
    expect((line.action as ActionRecord).status).toBe('proposed');
    expect((line.action as ActionRecord).before).toBe('ratio:10');
    expect((line.action as ActionRecord).evidence[0]?.series).toBe('mem.dirty_bytes');

    const bad = (name: string, rule: object) => {
      const f = join(dir, `${name}.json`);
      writeFileSync(f, JSON.stringify({ apiVersion: 'ainka.dev/v1', kind: 'Policy', name, mode: 'enforce', rules: Array.isArray(rule) ? rule : [rule] }, null, 2));
      return f;
    };
    const cases: [string, RegExp][] = [
      [bad('no-such-metric', { name: 'r', when: 'mem.dirty_megabytes > 5', then: [{ knob: 'sysctl:vm.swappiness', set: 10 }] }), /no-such-metric\.json:9:\d+: rules\[0\]\.when: metric 'mem\.dirty_megabytes' is not in the metric catalogue, so the rule could never fire/],
      [bad('out-of-bounds', { name: 'r', when: 'mem.dirty_bytes > 5', then: [{ knob: 'sysctl:vm.swappiness', set: 1000 }] }), /out-of-bounds\.json:\d+:\d+: rules\[0\]\.then\[0\]\.set: set 1000 for sysctl:vm\.swappiness: 1000 is outside 0 … 200/],
      [
        bad('conflicting', [
          { name: 'a', when: 'mem.dirty_bytes > 5', then: [{ knob: 'sysctl:vm.swappiness', set: 10 }] },
          { name: 'b', when: 'mem.dirty_bytes > 6', then: [{ knob: 'sysctl:vm.swappiness', set: 60 }] },
        ]),
        /rules 'a' \(rules\[0\]\) and 'b' both change sysctl:vm\.swappiness at priority 50 and can fire together/,
      ],
    ];
    for (const [file, message] of cases) {
      const r = cli(['policy', 'apply', file], d.socket);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('nothing was changed');
    }
    const names = cliJson<{ policies: PolicySummary[] }>(['policy', 'list'], d.socket).policies.map((p) => p.name);
    expect(names).toEqual(['server', 'dirty-json']);
    expect(readdirSync(join(d.stateDir, 'policies')).sort()).toEqual(['dirty-json.yaml']);
    expect(existsSync(join(d.stateDir, 'policies', 'conflicting.yaml'))).toBe(false);
  }, 180_000);

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
    // prom-client's Histogram (label order is not significant in the exposition format)
    expect(text).toMatch(/^ainka_decision_latency_seconds_bucket\{(?=[^}]*layer="deep")(?=[^}]*le="\+Inf")[^}]*\} \d+$/m);
    // No kernel module here: no immediate-layer histogram, and the layer says it is down.
    expect(text).not.toContain('ainka_decision_latency_seconds_count{layer="immediate"}');
    expect(text).toContain('ainka_daemon_layer_up{layer="immediate"} 0');
    expect(text).toMatch(/^ainka_daemon_actions_total\{status="proposed"\} [1-9]/m);
    expect(text).toMatch(/^ainka_daemon_budget_overruns_total\{layer="fast"\} \d+/m);
    expect(text).toMatch(/^ainka_daemon_resident_memory_bytes \d+/m);
    // Every line is a comment or `name{labels} value`.
    for (const l of text.split('\n')) if (l !== '' && !l.startsWith('#')) expect(l).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \S+$/);
  });
});
