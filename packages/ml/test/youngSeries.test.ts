import { describe, expect, it } from 'vitest';
import { AnomalyBank, MlOptionError, seededRandom, StreamingAnomalyDetector, type StreamingDetectorOptions } from '../src/index.js';

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * A busy host's CPU share at 1 s: ~0.07 with noise, spikes of 3 s to 0.2–0.5 every 20–40 s (a build step,
 * cron, a request storm) and a 20 s busy spell at 0.1–0.2 every ~2 minutes. From `faultAt` on, a hog
 * holds it at 0.4–0.8 for a minute.
 */
function cpuSeries(seed: number, rows: number, faultAt: number): number[] {
  const rand = seededRandom(seed);
  const xs: number[] = [];
  let nextSpike = 20;
  let spikeLeft = 0;
  for (let i = 0; i < rows; i++) {
    if (i === nextSpike) {
      spikeLeft = 3;
      nextSpike = i + 20 + Math.floor(20 * rand());
    }
    let x = Math.max(0.005, 0.07 + 0.025 * gaussian(rand));
    if (i % 120 >= 60 && i % 120 < 80) x = 0.1 + 0.1 * rand();
    if (spikeLeft > 0) {
      spikeLeft--;
      x = 0.2 + 0.3 * rand();
    }
    if (i >= faultAt && i < faultAt + 60) x = 0.4 + 0.4 * rand();
    xs.push(x);
  }
  return xs;
}

interface Run {
  /** Seconds from the fault's onset to the alert's onset (Infinity: none within the fault). */
  delayS: number;
  reason: string;
  onsetRows: number;
  maxBeforeFault: number;
}

function run(xs: readonly number[], faultAt: number, options: StreamingDetectorOptions = {}): Run {
  const d = new StreamingAnomalyDetector({ warmupRows: 60, warmupSeconds: 120, alertScore: 0.99, ...options });
  let delayS = Infinity;
  let reason = '';
  let onsetRows = 0;
  let maxBeforeFault = 0;
  xs.forEach((x, i) => {
    const r = d.update(1_700_000_000_000 + i * 1000, x);
    if (i < faultAt) maxBeforeFault = Math.max(maxBeforeFault, r.score);
    if (i >= faultAt && i < faultAt + 60) {
      if (r.onsetScore >= 0.99) onsetRows++;
      if (r.alert.onset && delayS === Infinity) {
        delayS = i - faultAt;
        reason = r.explanation.reason;
      }
    }
  });
  return { delayS, reason, onsetRows, maxBeforeFault };
}

describe('StreamingAnomalyDetector: the young-series rule (a sustained extreme)', () => {
  it('alarms at 0.99 within seconds on a CPU hog 6 minutes into a busy series, with its own explanation', () => {
    const faultAt = 360;
    for (const seed of [1, 2, 3]) {
      const xs = cpuSeries(seed, faultAt + 120, faultAt);
      const r = run(xs, faultAt);
      // Five rows must show it; the alarm comes once they do.
      expect(r.delayS).toBeGreaterThanOrEqual(4);
      expect(r.delayS).toBeLessThanOrEqual(15);
      expect(r.reason).toMatch(/last 5 values are all at or above .* times further from the level .* sustained extreme on a young series \(6 min of history: a rule, not a tail probability\)/);
      // The spikes and busy spells before the fault never alarm.
      expect(r.maxBeforeFault).toBeLessThan(0.99);
      // One onset signal per run, not one per row.
      expect(r.onsetRows).toBe(1);
      // Without the rule the calibrated tail probability alone does not alarm on a 6-minute-old series.
      expect(run(xs, faultAt, { sustainRows: 0 }).delayS).toBe(Infinity);
    }
  });

  it('alarms on a sustained drop too (loopback traffic falling to 0 during network loss)', () => {
    const rand = seededRandom(5);
    const faultAt = 600;
    const xs = Array.from({ length: faultAt + 60 }, (_, i) => (i >= faultAt ? 0 : Math.max(0, 2.6e5 + 5e4 * gaussian(rand))));
    const r = run(xs, faultAt);
    expect(r.delayS).toBeLessThanOrEqual(10);
    expect(r.reason).toMatch(/all at or below 0\.0+,/);
    expect(run(xs, faultAt, { sustainRows: 0 }).delayS).toBe(Infinity);
  });

  it('does not fire on a burst shorter than sustainRows, however large', () => {
    const xs = cpuSeries(7, 480, 10_000);
    for (let i = 400; i < 404; i++) xs[i] = 1; // 4 rows of a pegged CPU
    const d = new StreamingAnomalyDetector({ warmupRows: 60, warmupSeconds: 120 });
    xs.forEach((x, i) => {
      const r = d.update(i * 1000, x);
      if (i >= 400) expect(r.explanation.reason).not.toMatch(/sustained extreme/);
    });
  });

  it('does not fire on a departure within ten resolutions (a 5 % memory step on a quiet series)', () => {
    const rand = seededRandom(8);
    const gib = 1024 ** 3;
    const xs = Array.from({ length: 900 }, (_, i) => gib * (i >= 600 ? 1.05 : 1) + 4096 * Math.round(10 * gaussian(rand)));
    const r = run(xs, 600);
    expect(r.delayS).toBe(Infinity);
  });

  it('is a young-series rule: past sustainSeconds only the calibrated tail probability decides', () => {
    const faultAt = 360;
    const xs = cpuSeries(1, faultAt + 120, faultAt);
    expect(run(xs, faultAt, { sustainSeconds: 300 }).delayS).toBe(Infinity);
    expect(run(xs, faultAt, { sustainSeconds: 400 }).delayS).toBeLessThanOrEqual(15);
  });

  it('is never certain during the warm-up', () => {
    const d = new StreamingAnomalyDetector({ warmupRows: 60, warmupSeconds: 120 });
    let last = d.update(0, 0.1);
    for (let i = 1; i < 67; i++) last = d.update(i * 1000, i < 60 ? 0.1 + 0.01 * (i % 3) : 0.9);
    // A blatant run at 66 s: the rule fires but confidence (66 of 120 s) caps the score.
    expect(last.explanation.reason).toMatch(/sustained extreme/);
    expect(last.score).toBeLessThanOrEqual(66 / 120 + 1e-9);
    expect(last.alert.active).toBe(false);
  });

  it('validates its options', () => {
    expect(() => new StreamingAnomalyDetector({ sustainRatio: 1 })).toThrow(MlOptionError);
    expect(() => new StreamingAnomalyDetector({ sustainRows: 2.5 })).toThrow(/sustainRows/);
    expect(() => new StreamingAnomalyDetector({ sustainScore: 1 })).toThrow(/sustainScore/);
  });

  it('opens an incident in an AnomalyBank as ainkad builds it (threshold 0.99) on a young series', () => {
    const bank = new AnomalyBank({ factory: () => new StreamingAnomalyDetector({ warmupRows: 60, warmupSeconds: 120, alertScore: 0.99 }), threshold: 0.99, maxSeries: 10 });
    const faultAt = 420;
    const xs = cpuSeries(4, faultAt + 60, faultAt);
    const opened: number[] = [];
    xs.forEach((x, i) => {
      if (bank.update('cpu.user_ratio', 'cpu.user_ratio', i * 1000, x) !== undefined) opened.push(i - faultAt);
    });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toBeGreaterThanOrEqual(4);
    expect(opened[0]).toBeLessThanOrEqual(15);
    expect(bank.active()[0]?.reason).toMatch(/sustained extreme on a young series/);
  });

  it('ends the alert of a lasting shift once the level model predicts the new level, so the next fault opens its own', () => {
    // Page cache at 1 s: 80 MB ± 0.3 MB; a CPU hog's start-up lifts it to 94 MB for good at 6 min; an
    // I/O storm at 20 min fills it at 10 MB/s. The first alert must not still be open (and silence the second)
    // for alertMaxSeconds (30 min).
    const rand = seededRandom(12);
    const mb = 1e6;
    const onsets: number[] = [];
    const d = new StreamingAnomalyDetector({ warmupRows: 60, warmupSeconds: 120, alertScore: 0.99 });
    let endedAt = -1;
    let wasActive = false;
    for (let i = 0; i < 1320; i++) {
      const x = (i < 360 ? 80 : i < 1200 ? 94 : 94 + 10 * (i - 1200)) * mb + 0.3 * mb * gaussian(rand);
      const r = d.update(i * 1000, x);
      if (r.alert.onset) onsets.push(i);
      if (wasActive && !r.alert.active && endedAt < 0) endedAt = i;
      wasActive = r.alert.active;
    }
    expect(onsets[0]).toBeGreaterThanOrEqual(360);
    expect(onsets[0]).toBeLessThanOrEqual(375);
    // Ended while the value stayed at its new level, well before alertMaxSeconds.
    expect(endedAt).toBeGreaterThan(400);
    expect(endedAt).toBeLessThan(1200);
    expect(onsets).toHaveLength(2);
    expect(onsets[1]).toBeGreaterThanOrEqual(1200);
    expect(onsets[1]).toBeLessThanOrEqual(1215);
  });
});
