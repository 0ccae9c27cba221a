import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { TelemetryError } from './errors.js';
import { HistoryBuffer } from './historyBuffer.js';
import { type MetricLabels, type MetricSample, type MetricUnit, seriesKey } from './metricSample.js';

/**
 * One storage tier. The first tier stores samples as written ("raw"); each later tier stores
 * per-bucket aggregates (count, sum, min, max) of the tier before it at `resolutionMs`.
 *
 * @public
 */
export interface HistoryTier {
  /** Lower-case identifier (`raw`, `1m`, `1h`), used in table names and queries. */
  readonly name: string;
  /** Bucket width in milliseconds. For the first tier it is informational (the collection interval). */
  readonly resolutionMs: number;
  /** How long data stays in this tier. */
  readonly retentionMs: number;
}

/** Default tiers: 1 s for 6 h, 1 min for 30 d, 1 h for 1 y. @public */
export const defaultHistoryTiers: readonly HistoryTier[] = Object.freeze([
  { name: 'raw', resolutionMs: 1000, retentionMs: 6 * 3600_000 },
  { name: '1m', resolutionMs: 60_000, retentionMs: 30 * 86_400_000 },
  { name: '1h', resolutionMs: 3_600_000, retentionMs: 365 * 86_400_000 },
]);

/** Options of {@link HistoryManager}. @public */
export interface HistoryOptions {
  /** Database file (created if missing), or `:memory:`. */
  readonly path: string;
  /** Storage tiers, finest first. Default {@link defaultHistoryTiers}. */
  readonly tiers?: readonly HistoryTier[];
  /**
   * Upper bound of the database size on disk: main file + WAL. Default 256 MiB. An eighth of it (64 KiB to
   * 4 MiB) is the WAL's budget ({@link HistoryManager.walBudgetBytes}); data is evicted to keep the main
   * file within the rest. Raw points not rolled up yet (up to one bucket of the second tier) are never
   * evicted: a bound smaller than that much data is exceeded by it.
   */
  readonly maxBytes?: number;
  /** Buffered samples that trigger a flush. Default 10 000. */
  readonly batchSize?: number;
  /** Flush buffered samples at least this often (0 = only on `flush()`/`batchSize`). Default 1000 ms. */
  readonly flushIntervalMs?: number;
  /** Run `maintain()` from `flush()` at least this often (0 = never automatically). Default 60 000 ms. */
  readonly maintenanceIntervalMs?: number;
  /**
   * `normal` (default): WAL with synchronous=NORMAL — a killed process never corrupts the database or
   * loses a committed batch; a power cut may lose the last batches. `full`: also durable on power loss.
   */
  readonly durability?: 'normal' | 'full';
  /**
   * SQLite page cache bound in KiB (default 16384). Writing touches about one leaf page per series per
   * flush, so ~4 KiB × the number of series is the working set; a memory-bound daemon can use far less
   * than the default (e.g. 4096 for ~1,000 series). The cache fills up to this bound and stays resident.
   */
  readonly cacheSizeKiB?: number;
  /** Clock (ms since the epoch) for retention; injectable for tests. */
  readonly now?: () => number;
}

/** A series known to the history. @public */
export interface SeriesInfo {
  /** Row id in the `series` table. */
  readonly id: number;
  /** Metric name. */
  readonly name: string;
  /** Labels (canonical, sorted). */
  readonly labels: MetricLabels;
  /** Unit of the values. */
  readonly unit: MetricUnit;
}

/** A point returned by {@link HistoryManager.query}. Rollup tiers fill `min`, `max`, `count`; `value` is the mean. @public */
export interface HistoryPoint {
  /** Bucket or sample time, ms since the epoch. */
  readonly timestamp: number;
  /** The value (the mean for rollup points). */
  readonly value: number;
  /** Smallest value in the bucket (rollups). */
  readonly min?: number;
  /** Largest value in the bucket (rollups). */
  readonly max?: number;
  /** Samples in the bucket (rollups). */
  readonly count?: number;
}

/** Range query. `labels` matches series carrying at least these labels. @public */
export interface HistoryQuery {
  /** Metric name. */
  readonly name: string;
  /** Only series carrying at least these labels. */
  readonly labels?: MetricLabels;
  /** Inclusive start, ms since the epoch. */
  readonly from: number;
  /** Exclusive end, ms since the epoch. */
  readonly to: number;
  /** A tier name, or `auto` (default): the finest tier holding each part of the range. */
  readonly tier?: string;
}

/** Aggregation function of {@link HistoryManager.aggregate}. @public */
export type HistoryAggregate = 'avg' | 'min' | 'max' | 'sum' | 'count';

/** Aggregate query: one value per `stepMs` bucket per series. @public */
export interface HistoryAggregateQuery extends HistoryQuery {
  /** Bucket width in ms (buckets start at multiples of it). */
  readonly stepMs: number;
  /** The aggregation. */
  readonly fn: HistoryAggregate;
}

/** One series of a query result. @public */
export interface HistorySeries {
  /** Metric name. */
  readonly name: string;
  /** The series labels. */
  readonly labels: MetricLabels;
  /** Unit of the values. */
  readonly unit: MetricUnit;
  /** The tier the points came from. */
  readonly tier: string;
  /** Points in time order. */
  readonly points: HistoryPoint[];
}

/** What one {@link HistoryManager.maintain} run did. @public */
export interface MaintenanceReport {
  /** Rows written per rollup tier. */
  readonly rolledUp: Record<string, number>;
  /** Rows removed by retention per tier. */
  readonly expired: Record<string, number>;
  /** Rows removed to respect `maxBytes`. */
  readonly evicted: number;
  /** Database size on disk after maintenance. */
  readonly sizeBytes: number;
}

/** Row counts and size, for monitoring and benchmarks. @public */
export interface HistoryStats {
  /** Rows per tier. */
  readonly rows: Record<string, number>;
  /** Distinct series. */
  readonly series: number;
  /** Main file + WAL size on disk. */
  readonly sizeBytes: number;
  /** SQLite page size. */
  readonly pageSize: number;
  /** Pages in the database. */
  readonly pages: number;
  /** Pages on the free list. */
  readonly freePages: number;
}

const TIER_NAME = /^[a-z0-9_]{1,32}$/;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

function invalid(message: string): TelemetryError {
  return new TelemetryError('ERR_AINKA_TELEMETRY_INVALID_OPTION', message);
}

function validateTiers(tiers: readonly HistoryTier[]): void {
  if (tiers.length === 0) throw invalid('tiers is empty: give at least one tier, e.g. { name: "raw", resolutionMs: 1000, retentionMs: 21600000 }.');
  const seen = new Set<string>();
  tiers.forEach((t, i) => {
    if (!TIER_NAME.test(t.name)) throw invalid(`tier name "${t.name}" is not allowed: use 1-32 characters from [a-z0-9_].`);
    if (seen.has(t.name)) throw invalid(`tier name "${t.name}" is used twice: give each tier its own name.`);
    seen.add(t.name);
    if (!(t.resolutionMs > 0 && t.retentionMs > 0)) throw invalid(`tier "${t.name}" needs positive resolutionMs and retentionMs.`);
    const prev = tiers[i - 1];
    if (prev !== undefined && (t.resolutionMs <= prev.resolutionMs || t.resolutionMs % prev.resolutionMs !== 0)) {
      throw invalid(`tier "${t.name}" resolution ${t.resolutionMs} ms must be a multiple of, and larger than, tier "${prev.name}" (${prev.resolutionMs} ms).`);
    }
  });
}

/** Rows per multi-row INSERT of a flush (3 parameters each, far below SQLite's limit of 32,766). */
const INSERT_CHUNK = 128;

interface Statements {
  insertRaw: Database.Statement<[number, number, number]>;
  insertRawChunk: Database.Statement<[number[]]>;
  pageCount: Database.Statement<[], number>;
  freelistCount: Database.Statement<[], number>;
  insertSeries: Database.Statement<[string, string, string]>;
  findSeriesId: Database.Statement<[string, string], number>;
  seriesNamed: Database.Statement<[string], { id: number; name: string; labels: string; unit: MetricUnit }>;
  countSeries: Database.Statement<[], number>;
  getMeta: Database.Statement<[string], { value: string }>;
  setMeta: Database.Statement<[string, string]>;
}

/**
 * Metric history on embedded SQLite (better-sqlite3, WAL).
 *
 * Schema: a `series` table (id, name, canonical labels JSON, unit) and one `WITHOUT ROWID` table per
 * tier keyed by (series, ts): `(series, ts, value)` for the raw tier, `(series, ts, count, sum, min, max)`
 * for rollups. Samples are buffered and written in one transaction per batch. `maintain()` rolls
 * complete buckets up into coarser tiers (tracking a watermark per tier, in the same transaction, so a
 * crash never double-counts or skips), applies retention (never dropping rows not yet rolled up),
 * then enforces `maxBytes` by evicting the oldest already-rolled-up data, finest tier first, and gives
 * the space back to the file system (incremental vacuum + WAL truncation).
 *
 * @public
 */
export class HistoryManager {
  /** The tiers in use, finest first. */
  readonly tiers: readonly HistoryTier[];
  /** The size bound in bytes. */
  readonly maxBytes: number;
  private readonly db: Database.Database;
  private readonly path: string;
  private readonly st: Statements;
  /**
   * Ids of the series written during this maintenance interval, and of those written during the previous
   * one (a key moves over on its first write). `maintain()` drops the older map, so memory holds only series
   * written recently: series come and go (one per process), and the table keeps those no longer written.
   */
  private seriesIds = new Map<string, number>();
  private previousSeriesIds = new Map<string, number>();
  private readonly buffer = new HistoryBuffer();
  /** Series written since the last flush that the database does not know yet (provisional id `-1 - index`). */
  private pendingSeries: { key: string; name: string; labels: MetricLabels | undefined; unit: MetricUnit }[] = [];
  private readonly pendingIds = new Map<string, number>();
  /** Samples dropped by `write()` since the last flush (counted in the flush's return value, as before). */
  private droppedSinceFlush = 0;
  private watermarksSet = false;
  private readonly pageSize: number;
  private readonly chunkArgs = new Array<number>(3 * INSERT_CHUNK);
  private readonly batchSize: number;
  private readonly maintenanceIntervalMs: number;
  private readonly nowFn: () => number;
  private lastMaintenance: number;
  /** Main file size after the last flush's check, and how much that flush grew it (bytes). */
  private lastMainBytes = -1;
  private flushGrowthBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Samples skipped because their value or timestamp was not a finite number. */
  droppedSamples = 0;
  /** The error of the last background flush, if it failed (cleared by the next success). */
  lastError: unknown;
  /**
   * The WAL's share of `maxBytes`: an eighth, 64 KiB to 4 MiB. The WAL is checkpointed (`wal_autocheckpoint`)
   * when it holds half of it, truncated to it (`journal_size_limit`), and no transaction writes more than
   * about half of it: a flush or a maintenance step is split into transactions of at most
   * `seriesPerTransaction` series (one leaf page each at most, roughly), so the WAL never holds a whole
   * tier's worth of pages while the main file holds it too.
   */
  readonly walBudgetBytes: number;
  private readonly seriesPerTransaction: number;
  private readonly writeChunk: (rows: Float64Array, from: number, to: number, first: boolean) => void;

  constructor(options: HistoryOptions) {
    this.tiers = options.tiers ?? defaultHistoryTiers;
    validateTiers(this.tiers);
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    if (!(this.maxBytes >= 64 * 1024)) throw invalid(`maxBytes ${this.maxBytes} is too small: use at least 65536.`);
    this.batchSize = options.batchSize ?? 10_000;
    this.maintenanceIntervalMs = options.maintenanceIntervalMs ?? 60_000;
    this.nowFn = options.now ?? Date.now;
    this.lastMaintenance = this.nowFn();
    const cacheKiB = options.cacheSizeKiB ?? 16384;
    if (!(Number.isInteger(cacheKiB) && cacheKiB >= 64)) throw invalid(`cacheSizeKiB ${cacheKiB} is not allowed: use an integer of at least 64.`);
    this.path = options.path;
    this.db = new Database(options.path);
    // auto_vacuum must be set before the first table exists; it is a no-op on an existing database.
    this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma(`cache_size = -${cacheKiB}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS series (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, labels TEXT NOT NULL, unit TEXT NOT NULL, UNIQUE (name, labels));
    `);
    this.tiers.forEach((t, i) => {
      this.db.exec(
        i === 0
          ? `CREATE TABLE IF NOT EXISTS "t_${t.name}" (series INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (series, ts)) WITHOUT ROWID`
          : `CREATE TABLE IF NOT EXISTS "t_${t.name}" (series INTEGER NOT NULL, ts INTEGER NOT NULL, count INTEGER NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, PRIMARY KEY (series, ts)) WITHOUT ROWID`,
      );
    });
    const raw = (this.tiers[0] as HistoryTier).name;
    this.st = {
      insertRaw: this.db.prepare(`INSERT OR REPLACE INTO "t_${raw}" (series, ts, value) VALUES (?, ?, ?)`),
      insertRawChunk: this.db.prepare(`INSERT OR REPLACE INTO "t_${raw}" (series, ts, value) VALUES ${Array.from({ length: INSERT_CHUNK }, () => '(?, ?, ?)').join(', ')}`) as Database.Statement<[number[]]>,
      pageCount: this.db.prepare('PRAGMA page_count').pluck() as Database.Statement<[], number>,
      freelistCount: this.db.prepare('PRAGMA freelist_count').pluck() as Database.Statement<[], number>,
      insertSeries: this.db.prepare('INSERT INTO series (name, labels, unit) VALUES (?, ?, ?)'),
      findSeriesId: this.db.prepare('SELECT id FROM series WHERE name = ? AND labels = ?').pluck() as Database.Statement<[string, string], number>,
      seriesNamed: this.db.prepare('SELECT id, name, labels, unit FROM series WHERE name = ?') as Database.Statement<[string], { id: number; name: string; labels: string; unit: MetricUnit }>,
      countSeries: this.db.prepare('SELECT count(*) FROM series').pluck() as Database.Statement<[], number>,
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    };
    this.pageSize = this.db.pragma('page_size', { simple: true }) as number;
    this.walBudgetBytes = Math.min(4 * 1024 * 1024, Math.max(64 * 1024, Math.floor(this.maxBytes / 8)));
    this.seriesPerTransaction = Math.max(8, Math.floor(this.walBudgetBytes / 2 / this.pageSize));
    this.db.pragma(`journal_size_limit = ${this.walBudgetBytes}`);
    this.db.pragma(`wal_autocheckpoint = ${this.seriesPerTransaction}`);
    // A flush is one transaction per `seriesPerTransaction` series (rows sorted by series and time, 128 per
    // statement); the first also inserts the series first seen since the last flush and resolves their
    // provisional ids in every row, and sets the rollup watermarks once. Each commit lets SQLite's
    // auto-checkpoint empty the WAL before the next.
    this.writeChunk = this.db.transaction((rows: Float64Array, from: number, to: number, first: boolean): void => {
      let minTs = Number.POSITIVE_INFINITY;
      if (first) {
        const ids = this.pendingSeries.map((p) => this.insertSeries(p.key, p.name, p.labels, p.unit));
        this.pendingSeries = [];
        this.pendingIds.clear();
        const n = rows.length / 3;
        for (let i = 0; i < n; i++) {
          const id = rows[3 * i] as number;
          if (id < 0) rows[3 * i] = ids[-1 - id] as number;
          const ts = rows[3 * i + 1] as number;
          if (ts < minTs) minTs = ts;
        }
      }
      const args = this.chunkArgs;
      let i = from;
      for (; i + INSERT_CHUNK <= to; i += INSERT_CHUNK) {
        for (let j = 0; j < 3 * INSERT_CHUNK; j++) args[j] = rows[3 * i + j] as number;
        this.st.insertRawChunk.run(args);
      }
      for (; i < to; i++) this.st.insertRaw.run(rows[3 * i] as number, rows[3 * i + 1] as number, rows[3 * i + 2] as number);
      // First write: start every rollup watermark at the bucket of the oldest sample.
      if (first && !this.watermarksSet && Number.isFinite(minTs)) {
        for (const t of this.tiers.slice(1)) {
          if (this.st.getMeta.get(`watermark:${t.name}`) === undefined) {
            this.st.setMeta.run(`watermark:${t.name}`, String(Math.floor(minTs / t.resolutionMs) * t.resolutionMs));
          }
        }
        this.watermarksSet = true;
      }
    });
    const every = options.flushIntervalMs ?? 1000;
    if (every > 0) {
      this.timer = setInterval(() => {
        if (this.buffer.length === 0 && this.droppedSinceFlush === 0) return;
        try {
          this.flush();
          this.lastError = undefined;
        } catch (err) {
          // A timer must not crash the process (disk full, database locked): keep the error for status.
          this.lastError = err;
        }
      }, every);
      this.timer.unref();
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new TelemetryError('ERR_AINKA_TELEMETRY_HISTORY_CLOSED', `the history at ${this.path} is closed: open a new HistoryManager.`);
  }

  /** The id of a known series, or a provisional negative one for a series first seen since the last flush. */
  private seriesId(s: MetricSample): number {
    const key = seriesKey(s);
    const id = this.seriesIds.get(key);
    if (id !== undefined) return id;
    const earlier = this.previousSeriesIds.get(key);
    if (earlier !== undefined) {
      this.seriesIds.set(key, earlier);
      return earlier;
    }
    let pending = this.pendingIds.get(key);
    if (pending === undefined) {
      pending = -1 - this.pendingSeries.length;
      this.pendingSeries.push({ key, name: s.name, labels: s.labels, unit: s.unit });
      this.pendingIds.set(key, pending);
    }
    return pending;
  }

  private insertSeries(key: string, name: string, sampleLabels: MetricLabels | undefined, unit: MetricUnit): number {
    const known = this.seriesIds.get(key);
    if (known !== undefined) return known;
    const labels: Record<string, string> = {};
    for (const k of Object.keys(sampleLabels ?? {}).sort()) labels[k] = (sampleLabels as MetricLabels)[k] as string;
    const json = JSON.stringify(labels);
    // a series written before (this run or an earlier one) keeps its id
    const id = this.st.findSeriesId.get(name, json) ?? Number(this.st.insertSeries.run(name, json, unit).lastInsertRowid);
    this.seriesIds.set(key, id);
    return id;
  }

  /** Buffers samples; they are written by the next flush (batch size, interval, or `flush()`). */
  write(samples: readonly MetricSample[]): void {
    this.ensureOpen();
    for (const s of samples) {
      if (!Number.isFinite(s.value) || !Number.isFinite(s.timestamp)) {
        this.droppedSamples += 1; // NaN/Infinity cannot be stored as REAL NOT NULL
        this.droppedSinceFlush += 1;
        continue;
      }
      this.buffer.push(this.seriesId(s), Math.round(s.timestamp), s.value);
    }
    if (this.buffer.length >= this.batchSize) this.flush();
  }

  /**
   * Writes the buffered samples in one transaction and returns how many were written. Runs
   * `maintain()` when it is due or the database has grown past `maxBytes`.
   */
  flush(): number {
    this.ensureOpen();
    const n = this.commit();
    if (n === 0) return 0;
    const now = this.nowFn();
    const due = this.maintenanceIntervalMs > 0 && now - this.lastMaintenance >= this.maintenanceIntervalMs;
    if (due || this.maybeOverBound()) this.maintain(now);
    return n;
  }

  private commit(): number {
    const dropped = this.droppedSinceFlush;
    this.droppedSinceFlush = 0;
    if (this.buffer.length === 0) return dropped;
    const rows = this.buffer.drainSorted();
    const n = rows.length / 3;
    // cut after every `seriesPerTransaction` distinct series (rows are sorted by series)
    let from = 0;
    let seen = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && rows[3 * i] !== rows[3 * (i - 1)] && ++seen >= this.seriesPerTransaction) {
        this.writeChunk(rows, from, i, from === 0);
        from = i;
        seen = 0;
      }
    }
    this.writeChunk(rows, from, n, from === 0);
    return n + dropped;
  }

  /** Series ids in ranges of `seriesPerTransaction` ids: `[first, last]` each, ascending. */
  private seriesRanges(): Array<[number, number]> {
    const ids = this.db.prepare('SELECT id FROM series ORDER BY id').pluck().all() as number[];
    const out: Array<[number, number]> = [];
    for (let i = 0; i < ids.length; i += this.seriesPerTransaction) {
      out.push([ids[i] as number, ids[Math.min(ids.length, i + this.seriesPerTransaction) - 1] as number]);
    }
    return out;
  }

  private usedBytes(): number {
    return (this.st.pageCount.get()! - this.st.freelistCount.get()!) * this.pageSize;
  }

  /**
   * The main file's share of `maxBytes`: what is left after the WAL's budget and twice the last flush's
   * growth (so the next flush, and the rollup rows maintenance adds before it evicts, still fit).
   */
  private mainLimitBytes(): number {
    return Math.max(this.maxBytes / 2, this.maxBytes - this.walBudgetBytes - 2 * this.flushGrowthBytes);
  }

  /**
   * Whether the main file may be past its share of `maxBytes` ({@link mainLimitBytes}). The main file plus
   * the WAL bounds the pages in use from above (a page not yet checkpointed has a frame in the WAL), so
   * two `stat`s settle the common case; only past the limit are the pages counted.
   */
  private maybeOverBound(): boolean {
    if (this.path === ':memory:' || this.path === '') return this.usedBytes() > this.maxBytes;
    const size = (p: string): number => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
    const main = size(this.path);
    if (this.lastMainBytes >= 0) this.flushGrowthBytes = Math.max(0, main - this.lastMainBytes);
    this.lastMainBytes = main;
    if (main + size(`${this.path}-wal`) <= this.mainLimitBytes()) return false;
    return this.usedBytes() > this.mainLimitBytes();
  }

  private watermark(tier: HistoryTier): number | undefined {
    const row = this.st.getMeta.get(`watermark:${tier.name}`);
    return row === undefined ? undefined : Number(row.value);
  }

  /** Rolls up, expires and evicts (see the class docs). Called from `flush()` when due. */
  maintain(now = this.nowFn()): MaintenanceReport {
    this.ensureOpen();
    this.commit();
    this.lastMaintenance = now;
    const rolledUp: Record<string, number> = {};
    const expired: Record<string, number> = {};
    for (let i = 1; i < this.tiers.length; i++) {
      const t = this.tiers[i] as HistoryTier;
      const src = this.tiers[i - 1] as HistoryTier;
      const from = this.watermark(t);
      const to = Math.floor(now / t.resolutionMs) * t.resolutionMs;
      if (from === undefined || to <= from) {
        rolledUp[t.name] = 0;
        continue;
      }
      const select =
        i === 1
          ? `SELECT r.series, (r.ts / ${t.resolutionMs}) * ${t.resolutionMs} AS b, count(*), sum(r.value), min(r.value), max(r.value)`
          : `SELECT r.series, (r.ts / ${t.resolutionMs}) * ${t.resolutionMs} AS b, sum(r.count), sum(r.sum), min(r.min), max(r.max)`;
      const stmt = this.db.prepare(`INSERT OR REPLACE INTO "t_${t.name}" (series, ts, count, sum, min, max)
        ${select} FROM series s CROSS JOIN "t_${src.name}" r ON r.series = s.id AND r.ts >= ? AND r.ts < ? WHERE s.id BETWEEN ? AND ? GROUP BY r.series, b`);
      // One transaction per range of series (the WAL's budget); the watermark moves with the last. A crash
      // in between leaves the watermark where it was: the next run rolls the same buckets up again from
      // rows that retention and eviction keep until then, and INSERT OR REPLACE writes the same aggregates.
      const ranges = this.seriesRanges();
      let n = 0;
      ranges.forEach(([lo, hi], k) => {
        n += this.db.transaction(() => {
          const changed = stmt.run(from, to, lo, hi).changes;
          if (k === ranges.length - 1) this.st.setMeta.run(`watermark:${t.name}`, String(to));
          return changed;
        })();
      });
      if (ranges.length === 0) this.st.setMeta.run(`watermark:${t.name}`, String(to));
      rolledUp[t.name] = n;
    }
    this.tiers.forEach((t, i) => {
      const next = this.tiers[i + 1];
      const nextMark = next === undefined ? undefined : this.watermark(next);
      // Never drop what the next tier has not rolled up yet.
      let cutoff = now - t.retentionMs;
      if (next !== undefined) cutoff = Math.min(cutoff, nextMark ?? Number.NEGATIVE_INFINITY);
      expired[t.name] = Number.isFinite(cutoff) ? this.deleteBefore(t, cutoff) : 0;
    });
    const evicted = this.enforceBound();
    this.pruneSeries();
    this.previousSeriesIds = this.seriesIds;
    this.seriesIds = new Map();
    // give free pages back a WAL budget's worth at a time (each call is its own transaction, checkpointed after)
    for (let k = 0; k < 100_000 && this.st.freelistCount.get()! > 0; k++) this.db.pragma(`incremental_vacuum(${this.seriesPerTransaction})`);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.lastMainBytes = -1; // the next flush's growth is not measured across the vacuum
    return { rolledUp, expired, evicted, sizeBytes: this.sizeBytes() };
  }

  /** Deletes the series no tier holds a row of any more (expired or evicted), and forgets their ids. */
  private pruneSeries(): void {
    const holds = this.tiers.map((t) => `NOT EXISTS (SELECT 1 FROM "t_${t.name}" WHERE series = s.id)`).join(' AND ');
    const gone = new Set(this.db.prepare(`SELECT id FROM series s WHERE ${holds}`).pluck().all() as number[]);
    if (gone.size === 0) return;
    const del = this.db.prepare('DELETE FROM series WHERE id = ?');
    this.db.transaction(() => {
      for (const id of gone) del.run(id);
    })();
    for (const ids of [this.seriesIds, this.previousSeriesIds]) for (const [key, id] of ids) if (gone.has(id)) ids.delete(key);
  }

  /** Deletes a tier's rows older than `cutoff`, one transaction per range of series (the WAL's budget). */
  private deleteBefore(t: HistoryTier, cutoff: number): number {
    const stmt = this.db.prepare(`DELETE FROM "t_${t.name}" WHERE series IN (SELECT id FROM series WHERE id BETWEEN ? AND ?) AND ts < ?`);
    let n = 0;
    for (const [lo, hi] of this.seriesRanges()) n += stmt.run(lo, hi, cutoff).changes;
    return n;
  }

  private oldest(t: HistoryTier): number | undefined {
    const row = this.db
      .prepare(`SELECT min((SELECT ts FROM "t_${t.name}" WHERE series = s.id ORDER BY ts LIMIT 1)) AS ts FROM series s`)
      .get() as { ts: number | null };
    return row.ts ?? undefined;
  }

  private enforceBound(): number {
    // leave room for the WAL and the next batches
    const target = (this.path === ':memory:' || this.path === '' ? this.maxBytes : this.mainLimitBytes()) * 0.85;
    let evicted = 0;
    for (let i = 0; i < this.tiers.length; i++) {
      const t = this.tiers[i] as HistoryTier;
      const next = this.tiers[i + 1];
      for (let round = 0; round < 40; round++) {
        const used = this.usedBytes();
        if (used <= target) break;
        const oldest = this.oldest(t);
        if (oldest === undefined) break;
        // Coarser tiers keep what is evicted here, so only evict rows already rolled up.
        const limit = next === undefined ? Number.POSITIVE_INFINITY : (this.watermark(next) ?? Number.NEGATIVE_INFINITY);
        const newest = (this.db.prepare(`SELECT max((SELECT ts FROM "t_${t.name}" WHERE series = s.id ORDER BY ts DESC LIMIT 1)) AS ts FROM series s`).get() as { ts: number }).ts;
        const span = Math.max(t.resolutionMs, newest - oldest);
        // Assume data is spread evenly over time: cut the share that is over the target (at least 5 %).
        const share = Math.min(1, Math.max(0.05, ((used - target) / used) * 1.1));
        const cutoff = Math.min(limit, oldest + Math.max(t.resolutionMs, Math.ceil(span * share)));
        if (!(cutoff > oldest)) break;
        const n = this.deleteBefore(t, cutoff);
        evicted += n; // freed pages go to the freelist, which usedBytes() does not count
        if (n === 0) break;
      }
    }
    return evicted;
  }

  /** Main file + WAL size on disk, in bytes (the page count for `:memory:`). */
  sizeBytes(): number {
    if (this.path === ':memory:' || this.path === '') return this.usedBytes();
    let total = 0;
    for (const p of [this.path, `${this.path}-wal`]) {
      try {
        total += statSync(p).size;
      } catch {
        /* no WAL yet */
      }
    }
    return total;
  }

  /** Series whose name matches and whose labels include `labels`. */
  findSeries(name: string, labels?: MetricLabels): SeriesInfo[] {
    this.ensureOpen();
    const out: SeriesInfo[] = [];
    for (const row of this.st.seriesNamed.all(name)) {
      const l = JSON.parse(row.labels) as MetricLabels;
      if (labels !== undefined && Object.entries(labels).some(([k, v]) => l[k] !== v)) continue;
      out.push({ id: row.id, name: row.name, labels: l, unit: row.unit });
    }
    return out;
  }

  private tierNamed(name: string): HistoryTier {
    const t = this.tiers.find((x) => x.name === name);
    if (t === undefined) throw invalid(`unknown tier "${name}": use one of ${this.tiers.map((x) => x.name).join(', ')} or "auto".`);
    return t;
  }

  /**
   * Which tier serves which part of [from, to) for one series. `auto` uses the finest tier that holds
   * data, back to its oldest point, and coarser tiers before that; boundaries fall on bucket edges of
   * the coarser tier (and of `step`) where the coarser tier has rolled that bucket up, so no sample is
   * counted twice or lost.
   */
  private plan(seriesId: number, q: HistoryQuery, step = 1): Array<{ tier: HistoryTier; from: number; to: number }> {
    if (q.tier !== undefined && q.tier !== 'auto') return [{ tier: this.tierNamed(q.tier), from: q.from, to: q.to }];
    const segs: Array<{ tier: HistoryTier; from: number; to: number }> = [];
    let end = q.to;
    for (let i = 0; i < this.tiers.length && end > q.from; i++) {
      const t = this.tiers[i] as HistoryTier;
      const coarser = this.tiers[i + 1];
      if (coarser === undefined) {
        segs.push({ tier: t, from: q.from, to: end });
        break;
      }
      const row = this.db.prepare(`SELECT ts FROM "t_${t.name}" WHERE series = ? ORDER BY ts LIMIT 1`).get(seriesId) as { ts: number } | undefined;
      if (row === undefined) continue;
      let start = q.from;
      if (row.ts > q.from) {
        const align = lcm(coarser.resolutionMs, step);
        const aligned = Math.ceil(row.ts / align) * align;
        const mark = this.watermark(coarser);
        start = mark !== undefined && aligned <= mark ? aligned : row.ts;
      }
      if (start < end) {
        segs.push({ tier: t, from: start, to: end });
        end = start;
      }
    }
    return segs.reverse();
  }

  /**
   * Points of every matching series in [from, to) (buffered samples are flushed first). With
   * `tier: 'auto'` (default) recent points come from the finest tier and older ones from rollups;
   * rollup points carry `min`, `max`, `count` and the mean as `value`.
   */
  query(q: HistoryQuery): HistorySeries[] {
    this.ensureOpen();
    this.flush();
    return this.findSeries(q.name, q.labels).map((s) => {
      const points: HistoryPoint[] = [];
      const used: string[] = [];
      for (const seg of this.plan(s.id, q)) {
        used.push(seg.tier.name);
        if (seg.tier === this.tiers[0]) {
          const rows = this.db.prepare(`SELECT ts, value FROM "t_${seg.tier.name}" WHERE series = ? AND ts >= ? AND ts < ? ORDER BY ts`).raw().all(s.id, seg.from, seg.to) as number[][];
          for (const r of rows) points.push({ timestamp: r[0] as number, value: r[1] as number });
        } else {
          const rows = this.db
            .prepare(`SELECT ts, sum, min, max, count FROM "t_${seg.tier.name}" WHERE series = ? AND ts >= ? AND ts < ? ORDER BY ts`)
            .raw()
            .all(s.id, seg.from, seg.to) as number[][];
          for (const r of rows) {
            points.push({ timestamp: r[0] as number, value: (r[1] as number) / (r[4] as number), min: r[2] as number, max: r[3] as number, count: r[4] as number });
          }
        }
      }
      return { name: s.name, labels: s.labels, unit: s.unit, tier: used.join(',') || (this.tiers[0] as HistoryTier).name, points };
    });
  }

  /**
   * One value per `stepMs` bucket per matching series, computed in SQLite. With `tier: 'auto'`
   * (default) each bucket comes from the finest tier that holds it.
   */
  aggregate(q: HistoryAggregateQuery): HistorySeries[] {
    this.ensureOpen();
    if (!(Number.isInteger(q.stepMs) && q.stepMs > 0)) throw invalid(`stepMs ${q.stepMs} must be a positive integer.`);
    this.flush();
    const rawExpr: Record<HistoryAggregate, string> = { avg: 'avg(value)', min: 'min(value)', max: 'max(value)', sum: 'sum(value)', count: 'count(*)' };
    const rollExpr: Record<HistoryAggregate, string> = { avg: 'sum(sum) / sum(count)', min: 'min(min)', max: 'max(max)', sum: 'sum(sum)', count: 'sum(count)' };
    return this.findSeries(q.name, q.labels).map((s) => {
      const points: HistoryPoint[] = [];
      const used: string[] = [];
      for (const seg of this.plan(s.id, q, q.stepMs)) {
        used.push(seg.tier.name);
        const expr = seg.tier === this.tiers[0] ? rawExpr[q.fn] : rollExpr[q.fn];
        const rows = this.db
          .prepare(`SELECT (ts / ${q.stepMs}) * ${q.stepMs} AS b, ${expr} FROM "t_${seg.tier.name}" WHERE series = ? AND ts >= ? AND ts < ? GROUP BY b ORDER BY b`)
          .raw()
          .all(s.id, seg.from, seg.to) as number[][];
        for (const r of rows) points.push({ timestamp: r[0] as number, value: r[1] as number });
      }
      return { name: s.name, labels: s.labels, unit: s.unit, tier: used.join(',') || (this.tiers[0] as HistoryTier).name, points };
    });
  }

  /** The newest raw point of each matching series. */
  latest(
    name: string,
    labels?: MetricLabels,
  ): Array<{
    /** The series. */
    series: SeriesInfo;
    /** Its newest raw point. */
    point: HistoryPoint;
  }> {
    this.ensureOpen();
    this.flush();
    const raw = (this.tiers[0] as HistoryTier).name;
    const stmt = this.db.prepare(`SELECT ts, value FROM "t_${raw}" WHERE series = ? ORDER BY ts DESC LIMIT 1`);
    const out: Array<{ series: SeriesInfo; point: HistoryPoint }> = [];
    for (const s of this.findSeries(name, labels)) {
      const row = stmt.get(s.id) as { ts: number; value: number } | undefined;
      if (row !== undefined) out.push({ series: s, point: { timestamp: row.ts, value: row.value } });
    }
    return out;
  }

  /** Row counts per tier and size figures. */
  stats(): HistoryStats {
    this.ensureOpen();
    const rows: Record<string, number> = {};
    for (const t of this.tiers) rows[t.name] = (this.db.prepare(`SELECT count(*) AS n FROM "t_${t.name}"`).get() as { n: number }).n;
    return {
      rows,
      series: this.st.countSeries.get() as number,
      sizeBytes: this.sizeBytes(),
      pageSize: this.db.pragma('page_size', { simple: true }) as number,
      pages: this.db.pragma('page_count', { simple: true }) as number,
      freePages: this.db.pragma('freelist_count', { simple: true }) as number,
    };
  }

  /** SQLite's `PRAGMA integrity_check`: `['ok']` on a healthy database. */
  integrityCheck(): string[] {
    this.ensureOpen();
    return (this.db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  }

  /** Flushes, checkpoints and closes. Idempotent. */
  close(): void {
    if (this.closed) return;
    if (this.timer !== undefined) clearInterval(this.timer);
    try {
      this.flush();
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.closed = true;
      this.db.close();
    }
  }
}
