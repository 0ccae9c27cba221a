import { describe, expect, it } from 'vitest';
import { AnomalyBank, MlOptionError, StreamingAnomalyDetector, seededRandom, type AnomalyDetector, type AnomalyResult } from '../src/index.js';

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** A detector without an alert state: its score is the value itself (so the bank's threshold decides). */
function scoreIsValue(): AnomalyDetector {
  return { name: 'identity', update: (_t, x): AnomalyResult => ({ score: x, explanation: { reason: `value ${x}`, expected: 0 } }) };
}

describe('AnomalyBank: per-series detectors turned into incidents', () => {
  it('opens one incident at the onset of a blatant 1 Hz fault, holds it (and its score) for the incident, then closes it', () => {
    const bank = new AnomalyBank({
      factory: () => new StreamingAnomalyDetector({ warmupRows: 60, warmupSeconds: 120, alertScore: 0.99 }),
      threshold: 0.99,
      maxSeries: 10,
    });
    const rand = seededRandom(21);
    const start = 2 * 86_400; // two days of 1 Hz history
    const opened: number[] = [];
    let activeDuringFault = 0;
    let scoreDuringFault = Infinity;
    for (let i = 0; i < start + 600; i++) {
      const fault = i >= start && i < start + 120;
      const v = 0.1 + 0.01 * gaussian(rand) + (fault ? 0.8 : 0);
      if (bank.update('cpu.busy_ratio', 'cpu.busy_ratio', i * 1000, v) !== undefined) opened.push(i);
      if (fault && i >= start + 10) {
        if (bank.isActive('cpu.busy_ratio')) activeDuringFault++;
        scoreDuringFault = Math.min(scoreDuringFault, bank.score('cpu.busy_ratio') ?? 0);
      }
    }
    expect(opened).toHaveLength(1);
    expect((opened[0] as number) - start).toBeLessThanOrEqual(10);
    expect(activeDuringFault).toBe(110);
    expect(scoreDuringFault).toBeGreaterThanOrEqual(0.99);
    expect(bank.isActive('cpu.busy_ratio')).toBe(false);
    expect(bank.active()).toHaveLength(0);
    expect(bank.all()).toHaveLength(1);
    const incident = bank.all()[0];
    expect(incident?.timestamp).toBe((opened[0] as number) * 1000);
    expect(incident?.lastTimestamp).toBeGreaterThanOrEqual((start + 110) * 1000);
    expect(bank.find(incident?.id ?? '')).toEqual(incident);
  });

  it('with a detector without alert state: opens at the threshold, dedupes while hot, closes after quietMs', () => {
    const bank = new AnomalyBank({ factory: scoreIsValue, threshold: 0.9, maxSeries: 10, quietMs: 5_000 });
    const feed = (t: number, v: number) => bank.update('s', 's', t * 1000, v);
    expect(feed(0, 0.1)).toBeUndefined();
    const first = feed(1, 0.95);
    expect(first).toMatchObject({ id: 'A1', series: 's', value: 0.95, expected: 0, score: 0.95, reason: 'value 0.95', timestamp: 1000, lastTimestamp: 1000, count: 1 });
    expect(feed(2, 0.97)).toBeUndefined();
    expect(bank.active()[0]).toMatchObject({ id: 'A1', count: 2, score: 0.97, lastTimestamp: 2000, value: 0.97 });
    feed(3, 0.1);
    feed(7, 0.1); // 4 s quiet: still open
    expect(bank.isActive('s')).toBe(true);
    feed(8, 0.1); // 5 s quiet: closed
    expect(bank.isActive('s')).toBe(false);
    expect(feed(9, 0.99)?.id).toBe('A2');
    expect(bank.all().map((i) => i.id)).toEqual(['A2', 'A1']);
  });

  it('gives at most maxSeries series a detector, skips excluded names, and keeps only keepClosed closed incidents', () => {
    const bank = new AnomalyBank({ factory: scoreIsValue, threshold: 0.5, maxSeries: 2, exclude: (name) => name.startsWith('process.'), quietMs: 0, keepClosed: 1 });
    bank.update('process.rss_bytes{pid=1}', 'process.rss_bytes', 0, 1);
    bank.update('a', 'a', 0, 1);
    bank.update('b', 'b', 0, 1);
    bank.update('c', 'c', 0, 1);
    expect(bank.detectorCount).toBe(2);
    expect(bank.droppedCount).toBe(1);
    expect(bank.score('process.rss_bytes{pid=1}')).toBeUndefined();
    for (const k of ['a', 'b']) {
      bank.update(k, k, 1, 0);
      bank.update(k, k, 2, 0);
    }
    expect(bank.all().map((i) => i.series)).toEqual(['b']);
  });

  it('rejects a threshold outside [0, 1] and a bad maxSeries with MlOptionError', () => {
    expect(() => new AnomalyBank({ factory: scoreIsValue, threshold: 1.5, maxSeries: 1 })).toThrow(MlOptionError);
    expect(() => new AnomalyBank({ factory: scoreIsValue, threshold: 0.5, maxSeries: -1 })).toThrow(/maxSeries must be a non-negative integer/);
  });

  it('forgets series gone since a time: their detectors free room for new series and their open incident closes', () => {
    const bank = new AnomalyBank({ factory: scoreIsValue, threshold: 0.9, maxSeries: 2 });
    expect(bank.update('process.rss{pid=1}', 'process.rss', 1000, 0.95)?.series).toBe('process.rss{pid=1}');
    bank.update('process.rss{pid=2}', 'process.rss', 1000, 0.1);
    bank.update('process.rss{pid=2}', 'process.rss', 9000, 0.1);
    // full: a third series gets no detector
    bank.update('process.rss{pid=3}', 'process.rss', 9000, 0.1);
    expect(bank.droppedCount).toBe(1);
    expect(bank.forgetBefore(5000)).toBe(1);
    expect(bank.detectorCount).toBe(1);
    expect(bank.score('process.rss{pid=1}')).toBeUndefined();
    expect(bank.isActive('process.rss{pid=1}')).toBe(false);
    expect(bank.all().map((i) => i.series)).toEqual(['process.rss{pid=1}']); // kept, closed
    bank.update('process.rss{pid=3}', 'process.rss', 10_000, 0.1);
    expect(bank.score('process.rss{pid=3}')).toBe(0.1);
    expect(bank.droppedCount).toBe(1);
    expect(bank.forgetBefore(5000)).toBe(0);
  });
});

describe('AnomalyBank: host-level groups (groupMs)', () => {
  /** Series whose value is their score (threshold 0.5): a 1 opens an incident, a 0 lets it close. */
  function feed(bank: AnomalyBank, hot: Record<string, readonly number[]>, seconds: number): Array<{ t: number; series: string; id: string; group: string; groupIndex: number }> {
    const opened: Array<{ t: number; series: string; id: string; group: string; groupIndex: number }> = [];
    for (let t = 0; t < seconds; t++) {
      for (const [series, at] of Object.entries(hot)) {
        const v = at.some((s) => t >= s && t < s + 5) ? 1 : 0;
        const i = bank.update(series, series, t * 1000, v);
        if (i !== undefined) opened.push({ t, series, id: i.id, group: i.group, groupIndex: i.groupIndex });
      }
    }
    return opened;
  }

  it('puts incidents that open within groupMs of a group’s first incident in that group, and a later one in a new group', () => {
    const bank = new AnomalyBank({ factory: scoreIsValue, threshold: 0.5, maxSeries: 10, groupMs: 30_000, quietMs: 1000 });
    // A load starts: three series move within 25 s; a fault 5 minutes later moves a fourth.
    const opened = feed(bank, { a: [100], b: [110], c: [125], d: [400] }, 500);
    expect(opened.map((o) => o.series)).toEqual(['a', 'b', 'c', 'd']);
    const [a, b, c, d] = opened;
    expect(a!.group).toBe(a!.id);
    expect([b!.group, c!.group]).toEqual([a!.id, a!.id]);
    expect(opened.map((o) => o.groupIndex)).toEqual([1, 2, 3, 1]);
    expect(d!.group).toBe(d!.id);
    expect(bank.find(b!.id)?.group).toBe(a!.id);
  });

  it('measures the window from the group’s first incident, so a chain of openings never grows one group without end', () => {
    const bank = new AnomalyBank({ factory: scoreIsValue, threshold: 0.5, maxSeries: 10, groupMs: 30_000, quietMs: 1000 });
    const opened = feed(bank, { a: [100], b: [120], c: [140], d: [160] }, 300);
    expect(opened.map((o) => o.group)).toEqual([opened[0]!.id, opened[0]!.id, opened[2]!.id, opened[2]!.id]);
  });

  it('keeps every incident a group of its own by default, and rejects a negative groupMs', () => {
    const bank = new AnomalyBank({ factory: scoreIsValue, threshold: 0.5, maxSeries: 10, quietMs: 1000 });
    const opened = feed(bank, { a: [100], b: [101] }, 200);
    expect(opened.map((o) => o.group)).toEqual(opened.map((o) => o.id));
    expect(() => new AnomalyBank({ factory: scoreIsValue, threshold: 0.5, maxSeries: 10, groupMs: -1 })).toThrow(MlOptionError);
  });
});
