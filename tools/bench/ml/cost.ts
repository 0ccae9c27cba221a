/**
 * Per-update cost and memory per series of the univariate detectors.
 *
 *   npx tsx --expose-gc tools/bench/ml/cost.ts [series=10000] [updates=200]
 *
 * Feeds `series` independent detectors `updates` values each, interleaved (as a daemon watching many
 * metrics would), and prints ns/update and retained bytes per series, with ratios against a baseline
 * measured in the same run: `EwmaDetector`, a bare EWMA mean/deviation tracker (the cheapest useful detector).
 */
import { performance } from 'node:perf_hooks';
import { EwmaDetector, StreamingAnomalyDetector, WindowedGaussianDetector, type AnomalyDetector } from '../../../packages/ml/src/index.js';

const SERIES = Number(process.argv[2] ?? 10_000);
const UPDATES = Number(process.argv[3] ?? 200);
const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers; // typed-array backing stores live outside the JS heap
}

interface Row {
  name: string;
  nsPerUpdate: number;
  bytesPerSeries: number;
}

function measure(name: string, make: () => AnomalyDetector, series = SERIES): Row {
  const before = heap();
  const ds: AnomalyDetector[] = Array.from({ length: series }, make);
  // Warm up (JIT, state allocation) on a few rows, then time.
  let sink = 0;
  for (let r = 0; r < 20; r++) for (let i = 0; i < series; i++) sink += (ds[i] as AnomalyDetector).update(r * 300_000, Math.sin(i + r) * 10 + (r % 7)).score;
  const t0 = performance.now();
  for (let r = 20; r < 20 + UPDATES; r++) {
    const t = r * 300_000;
    for (let i = 0; i < series; i++) sink += (ds[i] as AnomalyDetector).update(t, Math.sin(i + r) * 10 + (r % 7)).score;
  }
  const ms = performance.now() - t0;
  const after = heap();
  if (sink === 42) console.log('');
  const row = { name, nsPerUpdate: (ms * 1e6) / (series * UPDATES), bytesPerSeries: (after - before) / series };
  ds.length = 0;
  return row;
}

const rows = [
  measure('ewma baseline (EwmaDetector)', () => new EwmaDetector()),
  measure('ainka (StreamingAnomalyDetector)', () => new StreamingAnomalyDetector()),
  measure('windowedGaussian (NAB reference)', () => new WindowedGaussianDetector(), Math.min(SERIES, 1000)),
];
const base = rows[0] as Row;
console.log(`${SERIES} series × ${UPDATES} updates each (windowedGaussian: ${Math.min(SERIES, 1000)} series); gc ${gc ? 'exposed' : 'NOT exposed (run with --expose-gc)'}`);
console.log('| detector | ns/update | × baseline | bytes/series | × baseline |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.nsPerUpdate.toFixed(0)} | ${(r.nsPerUpdate / base.nsPerUpdate).toFixed(2)} | ${r.bytesPerSeries.toFixed(0)} | ${(r.bytesPerSeries / Math.max(1, base.bytesPerSeries)).toFixed(2)} |`,
  );
}
