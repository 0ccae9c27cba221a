import { isAinkaError } from '@ainka/errors';
import { describe, expect, it } from 'vitest';
import { SeriesWindows } from '../src/collectors.js';

describe('SeriesWindows: the last N points of every series', () => {
  it('keeps the newest `capacity` points per series, oldest first, overwriting the oldest', () => {
    const w = new SeriesWindows(3);
    for (let i = 1; i <= 5; i++) w.push('a', i * 1000, i * 10);
    w.push('b', 500, -1);
    expect(w.points('a')).toEqual([
      { timestamp: 3000, value: 30 },
      { timestamp: 4000, value: 40 },
      { timestamp: 5000, value: 50 },
    ]);
    expect(w.values('a')).toEqual([30, 40, 50]);
    expect(w.values('a', 2)).toEqual([40, 50]);
    expect(w.last('a')).toBe(50);
    expect(w.lastAt('a')).toBe(5000);
    expect(w.points('b')).toEqual([{ timestamp: 500, value: -1 }]);
    expect([...w.keys()]).toEqual(['a', 'b']);
    expect(w.size).toBe(2);
  });

  it('filters points by `since` and answers nothing for an unknown series', () => {
    const w = new SeriesWindows(10);
    for (let i = 0; i < 5; i++) w.push('a', i * 1000, i);
    expect(w.points('a', 3000).map((p) => p.value)).toEqual([3, 4]);
    expect(w.points('nope')).toEqual([]);
    expect(w.last('nope')).toBeUndefined();
    expect(w.lastAt('nope')).toBeUndefined();
  });

  it('held(): true only when every point since `since` passes and the kept points reach back that far', () => {
    const w = new SeriesWindows(4);
    for (let t = 0; t <= 5000; t += 1000) w.push('hot', t, 0.95);
    // Kept: t = 2000 … 5000. Held since 3000: yes. Since 1000: the points do not reach back that far.
    expect(w.held('hot', 3000, (v) => v > 0.9)).toBe(true);
    expect(w.held('hot', 1000, (v) => v > 0.9)).toBe(false);
    w.push('hot', 6000, 0.5);
    expect(w.held('hot', 3000, (v) => v > 0.9)).toBe(false);
    expect(w.held('missing', 0, () => true)).toBe(false);
  });

  it('stores timestamps as int32 offsets and stays exact when one does not fit (fractional, weeks apart, earlier)', () => {
    const w = new SeriesWindows(4);
    const t0 = 1_765_000_000_123;
    w.push('ms', t0, 1);
    w.push('ms', t0 + 1000, 2);
    w.push('ms', t0 - 5000, 3); // before the first point: a negative offset
    expect(w.points('ms').map((p) => p.timestamp)).toEqual([t0, t0 + 1000, t0 - 5000]);
    // 30 days later does not fit an int32 of ms: the ring switches to float64 and keeps every point exact
    const late = t0 + 30 * 86_400_000;
    w.push('ms', late, 4);
    w.push('ms', late + 1, 5);
    expect(w.points('ms')).toEqual([
      { timestamp: t0 + 1000, value: 2 },
      { timestamp: t0 - 5000, value: 3 },
      { timestamp: late, value: 4 },
      { timestamp: late + 1, value: 5 },
    ]);
    expect(w.lastAt('ms')).toBe(late + 1);
    // fractional milliseconds (performance.now()-style clocks) too
    w.push('frac', 1000.25, 1);
    w.push('frac', 2000.5, 2);
    w.push('frac', 3000, 3);
    expect(w.points('frac').map((p) => p.timestamp)).toEqual([1000.25, 2000.5, 3000]);
    expect(w.held('frac', 2000.5, (v) => v >= 2)).toBe(true);
    expect(w.forgetBefore(late)).toBe(1);
    expect([...w.keys()]).toEqual(['ms']);
  });

  it('refuses a capacity that is not a positive integer, naming the fix', () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) {
      let caught: unknown;
      try {
        new SeriesWindows(bad);
      } catch (err) {
        caught = err;
      }
      expect(isAinkaError(caught, 'ERR_AINKA_TELEMETRY_INVALID_OPTION')).toBe(true);
      expect((caught as Error).message).toMatch(/positive integer/);
    }
  });

  it('forgets series whose latest point is older than a time', () => {
    const w = new SeriesWindows(4);
    for (let i = 1; i <= 6; i++) w.push('live', i * 1000, i);
    w.push('gone', 1000, 1);
    w.push('gone', 2000, 2);
    expect(w.forgetBefore(3000)).toBe(1);
    expect([...w.keys()]).toEqual(['live']);
    expect(w.points('gone')).toEqual([]);
    expect(w.last('live')).toBe(6);
    expect(w.forgetBefore(6000)).toBe(0);
    expect(w.forgetBefore(6001)).toBe(1);
    expect(w.size).toBe(0);
  });
});
