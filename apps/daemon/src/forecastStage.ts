import { CapacityPlanner, WorkloadPredictor } from '@ainka/ml';
import type { WindowPoint } from '@ainka/telemetry';
import type { ForecastResult } from './api.js';

/** Known limits for capacity estimates, by metric name. */
const LIMITS: Readonly<Record<string, { limit: number; note: string }>> = {
  'mem.used_ratio': { limit: 0.95, note: 'memory 95% used' },
  'cpu.busy_ratio': { limit: 0.95, note: 'CPU 95% busy' },
  'disk.utilization_ratio': { limit: 0.95, note: 'device 95% utilised' },
  'fs.used_ratio': { limit: 0.95, note: 'file system 95% full' },
  'psi.memory.some_avg10': { limit: 20, note: 'memory pressure 20%' },
};

/**
 * Forecasts and capacity estimates from `@ainka/ml` (WorkloadPredictor ensemble, CapacityPlanner),
 * refitted from the recent window of a series. The deep layer runs this for the headline series every
 * cycle; `ainka forecast <metric>` runs it on demand.
 */
export function forecastSeries(series: string, name: string, points: readonly WindowPoint[], horizonSeconds: number): ForecastResult {
  const last = points.length > 0 ? (points[points.length - 1] as { value: number }).value : null;
  if (points.length < 10) {
    return { series, method: 'none (fewer than 10 points yet)', horizonSeconds, last, points: [], capacity: null };
  }
  const first = points[0] as WindowPoint;
  const lastT = (points[points.length - 1] as WindowPoint).timestamp;
  const stepMs = Math.max(1, (lastT - first.timestamp) / (points.length - 1));
  const horizon = Math.max(1, Math.min(120, Math.round((horizonSeconds * 1000) / stepMs)));
  const predictor = new WorkloadPredictor({ horizon, refitEvery: Math.max(10, Math.floor(points.length / 2)) });
  for (const p of points) predictor.update(p.timestamp, p.value);
  const fc = predictor.forecast(horizon);
  const known = LIMITS[name];
  let capacity: ForecastResult['capacity'] = null;
  if (known !== undefined) {
    const planner = new CapacityPlanner({ limit: known.limit });
    for (const p of points) planner.update(p.timestamp, p.value);
    const e = planner.estimate();
    capacity = { limit: known.limit, secondsToLimit: Number.isFinite(e.timeToLimit) ? e.timeToLimit / 1000 : null, note: `${known.note}: ${e.reason}` };
  }
  return {
    series,
    method: 'WorkloadPredictor (Holt-Winters + AR + seasonal-naive ensemble, @ainka/ml)',
    horizonSeconds,
    last,
    points: fc.map((f) => ({ t: f.t, value: f.mean, lower: f.lower, upper: f.upper })),
    capacity,
  };
}
