import { nabDir } from './nabPath.js';
import { describe, expect, it } from 'vitest';
import { CapacityPlanner, seededRandom } from '../src/index.js';
import { loadNabCorpus } from '../src/nab.js';

const DAY = 86_400_000;
const STEP = 5 * 60_000;
const NAB = nabDir();

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

describe('CapacityPlanner', () => {
  it('finds when a disk growing 2 GB/day with a daily cycle fills, the true answer inside its band', () => {
    const rand = seededRandom(4);
    const p = new CapacityPlanner({ limit: 100 });
    const n = 7 * 288;
    for (let i = 0; i < n; i++) {
      const t = i * STEP;
      p.update(t, 40 + 2 * (t / DAY) + 3 * Math.sin((2 * Math.PI * t) / DAY) + 0.5 * gaussian(rand));
    }
    const e = p.estimate();
    const last = (n - 1) * STEP;
    // Trend at the end ≈ 40 + 2·7 = 54; the daily peak (+3) touches 100 when the trend reaches 97.
    const truth = ((97 - (40 + 2 * (last / DAY))) / 2) * DAY;
    expect(e.slopePerDay).toBeCloseTo(2, 0);
    expect(e.dailyPeak).toBeGreaterThan(2);
    expect(e.dailyPeak).toBeLessThan(4);
    expect(Math.abs(e.timeToLimit - truth)).toBeLessThan(2 * DAY);
    expect(e.earliest).toBeLessThanOrEqual(truth);
    expect(e.latest).toBeGreaterThanOrEqual(truth);
    expect(e.reason).toMatch(/reaches 100/);
  });

  it('uses only the data after a level shift, so a one-off jump is not read as growth', () => {
    const rand = seededRandom(5);
    const p = new CapacityPlanner({ limit: 100 });
    for (let i = 0; i < 2000; i++) p.update(i * STEP, (i < 1200 ? 30 : 60) + 0.3 * gaussian(rand));
    const e = p.estimate();
    expect(e.segmentStart).toBeGreaterThanOrEqual(1190 * STEP);
    expect(e.segmentStart).toBeLessThanOrEqual(1210 * STEP);
    expect(Math.abs(e.slopePerDay)).toBeLessThan(1);
    // A flat series may still drift within its band, but its central estimate is years away or never.
    expect(e.timeToLimit).toBeGreaterThan(365 * DAY);
  });

  it('handles a resource shrinking toward a floor (free memory toward 0)', () => {
    const p = new CapacityPlanner({ limit: 0, direction: 'down' });
    for (let i = 0; i < 1000; i++) p.update(i * STEP, 500 - i * 0.1);
    const e = p.estimate();
    expect(e.slopePerDay).toBeCloseTo(-0.1 * 288, 3);
    expect(e.timeToLimit / STEP).toBeCloseTo((500 - 999 * 0.1) / 0.1, 0);
  });

  it('reports a limit already reached as zero time left', () => {
    const p = new CapacityPlanner({ limit: 10 });
    for (let i = 0; i < 50; i++) p.update(i * STEP, 12);
    expect(p.estimate().timeToLimit).toBe(0);
  });

  it('on a real series (NAB ambient temperature, no lasting trend) puts a distant limit beyond the data it saw', () => {
    const corpus = loadNabCorpus(`${NAB}/data`, `${NAB}/labels/combined_windows.json`);
    const s = corpus.series.find((x) => x.name === 'realKnownCause/ambient_temperature_system_failure.csv');
    expect(s).toBeDefined();
    if (s === undefined) return;
    const p = new CapacityPlanner({ limit: 200, historySize: 2000 });
    for (let i = 0; i < s.values.length; i++) p.update(s.timestamps[i] as number, s.values[i] as number);
    const e = p.estimate();
    expect(e.timeToLimit).toBeGreaterThan(180 * DAY);
    expect(Number.isFinite(e.slopePerDay)).toBe(true);
  });

  it('explains too little data instead of guessing', () => {
    const p = new CapacityPlanner({ limit: 1 });
    p.update(0, 0.5);
    expect(p.estimate().reason).toMatch(/at least 10/);
  });
});

describe('CapacityPlanner on smooth data', () => {
  it('does not read a noiseless ramp with a daily cycle as level shifts', () => {
    const p = new CapacityPlanner({ limit: 100 });
    for (let i = 0; i < 3 * 288; i++) {
      const t = i * STEP;
      p.update(t, 40 + 2 * (t / DAY) + 3 * Math.sin((2 * Math.PI * i) / 288));
    }
    const e = p.estimate();
    expect(e.segmentStart).toBe(0);
    expect(e.slopePerDay).toBeGreaterThan(1.8);
    expect(e.slopePerDay).toBeLessThan(2.2);
  });

  it('ignores a single spike: neither a level shift nor a tilt of the trend', () => {
    const p = new CapacityPlanner({ limit: 100 });
    for (let i = 0; i < 3 * 288; i++) {
      const t = i * STEP;
      const v = 40 + 2 * (t / DAY) + 3 * Math.sin((2 * Math.PI * i) / 288);
      p.update(t, i === 700 ? v + 25 : v);
    }
    const e = p.estimate();
    expect(e.segmentStart).toBe(0);
    // Trend ends at 46, the daily peak adds 3: the limit is 51 / 2 = 25.5 days away.
    expect(e.timeToLimit / DAY).toBeGreaterThan(25);
    expect(e.timeToLimit / DAY).toBeLessThan(26);
  });
});
