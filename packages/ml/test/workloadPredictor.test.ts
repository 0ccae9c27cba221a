import { describe, expect, it } from 'vitest';
import { ArForecaster, backtestForecaster, detectSeasonality, HoltWinters, seededRandom, WorkloadPredictor } from '../src/index.js';

const STEP = 5 * 60_000;
const DAY_ROWS = 288;

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function daily(n: number, seed: number, noise = 1): number[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / DAY_ROWS) + 0.01 * i + noise * gaussian(rand));
}

describe('seasonality and members', () => {
  it('detects a daily period among calendar candidates and rejects white noise', () => {
    expect(detectSeasonality(daily(DAY_ROWS * 4, 1), [DAY_ROWS, DAY_ROWS * 7])?.period).toBe(DAY_ROWS);
    const rand = seededRandom(2);
    expect(detectSeasonality(Array.from({ length: 2000 }, () => gaussian(rand)), [DAY_ROWS])).toBeUndefined();
  });

  it('Holt-Winters forecasts a clean seasonal series almost exactly', () => {
    const v = daily(DAY_ROWS * 5, 3, 0);
    const hw = HoltWinters.select(v.slice(0, DAY_ROWS * 4), DAY_ROWS);
    const f = hw.forecast(12);
    for (let k = 0; k < 12; k++) expect(f[k]).toBeCloseTo(v[DAY_ROWS * 4 + k] as number, 0);
  });

  it('AR recovers the coefficients of an AR(2) process', () => {
    const rand = seededRandom(4);
    const x = [0, 0];
    for (let i = 2; i < 5000; i++) x.push(5 + 0.6 * (x[i - 1] as number) - 0.2 * (x[i - 2] as number) + gaussian(rand));
    const ar = new ArForecaster([1, 2]);
    expect(ar.fit(x)).toBe(true);
    // One step ahead from (10, 10): 5 + 0.6·10 − 0.2·10 = 9.
    expect(ar.forecast([10, 10], 1)[0]).toBeCloseTo(9, 0);
  });
});

describe('WorkloadPredictor', () => {
  it('beats seasonal naive on a noisy daily series, with ~80% interval coverage', () => {
    const v = daily(DAY_ROWS * 10, 5, 3);
    const ts = v.map((_, i) => i * STEP);
    const p = new WorkloadPredictor({ horizon: 12 });
    const r = backtestForecaster(ts, v, p, { horizon: 12, stride: 6, startFraction: 0.3 });
    expect(p.seasonality?.period).toBe(DAY_ROWS);
    expect(r.mase).toBeLessThan(1);
    expect(r.coverage).toBeGreaterThan(0.72);
    expect(r.coverage).toBeLessThan(0.88);
  });

  it('gives ordered intervals, timestamps on the sampling grid, and weights that sum to 1', () => {
    const v = daily(DAY_ROWS * 3, 6);
    const p = new WorkloadPredictor({ horizon: 6 });
    v.forEach((x, i) => p.update(i * STEP, x));
    const f = p.forecast(6);
    expect(f).toHaveLength(6);
    f.forEach((pt, k) => {
      expect(pt.lower).toBeLessThanOrEqual(pt.mean);
      expect(pt.upper).toBeGreaterThanOrEqual(pt.mean);
      expect(pt.t).toBe((v.length - 1 + k + 1) * STEP);
    });
    const w = Object.values(p.weights).reduce((a, b) => a + b, 0);
    expect(w).toBeCloseTo(1, 10);
  });

  it('is deterministic', () => {
    const run = (): number[] => {
      const p = new WorkloadPredictor();
      daily(1500, 7).forEach((x, i) => p.update(i * STEP, x));
      return p.forecast(3).map((f) => f.mean);
    };
    expect(run()).toEqual(run());
  });

  it('widens its early intervals with the coverage asked for (normal quantile of coverage, not a constant)', () => {
    const width = (coverage: number): number => {
      const p = new WorkloadPredictor({ coverage, horizon: 3 });
      daily(40, 8).forEach((x, i) => p.update(i * STEP, x));
      const f = p.forecast(1)[0]!;
      return f.upper - f.mean;
    };
    // Before its own error quantiles are calibrated the half-width is z(coverage)·σ·√h.
    expect(width(0.95) / width(0.8)).toBeCloseTo(1.96 / 1.2816, 2);
  });

  it('keeps a bounded ring of history and rejects bad options by name', () => {
    const p = new WorkloadPredictor({ historySize: 64 });
    daily(2000, 9).forEach((x, i) => p.update(i * STEP, x));
    expect(p.forecast(2)).toHaveLength(2);
    expect(() => new WorkloadPredictor({ coverage: 1.5 })).toThrow(/coverage must be a probability in \(0, 1\), got 1.5/);
    expect(() => new WorkloadPredictor({ horizon: 0 })).toThrow(/horizon must be an integer ≥ 1/);
  });
});
