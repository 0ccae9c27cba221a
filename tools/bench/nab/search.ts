/**
 * Coordinate-descent search of `StreamingAnomalyDetector` options on one half of a NAB-layout corpus
 * (even- or odd-numbered files), reporting the other half alongside, so the choice can be checked on
 * files it was not made on. The objective is the mean of the three normalised scores.
 *
 *   npx tsx tools/bench/nab/search.ts <dataDir> <windowsFile> <even|odd|all> [rounds=2] ['<json start options>']
 */
import { resolve } from 'node:path';
import {
  loadNabCorpus,
  runNabDetector,
  scoreNabCorpus,
  StreamingAnomalyDetector,
  type StreamingDetectorOptions,
} from '../../../packages/ml/src/index.js';

const [dataDir, windowsFile, half = 'even', roundsArg = '2', start = '{}'] = process.argv.slice(2);
if (dataDir === undefined || windowsFile === undefined) {
  console.error('usage: npx tsx tools/bench/nab/search.ts <dataDir> <windowsFile> <even|odd|all> [rounds] [json]');
  process.exit(2);
}
const corpus = loadNabCorpus(resolve(dataDir), resolve(windowsFile));
const parity = half === 'even' ? 0 : half === 'odd' ? 1 : -1;
const tune = corpus.series.filter((_, i) => parity < 0 || i % 2 === parity);
const held = corpus.series.filter((_, i) => parity >= 0 && i % 2 !== parity);

type Opts = Record<string, number>;
function score(series: typeof corpus.series, o: Opts): number[] {
  if (series.length === 0) return [0, 0, 0];
  const files = series.map((s) => ({ name: s.name, timestamps: s.timestamps, windows: s.windows, scores: runNabDetector(new StreamingAnomalyDetector(o as StreamingDetectorOptions), s) }));
  return scoreNabCorpus(files).map((p) => p.normalized);
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

const GRID: Record<string, number[]> = JSON.parse(process.env['GRID'] ?? 'null') ?? {
  recordDecay: [0.999, 0.9993, 0.9995, 0.9997, 0.9998],
  suppressDecay: [0.99, 0.993, 0.995, 0.997],
  spatialWeight: [3, 4.5, 6, 9, 12],
  spatialSteps: [4, 6, 8, 12, 16],
  contextWeight: [0.5, 0.75, 1, 1.5, 2],
  contextBias: [3, 3.5, 4, 4.5, 5],
  contextLevels: [6, 8, 10, 12],
  contextAlpha: [0.002, 0.005, 0.01],
  levelAlpha: [0.05, 0.1, 0.2, 0.3],
  scaleAlpha: [0.005, 0.01, 0.02],
  seasonAlpha: [0.1, 0.2, 0.3, 0.5],
  competence: [2, 3, 4, 6, 8],
  warmup: [100, 150, 200, 300],
};
let best: Opts = JSON.parse(start) as Opts;
let bestScore = mean(score(tune, best));
console.log(`start ${bestScore.toFixed(2)} tune ${score(tune, best).map((x) => x.toFixed(1)).join('/')} held ${score(held, best).map((x) => x.toFixed(1)).join('/')}`);
for (let round = 0; round < Number(roundsArg); round++) {
  for (const [k, values] of Object.entries(GRID)) {
    for (const v of values) {
      if (best[k] === v) continue;
      const cand = { ...best, [k]: v };
      const s = mean(score(tune, cand));
      if (s > bestScore + 0.05) {
        bestScore = s;
        best = cand;
        console.log(`  ${k}=${v} -> ${s.toFixed(2)}`);
      }
    }
  }
  console.log(`round ${round}: ${JSON.stringify(best)} tune ${score(tune, best).map((x) => x.toFixed(1)).join('/')} held ${score(held, best).map((x) => x.toFixed(1)).join('/')} all ${score(corpus.series, best).map((x) => x.toFixed(1)).join('/')}`);
}
