import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryManager, type HistoryTier, type MetricSample } from '../src/index.js';
import { cleanupTemp, tempDir } from './helpers.js';

afterEach(cleanupTemp);

const T0 = 1_700_000_000_000 - (1_700_000_000_000 % 3_600_000); // an hour boundary
const tiers: HistoryTier[] = [
  { name: 'raw', resolutionMs: 1000, retentionMs: 3_600_000 },
  { name: '1m', resolutionMs: 60_000, retentionMs: 86_400_000 },
  { name: '1h', resolutionMs: 3_600_000, retentionMs: 30 * 86_400_000 },
];

function open(path: string, now: { t: number }, extra: Partial<ConstructorParameters<typeof HistoryManager>[0]> = {}): HistoryManager {
  return new HistoryManager({ path, tiers, flushIntervalMs: 0, maintenanceIntervalMs: 0, now: () => now.t, ...extra });
}

/** value(t) for second t: deterministic, with known per-minute aggregates. */
const f = (sec: number): number => (sec % 60) + Math.floor(sec / 60);

function seconds(from: number, to: number, device = 'vda'): MetricSample[] {
  const out: MetricSample[] = [];
  for (let s = from; s < to; s++) out.push({ name: 'disk.reads_per_second', labels: { device }, unit: 'per_second', value: f(s), timestamp: T0 + s * 1000 });
  return out;
}

describe('HistoryManager', () => {
  it('stores and returns raw points by name and label subset', () => {
    const now = { t: T0 + 100_000 };
    const h = open(join(tempDir(), 'h.db'), now);
    h.write([...seconds(0, 100, 'vda'), ...seconds(0, 100, 'sda')]);
    const r = h.query({ name: 'disk.reads_per_second', labels: { device: 'sda' }, from: T0 + 10_000, to: T0 + 20_000 });
    expect(r).toHaveLength(1);
    expect(r[0]?.tier).toBe('raw');
    expect(r[0]?.points.map((p) => p.value)).toEqual(seconds(10, 20).map((s) => s.value));
    expect(h.query({ name: 'disk.reads_per_second', from: T0, to: T0 + 1000 })).toHaveLength(2);
    expect(h.latest('disk.reads_per_second', { device: 'vda' })[0]?.point).toEqual({ timestamp: T0 + 99_000, value: f(99) });
    h.close();
  });

  it('rolls 1 s data up into exact 1 min and 1 h aggregates', () => {
    const now = { t: T0 + 2 * 3_600_000 };
    const h = open(join(tempDir(), 'h.db'), now);
    h.write(seconds(0, 7200));
    const report = h.maintain();
    expect(report.rolledUp['1m']).toBe(120);
    expect(report.rolledUp['1h']).toBe(2);
    const m = h.query({ name: 'disk.reads_per_second', from: T0, to: T0 + 7_200_000, tier: '1m' })[0];
    expect(m?.points).toHaveLength(120);
    // minute k holds f = k + 0..59: mean k + 29.5, min k, max k + 59
    expect(m?.points[7]).toEqual({ timestamp: T0 + 7 * 60_000, value: 7 + 29.5, min: 7, max: 66, count: 60 });
    const hr = h.query({ name: 'disk.reads_per_second', from: T0, to: T0 + 7_200_000, tier: '1h' })[0];
    expect(hr?.points[1]).toEqual({ timestamp: T0 + 3_600_000, value: 89.5 + 29.5, min: 60, max: 119 + 59, count: 3600 });
    // a second maintenance run is idempotent
    expect(h.maintain().rolledUp['1m']).toBe(0);
    expect(h.query({ name: 'disk.reads_per_second', from: T0, to: T0 + 7_200_000, tier: '1h' })[0]?.points[1]?.count).toBe(3600);
    h.close();
  });

  it('applies retention per tier and never drops what is not rolled up yet', () => {
    const now = { t: T0 + 2 * 3_600_000 + 30_000 };
    const h = open(join(tempDir(), 'h.db'), now);
    h.write(seconds(0, 7230));
    const r = h.maintain();
    // raw keeps 1 h: everything older than now - 1 h goes, the rest stays
    expect(r.expired['raw']).toBe(3630);
    const raw = h.query({ name: 'disk.reads_per_second', from: T0, to: now.t, tier: 'raw' })[0];
    expect(raw?.points[0]?.timestamp).toBe(now.t - 3_600_000);
    expect(raw?.points).toHaveLength(3600);
    // the minute in progress (7200..7230 s) is not rolled up and not deleted
    const m = h.query({ name: 'disk.reads_per_second', from: T0, to: now.t, tier: '1m' })[0];
    expect(m?.points).toHaveLength(120);
    // auto: minutes where raw data is gone, raw seconds from the first whole minute raw still holds
    const auto = h.query({ name: 'disk.reads_per_second', from: T0, to: now.t })[0];
    expect(auto?.tier).toBe('1m,raw');
    expect(auto?.points).toHaveLength(61 + (7230 - 3660));
    expect(auto?.points[60]).toMatchObject({ timestamp: T0 + 3600_000, count: 60 });
    expect(auto?.points[61]).toEqual({ timestamp: T0 + 3660_000, value: f(3660) });
    expect(h.query({ name: 'disk.reads_per_second', from: now.t - 60_000, to: now.t })[0]?.tier).toBe('raw');
    // auto aggregates take each 10 min bucket wholly from one tier: exact means, nothing counted twice
    const agg = h.aggregate({ name: 'disk.reads_per_second', from: T0, to: T0 + 7200_000, stepMs: 600_000, fn: 'avg' })[0];
    expect(agg?.points.map((p) => p.value)).toEqual(Array.from({ length: 12 }, (_, k) => 10 * k + 4.5 + 29.5));
    expect(h.aggregate({ name: 'disk.reads_per_second', from: T0, to: T0 + 7200_000, stepMs: 600_000, fn: 'count' })[0]?.points.every((p) => p.value === 600)).toBe(true);
    // two days later the 1m tier is gone too, the hours stay
    now.t += 2 * 86_400_000;
    h.maintain();
    expect(h.query({ name: 'disk.reads_per_second', from: T0, to: now.t, tier: '1m' })[0]?.points).toHaveLength(0);
    expect(h.query({ name: 'disk.reads_per_second', from: T0, to: now.t, tier: '1h' })[0]?.points.length).toBeGreaterThanOrEqual(2);
    h.close();
  });

  it('aggregates in SQLite per step', () => {
    const now = { t: T0 + 3_600_000 };
    const h = open(join(tempDir(), 'h.db'), now);
    h.write(seconds(0, 600));
    const r = h.aggregate({ name: 'disk.reads_per_second', from: T0, to: T0 + 600_000, stepMs: 300_000, fn: 'max' })[0];
    expect(r?.points).toEqual([
      { timestamp: T0, value: 4 + 59 },
      { timestamp: T0 + 300_000, value: 9 + 59 },
    ]);
    const c = h.aggregate({ name: 'disk.reads_per_second', from: T0, to: T0 + 600_000, stepMs: 60_000, fn: 'count' })[0];
    expect(c?.points.every((p) => p.value === 60)).toBe(true);
    h.maintain();
    const avg = h.aggregate({ name: 'disk.reads_per_second', from: T0, to: T0 + 600_000, stepMs: 600_000, fn: 'avg', tier: '1m' })[0];
    expect(avg?.points[0]?.value).toBeCloseTo(4.5 + 29.5, 9);
    expect(() => h.aggregate({ name: 'x', from: 0, to: 1, stepMs: 0, fn: 'avg' })).toThrow(/stepMs/);
    h.close();
  });

  it('enforces the on-disk size bound, evicting the oldest data first', () => {
    const dir = tempDir();
    const path = join(dir, 'h.db');
    const hours = 4;
    const now = { t: T0 + hours * 3_600_000 };
    const maxBytes = 512 * 1024;
    const h = open(path, now, { maxBytes, batchSize: 50_000, tiers: [{ name: 'raw', resolutionMs: 1000, retentionMs: 86_400_000 }, { name: '1m', resolutionMs: 60_000, retentionMs: 86_400_000 }] });
    for (let s = 0; s < hours * 3600; s += 600) {
      const batch: MetricSample[] = [];
      for (let d = 0; d < 10; d++) batch.push(...seconds(s, s + 600, `d${d}`));
      h.write(batch);
    }
    h.flush();
    h.maintain();
    expect(h.stats().rows['raw']).toBeLessThan(10 * hours * 3600); // something was evicted
    const onDisk = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
    expect(onDisk).toBeLessThanOrEqual(maxBytes);
    // newest raw data is still there, the oldest is gone but its minutes remain
    const raw = h.query({ name: 'disk.reads_per_second', labels: { device: 'd3' }, from: T0, to: now.t, tier: 'raw' })[0];
    expect(raw?.points[raw.points.length - 1]?.timestamp).toBe(T0 + (hours * 3600 - 1) * 1000);
    expect(raw?.points[0]?.timestamp).toBeGreaterThan(T0);
    const minutes = h.query({ name: 'disk.reads_per_second', labels: { device: 'd3' }, from: T0, to: now.t, tier: '1m' })[0];
    expect(minutes?.points[0]?.timestamp).toBe(T0);
    expect(h.integrityCheck()).toEqual(['ok']);
    h.close();
  });

  it('keeps main file + WAL within the bound at every moment, WAL included (polled from another thread)', async () => {
    // 300 series at 1 s, flushed every 5 s, 1 MiB bound, the file seeded above it: before, the WAL alone
    // grew to its fixed 4 MiB limit (one flush rewrites each series' newest leaf page: ~300 pages).
    const dir = tempDir();
    const path = join(dir, 'h.db');
    const maxBytes = 1024 * 1024;
    const now = { t: T0 + 600_000 };
    const series = Array.from({ length: 300 }, (_, i) => Object.freeze({ pid: String(1000 + i) }));
    const sample = (i: number, sec: number): MetricSample => ({ name: 'process.rss_bytes', labels: series[i], unit: 'bytes', value: i * 1000 + (sec % 60), timestamp: T0 + sec * 1000 });
    {
      const seed = open(path, now, { maxBytes: 1 << 30 });
      for (let sec = 0; sec < 300; sec += 60) seed.write(Array.from({ length: 60 * 300 }, (_, k) => sample(k % 300, sec + Math.floor(k / 300))));
      seed.close();
    }
    const size = (p: string): number => (existsSync(p) ? statSync(p).size : 0);
    expect(size(path)).toBeGreaterThan(maxBytes);
    const h = open(path, now, { maxBytes, maintenanceIntervalMs: 60_000 });
    // the first flush brings the seeded file under the bound; from then on a poller thread records the peak
    h.write(Array.from({ length: 300 }, (_, i) => sample(i, 600)));
    h.flush();
    expect(size(path) + size(`${path}-wal`)).toBeLessThanOrEqual(maxBytes);
    const shared = new Int32Array(new SharedArrayBuffer(12));
    const poller = new Worker(
      `const { workerData: { path, shared } } = require('node:worker_threads');
      const fs = require('node:fs');
      const size = (p) => { try { return fs.statSync(p).size; } catch { return 0; } };
      Atomics.store(shared, 2, 1);
      while (Atomics.load(shared, 0) === 0) {
        const w = size(path + '-wal');
        const total = size(path) + w;
        if (total > shared[1]) shared[1] = total;
        if (w > shared[2]) shared[2] = w;
      }`,
      { eval: true, workerData: { path, shared } },
    );
    while (Atomics.load(shared, 2) === 0) await new Promise((r) => setTimeout(r, 5));
    shared[2] = 0;
    let maxAfterFlush = 0;
    for (let sec = 601; sec < 601 + 300; sec++) {
      now.t = T0 + (sec + 1) * 1000;
      h.write(Array.from({ length: 300 }, (_, i) => sample(i, sec)));
      if (sec % 5 === 0) {
        h.flush();
        maxAfterFlush = Math.max(maxAfterFlush, size(path) + size(`${path}-wal`));
      }
    }
    Atomics.store(shared, 0, 1);
    await new Promise((r) => poller.once('exit', r));
    expect(maxAfterFlush).toBeLessThanOrEqual(maxBytes);
    expect(shared[1]).toBeLessThanOrEqual(maxBytes);
    expect(shared[2]).toBeLessThanOrEqual(maxBytes / 8); // the WAL's budget
    expect(h.walBudgetBytes).toBe(maxBytes / 8);
    // nothing written was lost to the chunked transactions: the last 5 min are all there, raw or rolled up
    const newest = h.query({ name: 'process.rss_bytes', labels: { pid: '1299' }, from: T0 + 600_000, to: now.t });
    expect(newest[0]?.points.reduce((n, p) => n + (p.count ?? 1), 0)).toBe(301);
    const minute = h.query({ name: 'process.rss_bytes', labels: { pid: '1007' }, from: T0 + 660_000, to: T0 + 720_000, tier: '1m' })[0];
    expect(minute?.points).toEqual([{ timestamp: T0 + 660_000, value: 7000 + 29.5, min: 7000, max: 7059, count: 60 }]);
    expect(h.integrityCheck()).toEqual(['ok']);
    h.close();
  }, 60_000);

  it('reopens with its series and data, and refuses use after close', () => {
    const path = join(tempDir(), 'h.db');
    const now = { t: T0 + 100_000 };
    const h = open(path, now);
    h.write(seconds(0, 10));
    h.close();
    expect(() => h.write(seconds(0, 1))).toThrow(expect.objectContaining({ code: 'ERR_AINKA_TELEMETRY_HISTORY_CLOSED' }));
    const h2 = open(path, now);
    h2.write(seconds(10, 20));
    const r = h2.query({ name: 'disk.reads_per_second', from: T0, to: T0 + 20_000 });
    expect(r[0]?.points).toHaveLength(20);
    expect(h2.stats().series).toBe(1);
    h2.close();
  });

  it('keeps in memory only series written lately, and deletes series whose data is all gone', () => {
    // one series per short-lived process: a machine that starts many must not grow the history's memory
    const path = join(tempDir(), 'h.db');
    const now = { t: T0 + 120_000 };
    const h = open(path, now);
    const proc = (pid: number, sec: number): MetricSample => ({ name: 'process.rss_bytes', labels: { pid: String(pid) }, unit: 'bytes', value: pid, timestamp: T0 + sec * 1000 });
    for (let pid = 1; pid <= 50; pid++) h.write([proc(pid, pid)]);
    h.write(seconds(0, 60));
    h.flush();
    const ids = (hm: HistoryManager): number => {
      const m = hm as unknown as { seriesIds: Map<string, number>; previousSeriesIds: Map<string, number> };
      return new Set([...m.seriesIds.keys(), ...m.previousSeriesIds.keys()]).size;
    };
    expect(h.stats().series).toBe(51);
    expect(ids(h)).toBe(51);
    // two maintenance rounds with only the disk series written: the process series leave memory, not the table
    for (let k = 0; k < 2; k++) {
      h.maintain();
      h.write(seconds(60 + k, 61 + k));
    }
    expect(ids(h)).toBe(1);
    expect(h.stats().series).toBe(51);
    expect(h.findSeries('process.rss_bytes', { pid: '7' }).map((s) => s.labels)).toEqual([{ pid: '7' }]);
    expect(h.query({ name: 'process.rss_bytes', labels: { pid: '7' }, from: T0, to: now.t, tier: 'raw' })[0]?.points).toEqual([{ timestamp: T0 + 7000, value: 7 }]);
    // written again: the same series (same id), not a second one
    h.write([proc(7, 100)]);
    h.flush();
    expect(h.stats().series).toBe(51);
    expect(h.query({ name: 'process.rss_bytes', labels: { pid: '7' }, from: T0, to: T0 + 200_000, tier: 'raw' })[0]?.points).toHaveLength(2);
    // once every tier has let their data go, the series rows go too
    now.t += 40 * 86_400_000;
    h.write(seconds(40 * 86_400, 40 * 86_400 + 1));
    h.maintain();
    expect(h.stats().series).toBe(1);
    expect(h.findSeries('process.rss_bytes')).toEqual([]);
    h.close();
  });

  it('skips NaN and infinite values instead of failing the batch', () => {
    const now = { t: T0 + 10_000 };
    const h = open(join(tempDir(), 'h.db'), now);
    h.write([...seconds(0, 3), { name: 'disk.reads_per_second', labels: { device: 'vda' }, unit: 'per_second', value: Number.NaN, timestamp: T0 + 5000 }]);
    expect(h.flush()).toBe(4);
    expect(h.droppedSamples).toBe(1);
    expect(h.query({ name: 'disk.reads_per_second', from: T0, to: T0 + 10_000 })[0]?.points).toHaveLength(3);
    h.close();
  });

  it('writes a flush of many series and ticks in chunks, new series included, the last write of a (series, ts) winning', () => {
    const now = { t: T0 + 400_000 };
    const path = join(tempDir(), 'h.db');
    const h = open(path, now);
    // 300 series × 3 ticks, interleaved by tick as the daemon writes them (900 rows: 7 full chunks of 128 + 4)
    for (let tick = 0; tick < 3; tick++) {
      h.write(Array.from({ length: 300 }, (_, i) => ({ name: 'proc.rss_bytes', labels: { pid: String(i) }, unit: 'bytes' as const, value: i * 10 + tick, timestamp: T0 + tick * 1000 })));
    }
    // a rewrite of one point in the same batch replaces it
    h.write([{ name: 'proc.rss_bytes', labels: { pid: '7' }, unit: 'bytes', value: -1, timestamp: T0 + 1000 }]);
    expect(h.flush()).toBe(901);
    expect(h.stats().series).toBe(300);
    expect(h.stats().rows.raw).toBe(900);
    const r = h.query({ name: 'proc.rss_bytes', labels: { pid: '7' }, from: T0, to: T0 + 3000 });
    expect(r[0]?.points.map((p) => p.value)).toEqual([70, -1, 72]);
    const last = h.query({ name: 'proc.rss_bytes', labels: { pid: '299' }, from: T0, to: T0 + 3000 });
    expect(last[0]?.points.map((p) => [p.timestamp - T0, p.value])).toEqual([[0, 2990], [1000, 2991], [2000, 2992]]);
    h.close();
    // the series survive reopening with the same ids (no duplicate series rows)
    const h2 = open(path, now);
    h2.write([{ name: 'proc.rss_bytes', labels: { pid: '0' }, unit: 'bytes', value: 5, timestamp: T0 + 3000 }]);
    h2.flush();
    expect(h2.stats().series).toBe(300);
    h2.close();
  });

  it('rejects inconsistent tiers', () => {
    const path = join(tempDir(), 'h.db');
    const bad = (t: HistoryTier[]) => () => new HistoryManager({ path, tiers: t, flushIntervalMs: 0 });
    expect(bad([])).toThrow(expect.objectContaining({ code: 'ERR_AINKA_TELEMETRY_INVALID_OPTION' }));
    expect(bad([{ name: 'raw', resolutionMs: 1000, retentionMs: 1 }, { name: 'x', resolutionMs: 1500, retentionMs: 1 }])).toThrow(/multiple/);
    expect(bad([{ name: 'Raw; DROP', resolutionMs: 1000, retentionMs: 1 }])).toThrow(/not allowed/);
  });
});

describe('HistoryManager crash safety', () => {
  it('survives kill -9 of a writer in the middle of a batch: no corruption, no partial batch', async () => {
    const path = join(tempDir(), 'crash.db');
    const size = 5000;
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = spawn(process.execPath, ['--import', tsx, join(import.meta.dirname, 'crashWriter.ts'), path, String(size)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let committed = -1;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('writer did not commit 5 batches within 40 s')), 40_000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        for (const m of chunk.matchAll(/committed (\d+)/g)) committed = Number(m[1]);
        if (committed >= 4) {
          clearTimeout(timer);
          // Kill at an arbitrary point of the next batch.
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, Math.floor(Math.random() * 15));
        }
      });
      child.on('error', reject);
    });
    await new Promise((r) => child.once('exit', r));
    expect(child.signalCode).toBe('SIGKILL');

    const db = new Database(path);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db.prepare('SELECT value AS batch, count(*) AS n FROM t_raw GROUP BY value ORDER BY value').all() as Array<{ batch: number; n: number }>;
    db.close();
    // every reported batch is there, complete; at most one unreported batch, also complete
    expect(rows.length).toBeGreaterThanOrEqual(committed + 1);
    expect(rows.length).toBeLessThanOrEqual(committed + 2);
    rows.forEach((r, i) => {
      expect(r.batch).toBe(i);
      expect(r.n).toBe(size);
    });
    // and the history opens and keeps working
    const h = new HistoryManager({ path, flushIntervalMs: 0 });
    expect(h.integrityCheck()).toEqual(['ok']);
    expect(h.findSeries('test.crash')).toHaveLength(50);
    h.close();
  }, 60_000);
});
