import { describe, expect, it } from 'vitest';
import { ActionStatus, decodeAinkaMessage, encodeAttrSet, encodeGenl, EventType, family, Mode, RuleAction, SystemState, type AttrObject } from '@ainka/protocol';
import { toEvent, toStatus } from '../src/types.js';

// The kernel's event notifications as the spec encodes them, through the same decode path the
// client uses (decodeAinkaMessage, non-strict, then toEvent).
function roundTrip(event: AttrObject) {
  const payload = encodeGenl({ cmd: 8, version: family.version }, encodeAttrSet(family.topSet, { event }));
  const message = decodeAinkaMessage(payload, { strict: false });
  expect(message.command).toBe('event');
  return toEvent(message.attrs.event as AttrObject);
}

describe('typed events', () => {
  it('state-change', () => {
    expect(roundTrip({ type: EventType.STATE_CHANGE, timestampNs: 9n, oldState: SystemState.NORMAL, newState: SystemState.BUSY })).toEqual({
      type: 'state-change',
      timestampNs: 9n,
      oldState: SystemState.NORMAL,
      newState: SystemState.BUSY,
    });
  });

  it('policy-hit keeps a negative s64 metric value exactly', () => {
    expect(roundTrip({ type: EventType.POLICY_HIT, timestampNs: 1n, ruleId: 7, metricValue: -1n })).toEqual({ type: 'policy-hit', timestampNs: 1n, ruleId: 7, metricValue: -1n });
  });

  it('action carries the nested action', () => {
    const e = roundTrip({
      type: EventType.ACTION,
      timestampNs: 2n,
      ruleId: 3,
      action: { id: 12n, ruleId: 3, kind: RuleAction.RENICE, status: ActionStatus.APPLIED, pid: 42, oldValue: 0, newValue: 10, timestampNs: 2n, comm: 'sleep' },
    });
    expect(e).toMatchObject({ type: 'action', ruleId: 3, action: { id: 12n, pid: 42, oldValue: 0, newValue: 10, status: ActionStatus.APPLIED, comm: 'sleep' } });
  });

  it('watchdog, request and mode-change', () => {
    expect(roundTrip({ type: EventType.WATCHDOG, timestampNs: 3n, mode: Mode.OBSERVE })).toEqual({ type: 'watchdog', timestampNs: 3n, mode: Mode.OBSERVE });
    expect(roundTrip({ type: EventType.REQUEST, timestampNs: 4n, ruleId: 5, requestCode: 4242 })).toMatchObject({ type: 'request', ruleId: 5, requestCode: 4242 });
    expect(roundTrip({ type: EventType.MODE_CHANGE, timestampNs: 5n, mode: Mode.ENFORCE })).toEqual({ type: 'mode-change', timestampNs: 5n, mode: Mode.ENFORCE });
  });

  it('an event type outside the ABI enum is refused by the codec (counted as malformed by the client)', () => {
    expect(() => roundTrip({ type: 200, timestampNs: 6n })).toThrow(/outside/);
    expect(toEvent({ type: 200, timestampNs: 6n })).toMatchObject({ type: 'unknown', eventType: 200 });
  });
});

describe('status', () => {
  it('fills absent counters with 0 and keeps 64-bit values exact', () => {
    const s = toStatus({ abiVersion: 1, version: '0.1.0', mode: 1, state: 2, policyCount: 3, uptimeNs: 2n ** 63n, counters: { samples: 10n } });
    expect(s).toMatchObject({ abiVersion: 1, version: '0.1.0', mode: 1, state: 2, policyCount: 3, uptimeNs: 2n ** 63n });
    expect(s.counters.samples).toBe(10n);
    expect(s.counters.heartbeats).toBe(0n);
  });
});
