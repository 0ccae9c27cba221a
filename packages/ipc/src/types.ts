import type { AttrObject, AttrValue } from '@ainka/protocol';
// Imported for the {@link} references in the TSDoc below.
import type { ActionStatus, Mode, RuleAction, SystemState } from '@ainka/protocol';
import { EventType } from '@ainka/protocol';

/** Module counters from `get-status` (since load). Absent counters are reported as 0. */
export interface KernelCounters {
  /** Samples taken. */
  readonly samples: bigint;
  /** Samples dropped because the ring was full. */
  readonly ringOverflows: bigint;
  /** Rule conditions that held (after for_ms and cool-down). */
  readonly ruleHits: bigint;
  /** Actions applied in enforce mode. */
  readonly actionsApplied: bigint;
  /** Actions reverted. */
  readonly actionsReverted: bigint;
  /** Watchdog fallbacks to observe mode. */
  readonly watchdogFires: bigint;
  /** Policy evaluation time of the last sample (ns). */
  readonly evalNsLast: bigint;
  /** p99 evaluation time over the last 1024 samples (ns). */
  readonly evalNsP99: bigint;
  /** Largest evaluation time since load (ns). */
  readonly evalNsMax: bigint;
  /** Scheduler/process tracepoint hits. */
  readonly tracepointEvents: bigint;
  /** Heartbeats received. */
  readonly heartbeats: bigint;
}

/** The reply of `get-status`. */
export interface KernelStatus {
  /** AINKA_ABI_VERSION of the module. */
  readonly abiVersion: number;
  /** Module version string. */
  readonly version: string;
  /** {@link Mode} value. */
  readonly mode: number;
  /** {@link SystemState} value. */
  readonly state: number;
  /** Rules in the policy cache. */
  readonly policyCount: number;
  /** Nanoseconds since the module was loaded. */
  readonly uptimeNs: bigint;
  /** Sampler period. */
  readonly sampleIntervalMs: number;
  /** 0 when the watchdog is off. */
  readonly watchdogTimeoutMs: number;
  /** Cookie of the last heartbeat. */
  readonly heartbeatCookie: bigint;
  /** Module counters since load. */
  readonly counters: KernelCounters;
}

/** One action the module took or would have taken (`actions-get`, ACTION events). */
export interface KernelAction {
  /** Action sequence number (increasing). */
  readonly id: bigint;
  /** Rule that caused it. */
  readonly ruleId: number;
  /** {@link RuleAction} value. */
  readonly kind: number;
  /** {@link ActionStatus} value. */
  readonly status: number;
  /** Target task, 0 if none. */
  readonly pid: number;
  /** Value before the action (nice or ioprio). */
  readonly oldValue: number;
  /** Value the action set. */
  readonly newValue: number;
  /** ktime_get_ns() when taken. */
  readonly timestampNs: bigint;
  /** Target command name. */
  readonly comm: string;
}

/** What every {@link KernelEvent} carries. */
export interface EventBase {
  /** `ktime_get_ns()` when the kernel emitted the event: monotonic nanoseconds since boot. */
  readonly timestampNs: bigint;
}

/** A multicast event, discriminated by `type`. */
export type KernelEvent =
  | (EventBase & {
      /** The state machine moved from `oldState` to `newState`. */
      readonly type: 'state-change';
      /** {@link SystemState} value before the change. */
      readonly oldState: number;
      /** {@link SystemState} value after the change. */
      readonly newState: number;
    })
  | (EventBase & {
      /** A rule condition held (after its for_ms and cool-down). */
      readonly type: 'policy-hit';
      /** Id of the rule that hit. */
      readonly ruleId: number;
      /** Value of the rule's metric at the hit, in the metric's kernel unit. */
      readonly metricValue: bigint;
    })
  | (EventBase & {
      /** An action was applied, reported (observe mode) or reverted. */
      readonly type: 'action';
      /** Id of the rule that caused the action. */
      readonly ruleId: number;
      /** The action, or undefined when the event carried no action nest. */
      readonly action: KernelAction | undefined;
    })
  | (EventBase & {
      /** No heartbeat within the timeout: actions were reverted and the mode set to observe. */
      readonly type: 'watchdog';
      /** {@link Mode} value after the fallback. */
      readonly mode: number;
    })
  | (EventBase & {
      /** A rule with the REQUEST action asks userspace to act. */
      readonly type: 'request';
      /** Id of the rule that asks. */
      readonly ruleId: number;
      /** The rule's `arg`: a request code chosen by the policy author. */
      readonly requestCode: number;
    })
  | (EventBase & {
      /** The mode changed, by command or by the watchdog. */
      readonly type: 'mode-change';
      /** {@link Mode} value now in force. */
      readonly mode: number;
    })
  | (EventBase & {
      /** An event type this library does not know (a newer module). */
      readonly type: 'unknown';
      /** The numeric event type. */
      readonly eventType: number;
      /** The event's decoded attributes. */
      readonly attrs: AttrObject;
    });

const num = (v: AttrValue | undefined): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0);
const big = (v: AttrValue | undefined): bigint => (typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : 0n);
const str = (v: AttrValue | undefined): string => (typeof v === 'string' ? v : '');
const obj = (v: AttrValue | undefined): AttrObject | undefined =>
  v !== undefined && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v) ? (v as AttrObject) : undefined;

/** Builds a {@link KernelStatus} from decoded `get-status` attributes. */
export function toStatus(a: AttrObject): KernelStatus {
  const c = obj(a.counters) ?? {};
  return {
    abiVersion: num(a.abiVersion),
    version: str(a.version),
    mode: num(a.mode),
    state: num(a.state),
    policyCount: num(a.policyCount),
    uptimeNs: big(a.uptimeNs),
    sampleIntervalMs: num(a.sampleIntervalMs),
    watchdogTimeoutMs: num(a.watchdogTimeoutMs),
    heartbeatCookie: big(a.heartbeatCookie),
    counters: {
      samples: big(c.samples),
      ringOverflows: big(c.ringOverflows),
      ruleHits: big(c.ruleHits),
      actionsApplied: big(c.actionsApplied),
      actionsReverted: big(c.actionsReverted),
      watchdogFires: big(c.watchdogFires),
      evalNsLast: big(c.evalNsLast),
      evalNsP99: big(c.evalNsP99),
      evalNsMax: big(c.evalNsMax),
      tracepointEvents: big(c.tracepointEvents),
      heartbeats: big(c.heartbeats),
    },
  };
}

/** Builds a {@link KernelAction} from a decoded action nest. */
export function toAction(a: AttrObject): KernelAction {
  return {
    id: big(a.id),
    ruleId: num(a.ruleId),
    kind: num(a.kind),
    status: num(a.status),
    pid: num(a.pid),
    oldValue: num(a.oldValue),
    newValue: num(a.newValue),
    timestampNs: big(a.timestampNs),
    comm: str(a.comm),
  };
}

/** Builds a typed {@link KernelEvent} from a decoded event nest. */
export function toEvent(e: AttrObject): KernelEvent {
  const timestampNs = big(e.timestampNs);
  const type = num(e.type);
  switch (type) {
    case EventType.STATE_CHANGE:
      return { type: 'state-change', timestampNs, oldState: num(e.oldState), newState: num(e.newState) };
    case EventType.POLICY_HIT:
      return { type: 'policy-hit', timestampNs, ruleId: num(e.ruleId), metricValue: big(e.metricValue) };
    case EventType.ACTION: {
      const nest = obj(e.action);
      return { type: 'action', timestampNs, ruleId: num(e.ruleId), action: nest ? toAction(nest) : undefined };
    }
    case EventType.WATCHDOG:
      return { type: 'watchdog', timestampNs, mode: num(e.mode) };
    case EventType.REQUEST:
      return { type: 'request', timestampNs, ruleId: num(e.ruleId), requestCode: num(e.requestCode) };
    case EventType.MODE_CHANGE:
      return { type: 'mode-change', timestampNs, mode: num(e.mode) };
    default:
      return { type: 'unknown', timestampNs, eventType: type, attrs: e };
  }
}
