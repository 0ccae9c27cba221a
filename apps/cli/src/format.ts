import { parseDuration } from '@ainka/daemon';
import stringWidth from 'string-width';
/** Human formats shared by the commands. */

/** Bytes with a binary unit. */
export function bytes(v: number | undefined | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '-';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < u.length - 1) {
    x /= 1024;
    i++;
  }
  return `${v < 0 ? '-' : ''}${x.toFixed(i === 0 ? 0 : 1)} ${u[i]}`;
}

/** A ratio as a percentage. */
export function pct(v: number | undefined | null): string {
  return v === undefined || v === null ? '-' : `${(v * 100).toFixed(1)}%`;
}

/** A number with `d` decimals. */
export function num(v: number | undefined | null, d = 2): string {
  return v === undefined || v === null || !Number.isFinite(v) ? '-' : v.toFixed(d);
}

/** A value formatted by the unit its metric name ends with. */
export function metricValue(series: string, v: number): string {
  const name = series.replace(/\{.*$/, '').replace(/^sum\((.*)\)$/, '$1');
  if (name.endsWith('_ratio')) return pct(v);
  if (name.endsWith('_bytes_per_second')) return `${bytes(v)}/s`;
  if (name.endsWith('_bytes')) return bytes(v);
  if (name.endsWith('_seconds')) return `${num(v * 1000, 1)} ms`;
  return num(v, Math.abs(v) >= 100 ? 0 : 2);
}

const BLOCKS = ' ▁▂▃▄▅▆▇█';

/** A one-line sparkline of values. */
export function sparkline(values: readonly number[], width = 30): string {
  const v = values.slice(-width);
  if (v.length === 0) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v.map((x) => BLOCKS[hi === lo ? 1 : Math.round(((x - lo) / (hi - lo)) * 8)] ?? ' ').join('');
}

/** A horizontal bar of `width` cells for a fraction in [0, 1]. */
export function bar(fraction: number, width = 20): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

/** A duration in seconds as `1h02m`, `3m10s`, `12s`. */
export function duration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return 'never';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  if (s < 86400 * 2) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${(s / 86400).toFixed(1)}d`;
}

/**
 * A left-aligned table, aligned by the cells' width on a terminal (string-width: East Asian wide
 * characters and emoji take two columns, combining marks and ANSI colour codes none).
 */
export function table(rows: readonly (readonly string[])[], header?: readonly string[]): string {
  const all = header === undefined ? rows : [header, ...rows];
  const widths: number[] = [];
  for (const r of all) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(c))));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - stringWidth(c)))).join('  ')).join('\n');
}

/**
 * `--since`: a duration back from now (`30s`, `10m`, `1h30m`, `2d`; a bare number is seconds, parsed by
 * `@ainka/daemon`'s `parseDuration`, the parser of ainkad.yaml's durations) or a date (`2026-12-07T10:00Z`),
 * as ms since the epoch. Neither: `ERR_AINKA_DAEMON_DURATION_INVALID` (exit 2).
 */
export function parseSince(s: string, now = Date.now()): number {
  try {
    return now - parseDuration(s, 's', '--since') * 1000;
  } catch (err) {
    // Not a duration: a date, else the duration's error (it names the accepted forms).
    const t = /\d{4}-\d{2}-\d{2}/.test(s) ? Date.parse(s) : Number.NaN;
    if (Number.isNaN(t)) throw err;
    return t;
  }
}
