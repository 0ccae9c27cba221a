// Benchmarks for @ainka/telemetry, each against a baseline measured in the same run.
// Reproduce: cd /work/main && npx tsx tools/bench/telemetry/telemetry.bench.ts [--quick]
//
//  1. collection tick CPU time (target < 2 ms)      baseline: readFileSync of the same /proc files, no parsing
//  2. history insert throughput (target >= 200k/s)  baseline: the obvious schema (name, labels, ts, value rowid table)
//  3. query latency for a day of 1 s data           baseline: the same queries on the obvious schema with an index
//  4. bytes per stored sample, raw and after downsampling (dbstat), vs the obvious schema
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  createDefaultSources,
  HistoryManager,
  type MetricSample,
  MetricsCollector,
  ProcessSource,
} from '../../../packages/telemetry/src/index.ts';

const quick = process.argv.includes('--quick');
const dir = mkdtempSync(join(tmpdir(), 'ainka-bench-telemetry-'));
const rows: Array<[string, string, string, string]> = [];
const fmt = (n: number, d = 2): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function cpuMs(fn: () => void): number {
  const a = process.cpuUsage();
  fn();
  const b = process.cpuUsage(a);
  return (b.user + b.system) / 1000;
}

async function tickBench(): Promise<void> {
  const ticks = quick ? 100 : 400;
  let mono = 0;
  // a full tick: every default source, as the hub runs them (the process scan spread over 5 ticks,
  // block queues every 10 s, cgroups re-walked every 10 s)
  const full = new MetricsCollector({ sources: createDefaultSources(), monotonic: () => mono });
  for (let i = 0; i < 50; i++) {
    // warm-up: JIT, and every periodic source (cgroup walk, block queues) has run
    mono += 1000;
    await full.collectOnce();
  }
  const files = ['proc/stat', 'proc/meminfo', 'proc/vmstat', 'proc/loadavg', 'proc/pressure/cpu', 'proc/pressure/memory', 'proc/pressure/io', 'proc/diskstats', 'proc/net/dev', 'proc/net/snmp'];
  const baseline = cpuMs(() => {
    for (let i = 0; i < ticks; i++) for (const f of files) readFileSync(`/${f}`, 'latin1');
  }) / ticks;
  let samples = 0;
  const a = process.cpuUsage();
  for (let i = 0; i < ticks; i++) {
    mono += 1000;
    samples = (await full.collectOnce()).samples.length;
  }
  const b = process.cpuUsage(a);
  const tick = (b.user + b.system) / 1000 / ticks;
  full.close();
  rows.push(['tick CPU time, full (every default source)', `${fmt(tick, 3)} ms mean (${samples} samples)`, `${fmt(baseline, 3)} ms readFileSync of 10 /proc files`, `${fmt(tick / baseline)}x`]);
  rows.push(['tick CPU time vs the 2 ms target', `${fmt(tick, 3)} ms`, 'target 2 ms', `${fmt(tick / 2)}x of target`]);
  // for reference: reading every process in one tick (slices: 1), as a naive collector would
  const proc = new ProcessSource({ slices: 1 });
  let pm = 0;
  for (let i = 0; i < 10; i++) proc.collect({ now: Date.now(), monotonicMs: (pm += 1000) }); // warm-up
  const n = quick ? 20 : 60;
  const all = cpuMs(() => {
    for (let i = 0; i < n; i++) proc.collect({ now: Date.now(), monotonicMs: (pm += 1000) });
  }) / n;
  proc.close();
  const sliced = new ProcessSource();
  for (let i = 0; i < 10; i++) sliced.collect({ now: Date.now(), monotonicMs: (pm += 1000) }); // warm-up
  const part = cpuMs(() => {
    for (let i = 0; i < n; i++) sliced.collect({ now: Date.now(), monotonicMs: (pm += 1000) });
  }) / n;
  sliced.close();
  rows.push(['process source per tick (1/5 of processes)', `${fmt(part, 3)} ms`, `${fmt(all, 3)} ms reading all at once`, `${fmt(part / all)}x`]);
}

const T0 = Date.UTC(2026, 0, 1);
function day(series: number, seconds: number): MetricSample[][] {
  // one batch per second, like the hub writes it
  const out: MetricSample[][] = [];
  const labels = Array.from({ length: series }, (_, i) => ({ device: `dev${i}` }));
  for (let s = 0; s < seconds; s++) {
    const batch: MetricSample[] = [];
    for (let i = 0; i < series; i++) {
      // realistic-ish values: integers (counts) for half, fractions for the rest
      const v = i % 2 === 0 ? (s * 7 + i) % 1000 : Math.sin(s / 300 + i) * 50 + 50;
      batch.push({ name: 'disk.reads_per_second', labels: labels[i] as Record<string, string>, unit: 'per_second', value: v, timestamp: T0 + s * 1000 });
    }
    out.push(batch);
  }
  return out;
}

function tableBytes(path: string): Map<string, number> {
  const db = new Database(path, { readonly: true });
  const m = new Map<string, number>();
  for (const r of db.prepare('SELECT name, sum(pgsize) AS b FROM dbstat GROUP BY name').all() as Array<{ name: string; b: number }>) m.set(r.name, r.b);
  db.close();
  return m;
}

function historyBench(): void {
  const series = quick ? 4 : 10;
  const seconds = quick ? 21_600 : 86_400;
  const data = day(series, seconds);
  const total = series * seconds;

  // --- baseline: the obvious schema
  const naivePath = join(dir, 'naive.db');
  const naive = new Database(naivePath);
  naive.pragma('journal_mode = WAL');
  naive.pragma('synchronous = NORMAL');
  naive.exec('CREATE TABLE samples (name TEXT, labels TEXT, ts INTEGER, value REAL); CREATE INDEX samples_idx ON samples (name, labels, ts);');
  const ins = naive.prepare('INSERT INTO samples VALUES (?, ?, ?, ?)');
  const naiveTx = naive.transaction((batch: MetricSample[]) => {
    for (const s of batch) ins.run(s.name, JSON.stringify(s.labels ?? {}), s.timestamp, s.value);
  });
  // CPU time (user + system) rather than wall time: the bench box is shared, and CPU time is what the
  // daemon costs the machine. Wall time is printed alongside.
  const naiveCpu = cpuMs(() => {
    for (let i = 0; i < data.length; i += 1000) naiveTx(data.slice(i, i + 1000).flat());
  });
  const naiveRate = total / (naiveCpu / 1000);

  // --- HistoryManager, default tiers, batches of 10 000 samples
  const path = join(dir, 'history.db');
  let now = T0 + seconds * 1000;
  const h = new HistoryManager({ path, flushIntervalMs: 0, maintenanceIntervalMs: 0, maxBytes: 1 << 30, now: () => now });
  const wall = performance.now();
  const insertCpu = cpuMs(() => {
    for (const batch of data) h.write(batch);
    h.flush();
  });
  const wallRate = total / ((performance.now() - wall) / 1000);
  const rate = total / (insertCpu / 1000);
  rows.push([`history insert (${fmt(total, 0)} samples, ${series} series)`, `${fmt(rate / 1000, 0)}k samples/CPU-s (${fmt(wallRate / 1000, 0)}k/s wall)`, `${fmt(naiveRate / 1000, 0)}k/CPU-s obvious schema`, `${fmt(rate / naiveRate)}x`]);

  // --- queries over the whole period, one series
  const reps = quick ? 5 : 10;
  const time = (fn: () => unknown): number => {
    fn();
    return cpuMs(() => {
      for (let i = 0; i < reps; i++) fn();
    }) / reps;
  };
  const to = T0 + seconds * 1000;
  const q = { name: 'disk.reads_per_second', labels: { device: 'dev3' }, from: T0, to, tier: 'raw' };
  const range = time(() => h.query(q));
  const agg = time(() => h.aggregate({ ...q, stepMs: 60_000, fn: 'avg' }));
  const nRange = naive.prepare('SELECT ts, value FROM samples WHERE name = ? AND labels = ? AND ts >= ? AND ts < ? ORDER BY ts');
  const nAgg = naive.prepare('SELECT (ts / 60000) * 60000 AS b, avg(value) FROM samples WHERE name = ? AND labels = ? AND ts >= ? AND ts < ? GROUP BY b');
  const nr = time(() => nRange.raw().all(q.name, '{"device":"dev3"}', T0, to));
  const na = time(() => nAgg.raw().all(q.name, '{"device":"dev3"}', T0, to));
  const span = `${fmt(seconds / 3600, 0)} h of 1 s data`;
  rows.push([`range query, 1 series, ${span} (${fmt(seconds, 0)} points)`, `${fmt(range)} ms CPU`, `${fmt(nr)} ms obvious schema`, `${fmt(range / nr)}x`]);
  rows.push([`aggregate avg per 1 min, 1 series, ${span}`, `${fmt(agg)} ms CPU`, `${fmt(na)} ms obvious schema`, `${fmt(agg / na)}x`]);

  // --- bytes per sample: raw, then after downsampling (maintenance at the end of the period + 6 h retention)
  h.maintain(now);
  const before = tableBytes(path);
  const rawBytes = (before.get('t_raw') ?? 0) / (h.stats().rows['raw'] ?? 1);
  naive.pragma('wal_checkpoint(TRUNCATE)');
  naive.close();
  const nb = tableBytes(naivePath);
  const naiveBytes = ((nb.get('samples') ?? 0) + (nb.get('samples_idx') ?? 0)) / total;
  rows.push(['bytes per raw sample (table + key)', `${fmt(rawBytes, 1)} B`, `${fmt(naiveBytes, 1)} B obvious schema`, `${fmt(rawBytes / naiveBytes)}x`]);
  now += 6 * 3600_000 + 3600_000; // all raw data past retention; the minutes and hours remain
  h.maintain(now);
  const st = h.stats();
  const after = tableBytes(path);
  const m1 = (after.get('t_1m') ?? 0) / Math.max(1, st.rows['1m'] ?? 0);
  const h1 = (after.get('t_1h') ?? 0) / Math.max(1, st.rows['1h'] ?? 0);
  rows.push(['bytes per 1 min rollup row (count,sum,min,max)', `${fmt(m1, 1)} B`, `= ${fmt(m1 / 60, 2)} B per collected sample`, `${fmt(m1 / 60 / naiveBytes, 3)}x`]);
  rows.push(['bytes per 1 h rollup row', `${fmt(h1, 1)} B`, `= ${fmt(h1 / 3600, 3)} B per collected sample`, '']);
  rows.push(['file size after downsampling (whole db)', `${fmt(st.sizeBytes / 1024, 0)} KiB for ${fmt(total, 0)} samples`, `${fmt(st.sizeBytes / total, 2)} B per collected sample`, '']);
  h.close();
}

await tickBench();
historyBench();
rmSync(dir, { recursive: true, force: true });

const widths = [0, 1, 2, 3].map((i) => Math.max(...[['what', 'ainka', 'baseline (same run)', 'ratio'], ...rows].map((r) => (r[i] ?? '').length)));
const line = (r: readonly string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(`@ainka/telemetry benchmarks (${quick ? 'quick' : 'full'}), node ${process.version}, ${new Date().toISOString()}`);
console.log(line(['what', 'ainka', 'baseline (same run)', 'ratio']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
