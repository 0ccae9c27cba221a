import { nabDir } from './nabPath.js';
import { describe, expect, it } from 'vitest';
import { StreamingAnomalyDetector } from '../src/index.js';
import { loadNabCorpus, runNabDetector, scoreNabAtThreshold, scoreNabCorpus, type NabProfileScore } from '../src/nab.js';

const NAB = nabDir();

describe('StreamingAnomalyDetector on NAB', () => {
  const corpus = loadNabCorpus(`${NAB}/data`, `${NAB}/labels/combined_windows.json`);
  const files = corpus.series.map((s) => ({
    name: s.name,
    category: s.category,
    timestamps: s.timestamps,
    windows: s.windows,
    scores: runNabDetector(new StreamingAnomalyDetector(), s),
  }));

  it('holds its measured in-sample NAB scores (standard 68.7, low FP 61.4, low FN 73.3) to within a point', () => {
    const [standard, lowFp, lowFn] = scoreNabCorpus(files);
    expect(standard?.normalized).toBeGreaterThan(67.7);
    expect(lowFp?.normalized).toBeGreaterThan(60.4);
    expect(lowFn?.normalized).toBeGreaterThan(72.3);
  });

  it('keeps its score with each data source held out (thresholds fixed on the other sources)', () => {
    const categories = [...new Set(files.map((f) => f.category))];
    const parts = categories.map((cat) => {
      const train = scoreNabCorpus(files.filter((f) => f.category !== cat));
      const test = files.filter((f) => f.category === cat);
      return train.map((p, k) => scoreNabAtThreshold(test, p.threshold)[k] as NabProfileScore);
    });
    const normalized = [0, 1, 2].map((k) => {
      let raw = 0;
      let nul = 0;
      let perfect = 0;
      for (const part of parts) {
        raw += part[k]!.raw;
        nul += part[k]!.nullScore;
        perfect += part[k]!.perfectScore;
      }
      return (100 * (raw - nul)) / (perfect - nul);
    });
    expect(normalized[0]).toBeGreaterThan(HELD[0] - 1);
    expect(normalized[1]).toBeGreaterThan(HELD[1] - 1);
    expect(normalized[2]).toBeGreaterThan(HELD[2] - 1);
  });
});

/**
 * Measured with the defaults: standard, low FP, low FN, each source held out in turn (68.70 / 57.08 /
 * 71.97 since a never-moved series takes its first step as one quantum; before: 67.2 / 60.1 / 70.8 —
 * low FP lost 3 points on realKnownCause's threshold choice, the other two profiles gained). With the
 * level-shift signal and the level's cumulative-mean warm-up: 67.43 / 57.43 / 71.58 (in-sample rose
 * 69.07 / 61.52 / 73.34 → 69.40 / 61.40 / 73.89; held out, standard lost 1.3 and low FN 0.4). With the
 * CUSUM measured against its second-largest excursion (`cusumRank` 2): 66.6 / 56.1 / 74.0 (in-sample
 * 69.6 / 61.1 / 74.2; held out, standard lost 0.8 and low FP 1.2, low FN gained 2.4; the host-fault
 * corpus rose 66.3 / 58.9 / 69.6 → 68.2 / 60.8 / 71.5).
 */
const HELD = [66.6, 56.1, 74.0] as const;
