/**
 * The honest NAB estimate, and the host-fault corpus scored the same way.
 *
 *   npx tsx tools/bench/nab/honest.ts <nabDir> [<hostCorpusDir> ...]
 *
 * NAB (`<nabDir>/data`, `<nabDir>/labels/combined_windows.json`) is split by **data source**: each of its
 * categories (artificialNoAnomaly, realAWSCloudwatch, realTweets, …) is held out in turn. For each fold,
 * the variant of the fixed grid below and the three profile thresholds are chosen on the other
 * categories only; the held-out category is scored at those fixed thresholds (no re-optimisation), and
 * the raw scores of all folds are summed and normalised once. The grid was written down before any
 * held-out score was looked at and holds only choices motivated by the detector's design (resolution
 * floors), not values found on NAB.
 *
 * Each host-fault corpus (same layout) is scored twice: at the variant and thresholds chosen on the whole
 * of NAB (nothing chosen on the host data), and with NAB's own optimiser on the corpus itself (what
 * NAB's scorer reports when run on that corpus alone).
 */
import { resolve, join } from 'node:path';
import { StreamingAnomalyDetector, type AnomalyDetector, type StreamingDetectorOptions } from '../../../packages/ml/src/index.js';
import { loadNabCorpus, runNabDetector, scoreNabAtThreshold, scoreNabCorpus, type NabCorpus, type NabProfileScore, type NabScoringInput } from '../../../packages/ml/src/nab.js';
import { BASELINES } from './baselines.js';

const [nabDir, ...hostDirs] = process.argv.slice(2);
if (nabDir === undefined) {
  console.error('usage: npx tsx tools/bench/nab/honest.ts <nabDir> [<hostCorpusDir> ...]');
  process.exit(2);
}

/** The grid: resolution floors on or off (the defaults are the first entry). */
const GRID: readonly StreamingDetectorOptions[] = [
  {},
  { relativeTolerance: 0 },
  { relativeTolerance: 0, resolutionSteps: 0, minSurprise: 0 },
  { relativeTolerance: 0.003, resolutionSteps: 1, minSurprise: 2 },
];

const load = (dir: string): NabCorpus => loadNabCorpus(join(resolve(dir), 'data'), join(resolve(dir), 'labels', 'combined_windows.json'));
const nab = load(nabDir);
const hosts = hostDirs.map((d) => ({ dir: d, corpus: load(d) }));

type Run = NabScoringInput & { category: string };
function run(corpus: NabCorpus, make: () => AnomalyDetector): Run[] {
  return corpus.series.map((s) => ({ name: s.name, category: s.category, timestamps: s.timestamps, windows: s.windows, scores: runNabDetector(make(), s) }));
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (ps: readonly NabProfileScore[]): string => ps.map((p) => p.normalized.toFixed(1).padStart(5)).join(' / ');

function combine(parts: NabProfileScore[][]): NabProfileScore[] {
  return parts[0]!.map((p0, k) => {
    let raw = 0;
    let nul = 0;
    let perfect = 0;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const part of parts) {
      const p = part[k]!;
      raw += p.raw;
      nul += p.nullScore;
      perfect += p.perfectScore;
      tp += p.tp;
      fp += p.fp;
      fn += p.fn;
    }
    return { ...p0, threshold: NaN, raw, nullScore: nul, perfectScore: perfect, normalized: (100 * (raw - nul)) / (perfect - nul), tp, fp, fn };
  });
}

/** Leave-one-category-out: variant and thresholds from the other categories, scored on the held-out one. */
function heldOut(runs: Run[][]): { score: NabProfileScore[]; choices: string[] } {
  const categories = [...new Set(runs[0]!.map((r) => r.category))];
  const parts: NabProfileScore[][] = [];
  const choices: string[] = [];
  for (const cat of categories) {
    let best = -1;
    let bestMean = -Infinity;
    let bestTrain: NabProfileScore[] = [];
    runs.forEach((rs, v) => {
      const train = scoreNabCorpus(rs.filter((r) => r.category !== cat));
      const m = mean(train.map((p) => p.normalized));
      if (m > bestMean) {
        bestMean = m;
        best = v;
        bestTrain = train;
      }
    });
    const test = runs[best]!.filter((r) => r.category === cat);
    const perProfile = bestTrain.map((p, k) => scoreNabAtThreshold(test, p.threshold)[k]!);
    parts.push(perProfile);
    choices.push(`${cat}: variant ${best}, thresholds ${bestTrain.map((p) => p.threshold.toPrecision(3)).join('/')} → ${fmt(perProfile)}`);
  }
  return { score: combine(parts), choices };
}

console.log(`NAB: ${nab.series.length} files, ${nab.windowCount} windows; grid of ${GRID.length} variants`);
const nabRuns = GRID.map((o) => run(nab, () => new StreamingAnomalyDetector(o)));
const ho = heldOut(nabRuns);
console.log('\nNAB, standard / reward_low_FP / reward_low_FN');
console.log(`  ainka defaults, in-sample (NAB optimiser on all files)   ${fmt(scoreNabCorpus(nabRuns[0]!))}`);
console.log(`  ainka, held out by source (grid+thresholds from others)  ${fmt(ho.score)}`);
for (const c of ho.choices) console.log(`    ${c}`);
const baselineNab = new Map<string, Run[]>();
for (const [name, make] of Object.entries(BASELINES)) {
  const rs = run(nab, make);
  baselineNab.set(name, rs);
  console.log(`  ${name.padEnd(10)} in-sample                                    ${fmt(scoreNabCorpus(rs))}`);
}

// The whole of NAB as the training side for the host corpora.
const allTrain = GRID.map((_, v) => scoreNabCorpus(nabRuns[v]!));
const bestV = allTrain.reduce((b, ps, v) => (mean(ps.map((p) => p.normalized)) > mean(allTrain[b]!.map((p) => p.normalized)) ? v : b), 0);
for (const { dir, corpus } of hosts) {
  console.log(`\nhost-fault corpus ${dir}: ${corpus.series.length} series, ${corpus.windowCount} windows`);
  const rs = run(corpus, () => new StreamingAnomalyDetector(GRID[bestV]));
  const fixed = allTrain[bestV]!.map((p, k) => scoreNabAtThreshold(rs, p.threshold)[k]!);
  console.log(`  ainka variant ${bestV}, thresholds fixed on NAB   ${fmt(fixed)}   (tp ${fixed[0]!.tp} fn ${fixed[0]!.fn} fp-rows ${fixed[0]!.fp})`);
  const own = scoreNabCorpus(rs);
  console.log(`  ainka variant ${bestV}, NAB optimiser on corpus   ${fmt(own)}   (tp ${own[0]!.tp} fn ${own[0]!.fn} fp-rows ${own[0]!.fp}, thr ${own[0]!.threshold.toPrecision(3)})`);
  if (bestV !== 0) {
    // What ainkad runs (the defaults), for reference: not chosen on NAB, so not the honest estimate.
    const d = scoreNabCorpus(run(corpus, () => new StreamingAnomalyDetector(GRID[0])));
    console.log(`  ainka defaults (ainkad), NAB optimiser on corpus ${fmt(d)}   (tp ${d[0]!.tp} fn ${d[0]!.fn} fp-rows ${d[0]!.fp}, thr ${d[0]!.threshold.toPrecision(3)})`);
  }
  for (const [name, make] of Object.entries(BASELINES)) {
    const b = run(corpus, make);
    const bt = scoreNabCorpus(baselineNab.get(name)!);
    const bFixed = bt.map((p, k) => scoreNabAtThreshold(b, p.threshold)[k]!);
    console.log(`  ${name.padEnd(10)} fixed on NAB ${fmt(bFixed)} | optimiser on corpus ${fmt(scoreNabCorpus(b))}`);
  }
}
