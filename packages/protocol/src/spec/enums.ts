import { defineEnum } from './types.js';

/** Version of every layout in this package. Bump on any incompatible change. */
export const AINKA_ABI_VERSION = 1;

const mode = defineEnum('ainka_mode', 'AINKA_MODE_', 'Whether the kernel module may act or only report.', {
  /** Rules are evaluated and hits reported; no action is applied. */
  OBSERVE: [0, 'Rules are evaluated and hits reported; no action is applied.'],
  /** Rule hits apply their bounded, reversible action. */
  ENFORCE: [1, 'Rule hits apply their bounded, reversible action.'],
});
/** Kernel module operating modes. */
export const Mode = mode.values;
/** Spec of `enum ainka_mode`, for the C header generator. */
export const modeEnum = mode.spec;

const state = defineEnum('ainka_state', 'AINKA_STATE_', 'System state derived from samples, with hysteresis.', {
  /** Almost no runnable work. */
  IDLE: [0, 'Almost no runnable work.'],
  /** Work within capacity. */
  NORMAL: [1, 'Work within capacity.'],
  /** CPU close to saturation, no stall pressure. */
  BUSY: [2, 'CPU close to saturation, no stall pressure.'],
  /** Tasks are stalling on CPU, memory or I/O (PSI). */
  PRESSURED: [3, 'Tasks are stalling on CPU, memory or I/O (PSI).'],
  /** Severe stalls or memory nearly exhausted. */
  CRITICAL: [4, 'Severe stalls or memory nearly exhausted.'],
}, { withCount: true });
/** System states of the kernel module's state machine. */
export const SystemState = state.values;
/** Spec of `enum ainka_state`, for the C header generator. */
export const stateEnum = state.spec;

const metric = defineEnum('ainka_metric', 'AINKA_METRIC_', 'Metrics the kernel sampler measures; index into ainka_sample.metrics and ainka_rule.metric.', {
  /** Runnable tasks on all CPUs (count). */
  RUNNABLE: [0, 'Runnable tasks on all CPUs (count).'],
  /** One-minute load average × 1000. */
  LOAD1_MILLI: [1, 'One-minute load average × 1000.'],
  /** MemAvailable in KiB. */
  MEM_AVAILABLE_KB: [2, 'MemAvailable in KiB.'],
  /** MemTotal in KiB. */
  MEM_TOTAL_KB: [3, 'MemTotal in KiB.'],
  /** Block requests in flight on all disks (count). */
  IO_INFLIGHT: [4, 'Block requests in flight on all disks (count).'],
  /** PSI cpu some avg10 in hundredths of a percent (0–10000), -1 when PSI is off. */
  PSI_CPU_SOME_AVG10: [5, 'PSI cpu some avg10 in hundredths of a percent (0–10000), -1 when PSI is off.'],
  /** PSI memory some avg10 in hundredths of a percent, -1 when PSI is off. */
  PSI_MEM_SOME_AVG10: [6, 'PSI memory some avg10 in hundredths of a percent, -1 when PSI is off.'],
  /** PSI io some avg10 in hundredths of a percent, -1 when PSI is off. */
  PSI_IO_SOME_AVG10: [7, 'PSI io some avg10 in hundredths of a percent, -1 when PSI is off.'],
  /** Context switches per second over the last sample interval. */
  CTX_SWITCHES_PER_SEC: [8, 'Context switches per second over the last sample interval.'],
  /** Processes created per second over the last sample interval. */
  FORKS_PER_SEC: [9, 'Processes created per second over the last sample interval.'],
  /** Non-idle CPU time over the last interval, ‰ of all CPUs (0–1000). */
  CPU_BUSY_PERMILLE: [10, 'Non-idle CPU time over the last interval, ‰ of all CPUs (0–1000).'],
  /** Tasks in uninterruptible I/O wait (count). */
  BLOCKED: [11, 'Tasks in uninterruptible I/O wait (count).'],
}, { withCount: true });
/** Kernel sampler metric ids. */
export const KernelMetric = metric.values;
/** Spec of `enum ainka_metric`, for the C header generator. */
export const metricEnum = metric.spec;

const cmp = defineEnum('ainka_cmp', 'AINKA_CMP_', 'Comparison of a metric against a rule threshold.', {
  /** metric > threshold */
  GT: [0, 'metric > threshold'],
  /** metric >= threshold */
  GE: [1, 'metric >= threshold'],
  /** metric < threshold */
  LT: [2, 'metric < threshold'],
  /** metric <= threshold */
  LE: [3, 'metric <= threshold'],
  /** metric == threshold */
  EQ: [4, 'metric == threshold'],
  /** metric != threshold */
  NE: [5, 'metric != threshold'],
}, { withCount: true });
/** Rule comparisons. */
export const Comparison = cmp.values;
/** Spec of `enum ainka_cmp`, for the C header generator. */
export const cmpEnum = cmp.spec;

const action = defineEnum('ainka_action', 'AINKA_ACTION_', 'Immediate actions the kernel module may take; each records the previous value.', {
  /** Only emit a policy-hit event. */
  REPORT: [0, 'Only emit a policy-hit event.'],
  /** Set the target task nice value to arg (-20..19); reverted on rollback. */
  RENICE: [1, 'Set the target task nice value to arg (-20..19); reverted on rollback.'],
  /** Set the target task I/O priority to arg (class << 13 | level); reverted on rollback. */
  IOPRIO: [2, 'Set the target task I/O priority to arg (class << 13 | level); reverted on rollback.'],
  /** Ask userspace to act: emit a request event carrying arg as the request code. */
  REQUEST: [3, 'Ask userspace to act: emit a request event carrying arg as the request code.'],
}, { withCount: true });
/** Kernel rule actions. */
export const RuleAction = action.values;
/** Spec of `enum ainka_action`, for the C header generator. */
export const actionEnum = action.spec;

const target = defineEnum('ainka_target', 'AINKA_TARGET_', 'Which task an action applies to.', {
  /** No task (REPORT, REQUEST). */
  NONE: [0, 'No task (REPORT, REQUEST).'],
  /** The task whose pid is target_pid. */
  PID: [1, 'The task whose pid is target_pid.'],
  /** The runnable task that used the most CPU since the last sample. */
  TOP_CPU: [2, 'The runnable task that used the most CPU since the last sample.'],
}, { withCount: true });
/** Rule action targets. */
export const RuleTarget = target.values;
/** Spec of `enum ainka_target`, for the C header generator. */
export const targetEnum = target.spec;

const eventType = defineEnum('ainka_event_type', 'AINKA_EVENT_', 'Events multicast on the events group.', {
  /** The state machine moved from old-state to new-state. */
  STATE_CHANGE: [1, 'The state machine moved from old-state to new-state.'],
  /** A rule condition held; rule-id and metric-value say which and why. */
  POLICY_HIT: [2, 'A rule condition held; rule-id and metric-value say which and why.'],
  /** An action was applied, reported (observe mode) or reverted; the action nest says which. */
  ACTION: [3, 'An action was applied, reported (observe mode) or reverted; the action nest says which.'],
  /** No heartbeat within the timeout: actions reverted, mode set to observe. */
  WATCHDOG: [4, 'No heartbeat within the timeout: actions reverted, mode set to observe.'],
  /** A rule asks userspace to act (REQUEST action). */
  REQUEST: [5, 'A rule asks userspace to act (REQUEST action).'],
  /** The mode changed (by command or watchdog). */
  MODE_CHANGE: [6, 'The mode changed (by command or watchdog).'],
});
/** Netlink event types. */
export const EventType = eventType.values;
/** Spec of `enum ainka_event_type`, for the C header generator. */
export const eventTypeEnum = eventType.spec;

const actionStatus = defineEnum('ainka_action_status', 'AINKA_ACTION_STATUS_', 'What happened to an action.', {
  /** Observe mode: the action was only reported. */
  OBSERVED: [0, 'Observe mode: the action was only reported.'],
  /** The action was applied and is in force. */
  APPLIED: [1, 'The action was applied and is in force.'],
  /** The action was undone and the previous value restored. */
  REVERTED: [2, 'The action was undone and the previous value restored.'],
  /** Applying the action failed (task gone, value out of bounds). */
  FAILED: [3, 'Applying the action failed (task gone, value out of bounds).'],
});
/** Action statuses. */
export const ActionStatus = actionStatus.values;
/** Spec of `enum ainka_action_status`, for the C header generator. */
export const actionStatusEnum = actionStatus.spec;

/** All enums, in header order. */
export const coreEnums = [
  modeEnum,
  stateEnum,
  metricEnum,
  cmpEnum,
  actionEnum,
  targetEnum,
  eventTypeEnum,
  actionStatusEnum,
] as const;
