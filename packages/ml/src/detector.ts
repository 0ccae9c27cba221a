/**
 * The contract every streaming anomaly detector in this package implements.
 *
 * @packageDocumentation
 */

/** Why a detector scored a point the way it did, meant to be read by a person. */
export interface AnomalyExplanation {
  /** One-sentence summary, e.g. `"value 97.2 is 6.1 robust sigmas above the expected 41.0"`. */
  readonly reason: string;
  /** The value the detector expected at this point, when it has one. */
  readonly expected?: number;
  /** Named sub-scores in [0, 1] that were combined into the final score. */
  readonly components?: Readonly<Record<string, number>>;
}

/** A detector's alert state after one observation: an alert has an onset and an end, not one tick. */
export interface AnomalyAlert {
  /** An alert is open after this observation. */
  readonly active: boolean;
  /** This observation opened the alert. */
  readonly onset: boolean;
  /** When the open (or just ended) alert began, ms since the epoch; null when none. */
  readonly since: number | null;
  /** Highest score seen during the alert (0 when none). */
  readonly peak: number;
  /** Timestamp of this observation. */
  readonly at: number;
}

/** The result of feeding one observation to a detector. */
export interface AnomalyResult {
  /**
   * Anomaly score in [0, 1]; higher means more anomalous. Calibrated detectors (like
   * `StreamingAnomalyDetector`) document what a value means (there: `1 − false alarms per day`).
   */
  readonly score: number;
  /** What drove the score. */
  readonly explanation: AnomalyExplanation;
  /** The alert state, for detectors that keep one (onset → end). */
  readonly alert?: AnomalyAlert;
  /** The score only where it starts a new incident (beats the decayed previous peak), else 0. */
  readonly onsetScore?: number;
}

/**
 * A streaming, single-series anomaly detector.
 *
 * Observations must be fed in time order, once each; a detector never looks ahead and never sees labels.
 * Implementations keep O(1) (or O(log n)) state per series so that one instance per metric is affordable
 * for thousands of metrics.
 */
export interface AnomalyDetector {
  /** Short stable name, used in result folders (`<out>/<name>/...`). */
  readonly name: string;
  /**
   * Consume one observation and score it.
   * @param t - timestamp in milliseconds since the epoch
   * @param x - the observed value
   */
  update(t: number, x: number): AnomalyResult;
}

/** Builds a fresh detector for each series (global hyper-parameters are captured by the factory). */
export type AnomalyDetectorFactory = () => AnomalyDetector;
