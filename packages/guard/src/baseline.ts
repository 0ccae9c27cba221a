import Database from 'better-sqlite3';
import { GuardError, GuardErrorCode } from './errors.js';
import { ExeHashCache } from './exeHashCache.js';
import type { BaselineVerdict } from './event.js';

/** Features learned per executable. */
export type BaselineFeature = 'child' | 'file' | 'peer' | 'port' | 'syscall';

/** Options of {@link BaselineStore}. */
export interface BaselineStoreOptions {
  /** SQLite file (created if missing), or `:memory:` (default). */
  readonly path?: string;
  /** Distinct values kept per executable and feature (default 256); beyond, new values are not learned and novelty scores are damped. */
  readonly maxValuesPerFeature?: number;
  /** Executables kept (default 4096); the least recently seen are forgotten first. */
  readonly maxExecutables?: number;
  /** Clock in ms (default Date.now). */
  readonly now?: () => number;
  /** Hash of an executable file (default: sha256 of its size and first MiB, cached by path and the file's dev, inode, size, mtime and ctime: see {@link ExeHashCache}). */
  readonly hashFile?: (path: string) => string;
}

interface FeatureState {
  total: number;
  values: Map<string, number>;
}

interface ExeState {
  id: number;
  path: string;
  hash: string;
  firstSeen: number;
  lastSeen: number;
  features: Map<string, FeatureState>;
  dirty: boolean;
}

const VERB: Record<BaselineFeature, [string, string]> = {
  child: ['executed', 'executions'],
  file: ['opened', 'watched opens'],
  peer: ['connected to', 'connections'],
  port: ['listened on port', 'listens'],
  syscall: ['called syscall', 'syscall sets'],
};

/**
 * An integer count with comma thousands separators, as `toLocaleString('en-US')` writes it, without ICU:
 * touching ICU's locale data maps ~5 MB of the node binary's read-only data into ainkad's RSS (and the
 * verdict is built on every observation).
 */
function thousands(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  let out = '';
  for (let i = s.length; i > 0; i -= 3) out = (i > 3 ? ',' : '') + s.slice(Math.max(0, i - 3), i) + out;
  return (n < 0 ? '-' : '') + out;
}

/** `14 days`, `3 hours`, `12 minutes`. */
export function formatAge(ms: number): string {
  const d = ms / 86_400_000;
  if (d >= 1) return `${Math.floor(d)} day${Math.floor(d) === 1 ? '' : 's'}`;
  const h = ms / 3_600_000;
  if (h >= 1) return `${Math.floor(h)} hour${Math.floor(h) === 1 ? '' : 's'}`;
  const m = Math.max(0, Math.floor(ms / 60_000));
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * Behavioural baselines per executable (path + content hash): the child programs it runs, the
 * watched files it opens, the peers it connects to, the ports it listens on, the syscalls it uses.
 * Every observation returns a verdict with a rarity score and a sentence that says what was new
 * against how much history. Persisted in SQLite (written in batches by {@link flush}), bounded in
 * executables and in values per feature.
 */
export class BaselineStore {
  readonly #db: Database.Database;
  readonly #maxValues: number;
  readonly #maxExes: number;
  readonly #now: () => number;
  readonly #hashFile: (path: string) => string;
  readonly #exes = new Map<string, ExeState>();
  /**
   * Observations not yet written, one per (executable, feature, value): a value seen again before the flush
   * updates its entry (the count is cumulative, so only the latest matters; `first` is the insert's
   * first_seen), so a build that execs the same compiler a thousand times writes one row, not a thousand.
   */
  readonly #pending = new Map<string, { exeId: number; feature: string; value: string; count: number; first: number; at: number }>();

  constructor(options: BaselineStoreOptions = {}) {
    this.#maxValues = options.maxValuesPerFeature ?? 256;
    this.#maxExes = options.maxExecutables ?? 4096;
    this.#now = options.now ?? Date.now;
    const hashes = new ExeHashCache({ maxEntries: Math.max(1024, this.#maxExes) });
    this.#hashFile = options.hashFile ?? ((p) => hashes.hash(p));
    try {
      this.#db = new Database(options.path ?? ':memory:');
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.exec(`
        CREATE TABLE IF NOT EXISTS exes (id INTEGER PRIMARY KEY, path TEXT NOT NULL, hash TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, UNIQUE (path, hash));
        CREATE TABLE IF NOT EXISTS features (exe_id INTEGER NOT NULL, feature TEXT NOT NULL, value TEXT NOT NULL, count INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, PRIMARY KEY (exe_id, feature, value)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS totals (exe_id INTEGER NOT NULL, feature TEXT NOT NULL, total INTEGER NOT NULL, PRIMARY KEY (exe_id, feature)) WITHOUT ROWID;
      `);
    } catch (err) {
      throw new GuardError(GuardErrorCode.baseline, `cannot open the baseline database ${options.path ?? ':memory:'}: ${(err as Error).message}; check the directory exists and is writable`, { cause: err });
    }
  }

  /** Content hash of an executable (`-` when it cannot be read). */
  hashOf(path: string): string {
    return this.#hashFile(path);
  }

  #exe(path: string): ExeState {
    const hash = this.hashOf(path);
    const k = `${path}\0${hash}`;
    let e = this.#exes.get(k);
    if (e) return e;
    const now = this.#now();
    let row = this.#db.prepare('SELECT id, first_seen, last_seen FROM exes WHERE path = ? AND hash = ?').get(path, hash) as { id: number; first_seen: number; last_seen: number } | undefined;
    if (!row) {
      const info = this.#db.prepare('INSERT INTO exes (path, hash, first_seen, last_seen) VALUES (?, ?, ?, ?)').run(path, hash, now, now);
      row = { id: Number(info.lastInsertRowid), first_seen: now, last_seen: now };
    }
    const features = new Map<string, FeatureState>();
    for (const t of this.#db.prepare('SELECT feature, total FROM totals WHERE exe_id = ?').all(row.id) as { feature: string; total: number }[]) {
      features.set(t.feature, { total: t.total, values: new Map() });
    }
    for (const f of this.#db.prepare('SELECT feature, value, count FROM features WHERE exe_id = ?').all(row.id) as { feature: string; value: string; count: number }[]) {
      let st = features.get(f.feature);
      if (!st) features.set(f.feature, (st = { total: 0, values: new Map() }));
      st.values.set(f.value, f.count);
    }
    e = { id: row.id, path, hash, firstSeen: row.first_seen, lastSeen: row.last_seen, features, dirty: false };
    if (this.#exes.size >= this.#maxExes) {
      // keep memory bounded too: drop the least recently seen from the cache (it stays on disk until pruned)
      let oldest: [string, ExeState] | undefined;
      for (const x of this.#exes) if (!oldest || x[1].lastSeen < oldest[1].lastSeen) oldest = x;
      if (oldest) this.#exes.delete(oldest[0]);
    }
    this.#exes.set(k, e);
    return e;
  }

  /**
   * Records that the executable at `exePath` showed `value` for `feature` and returns the verdict
   * against what was learned before this observation. `name` is used in the explanation.
   */
  observe(exePath: string, feature: BaselineFeature, value: string, name = exePath.slice(exePath.lastIndexOf('/') + 1)): BaselineVerdict {
    const e = this.#exe(exePath);
    const now = this.#now();
    let st = e.features.get(feature);
    if (!st) e.features.set(feature, (st = { total: 0, values: new Map() }));
    const count = st.values.get(value) ?? 0;
    const total = st.total;
    const distinct = st.values.size;
    const saturated = distinct >= this.#maxValues;
    const verdict = this.#verdict(e, feature, value, count, total, distinct, saturated, name, now);
    st.total++;
    if (count > 0 || !saturated) {
      st.values.set(value, count + 1);
      const k = `${e.id}\0${feature}\0${value}`;
      const p = this.#pending.get(k);
      if (p === undefined) this.#pending.set(k, { exeId: e.id, feature, value, count: count + 1, first: now, at: now });
      else {
        p.count = count + 1;
        p.at = now;
      }
    }
    e.lastSeen = now;
    e.dirty = true;
    if (this.#pending.size >= 4096) this.flush();
    return verdict;
  }

  /** The verdict for a value without learning it. */
  peek(exePath: string, feature: BaselineFeature, value: string, name = exePath.slice(exePath.lastIndexOf('/') + 1)): BaselineVerdict {
    const e = this.#exe(exePath);
    const st = e.features.get(feature);
    const distinct = st?.values.size ?? 0;
    return this.#verdict(e, feature, value, st?.values.get(value) ?? 0, st?.total ?? 0, distinct, distinct >= this.#maxValues, name, this.#now());
  }

  #verdict(e: ExeState, feature: BaselineFeature, value: string, count: number, total: number, distinct: number, saturated: boolean, name: string, now: number): BaselineVerdict {
    const age = now - e.firstSeen;
    const days = age / 86_400_000;
    const confidence = total / (total + 20);
    let score = (count === 0 ? 1 : 1 - count / total) * confidence;
    if (saturated) score *= 0.3;
    const [verb, noun] = VERB[feature];
    const history = `${formatAge(age)} of history (${thousands(total)} ${noun} of ${distinct} distinct value${distinct === 1 ? '' : 's'})`;
    const explanation =
      count === 0
        ? total === 0
          ? `${name} ${verb} ${value}: first observation of ${name}, nothing learned yet`
          : `${name} ${verb} ${value} for the first time in ${history}${saturated ? '; its baseline is saturated, so this weighs less' : ''}`
        : `${name} ${verb} ${value} ${count} time${count === 1 ? '' : 's'} before in ${history}`;
    return { exe: e.path, hash: e.hash, feature, value, count, total, distinct, days: Math.round(days * 100) / 100, novel: count === 0, score: Math.round(score * 1000) / 1000, explanation };
  }

  /** Writes pending observations in one transaction and forgets executables beyond the bound. */
  flush(): void {
    if (this.#pending.size === 0 && ![...this.#exes.values()].some((e) => e.dirty)) return;
    const up = this.#db.prepare(
      'INSERT INTO features (exe_id, feature, value, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (exe_id, feature, value) DO UPDATE SET count = excluded.count, last_seen = excluded.last_seen',
    );
    const tot = this.#db.prepare('INSERT INTO totals (exe_id, feature, total) VALUES (?, ?, ?) ON CONFLICT (exe_id, feature) DO UPDATE SET total = excluded.total');
    const seen = this.#db.prepare('UPDATE exes SET last_seen = ? WHERE id = ?');
    this.#db.transaction(() => {
      for (const p of this.#pending.values()) up.run(p.exeId, p.feature, p.value, p.count, p.first, p.at);
      for (const e of this.#exes.values()) {
        if (!e.dirty) continue;
        for (const [f, st] of e.features) tot.run(e.id, f, st.total);
        seen.run(e.lastSeen, e.id);
        e.dirty = false;
      }
      const n = (this.#db.prepare('SELECT COUNT(*) AS n FROM exes').get() as { n: number }).n;
      if (n > this.#maxExes) {
        const old = this.#db.prepare('SELECT id FROM exes ORDER BY last_seen ASC LIMIT ?').all(n - this.#maxExes) as { id: number }[];
        for (const o of old) {
          this.#db.prepare('DELETE FROM features WHERE exe_id = ?').run(o.id);
          this.#db.prepare('DELETE FROM totals WHERE exe_id = ?').run(o.id);
          this.#db.prepare('DELETE FROM exes WHERE id = ?').run(o.id);
          for (const [k, e] of this.#exes) if (e.id === o.id) this.#exes.delete(k);
        }
      }
    })();
    this.#pending.clear();
  }

  /** Executables and feature values stored (after a flush). */
  size(): { executables: number; values: number } {
    const executables = (this.#db.prepare('SELECT COUNT(*) AS n FROM exes').get() as { n: number }).n;
    const values = (this.#db.prepare('SELECT COUNT(*) AS n FROM features').get() as { n: number }).n;
    return { executables, values };
  }

  /** Flushes and closes the database. */
  close(): void {
    this.flush();
    this.#db.close();
  }
}
