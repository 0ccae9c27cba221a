import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultSources, HistoryManager, type MetricSample, seriesKey, SeriesLabels } from '../src/index.js';
import { cleanupTemp, copySnapshot, ctx, tempDir } from './helpers.js';

afterEach(cleanupTemp);

/** The key as computed without any cache. */
function plainKey(s: { name: string; labels?: Readonly<Record<string, string>> }): string {
  return seriesKey({ name: s.name, ...(s.labels !== undefined ? { labels: { ...s.labels } } : {}) });
}

describe('series keys computed once per series', () => {
  it('the per-entity sources (processes, cgroups, disks, interfaces, CPUs) reuse one frozen labels object per series', () => {
    const root = tempDir();
    copySnapshot('t0', root);
    const sources = createDefaultSources({ root, processes: { slices: 1 } });
    const tick = (t: number): MetricSample[] =>
      sources.flatMap((s) => {
        try {
          return (s.collect?.(ctx(t)) as MetricSample[] | undefined) ?? [];
        } catch {
          return []; // unavailable on this tree (cpufreq)
        }
      });
    tick(0);
    copySnapshot('t1', root);
    const a = tick(1000);
    const b = tick(2000);
    const perEntity = /^(process|cgroup|disk|net|cpu)\./;
    const labelled = a.filter((s) => s.labels !== undefined && perEntity.test(s.name));
    expect(labelled.length).toBeGreaterThan(20);
    const byKey = new Map(b.map((s) => [seriesKey(s), s]));
    for (const s of labelled) {
      expect({ name: s.name, frozen: Object.isFrozen(s.labels) }).toEqual({ name: s.name, frozen: true });
      const key = seriesKey(s);
      expect(key).toBe(plainKey(s)); // the cached key is the canonical one
      const again = byKey.get(key);
      if (again !== undefined) expect(again.labels).toBe(s.labels); // same object on the next tick
    }
    for (const s of sources) s.close?.();
  });

  it('caches only frozen label sets and keys them per metric name', () => {
    const labels = Object.freeze({ z: '1', a: 'x"y' });
    expect(seriesKey({ name: 'm.one', labels })).toBe('m.one{a="x\\"y",z="1"}');
    expect(seriesKey({ name: 'm.two', labels })).toBe('m.two{a="x\\"y",z="1"}');
    expect(seriesKey({ name: 'm.one', labels })).toBe('m.one{a="x\\"y",z="1"}');
    const open: Record<string, string> = { a: '1' };
    expect(seriesKey({ name: 'm', labels: open })).toBe('m{a="1"}');
    open['a'] = '2'; // a mutable labels object is never cached
    expect(seriesKey({ name: 'm', labels: open })).toBe('m{a="2"}');
    expect(seriesKey({ name: 'm', labels: Object.freeze({}) })).toBe('m');
  });

  it('SeriesLabels forgets label sets not used since the previous sweep', () => {
    const c = new SeriesLabels<string>();
    const vda = c.set('vda', { device: 'vda' });
    c.set('vdb', { device: 'vdb' });
    c.sweep();
    expect(c.get('vda')).toBe(vda);
    c.sweep(); // vdb unused for a whole collection
    expect(c.get('vda')).toBe(vda);
    expect(c.get('vdb')).toBeUndefined();
    expect(Object.isFrozen(vda)).toBe(true);
  });
});

describe('HistoryManager cacheSizeKiB', () => {
  it('accepts a small page cache and rejects a nonsensical one', () => {
    const path = join(tempDir(), 'h.db');
    const h = new HistoryManager({ path, cacheSizeKiB: 1024, flushIntervalMs: 0 });
    h.write([{ name: 'mem.available_bytes', unit: 'bytes', value: 1, timestamp: 1_700_000_000_000 }]);
    expect(h.flush()).toBe(1);
    h.close();
    for (const bad of [0, 63, 1.5, Number.NaN]) {
      expect(() => new HistoryManager({ path, cacheSizeKiB: bad, flushIntervalMs: 0 })).toThrow(expect.objectContaining({ code: 'ERR_AINKA_TELEMETRY_INVALID_OPTION' }));
    }
  });
});
