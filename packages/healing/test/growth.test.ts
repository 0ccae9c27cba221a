import { describe, expect, it } from 'vitest';
import { estimateGrowth, secondsToExhaustion, type GrowthPoint } from '../src/index.js';

const MiB = 1024 * 1024;
/** A synthetic series: one point per second for `n` seconds. */
function series(n: number, f: (s: number) => number): GrowthPoint[] {
  return Array.from({ length: n }, (_, s) => ({ t: 1_000_000 + s * 1000, value: f(s) }));
}
/** Deterministic noise in [-1, 1]. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

describe('estimateGrowth', () => {
  it('finds the rate of a steady leak', () => {
    const g = estimateGrowth(series(300, (s) => 100 * MiB + s * MiB));
    expect(g?.ratePerSecond).toBeCloseTo(MiB, -3);
    expect(g?.tau).toBe(1);
    expect(g?.steady).toBe(true);
  });

  it('sees a leak under a GC sawtooth at its floor rate, not the within-tooth rate', () => {
    // Heap grows 20 MiB/s between collections every 15 s; the floor after each collection leaks 0.5 MiB/s.
    const g = estimateGrowth(series(300, (s) => 200 * MiB + 0.5 * MiB * s + (s % 15) * 20 * MiB));
    expect(g).toBeDefined();
    expect(g?.ratePerSecond).toBeGreaterThan(0.3 * MiB);
    expect(g?.ratePerSecond).toBeLessThan(0.8 * MiB);
    expect(g?.steady).toBe(true);
  });

  it('calls a GC sawtooth without a leak flat, whatever its period', () => {
    for (const period of [7, 15, 29, 45, 70]) {
      const g = estimateGrowth(series(300, (s) => 200 * MiB + (s % period) * 4 * MiB + noise(s) * MiB));
      expect(g, `period ${period}`).toBeDefined();
      expect(g?.steady, `period ${period}`).toBe(false);
    }
  });

  it('does not call a one-off step (a cache warming up) a leak', () => {
    for (const at of [30, 150, 270]) {
      const g = estimateGrowth(series(300, (s) => (s < at ? 100 : 180) * MiB + noise(s) * 0.1 * MiB));
      expect(g?.steady, `step at ${at}`).toBe(false);
    }
  });

  it('sees a leak that started in the middle of the window', () => {
    const g = estimateGrowth(series(300, (s) => 50 * MiB + Math.max(0, s - 120) * MiB + noise(s) * MiB));
    expect(g?.steady).toBe(true);
  });

  it('calls noise around a level flat', () => {
    const g = estimateGrowth(series(300, (s) => 64 + Math.round(noise(s) * 5)));
    expect(g?.steady).toBe(false);
    expect(Math.abs(g?.tau ?? 1)).toBeLessThan(0.6);
  });

  it('needs at least three floors and refuses a silly bucket count', () => {
    expect(estimateGrowth(series(2, (s) => s))).toBeUndefined();
    expect(() => estimateGrowth(series(10, (s) => s), { buckets: 2 })).toThrow(/ERR_AINKA_HEALING_INVALID_OPTION|buckets/);
  });

  it('gives the time to exhaustion, or null when nothing grows', () => {
    expect(secondsToExhaustion(600 * MiB, MiB)).toBe(600);
    expect(secondsToExhaustion(600, 0)).toBeNull();
    expect(secondsToExhaustion(null, 1)).toBeNull();
  });
});
