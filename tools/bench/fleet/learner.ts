// Cost of the fleet learner's arithmetic per host: learnFromSeries on a synthetic fleet (hosts × series ×
// points per series, as query_range returns them), against a baseline measured in the same run: sorting
// the same number of values once (the learner takes a median per host-series and per group-series).
// Usage: npx tsx tools/bench/fleet/learner.ts [hosts=1000] [series=200] [points=120]
import { learnFromSeries, type RangeSeries } from '../../../packages/fleet/src/index.js';

const [hosts = 1000, seriesPerHost = 200, points = 120] = process.argv.slice(2).map(Number);
const input: RangeSeries[] = [];
for (let h = 0; h < hosts; h++) {
  for (let s = 0; s < seriesPerHost; s++) {
    const base = 100 + s + (h % 17);
    input.push({ metric: { __name__: `ainka_m${s}`, host: `h${h}`, role: `r${h % 4}` }, values: Array.from({ length: points }, (_, i) => [i, String(base + (i % 7))] as const) });
  }
}
const t0 = process.hrtime.bigint();
const model = learnFromSeries(input, { groupBy: 'role' });
const learnMs = Number(process.hrtime.bigint() - t0) / 1e6;
const values = Float64Array.from({ length: hosts * seriesPerHost * points }, (_, i) => (i * 2654435761) % 1000);
const t1 = process.hrtime.bigint();
values.sort();
const sortMs = Number(process.hrtime.bigint() - t1) / 1e6;
const rss = process.memoryUsage().rss / 2 ** 20;
console.log(`${hosts} hosts × ${seriesPerHost} series × ${points} points: learned ${model.groups.reduce((n, g) => n + g.series.length, 0)} group-series in ${learnMs.toFixed(0)} ms = ${(learnMs / hosts).toFixed(2)} ms per host; ${(learnMs / sortMs).toFixed(1)}× one sort of all ${values.length} values (${sortMs.toFixed(0)} ms); RSS ${rss.toFixed(0)} MiB`);
