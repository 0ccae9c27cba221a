import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson, ensureBuilt, fixture, repo, serverFixture, startDaemon, tempDir, writeConfig, type RunningDaemon } from './harness.js';

/**
 * Debian's real Prometheus scrapes three ainkad on loopback, each replaying a different recorded stream:
 * a and b replay the busy-server recording (b from its middle, so the two are out of phase), c replays
 * the memory-pressure recording. What arrives in Prometheus is checked through its HTTP API.
 */
const prometheusBin = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((p) => existsSync(p));
const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
if (prometheusBin === undefined) console.warn("skipping the Prometheus test: prometheus is missing (Debian's prometheus package; npm test installs it)");

interface Host {
  readonly name: string;
  readonly stream: string;
  d?: RunningDaemon;
  metricsUrl?: string;
  dir?: string;
}

const hosts: Host[] = [];
let prom: ChildProcess | undefined;
let promUrl = '';
let promLog = '';
let work = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${promUrl}${path}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
  return body.data;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs / 1000} s${last !== undefined ? `: ${String(last)}` : ''}\n${promLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `ainka --json …` with a timeout for a slow machine. */
function learnJson<T>(args: readonly string[]): T {
  const r = spawnSync(process.execPath, [join(repo, 'apps', 'cli', 'dist', 'main.js'), '--json', ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`ainka ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** One parsed exposition: families (name → type) and series (name + sorted labels). */
function parseExposition(text: string): { types: Map<string, string>; series: Set<string> } {
  const types = new Map<string, string>();
  const series = new Set<string>();
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t !== null) types.set(t[1] as string, t[2] as string);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? \S+$/.exec(line);
    if (m === null) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = (l[2] as string).replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    series.add(seriesId(m[1] as string, labels));
  }
  return { types, series };
}

function seriesId(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.keys(labels)
    .filter((k) => labels[k] !== '')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;
}

/** The family of a sample name (histogram samples carry `_bucket` / `_sum` / `_count`). */
function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) if (name.endsWith(suffix) && types.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
  return name;
}

beforeAll(async () => {
  if (prometheusBin === undefined) return;
  ensureBuilt();
  work = tempDir('prometheus');
  // b replays the busy-server recording from its middle (a different, out-of-phase stream of the same kind).
  const lines = readFileSync(serverFixture, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const rotated = join(work, 'server-rotated.jsonl');
  writeFileSync(rotated, `${[...lines.slice(29), ...lines.slice(0, 29)].join('\n')}\n`);
  hosts.push({ name: 'host-a', stream: serverFixture }, { name: 'host-b', stream: rotated }, { name: 'host-c', stream: fixture });

  await Promise.all(
    hosts.map(async (h) => {
      const dir = join(work, h.name);
      mkdirSync(dir, { recursive: true });
      h.dir = dir;
      // The knobs the shipped server pack reads, under a file-tree root (advise mode: nothing is written).
      const root = join(dir, 'root');
      mkdirSync(join(root, 'sys', 'block', 'vda', 'queue'), { recursive: true });
      writeFileSync(join(root, 'sys', 'block', 'vda', 'queue', 'read_ahead_kb'), '128\n');
      mkdirSync(join(root, 'proc', 'sys', 'vm'), { recursive: true });
      writeFileSync(join(root, 'proc', 'sys', 'vm', 'dirty_background_bytes'), '0\n');
      writeFileSync(join(root, 'proc', 'sys', 'vm', 'dirty_background_ratio'), '10\n');
      const cfg = writeConfig(
        dir,
        [
          `root: ${JSON.stringify(root)}`,
          'telemetry: { replayTime: recorded, replayLoop: true, ebpf: off }',
          'kernel: { module: off }',
          'logs: { enabled: false }',
          'history: { enabled: false }',
          'guard: { enabled: off }',
          'ml: { anomaly: { warmup: 5 } }',
          'layers: { deepIntervalMs: 2000 }',
          // Fleet policies land here (a mounted ConfigMap in Kubernetes); validated by this host before use.
          `policy: { watchDirs: [${JSON.stringify(join(dir, 'fleet'))}], watchIntervalMs: 500 }`,
          '',
        ].join('\n'),
      );
      h.d = await startDaemon(dir, ['--config', cfg, '--replay', h.stream, '--interval', '100'], {}, 60_000);
      const line = await h.d.waitFor((l) => typeof l.url === 'string' && String(l.url).endsWith('/metrics'));
      h.metricsUrl = String(line.url);
    }),
  );

  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  const rulesText = readFileSync(join(repo, 'deploy', 'prometheus', 'ainka.rules.yml'), 'utf8').replace(/interval: 30s/g, 'interval: 2s');
  writeFileSync(join(work, 'ainka.rules.yml'), rulesText);
  const targets = hosts.map((h) => `      - targets: ['${new URL(h.metricsUrl as string).host}']\n        labels: { host: ${h.name}, role: server }`).join('\n');
  writeFileSync(
    join(work, 'prometheus.yml'),
    ['global:', '  scrape_interval: 2s', '  scrape_timeout: 2s', '  evaluation_interval: 2s', 'rule_files:', '  - ainka.rules.yml', 'scrape_configs:', '  - job_name: ainka', '    static_configs:', targets, ''].join('\n'),
  );
  prom = spawn(prometheusBin, [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prom.stdout?.setEncoding('utf8').on('data', (c: string) => (promLog += c));
  prom.stderr?.setEncoding('utf8').on('data', (c: string) => (promLog += c));
  await until(
    'three ainkad targets up',
    async () => {
      const t = await api<{ activeTargets: { health: string; labels: Record<string, string> }[] }>('/api/v1/targets');
      return t.activeTargets.length === 3 && t.activeTargets.every((x) => x.health === 'up') ? t : undefined;
    },
    30_000,
  );
  // The server recording makes the read-ahead rule decide on a and b (the `rule` label), and 10 scrapes give history.
  await Promise.all(hosts.slice(0, 2).map((h) => h.d?.waitFor((l) => l.event === 'action', 45_000)));
  await until(
    'ten scrapes of every host',
    async () => {
      const r = await api<{ result: { value: [number, string] }[] }>('/api/v1/query?query=' + encodeURIComponent('min(count_over_time(up{job="ainka"}[1m]))'));
      return Number(r.result[0]?.value[1] ?? 0) >= 10 ? true : undefined;
    },
    30_000,
  );
}, 240_000);

afterAll(async () => {
  prom?.kill('SIGTERM');
  await Promise.all(hosts.map((h) => h.d?.stop()));
});

describe.skipIf(prometheusBin === undefined)("Debian's Prometheus scraping three ainkad replaying recorded streams", { timeout: 120_000 }, () => {
  it('promtool check metrics accepts every exposition (names, suffixes, types)', async () => {
    for (const h of hosts) {
      const text = await (await fetch(h.metricsUrl as string)).text();
      const r = spawnSync(promtool as string, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${h.name}: ${r.stdout}${r.stderr}`).toBe(`${h.name}: `);
      expect(r.status).toBe(0);
    }
  });

  it('every AINKA family and series of each exposition arrives with its type and the target labels', async () => {
    const metadata = await api<Record<string, { type: string; help: string }[]>>('/api/v1/metadata');
    const start = Math.floor(Date.now() / 1000) - 120;
    const report: Record<string, { families: number; series: number }> = {};
    for (const h of hosts) {
      const { types, series } = parseExposition(await (await fetch(h.metricsUrl as string)).text());
      // Wait for a scrape after this exposition (retrying while the machine is slow), then compare.
      const expected = [...series].filter((id) => !id.startsWith('ainka_process_')); // top-N processes come and go between two scrapes
      let got: Record<string, string>[] = [];
      await until(
        `every series of ${h.name} in Prometheus`,
        async () => {
          got = await api<Record<string, string>[]>(`/api/v1/series?match[]=${encodeURIComponent(`{__name__=~"ainka_.+",host="${h.name}"}`)}&start=${start}`);
          const ids = new Set(got.map(({ __name__: n, host: _h, role: _r, job: _j, instance: _i, ...rest }) => seriesId(n as string, rest)));
          return expected.every((id) => ids.has(id)) ? true : undefined;
        },
        20_000,
      ).catch(() => undefined);
      const inProm = new Set<string>();
      for (const s of got) {
        const { __name__: name, host, role, job, instance, ...rest } = s;
        expect(host).toBe(h.name);
        expect(role).toBe('server');
        expect(job).toBe('ainka');
        expect(instance).toBe(new URL(h.metricsUrl as string).host);
        inProm.add(seriesId(name as string, rest));
      }
      expect(expected.filter((id) => !inProm.has(id)), h.name).toEqual([]);
      expect(expected.length).toBeGreaterThan(100);
      for (const [family, type] of types) {
        expect(metadata[family]?.map((m) => m.type), `${h.name}: ${family}`).toContain(type);
        expect(metadata[family]?.[0]?.help, family).not.toBe('');
      }
      report[h.name] = { families: types.size, series: series.size };
    }
    writeFileSync(join(work, 'series-per-host.json'), JSON.stringify(report));
    console.log(`ainka series per host (exposition): ${JSON.stringify(report)}`);
  });

  it('names follow the Prometheus conventions: ainka_ prefix, base units, _total exactly on counters, no _count on gauges', async () => {
    const metadata = await api<Record<string, { type: string }[]>>('/api/v1/metadata');
    const names = (await api<string[]>('/api/v1/label/__name__/values')).filter((n) => n.startsWith('ainka'));
    expect(names.length).toBeGreaterThan(100);
    const types = new Map(Object.entries(metadata).map(([k, v]) => [k, v[0]?.type ?? 'unknown']));
    for (const n of names) {
      if (n.includes(':')) continue; // recording rules (level:metric:operations)
      expect(n).toMatch(/^ainka_[a-z][a-z0-9_]*[a-z0-9]$/);
      expect(n, n).not.toMatch(/_(ms|milliseconds|microseconds|nanoseconds|minutes|hours|percent|pct|kb|kib|mb|mib|gb|gib)(_|$)/);
      const family = familyOf(n, types);
      const type = types.get(family);
      expect(type, n).toBeDefined();
      if (type === 'counter') expect(n, n).toMatch(/_total$/);
      if (n.endsWith('_total')) expect(type, n).toBe('counter');
      if (type === 'gauge') expect(n, n).not.toMatch(/_(count|sum|bucket)$/);
      if (/_seconds(_|$)/.test(n) && type !== 'histogram') expect(n, n).toMatch(/_seconds(_total|_per_second)?$|_seconds_[a-z0-9]+$/);
    }
  });

  it('labels: host on every series, layer on the layers, rule on the per-rule decisions', async () => {
    const q = async (expr: string) => (await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result;
    // Under load a scrape can fail (then its series are marked stale): look at the last minute, not the last instant.
    expect((await api<string[]>(`/api/v1/label/host/values?match[]=${encodeURIComponent('{__name__=~"ainka_.+"}')}`)).sort()).toEqual(['host-a', 'host-b', 'host-c']);
    expect(await api<unknown[]>(`/api/v1/series?match[]=${encodeURIComponent('{__name__=~"ainka_.+", host=""}')}`)).toEqual([]);
    const layers = await q('last_over_time(ainka_daemon_layer_up[1m])');
    for (const h of hosts) expect(layers.filter((r) => r.metric.host === h.name).map((r) => r.metric.layer).sort()).toEqual(['deep', 'fast', 'immediate']);
    expect(layers.find((r) => r.metric.layer === 'immediate')?.value[1]).toBe('0'); // kernel.module: off
    const latency = await q('sum by (host, layer) (last_over_time(ainka_decision_latency_seconds_count[1m]))');
    expect(latency.filter((r) => r.metric.layer === 'fast').every((r) => Number(r.value[1]) > 0)).toBe(true);
    const rules = await q('last_over_time(ainka_policy_rule_decisions_total[1m])');
    expect(rules.filter((r) => r.metric.rule === 'larger-read-ahead-for-sequential-streams' && r.metric.policy === 'server' && r.metric.status === 'proposed').map((r) => r.metric.host).sort()).toEqual(
      expect.arrayContaining(['host-a', 'host-b']),
    );
    const labelNames = await api<string[]>('/api/v1/labels');
    for (const l of labelNames) expect(l).toMatch(/^(__name__|[a-z][a-z0-9_]*)$/);
    // The per-device, per-cpu and per-source labels arrive as exposed.
    expect((await q('last_over_time(ainka_disk_utilization_ratio{host="host-a"}[1m])')).map((r) => r.metric.device)).toContain('vda');
    expect((await q('last_over_time(ainka_telemetry_source_up[1m])')).map((r) => r.metric.source)).toEqual(['replay', 'replay', 'replay']);
  });

  it("deploy/prometheus rules evaluate without errors on the fleet's series; recording rules produce values", async () => {
    const groups = (await api<{ groups: { name: string; rules: { name: string; health: string; lastError?: string; type: string }[] }[] }>('/api/v1/rules')).groups;
    expect(groups.map((g) => g.name).sort()).toEqual(['ainka.health', 'ainka.recording']);
    for (const g of groups) for (const r of g.rules) expect(`${r.name}: ${r.health} ${r.lastError ?? ''}`.trim()).toBe(`${r.name}: ok`);
    const mem = await until(
      'host:ainka_mem_used_ratio:avg5m for every host',
      async () => {
        const r = (await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent('host:ainka_mem_used_ratio:avg5m')}`)).result;
        return r.length === 3 ? r : undefined;
      },
      30_000,
    );
    for (const r of mem) expect(Number(r.value[1])).toBeGreaterThan(0);
  });

  it('ainka fleet learns baselines across the three hosts from Prometheus, flags host-c (the memory-pressure stream), and publishes policies the hosts validate before use', async () => {
    // A second template whose filled value breaks a knob bound on purpose: swappiness set to the fleet's thread count.
    const templates = join(work, 'templates');
    mkdirSync(templates, { recursive: true });
    copyFileSync(join(repo, 'deploy', 'fleet', 'templates', 'dirty-pages.yaml'), join(templates, 'dirty-pages.yaml'));
    writeFileSync(
      join(templates, 'swappiness-from-threads.yaml'),
      ['apiVersion: ainka.dev/v1', 'kind: Policy', 'name: fleet-swappiness-${fleet:group}', 'rules:', '  - name: r', '    when: load.avg1 > 1000', '    then:', '      - knob: sysctl:vm.swappiness', '        set: ${fleet:median:ainka_load_threads}', ''].join('\n'),
    );
    const out = join(work, 'fleet-out');
    interface Learned {
      model: { groups: { group: string; hosts: string[]; series: { series: string; upper: number }[] }[]; hosts: { host: string; outlier: boolean; outlying: number; series: number; fraction: number; top: { series: string; z: number }[] }[] };
      published: { groups: { group: string; dir: string; configMap: string; policies: string[] }[] };
      validation: Record<string, string[]>;
    }
    const r = learnJson<Learned>(['fleet', 'learn', '--prometheus', promUrl, '--group-by', 'role', '--range', '40s', '--step', '2s', '--templates', templates, '--out', out]);
    expect(r.model.groups.map((g) => [g.group, g.hosts])).toEqual([['server', ['host-a', 'host-b', 'host-c']]]);
    const verdict = Object.fromEntries(r.model.hosts.map((h) => [h.host, h]));
    console.log(`fleet learner: ${r.model.groups[0]?.series.length} series learned; ${r.model.hosts.map((h) => `${h.host} ${h.outlying}/${h.series} outlying (${(h.fraction * 100).toFixed(1)} %) ${h.outlier ? 'OUTLIER' : 'ok'}; top: ${h.top.slice(0, 3).map((t) => `${t.series} z=${t.z.toFixed(1)}`).join(', ')}`).join(' | ')}`);
    writeFileSync(join(work, 'fleet-result.json'), JSON.stringify(r.model.hosts));
    expect(verdict['host-c']?.outlier).toBe(true);
    expect(verdict['host-a']?.outlier).toBe(false);
    expect(verdict['host-b']?.outlier).toBe(false);
    expect(verdict['host-c']?.outlying).toBeGreaterThan(Math.max(verdict['host-a']?.outlying ?? 0, verdict['host-b']?.outlying ?? 0));
    // The same verdict when Prometheus takes the medians (quantile_over_time: one value per series on the wire).
    const server = learnJson<Learned>(['fleet', 'learn', '--prometheus', promUrl, '--group-by', 'role', '--range', '40s', '--step', '2s', '--server-side']);
    expect(server.model.hosts.filter((h) => h.outlier).map((h) => h.host)).toEqual(['host-c']);
    console.log(`fleet learner (--server-side): ${server.model.hosts.map((h) => `${h.host} ${h.outlying}/${h.series}`).join(', ')}`);
    // Published: a ConfigMap and a directory per group; the CLI already says which policy fails the validator.
    const group = r.published.groups[0];
    expect(group?.configMap).toBe(join(out, 'configmap-server.yaml'));
    expect(readFileSync(group?.configMap as string, 'utf8')).toMatch(/name: ainka-fleet-server[\s\S]*dirty-pages\.yaml: \|/);
    const dirty = readFileSync(join(out, 'server', 'dirty-pages.yaml'), 'utf8');
    const upper = r.model.groups[0]?.series.find((s) => s.series === 'ainka_mem_dirty_bytes')?.upper as number;
    expect(dirty).toContain(`when: mem.dirty_bytes > ${Number(upper.toPrecision(6))} for 30s`);
    expect(r.validation[join(out, 'server', 'dirty-pages.yaml')]).toEqual([]);
    expect(r.validation[join(out, 'server', 'swappiness-from-threads.yaml')]?.join('\n')).toMatch(/sysctl:vm\.swappiness: .* (is outside 0 … 200|is not an integer)/);

    // Each host picks the group's policies up from its watched directory and validates them itself.
    for (const h of hosts) {
      const fleetDir = join(h.dir as string, 'fleet');
      mkdirSync(fleetDir, { recursive: true });
      for (const f of readdirSync(group?.dir as string)) copyFileSync(join(group?.dir as string, f), join(fleetDir, f));
    }
    for (const h of hosts) {
      const loaded = await h.d?.waitFor((l) => l.event === 'policy-loaded' && String(l.file).endsWith('dirty-pages.yaml'), 10_000);
      expect(loaded?.policies).toEqual(['fleet-dirty-pages-server']);
      const refused = await h.d?.waitFor((l) => l.event === 'policy-refused' && String(l.file).endsWith('swappiness-from-threads.yaml'), 10_000);
      expect(String((refused?.errors as string[]).join('\n'))).toMatch(/sysctl:vm\.swappiness: .*(is outside 0 … 200|is not an integer)/);
      const list = cliJson<{ policies: { name: string }[] }>(['policy', 'list'], h.d?.socket as string).policies.map((p) => p.name);
      expect(list).toContain('fleet-dirty-pages-server');
      expect(list).not.toContain('fleet-swappiness-server');
      expect(h.d?.logs().some((l) => l.event === 'action' && String((l.action as { policy?: string }).policy).startsWith('fleet-swappiness'))).toBe(false);
    }
    // Prometheus sees the refusal on every host (the AinkaPolicyRefused alert's input).
    await until(
      'ainka_watched_policy_files{state="refused"} == 1 on three hosts',
      async () => {
        const q = (await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent('max_over_time(ainka_watched_policy_files{state="refused"}[20s]) == 1')}`)).result;
        return q.length === 3 ? q : undefined;
      },
      30_000,
    );
    expect(cli(['policy', 'validate', join(out, 'server', 'swappiness-from-threads.yaml')]).code).toBe(5);
  });
});
