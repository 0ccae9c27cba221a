import { StreamingAnomalyDetector, type AnomalyDetector, type AnomalyDetectorFactory } from '@ainka/ml';
import type { AnomalyRecord } from './api.js';
import { globMatcher } from './glob.js';

/** Options of {@link AnomalyStage}. */
export interface AnomalyStageOptions {
  readonly factory: AnomalyDetectorFactory;
  /**
   * Score at which an anomaly opens, for detectors without an alert state of their own; detectors that
   * report `alert` (onset → end) decide themselves (the daemon builds them with this threshold).
   */
  readonly threshold: number;
  readonly maxSeries: number;
  readonly exclude: readonly string[];
  /** An anomaly closes after this long below threshold. */
  readonly quietMs?: number;
  /** Closed anomalies kept for `anomalies` and `explain`. */
  readonly keepClosed?: number;
}

/** The `ml.anomaly` settings the detector bank is built from. */
export interface AnomalySettings {
  readonly threshold: number;
  readonly warmup: number;
  readonly warmupSeconds: number;
}

/**
 * The daemon's per-series detector: `@ainka/ml`'s calibrated `StreamingAnomalyDetector`, whose alert
 * opens at the configured threshold (score s ≈ (1 − s) / s chance alarms per day on one series).
 */
export function anomalyDetectorFactory(s: AnomalySettings): AnomalyDetectorFactory {
  const options = { warmupRows: Math.max(2, s.warmup), warmupSeconds: s.warmupSeconds, alertScore: Math.max(s.threshold, 1e-6) };
  return () => new StreamingAnomalyDetector(options);
}

interface Active {
  record: AnomalyRecord;
  quietSince: number | null;
}

/**
 * Per-series anomaly detection: one `@ainka/ml` detector per series (created on first sight, up to
 * `maxSeries`), turning scores above the threshold into deduplicated anomaly records with evidence.
 */
export class AnomalyStage {
  private readonly detectors = new Map<string, AnomalyDetector>();
  private readonly active = new Map<string, Active>();
  private readonly scores = new Map<string, number>();
  private readonly closed: AnomalyRecord[] = [];
  private readonly excluded: (name: string) => boolean;
  private readonly opts: AnomalyStageOptions;
  private nextId = 1;
  private dropped = 0;

  constructor(options: AnomalyStageOptions) {
    this.opts = options;
    this.excluded = globMatcher(options.exclude);
  }

  /** Feed one point; returns the record when this point opened a new anomaly. */
  update(key: string, name: string, t: number, value: number): AnomalyRecord | undefined {
    let d = this.detectors.get(key);
    if (d === undefined) {
      if (this.excluded(name)) return undefined;
      if (this.detectors.size >= this.opts.maxSeries) {
        this.dropped++;
        return undefined;
      }
      d = this.opts.factory();
      this.detectors.set(key, d);
    }
    const r = d.update(t, value);
    // While an alert is open its peak is the series' score, so `anomaly(x) > …` holds for the incident.
    this.scores.set(key, r.alert?.active === true ? Math.max(r.score, r.alert.peak) : r.score);
    const a = this.active.get(key);
    const hot = r.alert !== undefined ? r.alert.active : r.score >= this.opts.threshold;
    if (hot) {
      if (a !== undefined) {
        a.record = { ...a.record, lastAt: t, count: a.record.count + 1, score: Math.max(a.record.score, r.score), value };
        a.quietSince = null;
        return undefined;
      }
      const record: AnomalyRecord = {
        id: `A${this.nextId++}`,
        series: key,
        value,
        expected: r.explanation.expected ?? null,
        score: r.score,
        reason: r.explanation.reason,
        at: t,
        lastAt: t,
        count: 1,
      };
      this.active.set(key, { record, quietSince: null });
      return record;
    }
    if (a !== undefined) {
      if (a.quietSince === null) a.quietSince = t;
      else if (t - a.quietSince >= (this.opts.quietMs ?? 30_000)) {
        this.active.delete(key);
        this.closed.push(a.record);
        if (this.closed.length > (this.opts.keepClosed ?? 500)) this.closed.shift();
      }
    }
    return undefined;
  }

  /** Active anomalies, newest first. */
  activeRecords(): AnomalyRecord[] {
    return [...this.active.values()].map((a) => a.record).sort((x, y) => y.at - x.at);
  }

  /** Active and recently closed anomalies, newest first. */
  all(): AnomalyRecord[] {
    return [...this.activeRecords(), ...[...this.closed].reverse()];
  }

  /** Look an anomaly up by id. */
  find(id: string): AnomalyRecord | undefined {
    return this.all().find((r) => r.id === id);
  }

  /** Latest anomaly score of a series (0 … 1), for policy conditions. */
  score(key: string): number | undefined {
    return this.scores.get(key);
  }

  /** Whether a series is anomalous now. */
  isActive(key: string): boolean {
    return this.active.has(key);
  }

  /** Number of series with a detector. */
  get detectorCount(): number {
    return this.detectors.size;
  }

  /** Series refused because `maxSeries` was reached. */
  get droppedCount(): number {
    return this.dropped;
  }
}
