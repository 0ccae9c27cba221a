const TWO_32 = 4294967296;
const TWO_64 = 18446744073709551616;

/**
 * The increase of a kernel counter between two reads, correct across wrap-around and resets.
 *
 * - `current >= previous`: the plain difference.
 * - `current < previous` and `previous` fits in 32 bits: the counter wrapped at 2^32 (e.g. the
 *   `unsigned int` millisecond fields of `/proc/diskstats`), unless the wrapped difference exceeds 2^31,
 *   which means the counter was reset (device re-attached, interface re-created): the increase is then
 *   `current` (counted from zero).
 * - otherwise the same rule at 2^64.
 *
 * Pass `bits` to force a width when the kernel type is known.
 *
 * @public
 */
export function counterDelta(previous: number, current: number, bits?: 32 | 64): number {
  if (current >= previous) return current - previous;
  const width = bits ?? (previous < TWO_32 ? 32 : 64);
  const range = width === 32 ? TWO_32 : TWO_64;
  const wrapped = range - previous + current;
  return wrapped > range / 2 ? current : wrapped;
}

/**
 * Per-second rate of a counter over `dtMs` milliseconds (see {@link counterDelta}); 0 when `dtMs <= 0`.
 *
 * @public
 */
export function counterRate(previous: number, current: number, dtMs: number, bits?: 32 | 64): number {
  if (!(dtMs > 0)) return 0;
  return (counterDelta(previous, current, bits) * 1000) / dtMs;
}
