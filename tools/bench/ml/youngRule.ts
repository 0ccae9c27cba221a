/**
 * How often the young-series rule of `StreamingAnomalyDetector` fires on a NAB-layout corpus, by the
 * series' age in rows (the rule's memory counts rows, so this is its rate at any sampling rate).
 *
 *   npx tsx tools/bench/ml/youngRule.ts <dataDir> <windowsFile>
 *
 * The rule is applied at every age here (`sustainSeconds` unbounded; the detector applies it only in a
 * series' first day). A firing is counted once, on the row it starts (score ≥ 0.99 decided by the rule),
 * inside or outside the corpus' labelled windows.
 */
import { StreamingAnomalyDetector } from '../../../packages/ml/src/index.js';
import { loadNabCorpus } from '../../../packages/ml/src/nab.js';

const [dataDir, windowsFile] = process.argv.slice(2);
if (dataDir === undefined || windowsFile === undefined) {
  console.error('usage: npx tsx tools/bench/ml/youngRule.ts <dataDir> <windowsFile>');
  process.exit(2);
}
const corpus = loadNabCorpus(dataDir, windowsFile);
const edges = [100, 300, 1000, 3000, Infinity];
const outside = edges.map(() => 0);
const inside = edges.map(() => 0);
const normalRows = edges.map(() => 0);
for (const s of corpus.series) {
  const d = new StreamingAnomalyDetector({ sustainSeconds: Number.MAX_VALUE });
  let firing = false;
  for (let i = 0; i < s.values.length; i++) {
    const t = s.timestamps[i] as number;
    const r = d.update(t, s.values[i] as number);
    const inWindow = s.windows.some(([a, b]) => t >= a && t <= b);
    const bin = edges.findIndex((e) => i < e);
    const rule = r.score >= 0.99 && r.explanation.reason.includes('sustained extreme');
    if (!inWindow) normalRows[bin]!++;
    if (rule && !firing) (inWindow ? inside : outside)[bin]!++;
    firing = rule;
  }
}
console.log(`${corpus.series.length} files, ${corpus.windowCount} windows`);
let from = 0;
edges.forEach((e, b) => {
  const rate = (1000 * outside[b]!) / Math.max(1, normalRows[b]!);
  console.log(`  rows ${from}–${e}: ${outside[b]} firings outside windows in ${normalRows[b]} normal rows (${rate.toFixed(2)} per 1000), ${inside[b]} inside windows`);
  from = e;
});
