import { Comparison, encodeKernelRule, KernelMetric, RuleAction, RuleTarget, validateKernelRule, type KernelRule } from '@ainka/protocol';
import type { Comparison as PolicyComparison, ComparisonOp, Condition } from './condition.js';
import { PolicyError, PolicyErrorCode } from './errors.js';
import type { Policy, PolicyRule } from './policy.js';
import type { ValueOf } from '@ainka/protocol';

/**
 * Telemetry metrics the kernel sampler also measures, with the factor from the telemetry unit to the
 * kernel's integer unit.
 *
 * | metric | kernel metric | scale |
 * | --- | --- | --- |
 * | `load.runnable_count` | RUNNABLE | 1 |
 * | `load.avg1` | LOAD1_MILLI | 1000 |
 * | `mem.available_bytes` | MEM_AVAILABLE_KB | 1/1024 |
 * | `mem.total_bytes` | MEM_TOTAL_KB | 1/1024 |
 * | `disk.in_flight_count` | IO_INFLIGHT | 1 |
 * | `psi.cpu.some_avg10` / `psi.memory.some_avg10` / `psi.io.some_avg10` | PSI_*_SOME_AVG10 | 100 |
 * | `cpu.context_switches_per_second` | CTX_SWITCHES_PER_SEC | 1 |
 * | `cpu.forks_per_second` | FORKS_PER_SEC | 1 |
 * | `cpu.busy_ratio` | CPU_BUSY_PERMILLE | 1000 |
 * | `cpu.procs_blocked_count` | BLOCKED | 1 |
 */
export const kernelMetricMap: Readonly<
  Record<
    string,
    {
      /** The kernel sampler metric. */
      readonly metric: ValueOf<typeof KernelMetric>;
      /** Factor from the telemetry unit to the kernel's integer unit. */
      readonly scale: number;
    }
  >
> = {
  'load.runnable_count': { metric: KernelMetric.RUNNABLE, scale: 1 },
  'load.avg1': { metric: KernelMetric.LOAD1_MILLI, scale: 1000 },
  'mem.available_bytes': { metric: KernelMetric.MEM_AVAILABLE_KB, scale: 1 / 1024 },
  'mem.total_bytes': { metric: KernelMetric.MEM_TOTAL_KB, scale: 1 / 1024 },
  'disk.in_flight_count': { metric: KernelMetric.IO_INFLIGHT, scale: 1 },
  'psi.cpu.some_avg10': { metric: KernelMetric.PSI_CPU_SOME_AVG10, scale: 100 },
  'psi.memory.some_avg10': { metric: KernelMetric.PSI_MEM_SOME_AVG10, scale: 100 },
  'psi.io.some_avg10': { metric: KernelMetric.PSI_IO_SOME_AVG10, scale: 100 },
  'cpu.context_switches_per_second': { metric: KernelMetric.CTX_SWITCHES_PER_SEC, scale: 1 },
  'cpu.forks_per_second': { metric: KernelMetric.FORKS_PER_SEC, scale: 1 },
  'cpu.busy_ratio': { metric: KernelMetric.CPU_BUSY_PERMILLE, scale: 1000 },
  'cpu.procs_blocked_count': { metric: KernelMetric.BLOCKED, scale: 1 },
};

const CMP: Record<ComparisonOp, ValueOf<typeof Comparison>> = { '>': Comparison.GT, '>=': Comparison.GE, '<': Comparison.LT, '<=': Comparison.LE, '==': Comparison.EQ, '!=': Comparison.NE };

/** A rule compiled for the kernel policy cache. */
export interface CompiledKernelRule {
  /** The kernel rule. */
  readonly rule: KernelRule;
  /** Its 40-byte encoding. */
  readonly bytes: Uint8Array;
  /** The policy rule it came from. */
  readonly source: {
    /** Policy name. */
    readonly policy: string;
    /** Rule name within the policy. */
    readonly rule: string;
  };
}

/** Result of {@link compileKernelRules}. */
export interface KernelCompilation {
  /** Rules the kernel can evaluate itself. A `REQUEST` rule's `arg` is the request code: the index + 1 here. */
  readonly compiled: readonly CompiledKernelRule[];
  /** Rules that stay in userspace, and why. */
  readonly skipped: readonly {
    /** Policy name. */
    readonly policy: string;
    /** Rule name within the policy. */
    readonly rule: string;
    /** Why the kernel cannot evaluate it. */
    readonly why: string;
  }[];
}

/** Integer threshold for an integer-valued kernel metric that keeps `x op t` equivalent. */
function integerThreshold(op: ComparisonOp, scaled: number): number | undefined {
  const r = Math.round(scaled);
  if (Math.abs(scaled - r) < 1e-9) return r;
  switch (op) {
    case '>':
    case '<=':
      return Math.floor(scaled);
    case '>=':
    case '<':
      return Math.ceil(scaled);
    default:
      return undefined; // == / != on a non-integer can never / always hold; keep it in userspace
  }
}

function leafOf(c: Condition): PolicyComparison | undefined {
  if (c.kind === 'compare') return c;
  if (c.kind === 'all' && c.of.length === 1) return leafOf(c.of[0] as Condition);
  return undefined;
}

/**
 * Compile one policy rule to the kernel's policy-cache encoding, or say why it cannot be.
 * The kernel subset: a single comparison of a metric the kernel samples (see {@link kernelMetricMap})
 * against a constant, optionally held `for` up to 1 h, without hysteresis. Actions: one `process:<pid>:nice`
 * or `process:<pid>:ionice` set with a literal pid becomes RENICE/IOPRIO; anything else becomes a REQUEST
 * (the kernel wakes userspace, which runs the rule's actions); advise-mode rules become REPORT.
 */
export function compileKernelRule(
  policy: string,
  rule: PolicyRule,
  id: number,
  requestCode: number,
): CompiledKernelRule | {
  /** Why the rule must stay in userspace. */
  why: string;
} {
  if (rule.scope.kind === 'each') return { why: 'rules with a target selector are evaluated per target in userspace' };
  const leaf = leafOf(rule.when);
  if (!leaf) return { why: 'its condition is not a single comparison' };
  if (leaf.subject.kind !== 'metric') return { why: `${leaf.subject.kind}() predicates are evaluated in userspace` };
  const mapped = kernelMetricMap[leaf.subject.metric];
  if (!mapped) return { why: `the kernel does not sample ${leaf.subject.metric}` };
  if (leaf.threshold.kind !== 'value') return { why: 'dynamic thresholds are learned in userspace' };
  if (leaf.hysteresis > 0) return { why: 'the kernel rule format has no hysteresis' };
  if (leaf.for > 3600) return { why: `'for ${leaf.for} s' exceeds the kernel's 1 h limit` };
  if (rule.cooldown > 86_400) return { why: `a cool-down of ${rule.cooldown} s exceeds the kernel's 24 h limit` };
  const threshold = integerThreshold(leaf.op, leaf.threshold.value * mapped.scale);
  if (threshold === undefined) return { why: `${leaf.op} ${leaf.threshold.value} is not an integer in the kernel's unit` };
  let action: ValueOf<typeof RuleAction> = RuleAction.REQUEST;
  let arg = requestCode;
  let target: ValueOf<typeof RuleTarget> = RuleTarget.NONE;
  let targetPid = 0;
  const only = rule.then.length === 1 ? rule.then[0] : undefined;
  const proc = only && only.set !== undefined ? /^process:(\d+):(nice|ionice)$/.exec(only.knob) : null;
  if (proc && only) {
    const value = String(only.set);
    const io = /^be\/([0-7])$/.exec(value);
    const ioprio = proc[2] === 'nice' ? undefined : value === 'idle' ? 3 << 13 : value === 'none' ? 0 : io ? (2 << 13) | Number(io[1]) : undefined;
    if (proc[2] === 'nice') {
      action = RuleAction.RENICE;
      arg = Number(value);
    } else if (ioprio !== undefined) {
      action = RuleAction.IOPRIO;
      arg = ioprio;
    }
    if (action !== RuleAction.REQUEST) {
      target = RuleTarget.PID;
      targetPid = Number(proc[1]);
    }
  }
  if (rule.mode === 'advise') {
    action = RuleAction.REPORT;
    arg = 0;
    target = RuleTarget.NONE;
    targetPid = 0;
  }
  const kernelRule: KernelRule = {
    id,
    metric: mapped.metric,
    cmp: CMP[leaf.op],
    threshold,
    action,
    arg,
    target,
    targetPid,
    forMs: Math.round(leaf.for * 1000),
    cooldownMs: Math.round(rule.cooldown * 1000),
    priority: rule.priority * 10,
  };
  try {
    validateKernelRule(kernelRule);
  } catch (error) {
    return { why: `the kernel would refuse it: ${(error as Error).message}` };
  }
  return { rule: kernelRule, bytes: encodeKernelRule(kernelRule), source: { policy, rule: rule.name } };
}

/** Compile every rule that fits the kernel subset; the rest are listed with the reason they stay in userspace. */
export function compileKernelRules(policies: readonly Policy[], options: { firstId?: number } = {}): KernelCompilation {
  const compiled: CompiledKernelRule[] = [];
  const skipped: { policy: string; rule: string; why: string }[] = [];
  let id = options.firstId ?? 1;
  for (const p of policies) {
    for (const r of p.rules) {
      const out = compileKernelRule(p.name, r, id, compiled.length + 1);
      if ('why' in out) skipped.push({ policy: p.name, rule: r.name, why: out.why });
      else {
        compiled.push(out);
        id++;
      }
    }
  }
  return { compiled, skipped };
}

/** Like {@link compileKernelRule}, but throws `ERR_AINKA_POLICY_NOT_KERNEL_COMPILABLE` with the reason. */
export function requireKernelRule(policy: string, rule: PolicyRule, id: number): CompiledKernelRule {
  const out = compileKernelRule(policy, rule, id, 1);
  if ('why' in out) {
    throw new PolicyError(PolicyErrorCode.notKernelCompilable, [], `rule '${rule.name}' of policy '${policy}' cannot run in the kernel: ${out.why}; leave it to the userspace engine or simplify it to one comparison of a kernel-sampled metric`);
  }
  return out;
}
