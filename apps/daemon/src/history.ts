import { HistoryManager, seriesKey, type MetricSample } from '@ainka/telemetry';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HistoryPoint, HistoryResult } from './api.js';

/** Options of {@link openHistory}. @public */
export interface OpenHistoryOptions {
  /** Database file (`<stateDir>/history.db`). */
  readonly path: string;
  /** Raw-tier retention. */
  readonly retentionMs?: number;
  /** On-disk bound. */
  readonly maxBytes?: number;
  /** Flush interval. */
  readonly flushIntervalMs?: number;
}

/** Result of {@link DaemonHistory.buckets}: the bucket width and the tiers the points came from. @public */
export interface HistoryBuckets extends HistoryResult {
  readonly stepMs: number;
  readonly tiers: readonly string[];
}

/**
 * Points as the API sends them (`{ t, value }`, the wire format since 0.1) from the libraries' `{ timestamp, value }`.
 */
export function toWirePoints(points: readonly { readonly timestamp: number; readonly value: number }[]): HistoryPoint[] {
  return points.map((p) => ({ t: p.timestamp, value: p.value }));
}

/** Parse `name{k="v",…}` (a series key) into a name and labels. @public */
export function parseSeriesKey(key: string): { name: string; labels?: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0 || !key.endsWith('}')) return { name: key };
  const labels: Record<string, string> = {};
  const re = /([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*")/g;
  for (const m of key.slice(brace + 1, -1).matchAll(re)) labels[m[1] as string] = JSON.parse(m[2] as string) as string;
  return { name: key.slice(0, brace), labels };
}

/**
 * The daemon's history: `@ainka/telemetry`'s HistoryManager (SQLite, WAL, downsampling tiers, size bound)
 * under `<stateDir>/history.db`, plus the query shape of the local API. `ainka history` opens the same
 * file directly when the daemon is down.
 *
 * @public
 */
export class DaemonHistory {
  readonly manager: HistoryManager;

  constructor(opts: OpenHistoryOptions) {
    mkdirSync(dirname(opts.path), { recursive: true });
    const raw = opts.retentionMs ?? 6 * 3600_000;
    this.manager = new HistoryManager({
      path: opts.path,
      // 4 MiB of SQLite page cache (the library default is 16 MiB) keeps a long-running daemon small.
      cacheSizeKiB: 4096,
      tiers: [
        { name: 'raw', resolutionMs: 1000, retentionMs: raw },
        { name: '1m', resolutionMs: 60_000, retentionMs: Math.max(30 * 86_400_000, raw * 2) },
        { name: '1h', resolutionMs: 3_600_000, retentionMs: Math.max(365 * 86_400_000, raw * 4) },
      ],
      ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
      ...(opts.flushIntervalMs !== undefined ? { flushIntervalMs: opts.flushIntervalMs } : {}),
    });
  }

  /** Buffer samples for the next flush. */
  write(samples: readonly MetricSample[]): void {
    this.manager.write(samples);
  }

  /** Points of a metric (every series of that name) or of one series key, from `since` until now. */
  query(series: string, since: number, until = Date.now() + 1): HistoryResult {
    const { name, labels } = parseSeriesKey(series);
    this.manager.flush();
    const found = this.manager.query({ name, ...(labels !== undefined ? { labels } : {}), from: since, to: until });
    return { series: found.map((s) => ({ series: seriesKey(s), points: toWirePoints(s.points) })) };
  }

  /**
   * Buckets of `stepMs` (the mean per bucket) of one series key, every series of a metric, or `sum(metric)`
   * (the per-bucket sum over the metric's series), each bucket from the finest SQLite tier that holds it.
   */
  buckets(series: string, from: number, to: number, stepMs: number): HistoryBuckets {
    const sum = /^sum\((.+)\)$/.exec(series);
    const { name, labels } = parseSeriesKey(sum?.[1] ?? series);
    this.manager.flush();
    const found = this.manager.aggregate({ name, ...(labels !== undefined ? { labels } : {}), from, to, stepMs, fn: 'avg' });
    const tiers = [...new Set(found.flatMap((s) => s.tier.split(',')))].filter((t) => t !== '');
    if (sum !== null) {
      const total = new Map<number, number>();
      for (const s of found) for (const p of s.points) total.set(p.timestamp, (total.get(p.timestamp) ?? 0) + p.value);
      const points = [...total].sort((a, b) => a[0] - b[0]).map(([t, value]) => ({ t, value }));
      return { stepMs, tiers, series: found.length === 0 ? [] : [{ series, points }] };
    }
    return { stepMs, tiers, series: found.map((s) => ({ series: seriesKey(s), points: toWirePoints(s.points) })) };
  }

  /** Flush and close. */
  close(): void {
    try {
      this.manager.flush();
    } finally {
      this.manager.close();
    }
  }
}
