/** Parse a duration: `30s`, `30 s`, `5m`, `1h`, `500ms`, `2d`, or a number of seconds. Returns seconds, or `undefined`. */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?\s*$/.exec(input);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  if (unit === 'ms') return n / 1000;
  if (unit.startsWith('s')) return n;
  if (unit.startsWith('m')) return n * 60;
  if (unit.startsWith('h')) return n * 3600;
  return n * 86400;
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, '%': 1 };

/** Parse a number with an optional unit suffix (`20`, `1.5e3`, `64MiB`, `2G`, `20%`). Returns `undefined` if not a number. */
export function parseQuantity(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  const m = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(KiB|MiB|GiB|TiB|k|K|M|G|%)?\s*$/.exec(input);
  if (!m) return undefined;
  return Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1);
}

/** Format seconds compactly (`30 s`, `5 min`, `2 h`). */
export function formatDuration(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
