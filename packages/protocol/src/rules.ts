import { ProtocolError } from './errors.js';
import { Comparison, KernelMetric, RuleAction, RuleTarget } from './spec/enums.js';
import { ruleActionConstraints, ruleStruct } from './spec/structs.js';
import { structCodec } from './struct-codec.js';
import type { ValueOf } from './spec/types.js';

/** A compiled policy-cache rule (struct ainka_rule), the unit the kernel evaluates on every sample. */
export interface KernelRule {
  /** Unique, non-zero. */
  readonly id: number;
  /** The metric compared ({@link KernelMetric}). */
  readonly metric: ValueOf<typeof KernelMetric>;
  /** How the metric is compared with the threshold ({@link Comparison}). */
  readonly cmp: ValueOf<typeof Comparison>;
  /** Threshold in the metric's unit (see {@link KernelMetric}); a safe integer. */
  readonly threshold: number;
  /** What to do on a hit ({@link RuleAction}). */
  readonly action: ValueOf<typeof RuleAction>;
  /** Action argument (nice value, ioprio value, request code, 0 for REPORT). */
  readonly arg: number;
  /** Which task the action applies to ({@link RuleTarget}). */
  readonly target: ValueOf<typeof RuleTarget>;
  /** Task for `target: PID`, else 0. */
  readonly targetPid: number;
  /** How long the condition must hold (ms); 0 = one sample. */
  readonly forMs: number;
  /** Minimum time between two hits (ms). */
  readonly cooldownMs: number;
  /** Higher evaluates first. */
  readonly priority: number;
}

const codec = structCodec(ruleStruct);
/** Size of one encoded rule. */
export const KERNEL_RULE_SIZE = codec.layout.size;

/** Field bounds of struct ainka_rule, keyed by the camelCase KernelRule property, computed once. */
const fieldBounds: readonly (readonly [keyof KernelRule, number, number])[] = ruleStruct.fields
  .filter((f) => !f.reserved && f.min !== undefined && f.max !== undefined)
  .map((f) => [f.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof KernelRule, f.min!, f.max!] as const);

const enumCount = { metric: Object.keys(KernelMetric).length, cmp: Object.keys(Comparison).length, action: Object.keys(RuleAction).length, target: Object.keys(RuleTarget).length };

/**
 * Checks a rule against every bound the kernel enforces, so the kernel never sees a rule it would
 * refuse. Throws {@link ProtocolError} with code `ERR_AINKA_OUT_OF_RANGE` naming the field and the fix.
 */
export function validateKernelRule(rule: KernelRule, index?: number): void {
  const at = index === undefined ? 'rule' : `rules[${index}]`;
  const fail = (field: string, message: string): never => {
    throw new ProtocolError('ERR_AINKA_OUT_OF_RANGE', message, { what: `${at}.${field}`, path: `${at}.${field}` });
  };
  const int = (field: keyof KernelRule, min: number, max: number): void => {
    const v = rule[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(field, `${String(v)} must be an integer in [${min}, ${max}]`);
  };
  for (const [key, min, max] of fieldBounds) int(key, min, max);
  int('metric', 0, enumCount.metric - 1);
  int('cmp', 0, enumCount.cmp - 1);
  int('action', 0, enumCount.action - 1);
  int('target', 0, enumCount.target - 1);
  if (!Number.isSafeInteger(rule.threshold)) fail('threshold', `${rule.threshold} must be a safe integer (the kernel compares s64 values)`);
  const c = ruleActionConstraints[rule.action]!;
  if (!Number.isInteger(rule.arg) || rule.arg < c.argMin || rule.arg > c.argMax) {
    fail('arg', `${rule.arg} is outside [${c.argMin}, ${c.argMax}] for action ${c.action}`);
  }
  if (c.needsTask && rule.target === RuleTarget.NONE) fail('target', `action ${c.action} needs a task: use target PID or TOP_CPU`);
  if (!c.needsTask && rule.target !== RuleTarget.NONE) fail('target', `action ${c.action} takes no task: use target NONE`);
  if (rule.target === RuleTarget.PID && rule.targetPid === 0) fail('targetPid', 'target PID needs a non-zero targetPid');
  if (rule.target !== RuleTarget.PID && rule.targetPid !== 0) fail('targetPid', 'targetPid must be 0 unless target is PID');
}

/** Validates and encodes one rule into its 40-byte kernel form. */
export function encodeKernelRule(rule: KernelRule): Uint8Array {
  validateKernelRule(rule);
  return codec.encode({
    id: rule.id,
    metric: rule.metric,
    cmp: rule.cmp,
    action: rule.action,
    threshold: BigInt(rule.threshold),
    for_ms: rule.forMs,
    cooldown_ms: rule.cooldownMs,
    arg: rule.arg,
    target_pid: rule.targetPid,
    priority: rule.priority,
    target: rule.target,
  });
}

/** Decodes and validates one rule; rejects truncated input, non-zero reserved bytes and out-of-range fields. */
export function decodeKernelRule(bytes: Uint8Array, offset = 0): KernelRule {
  const v = codec.decode(bytes, offset);
  const threshold = v.threshold as bigint;
  if (threshold > BigInt(Number.MAX_SAFE_INTEGER) || threshold < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtocolError('ERR_AINKA_OUT_OF_RANGE', `threshold ${threshold} is not a safe integer`, { what: 'struct ainka_rule', offset: offset + 8 });
  }
  const rule = {
    id: v.id as number,
    metric: v.metric as KernelRule['metric'],
    cmp: v.cmp as KernelRule['cmp'],
    action: v.action as KernelRule['action'],
    threshold: Number(threshold),
    forMs: v.for_ms as number,
    cooldownMs: v.cooldown_ms as number,
    arg: v.arg as number,
    targetPid: v.target_pid as number,
    priority: v.priority as number,
    target: v.target as KernelRule['target'],
  } satisfies KernelRule;
  validateKernelRule(rule);
  return rule;
}
