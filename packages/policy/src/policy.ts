import type { Condition } from './condition.js';

/** `advise` proposes changes; `enforce` applies them. */
export type PolicyMode = 'advise' | 'enforce';

/** What a rule's actions apply to. */
export type PolicyScope =
  | {
      /** The whole host. */
      readonly kind: 'host';
    }
  /** One cgroup (v2 path under `/sys/fs/cgroup`); `{cgroup}` in knob ids is replaced by it. */
  | {
      /** One cgroup. */
      readonly kind: 'cgroup';
      /** cgroup v2 path under `/sys/fs/cgroup`. */
      readonly cgroup: string;
    }
  /** Processes matched by command name (and optionally cgroup); `{pid}` in knob ids is replaced by each pid. */
  | {
      /** Matching processes. */
      readonly kind: 'process';
      /** Command name (`/proc/<pid>/comm`) to match. */
      readonly comm: string;
      /** Only processes in this cgroup, when given. */
      readonly cgroup?: string;
    }
  /**
   * Every target of a kind that exists now (or the top N of them by a metric), protected targets excluded;
   * the rule is evaluated once per target, with `{pid}`, `{comm}`, `{cgroup}`, `{device}`, `{interface}` or
   * `{policy}` in metric labels and knob ids replaced by the target's.
   */
  | {
      /** One instance of the rule per target. */
      readonly kind: 'each';
      /** What the targets are. */
      readonly each: TargetKind;
      /** Only the N targets with the highest `by` value (all matching targets when absent). */
      readonly top?: number;
      /** The metric whose series name the targets (and rank them for `top`). */
      readonly by: string;
      /** Glob (`*`, `?`, `|` between alternatives) the target's name must match. */
      readonly match?: string;
      /** Globs of names never selected, in addition to the protected ones. */
      readonly exclude: readonly string[];
    };

/** Kinds of targets a selector picks, and the label that names each. */
export type TargetKind = 'process' | 'cgroup' | 'device' | 'interface' | 'policy';

/** One action: set a knob, or adjust it relative to its current value, within bounds. */
export interface PolicyAction {
  /** Knob id (`sysctl:vm.swappiness`), possibly with `{cgroup}` / `{pid}` placeholders. */
  readonly knob: string;
  /** Absolute value to set. */
  readonly set?: string | number;
  /** Relative change: add `by`, or multiply by `factor` (rounded). */
  readonly adjust?: {
    /** Amount added to the current value (may be negative). */
    readonly by?: number;
    /** Factor the current value is multiplied by (> 0). */
    readonly factor?: number;
  };
  /** Value computed from a metric at the time the rule fires: `metric × factor`, rounded, clamped to min/max. */
  readonly from?: {
    /** Metric reference (placeholders allowed in selector rules). */
    readonly metric: string;
    /** Multiplier (> 0). Default 1. */
    readonly factor?: number;
  };
  /** A measured objective: the change is a trial, kept only when the objective does not get worse beyond noise. */
  readonly objective?: Objective;
  /** Never go below this (adjust results are clamped; set values must respect it). */
  readonly min?: number;
  /** Never go above this. */
  readonly max?: number;
}

/** What a change must not make worse: a metric, its direction, and how it is measured. */
export interface Objective {
  /** Metric reference (placeholders allowed in selector rules). */
  readonly metric: string;
  /** `maximize` (throughput) or `minimize` (latency, stalls). */
  readonly goal: 'maximize' | 'minimize';
  /** Length of one measurement window, seconds. */
  readonly window: number;
  /** Windows measured before and after the change. */
  readonly windows: number;
  /** Smallest relative worsening that counts (a fraction of the baseline mean; default 0.02). */
  readonly margin: number;
  /**
   * Metrics the change must not make worse either, measured in the same windows (e.g. the writers'
   * throughput when the objective is write latency). Any guard worse beyond noise rolls the change back.
   */
  readonly guards?: readonly ObjectiveGuard[];
}

/** A metric an objective trial must not make worse (see {@link Objective.guards}). */
export interface ObjectiveGuard {
  /** Metric reference (placeholders allowed in selector rules). */
  readonly metric: string;
  /** `maximize`: must not go down; `minimize`: must not go up. */
  readonly goal: 'maximize' | 'minimize';
  /** Smallest relative worsening that counts (defaults to the objective's margin). */
  readonly margin: number;
}

/** A rule: when the condition holds, propose or apply the actions. */
export interface PolicyRule {
  /** Unique name in the policy (lower-kebab); the "reason" in change logs. */
  readonly name: string;
  /** One sentence for humans. */
  readonly description: string;
  /** The condition, parsed. */
  readonly when: Condition;
  /** The condition as written (expression form). */
  readonly whenText: string;
  /** Actions, in order. */
  readonly then: readonly PolicyAction[];
  /** 0 … 100; higher wins when rules want the same knob. Default 50. */
  readonly priority: number;
  /** Seconds before the rule may fire again. Default 300. */
  readonly cooldown: number;
  /** Mode of this rule (defaults to the policy's). */
  readonly mode: PolicyMode;
  /** Scope of the actions. Default host. */
  readonly scope: PolicyScope;
  /** Free-form tags. */
  readonly tags: readonly string[];
}

/** A validated policy. */
export interface Policy {
  /** Policy name (lower-kebab). */
  readonly name: string;
  /** One sentence for humans. */
  readonly description: string;
  /** Default mode of its rules. Default `advise`. */
  readonly mode: PolicyMode;
  /** Free-form tags. */
  readonly tags: readonly string[];
  /** Rules, in order. */
  readonly rules: readonly PolicyRule[];
  /** Where it came from (file name or `<inline>`). */
  readonly file: string;
}
