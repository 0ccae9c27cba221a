import type { Comparison, ComparisonOp, Condition } from './condition.js';
import type { EvaluationContext } from './metricFrame.js';
import type { ThresholdManager } from './thresholdManager.js';

interface LeafState {
  prev: number;
  prevAt: number;
  lastNow: number;
  lastRate: number;
  active: boolean;
  since: number;
  history: { t: number; x: number }[];
}

function cmp(op: ComparisonOp, x: number, t: number): boolean {
  switch (op) {
    case '>':
      return x > t;
    case '>=':
      return x >= t;
    case '<':
      return x < t;
    case '<=':
      return x <= t;
    case '==':
      return x === t;
    case '!=':
      return !Number.isNaN(x) && !Number.isNaN(t) && x !== t;
  }
}

/**
 * The reference semantics of conditions: walks the tree on every evaluation and looks metrics up by name.
 * It is what the compiled engine must agree with (tests check both on random conditions), and the
 * baseline the benchmark compares against. Not meant for production use.
 */
export class ConditionInterpreter {
  private readonly state = new Map<Comparison, LeafState>();

  /** @param thresholds where dynamic thresholds are read (optional). */
  constructor(private readonly thresholds?: ThresholdManager) {}

  /** Evaluate `c` at `now` (ms) with metric values from `lookup`. */
  evaluate(c: Condition, lookup: (metric: string) => number | undefined, now: number, ctx: EvaluationContext = {}): boolean {
    switch (c.kind) {
      case 'compare':
        return this.leaf(c, lookup, now, ctx);
      case 'not':
        return !this.evaluate(c.of, lookup, now, ctx);
      case 'all': {
        let r = true;
        for (const k of c.of) if (!this.evaluate(k, lookup, now, ctx)) r = false;
        return r;
      }
      case 'any': {
        let r = false;
        for (const k of c.of) if (this.evaluate(k, lookup, now, ctx)) r = true;
        return r;
      }
    }
  }

  private leaf(c: Comparison, lookup: (metric: string) => number | undefined, now: number, ctx: EvaluationContext): boolean {
    let s = this.state.get(c);
    if (!s) {
      s = { prev: Number.NaN, prevAt: Number.NaN, lastNow: Number.NaN, lastRate: Number.NaN, active: false, since: Number.NaN, history: [] };
      this.state.set(c, s);
    }
    let x: number;
    const sub = c.subject;
    if (sub.kind === 'metric') x = lookup(sub.metric) ?? Number.NaN;
    else if (sub.kind === 'anomaly') x = ctx.anomalyScore?.(sub.metric) ?? Number.NaN;
    else if (sub.kind === 'forecast') x = ctx.forecast?.(sub.metric, sub.horizon) ?? Number.NaN;
    else if (now === s.lastNow) x = s.lastRate;
    else if (sub.kind === 'growth' || sub.kind === 'delta' || sub.kind === 'avg') {
      const v = lookup(sub.metric) ?? Number.NaN;
      if (!Number.isNaN(v)) s.history.push({ t: now, x: v });
      s.history = s.history.filter((p) => p.t >= now - sub.window * 1000);
      const old = s.history[0]?.x;
      x =
        Number.isNaN(v) || old === undefined
          ? Number.NaN
          : sub.kind === 'avg'
            ? s.history.reduce((a, p) => a + p.x, 0) / s.history.length
            : sub.kind === 'delta'
              ? v - old
              : old === 0
                ? (v === 0 ? 0 : Infinity)
                : ((v - old) / Math.abs(old)) * 100;
      s.lastNow = now;
      s.lastRate = x;
    }
    else {
      const v = lookup(sub.metric) ?? Number.NaN;
      x = !Number.isNaN(v) && !Number.isNaN(s.prev) && now > s.prevAt ? (v - s.prev) / ((now - s.prevAt) / 1000) : Number.NaN;
      if (!Number.isNaN(v)) {
        s.prev = v;
        s.prevAt = now;
      }
      s.lastNow = now;
      s.lastRate = x;
    }
    const t = c.threshold.kind === 'value' ? c.threshold.value : (this.thresholds?.cell(c.threshold).value ?? Number.NaN);
    let holds: boolean;
    const h = c.hysteresis;
    if (h > 0 && c.op !== '==' && c.op !== '!=') {
      if (s.active) s.active = !Number.isNaN(x) && (c.op === '>' || c.op === '>=' ? x > t - h : x < t + h);
      else s.active = cmp(c.op, x, t);
      holds = s.active;
    } else holds = cmp(c.op, x, t);
    if (c.for > 0) {
      if (!holds) {
        s.since = Number.NaN;
        return false;
      }
      if (Number.isNaN(s.since)) s.since = now;
      return now - s.since >= c.for * 1000;
    }
    return holds;
  }
}
