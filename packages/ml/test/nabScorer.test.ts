import { nabDir } from './nabPath.js';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WindowedGaussianDetector } from '../src/index.js';
import { loadNabCorpus, probationaryLength, runNabDetector, scaledSigmoid, scoreNabCorpus } from '../src/nab.js';

/** The corpus lives next to the repository: `<repo>/../shared/datasets/nab`. */
const NAB = nabDir();

describe('NAB scorer', () => {
  it('reproduces the published windowed-Gaussian scores within ±0.2 on all three profiles', () => {
    expect(existsSync(NAB), `NAB corpus missing at ${NAB}`).toBe(true);
    const corpus = loadNabCorpus(`${NAB}/data`, `${NAB}/labels/combined_windows.json`);
    expect(corpus.series).toHaveLength(58);
    expect(corpus.windowCount).toBe(116);
    const files = corpus.series.map((s) => ({
      name: s.name,
      timestamps: s.timestamps,
      windows: s.windows,
      scores: runNabDetector(new WindowedGaussianDetector(), s),
    }));
    const [standard, lowFp, lowFn] = scoreNabCorpus(files);
    expect(standard?.normalized).toBeGreaterThan(39.6 - 0.2);
    expect(standard?.normalized).toBeLessThan(39.6 + 0.2);
    expect(lowFp?.normalized).toBeGreaterThan(20.9 - 0.2);
    expect(lowFp?.normalized).toBeLessThan(20.9 + 0.2);
    expect(lowFn?.normalized).toBeGreaterThan(47.4 - 0.2);
    expect(lowFn?.normalized).toBeLessThan(47.4 + 0.2);
  });

  it('gives 100 to a detector that fires exactly at each window start and 0 to one that never fires', () => {
    const n = 2000;
    const timestamps = Float64Array.from({ length: n }, (_, i) => i);
    const windows = [[1000, 1099] as const, [1500, 1549] as const];
    const perfect = new Float64Array(n);
    perfect[1000] = 1;
    perfect[1500] = 1;
    const [p] = scoreNabCorpus([{ name: 'a', timestamps, windows, scores: perfect }]);
    expect(p?.normalized).toBeCloseTo(100, 10);
    expect(p?.tp).toBe(2);
    const [z] = scoreNabCorpus([{ name: 'a', timestamps, windows, scores: new Float64Array(n) }]);
    // A detector that always outputs 0 is best left silent: threshold above 1, score 0.
    expect(z?.normalized).toBe(0);
    expect(z?.threshold).toBeGreaterThan(1);
  });

  it('charges a false positive before the first window the full fp weight and one just after a window little', () => {
    const n = 2000;
    const timestamps = Float64Array.from({ length: n }, (_, i) => i);
    const windows = [[1000, 1099] as const];
    const early = new Float64Array(n);
    early[1000] = 1;
    early[500] = 1;
    const late = new Float64Array(n);
    late[1000] = 1;
    late[1101] = 1;
    const std = { name: 'standard', tpWeight: 1, fnWeight: 1, fpWeight: 0.11 };
    const [e] = scoreNabCorpus([{ name: 'a', timestamps, windows, scores: early }], [std]);
    const [l] = scoreNabCorpus([{ name: 'a', timestamps, windows, scores: late }], [std]);
    expect(e?.raw).toBeCloseTo(1 - 0.11, 10);
    expect(l?.raw).toBeCloseTo(1 + scaledSigmoid(2 / 99) * 0.11, 10);
    expect(l?.raw).toBeGreaterThan(e?.raw ?? Infinity);
  });

  it('ignores detections in the probationary period', () => {
    expect(probationaryLength(1000)).toBe(150);
    expect(probationaryLength(100000)).toBe(750);
    const n = 1000;
    const timestamps = Float64Array.from({ length: n }, (_, i) => i);
    const scores = new Float64Array(n);
    scores[10] = 1;
    scores[600] = 1;
    const [p] = scoreNabCorpus([{ name: 'a', timestamps, windows: [[600, 649]], scores }]);
    expect(p?.fp).toBe(0);
    expect(p?.tp).toBe(1);
  });
});
