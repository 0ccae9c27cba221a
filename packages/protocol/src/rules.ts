import { ProtocolError } from './errors.js';
import { Comparison, KernelMetric, RuleAction, RuleTarget } from './spec/enums.js';
import { ruleActionConstraints, ruleStruct } from './spec/structs.js';
import { structCodec } from './structCodec.js';
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
 * refuse. Throws {@link ProtocolError} with code `ERR_AINKA_PROTOCOL_OUT_OF_RANGE` naming the field and the fix.
 */
export function validateKernelRule(rule: KernelRule, index?: number): void {
  // The common case (a valid rule) is decided without allocating; any failure re-runs the full check,
  // which names the first bad field exactly as before.
  if (isValidKernelRule(rule)) return;
  explainInvalidRule(rule, index);
}

const inRange = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The spec bound of a field, asserted at load to be the set of bounded fields the predicate below checks. */
const BOUNDED = ['id', 'forMs', 'cooldownMs', 'targetPid', 'priority'] as const;
if (fieldBounds.length !== BOUNDED.length || fieldBounds.some(([key], i) => key !== BOUNDED[i])) {
  throw new Error(`struct ainka_rule's bounded fields changed (${fieldBounds.map(([k]) => k).join(', ')}): update isValidKernelRule in rules.ts`);
}
const [ID, FOR_MS, COOLDOWN_MS, TARGET_PID, PRIORITY] = fieldBounds;
const [ID_MIN, ID_MAX] = [ID![1], ID![2]];
const [FOR_MIN, FOR_MAX] = [FOR_MS![1], FOR_MS![2]];
const [COOL_MIN, COOL_MAX] = [COOLDOWN_MS![1], COOLDOWN_MS![2]];
const [PID_MIN, PID_MAX] = [TARGET_PID![1], TARGET_PID![2]];
const [PRIO_MIN, PRIO_MAX] = [PRIORITY![1], PRIORITY![2]];
const METRIC_MAX = enumCount.metric - 1;
const CMP_MAX = enumCount.cmp - 1;
const ACTION_MAX = enumCount.action - 1;
const TARGET_MAX = enumCount.target - 1;

/** The same checks as {@link explainInvalidRule}, as a predicate with no allocation. */
function isValidKernelRule(rule: KernelRule): boolean {
  if (!inRange(rule.id, ID_MIN, ID_MAX) || !inRange(rule.forMs, FOR_MIN, FOR_MAX) || !inRange(rule.cooldownMs, COOL_MIN, COOL_MAX)) return false;
  if (!inRange(rule.targetPid, PID_MIN, PID_MAX) || !inRange(rule.priority, PRIO_MIN, PRIO_MAX)) return false;
  if (!inRange(rule.metric, 0, METRIC_MAX) || !inRange(rule.cmp, 0, CMP_MAX)) return false;
  if (!inRange(rule.action, 0, ACTION_MAX) || !inRange(rule.target, 0, TARGET_MAX)) return false;
  if (!Number.isSafeInteger(rule.threshold)) return false;
  const c = ruleActionConstraints[rule.action]!;
  if (!Number.isInteger(rule.arg) || rule.arg < c.argMin || rule.arg > c.argMax) return false;
  if (c.needsTask ? rule.target === RuleTarget.NONE : rule.target !== RuleTarget.NONE) return false;
  return rule.target === RuleTarget.PID ? rule.targetPid !== 0 : rule.targetPid === 0;
}

/** Throws the {@link ProtocolError} naming the first field of `rule` that breaks a bound. */
function explainInvalidRule(rule: KernelRule, index?: number): void {
  const at = index === undefined ? 'rule' : `rules[${index}]`;
  const fail = (field: string, message: string): never => {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_OUT_OF_RANGE', message, { what: `${at}.${field}`, path: `${at}.${field}` });
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

/** Offset of a field of struct ainka_rule, asserted at load to have the width encodeKernelRule writes. */
function at(name: string, type: string): number {
  const f = codec.layout.byName.get(name);
  if (!f || f.type !== type || f.count !== undefined) throw new Error(`struct ainka_rule.${name} is no longer ${type}: update encodeKernelRule in rules.ts`);
  return f.offset;
}
const O_ID = at('id', 'u32');
const O_METRIC = at('metric', 'u16');
const O_CMP = at('cmp', 'u8');
const O_ACTION = at('action', 'u8');
const O_THRESHOLD = at('threshold', 's64');
const O_FOR_MS = at('for_ms', 'u32');
const O_COOLDOWN_MS = at('cooldown_ms', 'u32');
const O_ARG = at('arg', 's32');
const O_TARGET_PID = at('target_pid', 'u32');
const O_PRIORITY = at('priority', 'u16');
const O_TARGET = at('target', 'u8');
if (codec.layout.fields.filter((f) => !f.reserved).length !== 11) throw new Error('struct ainka_rule gained a field: update encodeKernelRule in rules.ts');

/** Validates and encodes one rule into its 40-byte kernel form. */
export function encodeKernelRule(rule: KernelRule): Uint8Array {
  validateKernelRule(rule);
  const out = new Uint8Array(KERNEL_RULE_SIZE);
  const view = new DataView(out.buffer);
  // Every value was range-checked above, so the fields are written directly (little-endian, no BigInt);
  // reserved fields stay zero.
  view.setUint32(O_ID, rule.id, true);
  view.setUint16(O_METRIC, rule.metric, true);
  view.setUint8(O_CMP, rule.cmp);
  view.setUint8(O_ACTION, rule.action);
  // A safe integer as two's-complement 32-bit halves: exact, no BigInt.
  const hi = Math.floor(rule.threshold / 4294967296);
  view.setUint32(O_THRESHOLD, rule.threshold - hi * 4294967296, true);
  view.setInt32(O_THRESHOLD + 4, hi, true);
  view.setUint32(O_FOR_MS, rule.forMs, true);
  view.setUint32(O_COOLDOWN_MS, rule.cooldownMs, true);
  view.setInt32(O_ARG, rule.arg, true);
  view.setUint32(O_TARGET_PID, rule.targetPid, true);
  view.setUint16(O_PRIORITY, rule.priority, true);
  view.setUint8(O_TARGET, rule.target);
  return out;
}

/** Decodes and validates one rule; rejects truncated input, non-zero reserved bytes and out-of-range fields. */
export function decodeKernelRule(bytes: Uint8Array, offset = 0): KernelRule {
  const v = codec.decode(bytes, offset);
  const threshold = v.threshold as bigint;
  if (threshold > BigInt(Number.MAX_SAFE_INTEGER) || threshold < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_OUT_OF_RANGE', `threshold ${threshold} is not a safe integer`, { what: 'struct ainka_rule', offset: offset + 8 });
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
