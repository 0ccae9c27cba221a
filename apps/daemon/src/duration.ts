import parse from 'parse-duration';
import { DaemonError } from './errors.js';

/**
 * The unit a duration is returned in: milliseconds, seconds, minutes or hours (the units of the
 * `…Ms`, `…Seconds`, `…Minutes` and `…Hours` keys of `ainkad.yaml`).
 *
 * @public
 */
export type DurationUnit = 'ms' | 's' | 'm' | 'h';

/** One `<number><unit>` term: `90s`, `1.5h`, `250ms` (units as `parse-duration` spells them, letters only). */
const TERM = /\s*(\d+(?:\.\d+)?)\s*([a-zµ]+)\s*/giy;

/**
 * Parses a human duration — `250ms`, `90s`, `5m`, `1h30m`, `2d`, `1w`, or a bare number, which is taken in
 * `unit` — into a number of `unit`s. The conversion is `parse-duration`'s; this function only makes it
 * strict: every character must belong to a `<number><unit>` term, the value must be finite and not
 * negative, so a typo is an error instead of a silently shorter duration.
 *
 * Shared by `ainkad.yaml` (every `…Ms`, `…Seconds`, `…Minutes`, `…Hours` key also takes such a string) and
 * the `ainka` CLI (`--since`, `--range`, `--step`).
 *
 * @param text - the duration as written, or a number already in `unit`
 * @param unit - the unit of the result (and of a bare number)
 * @param what - what the value is for, named in the error (e.g. `--range`, `history.flushIntervalMs`)
 * @returns the duration in `unit` (fractions kept: `parseDuration('90s', 'm')` is 1.5)
 * @throws DaemonError `ERR_AINKA_DAEMON_DURATION_INVALID` naming the text and the accepted forms
 * @example
 * ```ts
 * parseDuration('1h30m', 's'); // 5400
 * parseDuration('250ms', 's'); // 0.25
 * parseDuration('90', 's'); // 90: a bare number is in the unit asked for
 * parseDuration('5 minutes', 'ms'); // 300000
 * ```
 * @public
 */
export function parseDuration(text: string | number, unit: DurationUnit, what = 'duration'): number {
  const fail = (why: string): never => {
    throw new DaemonError('ERR_AINKA_DAEMON_DURATION_INVALID', `${what} ${JSON.stringify(String(text))} ${why}; write a number with a unit such as 250ms, 90s, 5m, 1h30m or 2d (a bare number is in ${UNIT_NAMES[unit]}).`);
  };
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) fail('is not a finite, non-negative number');
    return text;
  }
  const s = text.trim();
  if (s === '') fail('is empty');
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  TERM.lastIndex = 0;
  let end = 0;
  while (TERM.lastIndex < s.length) {
    const m = TERM.exec(s);
    if (m === null) break;
    end = TERM.lastIndex;
    if (parse(`1${m[2] ?? ''}`) === null) fail(`has the unknown unit "${m[2] ?? ''}"`);
  }
  if (end !== s.length) fail('is not a duration');
  const value = parse(s, unit);
  if (value === null || value === undefined || !Number.isFinite(value) || value < 0) fail('is not a duration');
  return value as number;
}

const UNIT_NAMES: Record<DurationUnit, string> = { ms: 'milliseconds', s: 'seconds', m: 'minutes', h: 'hours' };
