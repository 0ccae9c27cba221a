import type { PlannedAction } from './actionGenerator.js';
import type { Objective } from './policy.js';

/** The statistics behind a verdict: window means before and after the change, and Welch's t-test. */
export interface TrialVerdict {
  /** `keep`: not worse beyond noise; `rollback`: worse beyond noise and margin (or not measurable). */
  readonly decision: 'keep' | 'rollback';
  /** Mean objective per window before the change. */
  readonly before: readonly number[];
  /** Mean objective per window after the change. */
  readonly after: readonly number[];
  /** Relative change of the mean in the objective's good direction (+0.1 = 10 % better). */
  readonly improvement: number;
  /** One-sided p-value of "after is worse than before" (Welch's t-test). */
  readonly p: number;
  /** The verdict in words. */
  readonly why: string;
  /** The objective's guards (metrics the change must not make worse), each judged on the same windows. */
  readonly guards?: readonly GuardVerdict[];
}

/** One guard of a trial: a metric the change must not make worse, judged like the objective. */
export interface GuardVerdict {
  /** The guard's metric (placeholders filled). */
  readonly metric: string;
  /** `keep`: not worse beyond noise, or not measured in enough windows to judge; `rollback`: worse. */
  readonly decision: 'keep' | 'rollback';
  /** Whether the guard had enough windows on both sides to be judged. */
  readonly measured: boolean;
  /** Relative change in the guard's good direction (NaN when not measured). */
  readonly improvement: number;
  /** One-sided p-value of "worse" (NaN when not measured). */
  readonly p: number;
  /** The guard's verdict in words. */
  readonly why: string;
}

/** A trial: one change, judged by its objective. */
export interface Trial {
  /** Sequence number. */
  readonly id: number;
  /** The change the rule asked for (knob, value, reason, evidence, objective with placeholders filled). */
  readonly action: PlannedAction & { readonly objective: Objective };
  /** `baseline` → `applying` → `settling` → `measuring` → done. */
  phase: 'baseline' | 'applying' | 'settling' | 'measuring';
  /** Journal id of the applied change, once applied. */
  changeId?: number;
  /** The knob's value before the change, once applied. */
  before?: string;
  /** When the trial started (ms). */
  readonly startedAt: number;
}

/** What the caller must do after {@link ObjectiveTrials.observe}. */
export type TrialCommand =
  | {
      /** Apply the trial's change now (journaled), then call `applied()`. */
      readonly kind: 'apply';
      /** The trial. */
      readonly trial: Trial;
    }
  | {
      /** Roll the trial's change back (by journal id) and cool its rule down until `coolUntil`. */
      readonly kind: 'rollback';
      /** The trial. */
      readonly trial: Trial;
      /** Why. */
      readonly verdict: TrialVerdict;
      /** Until when the rule may not fire (ms). */
      readonly coolUntil: number;
    }
  | {
      /** The change stays. */
      readonly kind: 'keep';
      /** The trial. */
      readonly trial: Trial;
      /** Why. */
      readonly verdict: TrialVerdict;
    }
  | {
      /** The trial ended before a change was made (baseline not measurable, or the change was refused). */
      readonly kind: 'abandon';
      /** The trial. */
      readonly trial: Trial;
      /** Why. */
      readonly why: string;
    };

/** Options of {@link ObjectiveTrials}. */
export interface ObjectiveTrialsOptions {
  /** One-sided significance level of the "worse" test. Default 0.05. */
  readonly alpha?: number;
  /** How long a rule whose change was rolled back may not fire again. Default 1 h. */
  readonly cooldownAfterRollbackMs?: number;
}

/** Welch's t-test, one-sided: p-value of "mean(b) < mean(a)" for samples a (before) and b (after). */
export function welchOneSided(a: readonly number[], b: readonly number[]): { t: number; df: number; p: number } {
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const variance = (x: readonly number[], m: number) => x.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, x.length - 1);
  const ma = mean(a);
  const mb = mean(b);
  const va = variance(a, ma) / a.length;
  const vb = variance(b, mb) / b.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { t: mb < ma ? -Infinity : mb > ma ? Infinity : 0, df: a.length + b.length - 2, p: mb < ma ? 0 : mb > ma ? 1 : 0.5 };
  const t = (mb - ma) / se;
  const df = (va + vb) ** 2 / ((va * va) / Math.max(1, a.length - 1) + (vb * vb) / Math.max(1, b.length - 1));
  return { t, df, p: studentCdf(t, df) };
}

/** CDF of Student's t with `df` degrees of freedom (regularized incomplete beta). */
function studentCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t < 0 ? tail : 1 - tail;
}

function logGamma(z: number): number {
  const c = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = z;
  const tmp = z + 5.5 - (z + 0.5) * Math.log(z + 5.5);
  let ser = 1.000000000190015;
  for (const k of c) ser += k / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / z);
}

function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  const cf = (xx: number, aa: number, bb: number): number => {
    // Lentz's continued fraction.
    let c = 1;
    let d = 1 - ((aa + bb) * xx) / (aa + 1);
    if (Math.abs(d) < 1e-30) d = 1e-30;
    d = 1 / d;
    let h = d;
    for (let m = 1; m <= 200; m++) {
      const m2 = 2 * m;
      let num = (m * (bb - m) * xx) / ((aa + m2 - 1) * (aa + m2));
      d = 1 + num * d;
      if (Math.abs(d) < 1e-30) d = 1e-30;
      c = 1 + num / c;
      if (Math.abs(c) < 1e-30) c = 1e-30;
      d = 1 / d;
      h *= d * c;
      num = (-(aa + m) * (aa + bb + m) * xx) / ((aa + m2) * (aa + m2 + 1));
      d = 1 + num * d;
      if (Math.abs(d) < 1e-30) d = 1e-30;
      c = 1 + num / c;
      if (Math.abs(c) < 1e-30) c = 1e-30;
      d = 1 / d;
      const del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-12) break;
    }
    return h;
  };
  return x < (a + 1) / (a + b + 2) ? (front * cf(x, a, b)) / a : 1 - (front * cf(1 - x, b, a)) / b;
}

/**
 * Judge a change by its objective: `before` and `after` are per-window means. Rolled back when the
 * objective moved the wrong way by more than `margin` of the baseline AND Welch's one-sided test says the
 * after-windows are worse than the before-windows at level `alpha` — so noise alone never rolls back.
 * With `final` (the trial already measured extra windows because the first ones looked worse beyond the
 * margin without being significant), a mean still worse beyond the margin is rolled back too: a change is
 * kept only when its objective is not worse, never because the noise was too large to tell.
 */
export function judgeTrial(before: readonly number[], after: readonly number[], objective: Pick<Objective, 'goal' | 'margin'>, alpha = 0.05, final = false): TrialVerdict {
  const sign = objective.goal === 'maximize' ? 1 : -1;
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const mb = mean(before);
  const ma = mean(after);
  const scale = Math.abs(mb) > 0 ? Math.abs(mb) : Math.max(Math.abs(ma), Number.MIN_VALUE);
  const improvement = (sign * (ma - mb)) / scale;
  // "after worse than before": in the good direction, after < before.
  const { p } = welchOneSided(before.map((v) => sign * v), after.map((v) => sign * v));
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const beyondMargin = improvement < -objective.margin;
  const significant = beyondMargin && p < alpha;
  const worse = significant || (final && beyondMargin);
  const margin = `${+(objective.margin * 100).toFixed(1)} % margin`;
  const why = significant
    ? `the objective got worse: mean ${fmt(ma)} after vs ${fmt(mb)} before (${(improvement * 100).toFixed(1)} %, beyond the ${margin}; Welch p = ${p.toPrecision(2)} < ${alpha}, ${before.length}+${after.length} windows)`
    : worse
      ? `the objective stayed worse: mean ${fmt(ma)} after vs ${fmt(mb)} before (${(improvement * 100).toFixed(1)} %, beyond the ${margin}; Welch p = ${p.toPrecision(2)}, not significant even with ${after.length} windows after the change: not shown to be noise, so not kept)`
      : `not worse beyond noise: mean ${fmt(ma)} after vs ${fmt(mb)} before (${improvement >= 0 ? '+' : ''}${(improvement * 100).toFixed(1)} %, Welch p = ${p.toPrecision(2)}, ${before.length}+${after.length} windows)`;
  return { decision: worse ? 'rollback' : 'keep', before, after, improvement, p, why };
}

interface Window {
  start: number;
  sum: number;
  n: number;
  /** Per guard of the trial's objective: sum and count of its samples in this window. */
  guardSum: number[];
  guardN: number[];
}

function newWindow(start: number, guards: number): Window {
  return { start, sum: 0, n: 0, guardSum: new Array<number>(guards).fill(0), guardN: new Array<number>(guards).fill(0) };
}

/** Judge every guard on its window means; a guard with fewer than 3 windows on a side is not judged. */
function judgeGuards(objective: Objective, before: readonly (readonly number[])[], after: readonly (readonly number[])[], alpha: number, final: boolean): GuardVerdict[] {
  return (objective.guards ?? []).map((g, i) => {
    const b = before[i] ?? [];
    const a = after[i] ?? [];
    if (b.length < 3 || a.length < 3) {
      return { metric: g.metric, decision: 'keep', measured: false, improvement: Number.NaN, p: Number.NaN, why: `guard ${g.metric} not judged: ${b.length} window(s) with a sample before and ${a.length} after (3 needed on each side)` };
    }
    const v = judgeTrial(b, a, g, alpha, final);
    return { metric: g.metric, decision: v.decision, measured: true, improvement: v.improvement, p: v.p, why: v.why.startsWith('the objective ') ? `guard ${g.metric} ${v.why.slice('the objective '.length)}` : `guard ${g.metric}: ${v.why}` };
  });
}

/**
 * The learning optimizer's trial loop: one trial at a time. A change whose rule names an objective is
 * not applied at once: the objective is measured over `windows` windows, the change is applied (journaled by
 * the caller), one window is let settle, the objective is measured over `windows` more, and the change is
 * kept or rolled back by {@link judgeTrial}. The trust region is the rule's own step: one `adjust` step
 * (or one `set`) from the current value, inside the action's min/max, per trial; a climb continues only
 * while each step is kept. Per knob it remembers the mean objective measured at each setting, and never
 * tries a setting again in this run once it was rolled back.
 */
export class ObjectiveTrials {
  private trial: Trial | undefined;
  private readonly before: number[] = [];
  private readonly after: number[] = [];
  /** Window means of each guard of the running trial's objective, before and after the change. */
  private guardBefore: number[][] = [];
  private guardAfter: number[][] = [];
  private window: Window | undefined;
  private nextId = 1;
  /** Windows of the current phase that had no sample of the objective. */
  private empty = 0;
  private readonly alpha: number;
  private readonly cooldownMs: number;
  private readonly measured = new Map<string, Map<string, { mean: number; windows: number }>>();
  private readonly bannedValues = new Map<string, Set<string>>();

  /** @param options significance level and cool-down after a rollback. */
  constructor(options: ObjectiveTrialsOptions = {}) {
    this.alpha = options.alpha ?? 0.05;
    this.cooldownMs = options.cooldownAfterRollbackMs ?? 3_600_000;
  }

  /** The running trial, if any. */
  get active(): Trial | undefined {
    return this.trial;
  }

  /** Settings of a knob rolled back before (never tried again in this run). */
  banned(knob: string): string[] {
    return [...(this.bannedValues.get(knob) ?? [])];
  }

  /** Mean objective measured at each setting of a knob (over every trial on it). */
  learned(knob: string): ReadonlyMap<string, { readonly mean: number; readonly windows: number }> {
    return this.measured.get(knob) ?? new Map();
  }

  /**
   * Offer a planned action with an objective. Returns `undefined` when it becomes the trial, or why it
   * was refused (a trial is running, the setting was rolled back before, or it is outside the trust region).
   */
  offer(action: PlannedAction, now: number): string | undefined {
    if (action.objective === undefined) return 'the action names no objective';
    if (this.trial !== undefined) return `trial #${this.trial.id} on ${this.trial.action.knob} is running (one trial at a time)`;
    if (this.bannedValues.get(action.knob)?.has(action.value)) return `${action.value} was rolled back on ${action.knob} before (its objective got worse)`;
    this.trial = { id: this.nextId++, action: action as Trial['action'], phase: 'baseline', startedAt: now };
    this.before.length = 0;
    this.after.length = 0;
    const guards = action.objective.guards?.length ?? 0;
    this.guardBefore = Array.from({ length: guards }, () => []);
    this.guardAfter = Array.from({ length: guards }, () => []);
    this.empty = 0;
    this.window = undefined;
    return undefined;
  }

  /** The daemon applied the trial's change (`changeId` from the journal) or could not (`undefined`). */
  applied(changeId: number | undefined, before: string | undefined, now: number): TrialCommand[] {
    const t = this.trial;
    if (t === undefined || t.phase !== 'applying') return [];
    if (changeId === undefined) {
      this.trial = undefined;
      return [{ kind: 'abandon', trial: t, why: 'the change was not applied' }];
    }
    t.changeId = changeId;
    if (before !== undefined) t.before = before;
    t.phase = 'settling';
    this.empty = 0;
    this.window = newWindow(now, this.guardBefore.length);
    return [];
  }

  /**
   * Feed the objective's value at `now` (from the latest series; `undefined` when missing). Returns what the
   * caller must do: apply, roll back, keep, or nothing.
   */
  observe(now: number, value: (metric: string) => number | undefined): TrialCommand[] {
    const t = this.trial;
    if (t === undefined || t.phase === 'applying') return [];
    const o = t.action.objective;
    const len = o.window * 1000;
    const x = value(o.metric);
    const guards = o.guards ?? [];
    const gx = guards.map((g) => value(g.metric));
    const add = (w: Window) => {
      if (x !== undefined && Number.isFinite(x)) {
        w.sum += x;
        w.n++;
      }
      gx.forEach((v, i) => {
        if (v === undefined || !Number.isFinite(v)) return;
        w.guardSum[i] = (w.guardSum[i] as number) + v;
        w.guardN[i] = (w.guardN[i] as number) + 1;
      });
    };
    if (this.window === undefined) this.window = newWindow(now, guards.length);
    const w = this.window;
    if (now - w.start >= len) {
      // Close the window (its means, when it has samples) and start the next one.
      const mean = w.n > 0 ? w.sum / w.n : undefined;
      const guardMeans = w.guardSum.map((sum, i) => ((w.guardN[i] as number) > 0 ? sum / (w.guardN[i] as number) : undefined));
      this.window = newWindow(now, guards.length);
      const out = this.closeWindow(t, mean, guardMeans, now);
      if (this.trial === t && (t.phase as Trial['phase']) !== 'applying') add(this.window);
      return out;
    }
    add(w);
    return [];
  }

  private closeWindow(t: Trial, mean: number | undefined, guardMeans: readonly (number | undefined)[], now: number): TrialCommand[] {
    const o = t.action.objective;
    // "Could not be measured" counts windows without a sample of the objective, not wall time: a daemon
    // whose ticks come seconds apart (a CPU quota on a slow machine) still fills every window it sees.
    if (mean === undefined && t.phase !== 'settling') this.empty++;
    const unmeasurable = this.empty > o.windows;
    if (t.phase === 'settling') {
      t.phase = 'measuring';
      return [];
    }
    if (t.phase === 'baseline') {
      if (mean !== undefined) this.before.push(mean);
      guardMeans.forEach((m, i) => m !== undefined && this.guardBefore[i]?.push(m));
      if (this.before.length >= o.windows) {
        t.phase = 'applying';
        return [{ kind: 'apply', trial: t }];
      }
      if (unmeasurable) {
        this.trial = undefined;
        return [{ kind: 'abandon', trial: t, why: `${o.metric} could not be measured before the change` }];
      }
      return [];
    }
    // measuring
    if (mean !== undefined) this.after.push(mean);
    guardMeans.forEach((m, i) => m !== undefined && this.guardAfter[i]?.push(m));
    if (this.after.length < o.windows) {
      if (!unmeasurable) return [];
      const verdict: TrialVerdict = { decision: 'rollback', before: [...this.before], after: [...this.after], improvement: Number.NaN, p: Number.NaN, why: `${o.metric} could not be measured after the change, so it is not kept` };
      return this.finish(t, verdict, now);
    }
    // Inconclusive (worse beyond the margin, not significant): measure as many windows again, then
    // decide with `final` (still worse beyond the margin → rolled back).
    const final = this.after.length >= 2 * o.windows || unmeasurable;
    const v = judgeTrial(this.before, this.after, o, this.alpha, final);
    if (!final && v.decision === 'keep' && v.improvement < -o.margin) return [];
    if (guardMeans.length === 0) return this.finish(t, v, now);
    const guards = judgeGuards(o, this.guardBefore, this.guardAfter, this.alpha, final);
    // A guard worse beyond its margin but not significantly: measure more windows, like the objective.
    if (!final && v.decision === 'keep' && guards.some((g) => g.measured && g.decision === 'keep' && g.improvement < -(o.guards?.find((x) => x.metric === g.metric)?.margin ?? o.margin))) return [];
    const worse = guards.filter((g) => g.decision === 'rollback');
    if (v.decision === 'keep' && worse.length > 0) {
      return this.finish(t, { ...v, decision: 'rollback', why: `the objective was ${v.why}, but a guard got worse: ${worse.map((g) => g.why).join('; ')}`, guards }, now);
    }
    return this.finish(t, { ...v, guards }, now);
  }

  private finish(t: Trial, verdict: TrialVerdict, now: number): TrialCommand[] {
    this.trial = undefined;
    this.learn(t, verdict);
    if (verdict.decision === 'rollback') {
      const set = this.bannedValues.get(t.action.knob) ?? new Set<string>();
      set.add(t.action.value);
      this.bannedValues.set(t.action.knob, set);
      return [{ kind: 'rollback', trial: t, verdict, coolUntil: now + this.cooldownMs }];
    }
    return [{ kind: 'keep', trial: t, verdict }];
  }

  /** Record the window means per setting. */
  private learn(t: Trial, verdict: TrialVerdict): void {
    const m = this.measured.get(t.action.knob) ?? new Map<string, { mean: number; windows: number }>();
    const add = (value: string | undefined, xs: readonly number[]) => {
      if (value === undefined || xs.length === 0) return;
      const cur = m.get(value) ?? { mean: 0, windows: 0 };
      const n = cur.windows + xs.length;
      m.set(value, { mean: (cur.mean * cur.windows + xs.reduce((s, v) => s + v, 0)) / n, windows: n });
    };
    add(t.before, verdict.before);
    add(t.action.value, verdict.after);
    this.measured.set(t.action.knob, m);
  }
}
