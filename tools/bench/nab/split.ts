/**
 * Held-out check of `StreamingAnomalyDetector`'s NAB defaults: splits the corpus into its even- and
 * odd-numbered files (corpus order), picks the best variant of a small grid on one half (mean of the
 * three normalised scores) and scores that choice on the other half, both ways round. NAB has no
 * held-out split, and the defaults were chosen on the whole corpus; this shows how much of their score
 * a choice made without seeing the scored files keeps.
 *
 *   npx tsx tools/bench/nab/split.ts <dataDir> <windowsFile> ['<json grid: option -> values>']
 */
import { resolve } from 'node:path';
import {
  loadNabCorpus,
  runNabDetector,
  scoreNabCorpus,
  StreamingAnomalyDetector,
  type StreamingDetectorOptions,
} from '../../../packages/ml/src/index.js';

const [dataDir, windowsFile, gridArg] = process.argv.slice(2);
if (dataDir === undefined || windowsFile === undefined) {
  console.error("usage: npx tsx tools/bench/nab/split.ts <dataDir> <windowsFile> ['<json grid>']");
  process.exit(2);
}
// The variants considered while choosing the defaults (the previous defaults are the all-first corner).
const grid: Record<string, number[]> = gridArg !== undefined ? (JSON.parse(gridArg) as Record<string, number[]>) : {
  recordGrowth: [0, 0.3, 0.5, 0.75, 1],
  contextGrowth: [0, 3, 6, 10],
  competence: [4, 8],
  likelihoodWeight: [0.3, 0],
  longAlpha: [0.001, 0],
  warmup: [150, 100],
};
const corpus = loadNabCorpus(resolve(dataDir), resolve(windowsFile));

let variants: Array<Record<string, number>> = [{}];
for (const [k, values] of Object.entries(grid)) variants = variants.flatMap((v) => values.map((x) => ({ ...v, [k]: x })));

interface Row {
  options: Record<string, number>;
  all: number[];
  even: number[];
  odd: number[];
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(' / ');

function evaluate(options: Record<string, number>): Row {
  const files = corpus.series.map((s) => ({
    name: s.name,
    timestamps: s.timestamps,
    windows: s.windows,
    scores: runNabDetector(new StreamingAnomalyDetector(options as StreamingDetectorOptions), s),
  }));
  const norm = (fs: typeof files): number[] => scoreNabCorpus(fs).map((p) => p.normalized);
  return { options, all: norm(files), even: norm(files.filter((_, i) => i % 2 === 0)), odd: norm(files.filter((_, i) => i % 2 === 1)) };
}

const rows = variants.map(evaluate);
const defaults = evaluate({});
console.log(`${rows.length} variants; corpus ${corpus.series.length} files (even half ${Math.ceil(corpus.series.length / 2)}, odd half ${Math.floor(corpus.series.length / 2)})`);
console.log(`defaults: all ${fmt(defaults.all)} | even ${fmt(defaults.even)} | odd ${fmt(defaults.odd)}`);
for (const [tuneOn, scoreOn] of [['even', 'odd'], ['odd', 'even']] as const) {
  const best = rows.reduce((a, b) => (mean(b[tuneOn]) > mean(a[tuneOn]) ? b : a));
  console.log(`chosen on ${tuneOn}: ${JSON.stringify(best.options)} — ${tuneOn} ${fmt(best[tuneOn])}, held-out ${scoreOn} ${fmt(best[scoreOn])}`);
}
