import type { Comparison, ComparisonOp, Condition, Subject } from './condition.js';
import { subjectLabel } from './condition.js';
import type { Evidence } from './evidence.js';
import { MetricFrame, type EvaluationContext } from './metricFrame.js';
import type { Policy, PolicyRule } from './policy.js';
import { ThresholdManager } from './thresholdManager.js';

/** A compiled condition: a plain function of the frame's slots, the time (ms) and the context. */
export type CompiledCondition = (values: Float64Array, now: number, ctx: EvaluationContext) => boolean;

/** A rule that fired, with what made it fire. */
export interface RuleHit {
  /** The rule. */
  readonly rule: PolicyRule;
  /** The policy it belongs to. */
  readonly policy: string;
  /** Position of the rule across the engine's policies (stable order for ties). */
  readonly order: number;
  /** The comparisons that held and their values. */
  readonly evidence: readonly Evidence[];
  /** Evaluation time (ms). */
  readonly at: number;
}

interface CompiledNode {
  fn: CompiledCondition;
  stateful: boolean;
  explain(values: Float64Array, ctx: EvaluationContext, negated: boolean, out: Evidence[]): void;
}

interface CompiledRule {
  rule: PolicyRule;
  policy: string;
  order: number;
  node: CompiledNode;
}

const EMPTY: EvaluationContext = {};

function compareFn(op: ComparisonOp): (x: number, t: number) => boolean {
  switch (op) {
    case '>':
      return (x, t) => x > t;
    case '>=':
      return (x, t) => x >= t;
    case '<':
      return (x, t) => x < t;
    case '<=':
      return (x, t) => x <= t;
    case '==':
      return (x, t) => x === t;
    case '!=':
      return (x, t) => x === x && t === t && x !== t;
  }
}

/** Fast path for the common leaf `metric op constant`: one array read and one comparison. */
function constantLeaf(slot: number, op: ComparisonOp, t: number): CompiledCondition {
  switch (op) {
    case '>':
      return (v) => (v[slot] as number) > t;
    case '>=':
      return (v) => (v[slot] as number) >= t;
    case '<':
      return (v) => (v[slot] as number) < t;
    case '<=':
      return (v) => (v[slot] as number) <= t;
    case '==':
      return (v) => v[slot] === t;
    case '!=':
      return (v) => {
        const x = v[slot] as number;
        return x === x && x !== t;
      };
  }
}

/**
 * Compiles policies into plain functions once, then evaluates them against metric frames with no
 * interpretation per evaluation: each comparison is a closure over its slot and threshold, `all`/`any`
 * are closures over their children, and stateful leaves (rates, `for` durations, hysteresis) keep their
 * state in their own closure.
 */
export class RuleEngine {
  /** The dynamic-threshold manager the rules read. */
  readonly thresholds: ThresholdManager;
  private readonly index = new Map<string, number>();
  private readonly compiled: CompiledRule[] = [];
  private readonly fns: CompiledCondition[] = [];

  /**
   * @param policies policies to compile (rules keep their order; policies their order).
   * @param options a shared threshold manager (default: a new one).
   */
  constructor(policies: readonly Policy[], options: { thresholds?: ThresholdManager } = {}) {
    this.thresholds = options.thresholds ?? new ThresholdManager();
    let order = 0;
    for (const policy of policies) {
      for (const rule of policy.rules) this.compiled.push({ rule, policy: policy.name, order: order++, node: this.compile(rule.when) });
    }
    for (const c of this.compiled) this.fns.push(c.node.fn);
  }

  /** Number of compiled rules. */
  get size(): number {
    return this.compiled.length;
  }

  /** A frame with one slot per metric the rules read. */
  frame(): MetricFrame {
    return new MetricFrame(this.index);
  }

  /** The compiled function of rule `i` (for benchmarks and tests). */
  conditionOf(i: number): CompiledCondition | undefined {
    return this.compiled[i]?.node.fn;
  }

  private slot(metric: string): number {
    let i = this.index.get(metric);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(metric, i);
    }
    return i;
  }

  private subjectFn(s: Subject): { get: (v: Float64Array, now: number, ctx: EvaluationContext) => number; stateful: boolean } {
    switch (s.kind) {
      case 'metric': {
        const slot = this.slot(s.metric);
        return { get: (v) => v[slot] as number, stateful: false };
      }
      case 'rate': {
        const slot = this.slot(s.metric);
        let prev = Number.NaN;
        let prevAt = Number.NaN;
        let last = Number.NaN;
        let lastNow = Number.NaN;
        return {
          stateful: true,
          get: (v, now) => {
            if (now === lastNow) return last; // explain() and re-reads within one evaluation see the same rate
            const x = v[slot] as number;
            let r = Number.NaN;
            if (x === x && prev === prev && now > prevAt) r = (x - prev) / ((now - prevAt) / 1000);
            if (x === x) {
              prev = x;
              prevAt = now;
            }
            last = r;
            lastNow = now;
            return r;
          },
        };
      }
      case 'anomaly': {
        const m = s.metric;
        return { get: (_v, _n, ctx) => ctx.anomalyScore?.(m) ?? Number.NaN, stateful: false };
      }
      case 'forecast': {
        const m = s.metric;
        const h = s.horizon;
        return { get: (_v, _n, ctx) => ctx.forecast?.(m, h) ?? Number.NaN, stateful: false };
      }
    }
  }

  private compileLeaf(c: Comparison): CompiledNode {
    const label = subjectLabel(c.subject);
    const cell = c.threshold.kind === 'dynamic' ? this.thresholds.cell(c.threshold) : { value: c.threshold.value };
    const forMs = c.for * 1000;
    const explainWith = (get: (v: Float64Array, ctx: EvaluationContext) => number) => (values: Float64Array, ctx: EvaluationContext, negated: boolean, out: Evidence[]) => {
      out.push({ subject: label, value: get(values, ctx), op: c.op, threshold: cell.value, for: c.for, negated });
    };
    // Fast path.
    if (c.subject.kind === 'metric' && c.threshold.kind === 'value' && c.for === 0 && c.hysteresis === 0) {
      const slot = this.slot(c.subject.metric);
      return { fn: constantLeaf(slot, c.op, c.threshold.value), stateful: false, explain: explainWith((v) => v[slot] as number) };
    }
    // Fast path with a duration: the plain leaf plus a `since` timestamp.
    if (c.subject.kind === 'metric' && c.threshold.kind === 'value' && c.hysteresis === 0) {
      const slot = this.slot(c.subject.metric);
      const inner = constantLeaf(slot, c.op, c.threshold.value);
      let since0 = Number.NaN;
      const fn0: CompiledCondition = (v, now) => {
        if (inner(v, now, EMPTY)) {
          if (since0 !== since0) since0 = now;
          return now - since0 >= forMs;
        }
        since0 = Number.NaN;
        return false;
      };
      return { fn: fn0, stateful: true, explain: explainWith((v) => v[slot] as number) };
    }
    const subject = this.subjectFn(c.subject);
    const cmp = compareFn(c.op);
    const h = c.hysteresis;
    const release: ((x: number, t: number) => boolean) | undefined =
      h === 0 || c.op === '==' || c.op === '!='
        ? undefined
        : c.op === '>' || c.op === '>='
          ? (x, t) => x > t - h
          : (x, t) => x < t + h;
    let active = false;
    let since = Number.NaN;
    let lastValue = Number.NaN;
    const raw = (x: number, t: number): boolean => {
      if (release) {
        active = active ? x === x && release(x, t) : cmp(x, t);
        return active;
      }
      return cmp(x, t);
    };
    const fn: CompiledCondition =
      forMs > 0
        ? (v, now, ctx) => {
            const x = subject.get(v, now, ctx);
            lastValue = x;
            if (raw(x, cell.value)) {
              if (since !== since) since = now;
              return now - since >= forMs;
            }
            since = Number.NaN;
            return false;
          }
        : (v, now, ctx) => {
            const x = subject.get(v, now, ctx);
            lastValue = x;
            return raw(x, cell.value);
          };
    return { fn, stateful: subject.stateful || forMs > 0 || release !== undefined, explain: explainWith(() => lastValue) };
  }

  private compile(c: Condition): CompiledNode {
    switch (c.kind) {
      case 'compare':
        return this.compileLeaf(c);
      case 'not': {
        const inner = this.compile(c.of);
        const f = inner.fn;
        return { fn: (v, n, x) => !f(v, n, x), stateful: inner.stateful, explain: (v, x, neg, out) => inner.explain(v, x, !neg, out) };
      }
      case 'all':
      case 'any': {
        const kids = c.of.map((k) => this.compile(k));
        const fns = kids.map((k) => k.fn);
        const stateful = kids.some((k) => k.stateful);
        const isAll = c.kind === 'all';
        let fn: CompiledCondition;
        if (fns.length === 0) fn = () => isAll;
        else if (stateful && fns.length === 2) {
          const [a, b] = fns as [CompiledCondition, CompiledCondition];
          fn = isAll
            ? (v, n, x) => {
                const p = a(v, n, x);
                const q = b(v, n, x);
                return p && q;
              }
            : (v, n, x) => {
                const p = a(v, n, x);
                const q = b(v, n, x);
                return p || q;
              };
        } else if (stateful) {
          // Every stateful child must see every evaluation (rates, durations), so no short-circuit.
          fn = isAll
            ? (v, n, x) => {
                let r = true;
                for (let i = 0; i < fns.length; i++) if (!(fns[i] as CompiledCondition)(v, n, x)) r = false;
                return r;
              }
            : (v, n, x) => {
                let r = false;
                for (let i = 0; i < fns.length; i++) if ((fns[i] as CompiledCondition)(v, n, x)) r = true;
                return r;
              };
        } else if (fns.length === 2) {
          const [a, b] = fns as [CompiledCondition, CompiledCondition];
          fn = isAll ? (v, n, x) => a(v, n, x) && b(v, n, x) : (v, n, x) => a(v, n, x) || b(v, n, x);
        } else {
          fn = isAll
            ? (v, n, x) => {
                for (let i = 0; i < fns.length; i++) if (!(fns[i] as CompiledCondition)(v, n, x)) return false;
                return true;
              }
            : (v, n, x) => {
                for (let i = 0; i < fns.length; i++) if ((fns[i] as CompiledCondition)(v, n, x)) return true;
                return false;
              };
        }
        // Explain only the children that hold (for `any`) or all of them (for `all`).
        const explain = (v: Float64Array, x: EvaluationContext, neg: boolean, out: Evidence[]): void => {
          for (const k of kids) k.explain(v, x, neg, out);
        };
        return { fn, stateful, explain };
      }
    }
  }

  /**
   * Evaluate every rule at time `now` (ms). Returns the rules whose conditions hold, with evidence.
   * Call it once per tick: rates and `for` durations advance with each call.
   */
  evaluate(frame: MetricFrame, now: number, ctx: EvaluationContext = EMPTY): RuleHit[] {
    const v = frame.values;
    const hits: RuleHit[] = [];
    const fns = this.fns;
    for (let i = 0; i < fns.length; i++) {
      if ((fns[i] as CompiledCondition)(v, now, ctx)) {
        const c = this.compiled[i] as CompiledRule;
        const evidence: Evidence[] = [];
        c.node.explain(v, ctx, false, evidence);
        const held = evidence.filter((e) => e.negated || holds(e));
        hits.push({ rule: c.rule, policy: c.policy, order: c.order, evidence: held.length > 0 ? held : evidence, at: now });
      }
    }
    return hits;
  }

  /** Evaluate and return only which rules hold (no evidence, no allocation beyond the result). */
  decide(frame: MetricFrame, now: number, ctx: EvaluationContext = EMPTY, out: boolean[] = []): boolean[] {
    const v = frame.values;
    const fns = this.fns;
    for (let i = 0; i < fns.length; i++) out[i] = (fns[i] as CompiledCondition)(v, now, ctx);
    return out;
  }

  /** Feed the frame's values of learned metrics to the threshold manager and refresh the thresholds. */
  learn(frame: MetricFrame, now: number): void {
    for (const m of this.thresholds.learnedMetrics()) {
      const x = frame.get(m);
      if (x !== undefined) this.thresholds.observe(m, x, now);
    }
    this.thresholds.refresh(now);
  }
}

const COMPARE: Readonly<Record<ComparisonOp, (x: number, t: number) => boolean>> = {
  '>': compareFn('>'),
  '>=': compareFn('>='),
  '<': compareFn('<'),
  '<=': compareFn('<='),
  '==': compareFn('=='),
  '!=': compareFn('!='),
};

function holds(e: Evidence): boolean {
  return e.for > 0 || COMPARE[e.op](e.value, e.threshold);
}
