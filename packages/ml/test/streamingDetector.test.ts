import { describe, expect, it } from 'vitest';
import { EwmaDetector, seededRandom, StreamingAnomalyDetector } from '../src/index.js';

const STEP = 5 * 60_000;

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function scores(values: readonly number[]): number[] {
  const d = new StreamingAnomalyDetector();
  return values.map((x, i) => d.update(i * STEP, x).score);
}

function onsets(values: readonly number[]): number[] {
  const d = new StreamingAnomalyDetector();
  return values.map((x, i) => d.update(i * STEP, x).onsetScore);
}

describe('StreamingAnomalyDetector', () => {
  it('scores a spike in noise far above every point before it', () => {
    const rand = seededRandom(1);
    const values = Array.from({ length: 2000 }, () => 50 + gaussian(rand));
    values[1500] = 70;
    const s = scores(values);
    expect(s[1500]).toBeGreaterThan(0.95);
    expect(Math.max(...s.slice(300))).toBe(s[1500]);
    // New extremes of pure noise score, but rarely as much as a once-in-10-days event.
    expect(s.slice(300, 1500).filter((v) => v > 0.9).length).toBeLessThanOrEqual(3);
  });

  it('alerts once on a level shift and then treats the new level as normal', () => {
    const rand = seededRandom(2);
    const values = Array.from({ length: 3000 }, (_, i) => (i < 1500 ? 10 : 40) + gaussian(rand));
    const d = new StreamingAnomalyDetector({ alertScore: 0.95 });
    const results = values.map((x, i) => d.update(i * STEP, x));
    const s = results.map((r) => r.score);
    expect(Math.max(...s.slice(1500, 1505))).toBeGreaterThan(0.95);
    expect(results[2999]?.explanation.expected).toBeCloseTo(40, 0);
    expect(Math.max(...s.slice(1600))).toBeLessThan(0.9);
    expect(results.filter((r) => r.alert.onset).length).toBe(1);
  });

  it('does not alarm on a clean daily cycle but does on a break of the cycle', () => {
    const rand = seededRandom(3);
    const day = 288;
    const values = Array.from({ length: day * 12 }, (_, i) => 50 + 30 * Math.sin((2 * Math.PI * i) / day) + 0.5 * gaussian(rand));
    const quiet = onsets(values);
    expect(Math.max(...quiet.slice(day * 4))).toBeLessThan(0.9);
    // Flatten one afternoon at a value the cycle never holds for long: the cycle breaks.
    const broken = values.slice();
    for (let i = day * 9; i < day * 9 + 60; i++) broken[i] = 95;
    const s = onsets(broken);
    expect(Math.max(...s.slice(day * 9, day * 9 + 60))).toBeGreaterThan(0.95);
  });

  it('explains a score with the expected value, its chance rate and named components in [0, 1]', () => {
    const d = new StreamingAnomalyDetector();
    let last = d.update(0, 1);
    for (let i = 1; i < 400; i++) last = d.update(i * STEP, 1 + (i % 2) * 0.01);
    last = d.update(400 * STEP, 9);
    expect(last.explanation.expected).toBeCloseTo(1, 1);
    expect(last.explanation.reason).toMatch(/robust sigmas/);
    expect(last.explanation.reason).toMatch(/by chance about once in/);
    for (const v of Object.values(last.explanation.components ?? {})) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(last.score).toBeGreaterThan(0.95);
  });

  it('is deterministic and ignores non-finite values', () => {
    const a = scores([1, 2, 3, NaN, 4, 5, Infinity, 6]);
    const b = scores([1, 2, 3, NaN, 4, 5, Infinity, 6]);
    expect(a).toEqual(b);
    expect(a.every((x) => x >= 0 && x <= 1)).toBe(true);
  });

  it('rejects unknown and out-of-range options with a clear error', () => {
    expect(() => new StreamingAnomalyDetector({ warmupRows: 0 })).toThrow(/warmupRows must be an integer ≥ 2, got 0/);
    expect(() => new StreamingAnomalyDetector({ levelAlpha: 0.1 } as never)).toThrow(/unknown option "levelAlpha"/);
    try {
      new StreamingAnomalyDetector({ alertScore: 2 });
    } catch (e) {
      expect((e as { code?: string }).code).toBe('ERR_AINKA_ML_INVALID_OPTION');
    }
    expect(() => new StreamingAnomalyDetector({ alertScore: 2 })).toThrow(/alertScore/);
  });
});

describe('EwmaDetector', () => {
  it('scores a jump of many deviations near 1 and an ordinary point low', () => {
    const d = new EwmaDetector();
    const rand = seededRandom(9);
    let last = 0;
    for (let i = 0; i < 500; i++) last = d.update(i, 10 + gaussian(rand)).score;
    expect(last).toBeLessThan(0.8);
    expect(d.update(500, 30).score).toBeGreaterThan(0.99);
  });
});

describe('StreamingAnomalyDetector: level shifts inside the range seen so far', () => {
  const SECOND = 1000;
  /**
   * A utilisation-like series: noisy 0.2, an early 3-row spike to ~0.95 (it sets the range and the
   * point-surprise record), then from row 800 a sustained 90-row shift to 0.55, inside that range.
   */
  function busy(seed: number): number[] {
    const rand = seededRandom(seed);
    return Array.from({ length: 1500 }, (_, i) => {
      const base = i >= 150 && i < 153 ? 0.95 : i >= 800 && i < 890 ? 0.55 : 0.2;
      return Math.min(1, Math.max(0, base + 0.08 * gaussian(rand)));
    });
  }
  function onsetsAt(step: number, values: readonly number[]): { shift: number; normal: number } {
    const d = new StreamingAnomalyDetector();
    const on = values.map((x, i) => d.update(i * step, x).onsetScore);
    // Normal rows: after the spike and warm-up, before the shift, and once it has ended.
    return { shift: Math.max(...on.slice(800, 890)), normal: Math.max(...on.slice(300, 800), ...on.slice(950)) };
  }

  it('finds a sustained shift after an early spike set the range and the records (1 s rows)', () => {
    for (const seed of [11, 12, 13]) {
      const { shift, normal } = onsetsAt(SECOND, busy(seed));
      expect(shift).toBeGreaterThan(0.2);
      expect(shift).toBeGreaterThan(2 * normal);
    }
  });

  it('finds it at 5-minute rows too (the shift signal counts rows, not seconds)', () => {
    for (const seed of [11, 12, 13]) {
      const { shift, normal } = onsetsAt(STEP, busy(seed));
      expect(shift).toBeGreaterThan(0.5);
      expect(shift).toBeGreaterThan(1.5 * normal);
    }
  });

  it('does not start its level at the first value of a fast series (the level warms up as a mean)', () => {
    const rand = seededRandom(15);
    const d = new StreamingAnomalyDetector();
    let last = d.update(0, 0.9);
    for (let i = 1; i <= 300; i++) last = d.update(i * SECOND, 0.2 + 0.05 * gaussian(rand));
    expect(last.explanation.expected).toBeLessThan(0.3);
  });

  it('stays quiet on recurring bursts of the kind seen before (no shift alarms)', () => {
    const rand = seededRandom(16);
    // 60-row bursts every 300 rows: after the first few, a burst is normal for this series.
    const values = Array.from({ length: 3000 }, (_, i) => (i % 300 < 60 ? 0.6 : 0.2) + 0.08 * gaussian(rand));
    const d = new StreamingAnomalyDetector();
    const s = values.map((x, i) => d.update(i * SECOND, x).score);
    expect(Math.max(...s.slice(1500))).toBeLessThan(0.5);
  });
});

describe('StreamingAnomalyDetector: a second, smaller incident after a large one (cusumRank)', () => {
  /**
   * Noisy 0.2; a large 60-row incident (+0.6) at row 400, then a smaller 60-row shift (+0.3, 10 noise
   * sigmas, inside the range the first one set) at row 1000.
   */
  function twoIncidents(seed: number): number[] {
    const rand = seededRandom(seed);
    return Array.from({ length: 1600 }, (_, i) => 0.2 + (i >= 400 && i < 460 ? 0.6 : i >= 1000 && i < 1060 ? 0.3 : 0) + 0.03 * gaussian(rand));
  }
  function secondAndNormal(cusumRank: number, values: readonly number[]): { second: number; normal: number } {
    const d = new StreamingAnomalyDetector({ cusumRank });
    const on = values.map((x, i) => d.update(i * STEP, x).onsetScore);
    return { second: Math.max(...on.slice(1000, 1060)), normal: Math.max(...on.slice(250, 400), ...on.slice(520, 1000), ...on.slice(1120)) };
  }

  it('finds the second incident: its CUSUM is measured against the second-largest excursion, not the first incident', () => {
    for (const seed of [21, 22, 23]) {
      const { second, normal } = secondAndNormal(2, twoIncidents(seed));
      expect(second).toBeGreaterThan(0.6);
      expect(second).toBeGreaterThan(normal);
    }
  });

  it('misses it when the largest excursion is the bar (cusumRank 1): the first incident hides the second', () => {
    const missed = [21, 22, 23].filter((seed) => {
      const { second, normal } = secondAndNormal(1, twoIncidents(seed));
      return second <= Math.max(normal, 0.6);
    });
    expect(missed.length).toBeGreaterThanOrEqual(2);
  });

  it('rejects a cusumRank other than 1 or 2', () => {
    expect(() => new StreamingAnomalyDetector({ cusumRank: 3 })).toThrow(/cusumRank/);
  });
});
