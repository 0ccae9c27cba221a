import { DaemonHistory, type HistoryResult } from '@ainka/daemon';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from './context.js';
import { EXIT } from './exitCodes.js';
import { metricValue, parseSince, sparkline } from './format.js';

/**
 * `ainka history <metric> --since 10m`: from the daemon, or straight from its SQLite history when the
 * daemon is down.
 */
export async function historyCommand(ctx: Context, metric: string, o: { since: string; limit: string }): Promise<number> {
  const since = parseSince(o.since);
  let r: HistoryResult;
  let from = 'daemon';
  try {
    r = await ctx.withClient((c) => c.call<HistoryResult>('history', { metric, since }));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_AINKA_DAEMON_UNREACHABLE') throw err;
    const db = join(ctx.stateDir, 'history.db');
    if (!existsSync(db)) throw err;
    const h = new DaemonHistory({ path: db });
    try {
      r = h.query(metric, since);
    } finally {
      h.close();
    }
    from = db;
  }
  const limit = Number(o.limit);
  const out = { from, series: r.series.map((s) => ({ series: s.series, points: s.points.slice(-limit) })) };
  if (out.series.length === 0) {
    ctx.print(out, () => `no history for ${metric} since ${new Date(since).toISOString()} (from ${from})`);
    return EXIT.notFound;
  }
  ctx.print(out, () =>
    [
      `history of ${metric} since ${new Date(since).toISOString()} (from ${from})`,
      ...out.series.map((s) => {
        const v = s.points.map((p) => p.value);
        const last = v[v.length - 1];
        return `${s.series}  ${s.points.length} points  last ${last === undefined ? '-' : metricValue(s.series, last)}  min ${v.length ? metricValue(s.series, Math.min(...v)) : '-'}  max ${v.length ? metricValue(s.series, Math.max(...v)) : '-'}\n  ${sparkline(v, 60)}`;
      }),
    ].join('\n'),
  );
  return EXIT.ok;
}
