import { defineEnum } from './types.js';

/** Version of every layout in this package. Bump on any incompatible change. */
export const AINKA_ABI_VERSION = 1;

const mode = defineEnum('ainka_mode', 'AINKA_MODE_', 'Whether the kernel module may act or only report.', {
  OBSERVE: [0, 'Rules are evaluated and hits reported; no action is applied.'],
  ENFORCE: [1, 'Rule hits apply their bounded, reversible action.'],
});
/** Kernel module operating modes. */
export const Mode = mode.values;
export const modeEnum = mode.spec;

const state = defineEnum('ainka_state', 'AINKA_STATE_', 'System state derived from samples, with hysteresis.', {
  IDLE: [0, 'Almost no runnable work.'],
  NORMAL: [1, 'Work within capacity.'],
  BUSY: [2, 'CPU close to saturation, no stall pressure.'],
  PRESSURED: [3, 'Tasks are stalling on CPU, memory or I/O (PSI).'],
  CRITICAL: [4, 'Severe stalls or memory nearly exhausted.'],
}, { withCount: true });
/** System states of the kernel module's state machine. */
export const SystemState = state.values;
export const stateEnum = state.spec;

const metric = defineEnum('ainka_metric', 'AINKA_METRIC_', 'Metrics the kernel sampler measures; index into ainka_sample.metrics and ainka_rule.metric.', {
  RUNNABLE: [0, 'Runnable tasks on all CPUs (count).'],
  LOAD1_MILLI: [1, 'One-minute load average × 1000.'],
  MEM_AVAILABLE_KB: [2, 'MemAvailable in KiB.'],
  MEM_TOTAL_KB: [3, 'MemTotal in KiB.'],
  IO_INFLIGHT: [4, 'Block requests in flight on all disks (count).'],
  PSI_CPU_SOME_AVG10: [5, 'PSI cpu some avg10 in hundredths of a percent (0–10000), -1 when PSI is off.'],
  PSI_MEM_SOME_AVG10: [6, 'PSI memory some avg10 in hundredths of a percent, -1 when PSI is off.'],
  PSI_IO_SOME_AVG10: [7, 'PSI io some avg10 in hundredths of a percent, -1 when PSI is off.'],
  CTX_SWITCHES_PER_SEC: [8, 'Context switches per second over the last sample interval.'],
  FORKS_PER_SEC: [9, 'Processes created per second over the last sample interval.'],
  CPU_BUSY_PERMILLE: [10, 'Non-idle CPU time over the last interval, ‰ of all CPUs (0–1000).'],
  BLOCKED: [11, 'Tasks in uninterruptible I/O wait (count).'],
}, { withCount: true });
/** Kernel sampler metric ids. */
export const KernelMetric = metric.values;
export const metricEnum = metric.spec;

const cmp = defineEnum('ainka_cmp', 'AINKA_CMP_', 'Comparison of a metric against a rule threshold.', {
  GT: [0, 'metric > threshold'],
  GE: [1, 'metric >= threshold'],
  LT: [2, 'metric < threshold'],
  LE: [3, 'metric <= threshold'],
  EQ: [4, 'metric == threshold'],
  NE: [5, 'metric != threshold'],
}, { withCount: true });
/** Rule comparisons. */
export const Comparison = cmp.values;
export const cmpEnum = cmp.spec;

const action = defineEnum('ainka_action', 'AINKA_ACTION_', 'Immediate actions the kernel module may take; each records the previous value.', {
  REPORT: [0, 'Only emit a policy-hit event.'],
  RENICE: [1, 'Set the target task nice value to arg (-20..19); reverted on rollback.'],
  IOPRIO: [2, 'Set the target task I/O priority to arg (class << 13 | level); reverted on rollback.'],
  REQUEST: [3, 'Ask userspace to act: emit a request event carrying arg as the request code.'],
}, { withCount: true });
/** Kernel rule actions. */
export const RuleAction = action.values;
export const actionEnum = action.spec;

const target = defineEnum('ainka_target', 'AINKA_TARGET_', 'Which task an action applies to.', {
  NONE: [0, 'No task (REPORT, REQUEST).'],
  PID: [1, 'The task whose pid is target_pid.'],
  TOP_CPU: [2, 'The runnable task that used the most CPU since the last sample.'],
}, { withCount: true });
/** Rule action targets. */
export const RuleTarget = target.values;
export const targetEnum = target.spec;

const eventType = defineEnum('ainka_event_type', 'AINKA_EVENT_', 'Events multicast on the events group.', {
  STATE_CHANGE: [1, 'The state machine moved from old-state to new-state.'],
  POLICY_HIT: [2, 'A rule condition held; rule-id and metric-value say which and why.'],
  ACTION: [3, 'An action was applied, reported (observe mode) or reverted; the action nest says which.'],
  WATCHDOG: [4, 'No heartbeat within the timeout: actions reverted, mode set to observe.'],
  REQUEST: [5, 'A rule asks userspace to act (REQUEST action).'],
  MODE_CHANGE: [6, 'The mode changed (by command or watchdog).'],
});
/** Netlink event types. */
export const EventType = eventType.values;
export const eventTypeEnum = eventType.spec;

const actionStatus = defineEnum('ainka_action_status', 'AINKA_ACTION_STATUS_', 'What happened to an action.', {
  OBSERVED: [0, 'Observe mode: the action was only reported.'],
  APPLIED: [1, 'The action was applied and is in force.'],
  REVERTED: [2, 'The action was undone and the previous value restored.'],
  FAILED: [3, 'Applying the action failed (task gone, value out of bounds).'],
});
/** Action statuses. */
export const ActionStatus = actionStatus.values;
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
