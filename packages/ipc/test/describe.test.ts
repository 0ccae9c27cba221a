import { describe, expect, it } from 'vitest';
import { Comparison, encodeAinkaRequest, encodeKernelRule, KernelMetric, RuleAction, RuleTarget, type KernelRule } from '@ainka/protocol';
import { describeRequestOffset } from '../src/index.js';

const rule = (id: number): KernelRule => ({
  id,
  metric: KernelMetric.RUNNABLE,
  cmp: Comparison.GT,
  threshold: 4,
  action: RuleAction.REPORT,
  arg: 0,
  target: RuleTarget.NONE,
  targetPid: 0,
  forMs: 0,
  cooldownMs: 0,
  priority: 0,
});

describe('describeRequestOffset: naming the attribute an extack offset points at', () => {
  const request = encodeAinkaRequest({ familyId: 30, command: 'policy-load', seq: 1, attrs: { policyRule: [1, 2, 3].map((i) => encodeKernelRule(rule(i))) } });
  // Each rule attribute: 4-byte header + 40-byte struct; attributes start after 16 + 4 bytes.
  it('names the n-th instance of a repeated attribute', () => {
    expect(describeRequestOffset(request, 20)).toBe('policy-rule[0]');
    expect(describeRequestOffset(request, 20 + 44)).toBe('policy-rule[1]');
  });
  it('names the struct field when the offset points inside a rule', () => {
    expect(describeRequestOffset(request, 20 + 44 * 2 + 4 + 8)).toBe('policy-rule[2].threshold');
  });
  it('names a scalar attribute', () => {
    const setMode = encodeAinkaRequest({ familyId: 30, command: 'set-mode', seq: 1, attrs: { mode: 1 } });
    expect(describeRequestOffset(setMode, 20)).toBe('mode');
  });
  it('returns undefined for an offset in the headers or past the end', () => {
    expect(describeRequestOffset(request, 4)).toBeUndefined();
    expect(describeRequestOffset(request, 10_000)).toBeUndefined();
  });
});
