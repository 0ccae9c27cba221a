// History WAL/bound experiment: the soak's history load on HistoryManager with a simulated clock (N series at 1 s,
// 5 s flushes, the file seeded above the bound like soak.mjs), main file + WAL polled from a worker thread.
// node tools/bench/daemon/historyWal.mjs [<repo of another build>] [series=2400] [minutes=6]; BOUND_MIB=4 by default.
import { createRequire } from 'node:module';
import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
const repo = process.argv[2] ?? resolve(import.meta.dirname, '..', '..', '..');
const require = createRequire(join(repo, 'packages', 'telemetry', 'package.json'));
const { HistoryManager } = require(join(repo, 'packages', 'telemetry', 'dist', 'index.cjs'));
const Database = require('better-sqlite3');
const nSeries = Number(process.argv[3] ?? 2400), minutes = Number(process.argv[4] ?? 6), bound = Number(process.env.BOUND_MIB ?? 4) * 1048576;
const dir = mkdtempSync(join(tmpdir(), 'walx-'));
const path = join(dir, 'h.db');
const size = (p) => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
let now = Date.now();
// seed like soak.mjs: 500 series x 8 min of 1 s data an hour old
{
  const end = now - 3600_000, start = end - 8 * 60_000;
  const h = new HistoryManager({ path, flushIntervalMs: 0, maintenanceIntervalMs: 0, maxBytes: 1 << 30 });
  h.write(Array.from({ length: 500 }, (_, i) => ({ name: 'process.rss_bytes', unit: 'bytes', labels: { pid: String(4_000_000 + i), comm: 'seed' }, value: i, timestamp: start })));
  h.close();
  const db = new Database(path);
  db.prepare(`WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < ?) INSERT OR REPLACE INTO t_raw (series, ts, value) SELECT s.id, ? + k.n * 1000, s.id * 4096 + k.n % 7 FROM series s, k`).run(8 * 60 - 1, start);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
console.log(`seeded ${(size(path) / 1048576).toFixed(2)} MiB`);
const h = new HistoryManager({ path, flushIntervalMs: 0, maxBytes: bound, now: () => now });
const shared = new Int32Array(new SharedArrayBuffer(16));
const poller = new Worker(`const { workerData: { path, shared } } = require('node:worker_threads'); const fs = require('node:fs');
const size = (p) => { try { return fs.statSync(p).size; } catch { return 0; } };
while (Atomics.load(shared, 0) === 0) { const m = size(path), w = size(path + '-wal'); if (m + w > shared[1] * 1024) shared[1] = Math.ceil((m + w) / 1024); if (w > shared[2] * 1024) shared[2] = Math.ceil(w / 1024); }`, { eval: true, workerData: { path, shared } });
await new Promise((r) => setTimeout(r, 200));
const cpu0 = process.cpuUsage();
let maint = 0; const m0 = h.maintain.bind(h); h.maintain = (...a) => { maint++; return m0(...a); };
const labels = Array.from({ length: nSeries }, (_, i) => Object.freeze({ pid: String(1000 + i) }));
let maxTotal = 0, maxWal = 0, maxMain = 0, over = 0, flushes = 0, cpu = 0;
for (let s = 0; s < minutes * 60; s++) {
  now += 1000;
  h.write(labels.map((l, i) => ({ name: 'process.rss_bytes', unit: 'bytes', labels: l, value: (i * 7 + s) % 1000, timestamp: now })));
  if (s % 5 === 4) {
    h.flush();
    if (s === 4) { console.log(`peaks until the first flush (seeded data evicted): total ${(shared[1] / 1024).toFixed(2)} MiB, WAL ${(shared[2] / 1024).toFixed(2)} MiB`); shared[1] = 0; shared[2] = 0; }
    flushes++;
    const m = size(path), w = size(`${path}-wal`);
    maxMain = Math.max(maxMain, m); maxWal = Math.max(maxWal, w); maxTotal = Math.max(maxTotal, m + w);
    if (m + w > bound) over++;
    if (process.env.V) console.log(s, (m / 1048576).toFixed(2), (w / 1048576).toFixed(2));
  }
}
console.log(JSON.stringify({ nSeries, minutes, maxMainMiB: +(maxMain / 1048576).toFixed(2), maxWalMiB: +(maxWal / 1048576).toFixed(2), maxTotalMiB: +(maxTotal / 1048576).toFixed(2), flushesOver: `${over}/${flushes}`, cpuUser: +(process.cpuUsage(cpu0).user / 1e6).toFixed(2), cpuSys: +(process.cpuUsage(cpu0).system / 1e6).toFixed(2), maint, rows: h.stats().rows }));
Atomics.store(shared, 0, 1); await new Promise((r) => poller.once('exit', r));
console.log(`polled peaks after the first flush: total ${(shared[1] / 1024).toFixed(2)} MiB, WAL ${(shared[2] / 1024).toFixed(2)} MiB`);
h.close();
rmSync(dir, { recursive: true, force: true });
