import type { Comparison, ComparisonOp, Condition, Subject, Threshold } from './condition.js';
import { subjectLabel } from './condition.js';
import type { Evidence } from './evidence.js';
import { MetricFrame, type EvaluationContext } from './metricFrame.js';
import { substitute } from './metricRef.js';
import type { Policy, PolicyRule } from './policy.js';
import type { Target } from './selector.js';
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
  /** The target this instance of a selector rule (`scope: {each: …}`) was evaluated for. */
  readonly target?: Target;
}

interface CompiledNode {
  fn: CompiledCondition;
  stateful: boolean;
  explain(values: Float64Array, ctx: EvaluationContext, negated: boolean, out: Evidence[]): void;
}

interface Instance {
  node: CompiledNode;
  target: Target;
  slots: string[];
  lastSeen: number;
}

interface CompiledRule {
  rule: PolicyRule;
  policy: string;
  order: number;
  /** Compiled condition of a plain rule. */
  node?: CompiledNode;
  /** Per-target instances of a selector rule, and the targets of the current evaluation. */
  instances?: Map<string, Instance>;
  current?: Target[];
}

function substituteCondition(c: Condition, labels: Readonly<Record<string, string>>): Condition {
  switch (c.kind) {
    case 'compare': {
      const subject = { ...c.subject, metric: substitute(c.subject.metric, labels) } as Subject;
      const threshold: Threshold = c.threshold.kind === 'dynamic' ? { ...c.threshold, metric: substitute(c.threshold.metric, labels) } : c.threshold;
      return { ...c, subject, threshold };
    }
    case 'not':
      return { kind: 'not', of: substituteCondition(c.of, labels) };
    case 'all':
    case 'any':
      return { kind: c.kind, of: c.of.map((x) => substituteCondition(x, labels)) };
  }
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
  private readonly refs = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private collecting: string[] | undefined;
  private readonly compiled: CompiledRule[] = [];
  private readonly fns: (CompiledCondition | undefined)[] = [];
  private readonly frames: MetricFrame[] = [];

  /**
   * @param policies policies to compile (rules keep their order; policies their order).
   * @param options a shared threshold manager (default: a new one).
   */
  constructor(policies: readonly Policy[], options: { thresholds?: ThresholdManager } = {}) {
    this.thresholds = options.thresholds ?? new ThresholdManager();
    let order = 0;
    for (const policy of policies) {
      for (const rule of policy.rules) {
        if (rule.scope.kind === 'each') this.compiled.push({ rule, policy: policy.name, order: order++, instances: new Map(), current: [] });
        else this.compiled.push({ rule, policy: policy.name, order: order++, node: this.compile(rule.when) });
      }
    }
    for (const c of this.compiled) this.fns.push(c.node?.fn);
  }

  /** Rules with a target selector (`scope: {each: …}`): they are evaluated once per target. */
  selectorRules(): { readonly index: number; readonly rule: PolicyRule; readonly policy: string }[] {
    const out: { index: number; rule: PolicyRule; policy: string }[] = [];
    this.compiled.forEach((c, index) => {
      if (c.instances !== undefined) out.push({ index, rule: c.rule, policy: c.policy });
    });
    return out;
  }

  /**
   * Set the targets of selector rule `index` for the next evaluation (call before filling the frame: a new
   * target compiles a new instance, which may add metrics to the frame). Instances of targets not seen for
   * `forgetMs` are dropped and their slots reused.
   */
  setTargets(index: number, targets: readonly Target[], now: number, forgetMs = 600_000): void {
    const c = this.compiled[index];
    if (c?.instances === undefined) return;
    for (const t of targets) {
      let inst = c.instances.get(t.key);
      if (inst === undefined) {
        this.collecting = [];
        const node = this.compile(substituteCondition(c.rule.when, t.labels));
        inst = { node, target: t, slots: this.collecting, lastSeen: now };
        this.collecting = undefined;
        c.instances.set(t.key, inst);
      }
      inst.target = t;
      inst.lastSeen = now;
    }
    c.current = [...targets];
    for (const [key, inst] of c.instances) {
      if (now - inst.lastSeen > forgetMs) {
        c.instances.delete(key);
        for (const m of inst.slots) this.release(m);
      }
    }
  }

  private release(metric: string): void {
    const n = (this.refs.get(metric) ?? 1) - 1;
    if (n > 0) {
      this.refs.set(metric, n);
      return;
    }
    this.refs.delete(metric);
    const slot = this.index.get(metric);
    if (slot === undefined) return;
    this.index.delete(metric);
    this.freeSlots.push(slot);
    for (const f of this.frames) f.clearSlot(slot);
  }

  /** Number of compiled rules. */
  get size(): number {
    return this.compiled.length;
  }

  /** A frame with one slot per metric the rules read. */
  frame(): MetricFrame {
    const f = new MetricFrame(this.index, () => this.slotCount);
    this.frames.push(f);
    return f;
  }

  /** Names of the metrics the rules read now. */
  metrics(): string[] {
    return [...this.index.keys()];
  }

  /** The compiled function of rule `i` (for benchmarks and tests; `undefined` for selector rules). */
  conditionOf(i: number): CompiledCondition | undefined {
    return this.compiled[i]?.node?.fn;
  }

  private slot(metric: string): number {
    let i = this.index.get(metric);
    if (i === undefined) {
      i = this.freeSlots.pop() ?? this.slotCount++;
      this.index.set(metric, i);
    }
    if (this.collecting !== undefined) {
      this.collecting.push(metric);
      this.refs.set(metric, (this.refs.get(metric) ?? 0) + 1);
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
      case 'growth':
      case 'delta':
      case 'avg': {
        const slot = this.slot(s.metric);
        const windowMs = s.window * 1000;
        const percent = s.kind === 'growth';
        const mean = s.kind === 'avg';
        let ts: number[] = [];
        let xs: number[] = [];
        let head = 0;
        let last = Number.NaN;
        let lastNow = Number.NaN;
        return {
          stateful: true,
          get: (v, now) => {
            if (now === lastNow) return last;
            lastNow = now;
            const x = v[slot] as number;
            if (x === x) {
              ts.push(now);
              xs.push(x);
            }
            while (head < ts.length && (ts[head] as number) < now - windowMs) head++;
            if (head > 256 && head * 2 > ts.length) {
              ts = ts.slice(head);
              xs = xs.slice(head);
              head = 0;
            }
            if (x !== x || head >= xs.length) return (last = Number.NaN);
            if (mean) {
              let sum = 0;
              for (let i = head; i < xs.length; i++) sum += xs[i] as number;
              return (last = sum / (xs.length - head));
            }
            const old = xs[head] as number;
            last = percent ? (old === 0 ? (x === 0 ? 0 : Infinity) : ((x - old) / Math.abs(old)) * 100) : x - old;
            return last;
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
    const explain = (c: CompiledRule, node: CompiledNode, target?: Target): void => {
      const evidence: Evidence[] = [];
      node.explain(v, ctx, false, evidence);
      const held = evidence.filter((e) => e.negated || holds(e));
      hits.push({ rule: c.rule, policy: c.policy, order: c.order, evidence: held.length > 0 ? held : evidence, at: now, ...(target !== undefined ? { target } : {}) });
    };
    for (let i = 0; i < fns.length; i++) {
      const fn = fns[i];
      const c = this.compiled[i] as CompiledRule;
      if (fn !== undefined) {
        if (fn(v, now, ctx)) explain(c, c.node as CompiledNode);
        continue;
      }
      for (const t of c.current ?? []) {
        const inst = c.instances?.get(t.key);
        if (inst !== undefined && inst.node.fn(v, now, ctx)) explain(c, inst.node, inst.target);
      }
    }
    return hits;
  }

  /** Evaluate and return only which rules hold (no evidence, no allocation beyond the result); a selector rule holds when any instance does. */
  decide(frame: MetricFrame, now: number, ctx: EvaluationContext = EMPTY, out: boolean[] = []): boolean[] {
    const v = frame.values;
    const fns = this.fns;
    for (let i = 0; i < fns.length; i++) {
      const fn = fns[i];
      if (fn !== undefined) {
        out[i] = fn(v, now, ctx);
        continue;
      }
      const c = this.compiled[i] as CompiledRule;
      let any = false;
      for (const t of c.current ?? []) if (c.instances?.get(t.key)?.node.fn(v, now, ctx) === true) any = true;
      out[i] = any;
    }
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
