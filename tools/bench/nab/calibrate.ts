/**
 * Measures how often normal rows carry evidence of a given strength, to check (or refit) the
 * calibration of `StreamingAnomalyDetector` (`calibrationBase · (1 + E)^−calibrationPower` per row at
 * the reference interval):
 *
 *   npx tsx tools/bench/nab/calibrate.ts <corpusDir> [<corpusDir> ...]
 *
 * Normal rows are those after the probationary 15 % and outside every labelled window. For each corpus
 * it prints the share of normal rows with evidence ≥ E, that share per day of data (chance alarms per
 * day per series), the model's prediction, and a least-squares fit of base and power on log shares.
 */
import { join, resolve } from 'node:path';
import { StreamingAnomalyDetector, STREAMING_DETECTOR_DEFAULTS } from '../../../packages/ml/src/index.js';
import { loadNabCorpus, probationaryLength } from '../../../packages/ml/src/nab.js';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npx tsx tools/bench/nab/calibrate.ts <corpusDir> [<corpusDir> ...]');
  process.exit(2);
}
const LEVELS = [0.01, 1, 3, 5, 10, 20, 30, 40, 60, 80, 100, 150];
for (const dir of dirs) {
  const corpus = loadNabCorpus(join(resolve(dir), 'data'), join(resolve(dir), 'labels', 'combined_windows.json'));
  const evidence: number[] = [];
  let rows = 0;
  let seconds = 0;
  let efolds = 0;
  for (const s of corpus.series) {
    const d = new StreamingAnomalyDetector();
    const prob = probationaryLength(s.values.length);
    const t0 = s.timestamps[0] as number;
    const step = ((s.timestamps[s.values.length - 1] as number) - t0) / Math.max(1, s.values.length - 1);
    efolds += Math.log(((s.timestamps[s.values.length - 1] as number) - t0 + step) / ((s.timestamps[Math.ceil(prob)] as number) - t0 + step));
    for (let i = 0; i < s.values.length; i++) {
      const t = s.timestamps[i] as number;
      const r = d.update(t, s.values[i] as number);
      if (i < prob || s.windows.some(([a, b]) => t >= a && t <= b)) continue;
      rows++;
      seconds += Math.min(d.rowSeconds, STREAMING_DETECTOR_DEFAULTS.referenceRowSeconds * 12);
      if (r.evidence > 0) evidence.push(r.evidence);
    }
  }
  const days = seconds / 86_400;
  console.log(`${dir}: ${corpus.series.length} series, ${rows} normal rows, ${days.toFixed(2)} series-days`);
  console.log(`  ${efolds.toFixed(1)} e-folds of history (Σ ln(age at end / age at end of probation))`);
  console.log('      E   share of rows   alarms/day/series   per e-fold of age   model alarms/day');
  const fit: Array<[number, number]> = [];
  for (const e of LEVELS) {
    const k = evidence.filter((x) => x >= e).length;
    const share = k / rows;
    const model = (STREAMING_DETECTOR_DEFAULTS.calibrationBase * Math.pow(1 + e, -STREAMING_DETECTOR_DEFAULTS.calibrationPower) * 86_400) / STREAMING_DETECTOR_DEFAULTS.referenceRowSeconds;
    console.log(`${e.toString().padStart(7)}   ${share.toExponential(2).padStart(12)}   ${(k / days).toExponential(2).padStart(17)}   ${(k / efolds).toExponential(2).padStart(17)}   ${model.toExponential(2).padStart(16)}`);
    if (k >= 3 && e >= 1) fit.push([Math.log(1 + e), Math.log(share)]);
  }
  if (fit.length >= 2) {
    const mx = fit.reduce((a, [x]) => a + x, 0) / fit.length;
    const my = fit.reduce((a, [, y]) => a + y, 0) / fit.length;
    const slope = fit.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / fit.reduce((a, [x]) => a + (x - mx) ** 2, 0);
    console.log(`  per-row fit: base ${Math.exp(my - slope * mx).toExponential(2)}, power ${(-slope).toFixed(2)}`);
  }
}
