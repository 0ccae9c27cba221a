/**
 * NAB runner: feeds every file of a NAB-layout corpus to a detector row by row (streaming, no
 * look-ahead, no labels, global hyper-parameters), writes NAB-format result files and prints the three
 * normalised scores.
 *
 *   npx tsx tools/bench/nab/run.ts [--detector <name>] <dataDir> <windowsFile> <outDir>
 *
 * From the repo root, on the bundled corpus:
 *
 *   npx tsx tools/bench/nab/run.ts ../shared/datasets/nab/data ../shared/datasets/nab/labels/combined_windows.json /tmp/nab-results
 *
 * `--detector` is one of the names in DETECTORS below (default: ainka); `all` runs each in turn.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type AnomalyDetectorFactory } from '../../../packages/ml/src/index.js';
import { loadNabCorpus, runNabDetector, scoreNabCorpus, roundSignificant, type NabSeries } from '../../../packages/ml/src/nab.js';
import { DETECTORS } from './detectors.js';

function usage(message: string): never {
  console.error(`${message}\nusage: npx tsx tools/bench/nab/run.ts [--detector <${Object.keys(DETECTORS).join('|')}|all>] <dataDir> <windowsFile> <outDir>`);
  process.exit(2);
}

const args = process.argv.slice(2);
let detectorArg = 'ainka';
const positional: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i] as string;
  if (a === '--detector') detectorArg = args[++i] ?? usage('--detector needs a value');
  else positional.push(a);
}
if (positional.length !== 3) usage('expected three arguments');
const [dataDir, windowsFile, outDir] = positional.map((p) => resolve(p)) as [string, string, string];
const names = detectorArg === 'all' ? Object.keys(DETECTORS) : [detectorArg];

function writeResults(detector: string, s: NabSeries, scores: Float64Array): void {
  const dir = join(outDir, detector, s.category);
  mkdirSync(dir, { recursive: true });
  const file = s.name.slice(s.category.length + 1);
  const lines = ['timestamp,value,anomaly_score,label'];
  let w = 0;
  for (let i = 0; i < scores.length; i++) {
    const t = s.timestamps[i] as number;
    while (w < s.windows.length && (s.windows[w] as readonly [number, number])[1] < t) w++;
    const win = s.windows[w];
    const label = win !== undefined && t >= win[0] && t <= win[1] ? 1 : 0;
    lines.push(`${s.timestampText[i]},${s.values[i]},${roundSignificant(scores[i] as number, 12)},${label}`);
  }
  writeFileSync(join(dir, `${detector}_${file}`), lines.join('\n') + '\n');
}

const corpus = loadNabCorpus(dataDir, windowsFile);
console.log(`corpus: ${corpus.series.length} files, ${corpus.windowCount} windows (${dataDir})`);
for (const name of names) {
  const factory: AnomalyDetectorFactory | undefined = DETECTORS[name];
  if (factory === undefined) usage(`unknown detector ${name}`);
  const t0 = performance.now();
  const results = corpus.series.map((s) => {
    const scores = runNabDetector(factory(), s);
    writeResults(name, s, scores);
    return { name: s.name, timestamps: s.timestamps, scores, windows: s.windows };
  });
  const ms = performance.now() - t0;
  const scored = scoreNabCorpus(results);
  console.log(`\n${name}  (${ms.toFixed(0)} ms incl. writing; results in ${join(outDir, name)})`);
  for (const p of scored) {
    console.log(
      `  ${p.profile.padEnd(20)} ${p.normalized.toFixed(2).padStart(7)}   threshold ${p.threshold.toPrecision(8)}  tp ${p.tp} fn ${p.fn} fp-rows ${p.fp}`,
    );
  }
}
