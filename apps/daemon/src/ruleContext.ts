import type { Objective, Target } from '@ainka/policy';
import type { MetricUnit } from '@ainka/telemetry';
import type { Evidence } from './api.js';

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
  /** The measured objective (enforce mode: the change is a trial judged by it). */
  readonly objective?: Objective;
  /** The selector target the decision is for (`process:123`, `device:sda`). */
  readonly target?: Target;
}
