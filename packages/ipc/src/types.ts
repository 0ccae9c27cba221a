import type { AttrObject, AttrValue } from '@ainka/protocol';
import { EventType } from '@ainka/protocol';

/** Module counters from `get-status` (since load). Absent counters are reported as 0. */
export interface KernelCounters {
  readonly samples: bigint;
  readonly ringOverflows: bigint;
  readonly ruleHits: bigint;
  readonly actionsApplied: bigint;
  readonly actionsReverted: bigint;
  readonly watchdogFires: bigint;
  readonly evalNsLast: bigint;
  readonly evalNsP99: bigint;
  readonly evalNsMax: bigint;
  readonly tracepointEvents: bigint;
  readonly heartbeats: bigint;
}

/** The reply of `get-status`. */
export interface KernelStatus {
  readonly abiVersion: number;
  /** Module version string. */
  readonly version: string;
  /** {@link Mode} value. */
  readonly mode: number;
  /** {@link SystemState} value. */
  readonly state: number;
  readonly policyCount: number;
  readonly uptimeNs: bigint;
  readonly sampleIntervalMs: number;
  /** 0 when the watchdog is off. */
  readonly watchdogTimeoutMs: number;
  readonly heartbeatCookie: bigint;
  readonly counters: KernelCounters;
}

/** One action the module took or would have taken (`actions-get`, ACTION events). */
export interface KernelAction {
  readonly id: bigint;
  readonly ruleId: number;
  /** {@link RuleAction} value. */
  readonly kind: number;
  /** {@link ActionStatus} value. */
  readonly status: number;
  readonly pid: number;
  readonly oldValue: number;
  readonly newValue: number;
  readonly timestampNs: bigint;
  readonly comm: string;
}

interface EventBase {
  readonly timestampNs: bigint;
}

/** A multicast event, discriminated by `type`. */
export type KernelEvent =
  | (EventBase & { readonly type: 'state-change'; readonly oldState: number; readonly newState: number })
  | (EventBase & { readonly type: 'policy-hit'; readonly ruleId: number; readonly metricValue: bigint })
  | (EventBase & { readonly type: 'action'; readonly ruleId: number; readonly action: KernelAction | undefined })
  | (EventBase & { readonly type: 'watchdog'; readonly mode: number })
  | (EventBase & { readonly type: 'request'; readonly ruleId: number; readonly requestCode: number })
  | (EventBase & { readonly type: 'mode-change'; readonly mode: number })
  | (EventBase & { readonly type: 'unknown'; readonly eventType: number; readonly attrs: AttrObject });

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
