/**
 * Hyper-parameter exploration for `StreamingAnomalyDetector` on a NAB-layout corpus, in one process:
 * runs each variant (a JSON object of options) over every file and prints the three normalised scores
 * on the whole corpus and on its two halves (even- and odd-numbered files, in corpus order), so a
 * choice made on one half can be checked on the other.
 *
 *   npx tsx tools/bench/nab/tune.ts <dataDir> <windowsFile> '<json options>' ['<json options>' ...]
 *
 * `--files <regex>` restricts to matching files; `--detail` prints per-file false-positive cost and
 * missed windows at the corpus-wide standard threshold.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StreamingAnomalyDetector, type StreamingDetectorOptions } from '../../../packages/ml/src/index.js';
import { loadNabCorpus, runNabDetector, scoreNabCorpus, type NabScoringInput } from '../../../packages/ml/src/nab.js';

const args = process.argv.slice(2);
let filter: RegExp | undefined;
let detail = false;
const positional: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i] as string;
  if (a === '--files') filter = new RegExp(args[++i] ?? '');
  else if (a === '--detail') detail = true;
  else positional.push(a);
}
const [dataDir, windowsFile, ...variants] = positional;
if (dataDir === undefined || windowsFile === undefined) {
  console.error("usage: npx tsx tools/bench/nab/tune.ts [--files <regex>] [--detail] <dataDir> <windowsFile> '<json options>' ...");
  process.exit(2);
}
const corpus = loadNabCorpus(resolve(dataDir), resolve(windowsFile));
const series = corpus.series.filter((s) => filter === undefined || filter.test(s.name));

function fmt(xs: ReturnType<typeof scoreNabCorpus>): string {
  return xs.map((p) => p.normalized.toFixed(1).padStart(5)).join(' ');
}

for (const v of variants.length > 0 ? variants : ['{}']) {
  const options = JSON.parse(v) as StreamingDetectorOptions;
  const t0 = performance.now();
  const files: NabScoringInput[] = series.map((s) => ({
    name: s.name,
    timestamps: s.timestamps,
    windows: s.windows,
    scores: runNabDetector(new StreamingAnomalyDetector(options), s),
  }));
  const ms = performance.now() - t0;
  const all = scoreNabCorpus(files);
  const even = scoreNabCorpus(files.filter((_, i) => i % 2 === 0));
  const odd = scoreNabCorpus(files.filter((_, i) => i % 2 === 1));
  console.log(`all ${fmt(all)} | even ${fmt(even)} | odd ${fmt(odd)} | ${ms.toFixed(0)}ms ${v}`);
  if (detail) {
    for (const p of all) console.log(`   ${p.profile.padEnd(20)} threshold ${p.threshold.toPrecision(4)} tp ${p.tp} fn ${p.fn} fp-rows ${p.fp}`);
    perFile(files, all[0]?.threshold ?? 1);
  }
}

function perFile(files: NabScoringInput[], threshold: number): void {
  // Per file, at the corpus-wide standard threshold: windows detected and detected rows outside windows.
  for (const f of files) {
    const n = f.scores.length;
    const prob = Math.min(Math.floor(0.15 * n), 750);
    let fpRows = 0;
    const detectedWindows = new Set<number>();
    for (let i = prob; i < n; i++) {
      if ((f.scores[i] as number) < threshold) continue;
      const t = f.timestamps[i] as number;
      const w = f.windows.findIndex(([a, b]) => t >= a && t <= b);
      if (w < 0) fpRows++;
      else detectedWindows.add(w);
    }
    console.log(`   ${f.name.padEnd(60)} windows ${detectedWindows.size}/${f.windows.length} fpRows ${fpRows}`);
  }
}
