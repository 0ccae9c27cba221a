import type { AnomalyDetector, AnomalyDetectorFactory } from './detector.js';
import { MlOptionError } from './options.js';

/**
 * One anomaly of one series, from the point that opened it to the last point still anomalous.
 *
 * @public
 */
export interface AnomalyIncident {
  /** Stable id within one {@link AnomalyBank}: `A1`, `A2`, … in opening order. */
  readonly id: string;
  /** The series key the incident is about. */
  readonly series: string;
  /** The latest anomalous value. */
  readonly value: number;
  /** What the detector expected when the incident opened, or null when it had no expectation. */
  readonly expected: number | null;
  /** Highest score seen during the incident, in [0, 1]. */
  readonly score: number;
  /** The detector's one-sentence reason at the opening point. */
  readonly reason: string;
  /** When the incident opened, ms since the epoch. */
  readonly timestamp: number;
  /** The last time the series was still anomalous, ms since the epoch. */
  readonly lastTimestamp: number;
  /** Anomalous points seen so far. */
  readonly count: number;
  /**
   * The id of the first incident of the host-level group this one belongs to (its own id when it
   * opened the group): incidents that open within {@link AnomalyBankOptions.groupMs} of a group's first
   * incident join it, so a load starting on a host (many series shifting in the same seconds) is one
   * event with several series, not many unrelated ones.
   */
  readonly group: string;
  /** Incidents in this incident's group when it opened, itself included (1 for a group's first). */
  readonly groupIndex: number;
}

/**
 * Options of {@link AnomalyBank}.
 *
 * @public
 */
export interface AnomalyBankOptions {
  /** Builds the detector of a series on its first point. */
  readonly factory: AnomalyDetectorFactory;
  /**
   * Score at which an incident opens, for detectors without an alert state of their own; detectors that
   * report `alert` (onset → end, like `StreamingAnomalyDetector`) decide themselves.
   */
  readonly threshold: number;
  /** At most this many series get a detector; points of further series are counted in `droppedCount`. */
  readonly maxSeries: number;
  /** Series names never watched (e.g. `name => name.startsWith('process.')`); default: none. */
  readonly exclude?: (name: string) => boolean;
  /** An incident closes after this long without an anomalous point (ms; default 30 000). */
  readonly quietMs?: number;
  /** Closed incidents kept for {@link AnomalyBank.all} and {@link AnomalyBank.find} (default 500). */
  readonly keepClosed?: number;
  /**
   * An incident opening within this many ms of the first incident of the current group joins that group
   * (`group` is that incident's id); a later one opens a new group. Measured from the group's first
   * incident, not its latest, so a group spans at most `groupMs` and a fault starting minutes into a
   * long load is never folded into it. Default 0: every incident is a group of its own.
   */
  readonly groupMs?: number;
}

interface Open {
  incident: AnomalyIncident;
  quietSince: number | null;
}

/**
 * Anomaly detection over many series at once: one detector per series (created on its first point, up to
 * `maxSeries`), whose alerts become deduplicated incidents. An incident opens once, holds while the series
 * stays anomalous (its score is the incident's peak, so "score above x" holds for the whole incident), and
 * closes after `quietMs` without an anomalous point.
 *
 * @example
 * ```ts
 * const bank = new AnomalyBank({ factory: () => new StreamingAnomalyDetector(), threshold: 0.99, maxSeries: 1000 });
 * const opened = bank.update('cpu.busy_ratio', 'cpu.busy_ratio', Date.now(), 0.97);
 * if (opened) console.log(`${opened.id} on ${opened.series}: ${opened.reason}`);
 * ```
 *
 * @public
 */
export class AnomalyBank {
  private readonly detectors = new Map<string, AnomalyDetector>();
  private readonly open = new Map<string, Open>();
  private readonly scores = new Map<string, number>();
  private readonly lastSeen = new Map<string, number>();
  private readonly closed: AnomalyIncident[] = [];
  private readonly options: AnomalyBankOptions;
  private nextId = 1;
  private dropped = 0;
  private groupId = '';
  private groupStart = Number.NEGATIVE_INFINITY;
  private groupSize = 0;

  /** @throws MlOptionError `ERR_AINKA_ML_INVALID_OPTION` on a negative or non-integer `maxSeries`, or a threshold outside [0, 1]. */
  constructor(options: AnomalyBankOptions) {
    if (!Number.isInteger(options.maxSeries) || options.maxSeries < 0) {
      throw new MlOptionError(`AnomalyBank maxSeries must be a non-negative integer, got ${String(options.maxSeries)}: pass how many series may get a detector`);
    }
    if (options.groupMs !== undefined && !(options.groupMs >= 0 && Number.isFinite(options.groupMs))) {
      throw new MlOptionError(`AnomalyBank groupMs must be a finite number of ms ≥ 0, got ${String(options.groupMs)}: 0 keeps every incident a group of its own`);
    }
    if (!(options.threshold >= 0 && options.threshold <= 1)) {
      throw new MlOptionError(`AnomalyBank threshold must be a score in [0, 1], got ${String(options.threshold)}: with a calibrated detector 0.99 means about one chance incident per 100 series-days`);
    }
    this.options = options;
  }

  /**
   * Feeds one point of a series.
   * @param key - the series key (a metric name and its labels)
   * @param name - the metric name, matched by `exclude`
   * @param timestamp - ms since the epoch; points of one series in time order
   * @returns the incident this point opened, or `undefined`
   */
  update(key: string, name: string, timestamp: number, value: number): AnomalyIncident | undefined {
    let detector = this.detectors.get(key);
    if (detector === undefined) {
      if (this.options.exclude?.(name) === true) return undefined;
      if (this.detectors.size >= this.options.maxSeries) {
        this.dropped++;
        return undefined;
      }
      detector = this.options.factory();
      this.detectors.set(key, detector);
    }
    const r = detector.update(timestamp, value);
    this.lastSeen.set(key, timestamp);
    this.scores.set(key, r.alert?.active === true ? Math.max(r.score, r.alert.peak) : r.score);
    const current = this.open.get(key);
    const hot = r.alert !== undefined ? r.alert.active : r.score >= this.options.threshold;
    if (hot) {
      if (current !== undefined) {
        const i = current.incident;
        current.incident = { ...i, lastTimestamp: timestamp, count: i.count + 1, score: Math.max(i.score, r.score), value };
        current.quietSince = null;
        return undefined;
      }
      const id = `A${this.nextId++}`;
      const groupMs = this.options.groupMs ?? 0;
      if (groupMs > 0 && timestamp - this.groupStart <= groupMs && timestamp >= this.groupStart) this.groupSize++;
      else {
        this.groupId = id;
        this.groupStart = timestamp;
        this.groupSize = 1;
      }
      const incident: AnomalyIncident = {
        id,
        group: this.groupId,
        groupIndex: this.groupSize,
        series: key,
        value,
        expected: r.explanation.expected ?? null,
        score: r.score,
        reason: r.explanation.reason,
        timestamp,
        lastTimestamp: timestamp,
        count: 1,
      };
      this.open.set(key, { incident, quietSince: null });
      return incident;
    }
    if (current !== undefined) {
      if (current.quietSince === null) current.quietSince = timestamp;
      else if (timestamp - current.quietSince >= (this.options.quietMs ?? 30_000)) {
        this.open.delete(key);
        this.closed.push(current.incident);
        if (this.closed.length > (this.options.keepClosed ?? 500)) this.closed.shift();
      }
    }
    return undefined;
  }

  /**
   * Forgets every series whose latest point is older than `before` (ms since the epoch): its detector, its
   * score, and its open incident, which closes at its last anomalous point. Series come and go (one per
   * process, cgroup or device): without this, a machine that starts many short-lived processes fills
   * `maxSeries` with detectors of series that are gone, and new series get none.
   * @returns how many series were forgotten
   */
  forgetBefore(before: number): number {
    let n = 0;
    for (const [key, last] of this.lastSeen) {
      if (last >= before) continue;
      this.lastSeen.delete(key);
      this.detectors.delete(key);
      this.scores.delete(key);
      const o = this.open.get(key);
      if (o !== undefined) {
        this.open.delete(key);
        this.closed.push(o.incident);
        if (this.closed.length > (this.options.keepClosed ?? 500)) this.closed.shift();
      }
      n++;
    }
    return n;
  }

  /** Open incidents, newest first. */
  active(): AnomalyIncident[] {
    return [...this.open.values()].map((o) => o.incident).sort((x, y) => y.timestamp - x.timestamp);
  }

  /** Open incidents (newest first), then the kept closed ones (newest first). */
  all(): AnomalyIncident[] {
    return [...this.active(), ...[...this.closed].reverse()];
  }

  /** An open or kept closed incident by id. */
  find(id: string): AnomalyIncident | undefined {
    return this.all().find((i) => i.id === id);
  }

  /** The latest score of a series in [0, 1] (an open incident's peak while it lasts), or `undefined` before its first point. */
  score(key: string): number | undefined {
    return this.scores.get(key);
  }

  /** Whether a series has an open incident. */
  isActive(key: string): boolean {
    return this.open.has(key);
  }

  /** Series with a detector. */
  get detectorCount(): number {
    return this.detectors.size;
  }

  /** Points refused because `maxSeries` series already had a detector. */
  get droppedCount(): number {
    return this.dropped;
  }
}
