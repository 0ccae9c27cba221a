import type { MetricUnit } from '@ainka/telemetry';
import type { Evidence } from './api.js';
import type { SeriesWindows } from './seriesWindow.js';

/** The latest value of a series, with its name and labels. */
export interface LatestSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
  /** The unit of `value` (for the Prometheus exposition). */
  readonly unit: MetricUnit;
  /** Updated in place every tick (no allocation per sample). */
  value: number;
  t: number;
}

/** What rules see on every tick. */
export interface RuleContext {
  /** Time of the tick (ms). */
  readonly now: number;
  /** Recent points of every series. */
  readonly windows: SeriesWindows;
  /** Latest sample of every series, by series key. */
  readonly latest: ReadonlyMap<string, LatestSample>;
  /** Latest samples grouped by metric name. */
  readonly byName: ReadonlyMap<string, readonly LatestSample[]>;
  /** Whether a series is anomalous now. */
  isAnomalous(series: string): boolean;
}

/** A rule hit: the change a policy asks for, and why. */
export interface Decision {
  readonly policy: string;
  readonly rule: string;
  readonly knob: string;
  readonly value: string;
  readonly mode: 'advise' | 'enforce';
  readonly because: string;
  readonly evidence: readonly Evidence[];
  /** Restore exactly this value (a recorded baseline), never a damped step towards it. */
  readonly exact?: boolean;
}
