import { AnomalyBank, StreamingAnomalyDetector, type AnomalyDetectorFactory, type AnomalyIncident } from '@ainka/ml';
import picomatch from 'picomatch';
import type { AnomalyRecord } from './api.js';

/** The `ml.anomaly` settings the detector bank is built from. */
export interface AnomalySettings {
  readonly threshold: number;
  readonly warmup: number;
  readonly warmupSeconds: number;
  readonly maxSeries: number;
  /** Metric-name globs never watched (`*` matches any run of characters, dots included). */
  readonly exclude: readonly string[];
  /** Anomalies opening within this many seconds of a host-level group's first join that group (0: none). */
  readonly groupSeconds?: number;
}

/**
 * The daemon's per-series detector: `@ainka/ml`'s calibrated `StreamingAnomalyDetector`, whose alert
 * opens at the configured threshold (score s ≈ (1 − s) / s chance alarms per day on one series).
 */
export function anomalyDetectorFactory(s: Omit<AnomalySettings, 'maxSeries' | 'exclude'>): AnomalyDetectorFactory {
  const options = { warmupRows: Math.max(2, s.warmup), warmupSeconds: s.warmupSeconds, alertScore: Math.max(s.threshold, 1e-6) };
  return () => new StreamingAnomalyDetector(options);
}

/**
 * `ml.anomaly.exclude` as one test. Series names have no `/`, so picomatch's `*` (which stops at `/`) is
 * "any run of characters" here; `dot` lets `*` match a name segment that starts with a dot.
 */
export function excludeMatcher(globs: readonly string[]): ((name: string) => boolean) | undefined {
  return globs.length === 0 ? undefined : picomatch([...globs], { dot: true });
}

/** An `@ainka/ml` incident as the API reports it (`at`/`lastAt`, the wire names since 0.1). */
export function toAnomalyRecord(i: AnomalyIncident): AnomalyRecord {
  const { timestamp, lastTimestamp, ...rest } = i;
  return { ...rest, at: timestamp, lastAt: lastTimestamp };
}

/** `@ainka/ml`'s `AnomalyBank` built from the daemon's `ml.anomaly` settings. */
export function createAnomalyBank(s: AnomalySettings): AnomalyBank {
  const exclude = excludeMatcher(s.exclude);
  return new AnomalyBank({
    factory: anomalyDetectorFactory(s),
    threshold: s.threshold,
    maxSeries: s.maxSeries,
    groupMs: (s.groupSeconds ?? 0) * 1000,
    ...(exclude !== undefined ? { exclude } : {}),
  });
}
