/**
 * Rolling-origin backtest of WorkloadPredictor on the NAB real series with daily/weekly patterns
 * (realAWSCloudwatch, realKnownCause, realTraffic): MASE against seasonal naive (< 1 beats it) and
 * the coverage of the 80% prediction interval.
 *
 *   npx tsx tools/bench/ml/backtest.ts [dataDir] [windowsFile]
 *
 * (defaults: ../shared/datasets/nab/data and its labels/combined_windows.json, relative to the repo root)
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { backtestForecaster, WorkloadPredictor } from '../../../packages/ml/src/index.js';
import { loadNabCorpus } from '../../../packages/ml/src/nab.js';

const root = resolve(import.meta.dirname, '../../..');
const dataDir = resolve(process.argv[2] ?? `${root}/../shared/datasets/nab/data`);
const windowsFile = resolve(process.argv[3] ?? `${root}/../shared/datasets/nab/labels/combined_windows.json`);
const CATEGORIES = new Set(['realAWSCloudwatch', 'realKnownCause', 'realTraffic']);

const corpus = loadNabCorpus(dataDir, windowsFile);
const rows: string[] = [];
let wins = 0;
let total = 0;
let inBand = 0;
const masSes: number[] = [];
const coverages: number[] = [];
const t0 = performance.now();
for (const s of corpus.series) {
  if (!CATEGORIES.has(s.category)) continue;
  const predictor = new WorkloadPredictor({ horizon: 12 });
  const r = backtestForecaster(s.timestamps, s.values, predictor, { horizon: 12, stride: 6, startFraction: 0.3 });
  total++;
  if (r.mase < 1) wins++;
  if (r.coverage >= 0.75 && r.coverage <= 0.85) inBand++;
  masSes.push(r.mase);
  coverages.push(r.coverage);
  const season = predictor.seasonality ? `${predictor.seasonality.period}` : '-';
  rows.push(`| ${s.name.padEnd(58)} | ${r.mase.toFixed(3).padStart(6)} | ${(100 * r.coverage).toFixed(1).padStart(5)}% | ${String(r.period).padStart(5)} | ${season.padStart(6)} |`);
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
console.log('| series | MASE vs seasonal naive | 80% PI coverage | naive period | detected season |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
console.log(
  `\n${wins}/${total} series with MASE < 1 (median MASE ${median(masSes).toFixed(3)}); ` +
    `${inBand}/${total} with coverage in 75–85% (median ${(100 * median(coverages)).toFixed(1)}%); ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
