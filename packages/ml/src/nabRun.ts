import type { AnomalyDetector } from './detector.js';
import type { NabSeries } from './nabCorpus.js';

/**
 * Feed one series to a detector row by row and collect its scores (the onset score where the detector
 * gives one: NAB rewards the first detection of each window) (clamped to [0, 1], NaN → 0).
 * The detector sees only the current and past rows.
 */
export function runNabDetector(detector: AnomalyDetector, series: Pick<NabSeries, 'timestamps' | 'values'>): Float64Array {
  const n = series.values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = detector.update(series.timestamps[i] as number, series.values[i] as number);
    const s = r.onsetScore ?? r.score;
    out[i] = s > 1 ? 1 : s >= 0 ? s : 0;
  }
  return out;
}
