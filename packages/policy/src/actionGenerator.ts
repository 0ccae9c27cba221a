import { evidenceText, type Evidence } from './evidence.js';
import type { Objective, PolicyAction, PolicyMode, PolicyRule } from './policy.js';
import { substitute } from './metricRef.js';
import type { RuleHit } from './ruleEngine.js';
import type { Target } from './selector.js';

/** One concrete change in a plan; structurally a `ChangeRequest` of `@ainka/actuators`. */
export interface PlannedAction {
  /** Concrete knob id (placeholders resolved). */
  readonly knob: string;
  /** Value to write. */
  readonly value: string;
  /** Reason short name: the rule name. */
  readonly reason: string;
  /** The evidence in words: `psi.memory.some_avg10 = 31 > 20 for 30 s`. */
  readonly because: string;
  /** Mode of the rule. */
  readonly mode: PolicyMode;
  /** Priority of the rule. */
  readonly priority: number;
  /** Policy name. */
  readonly policy: string;
  /** The evidence. */
  readonly evidence: readonly Evidence[];
  /** Tags of the rule. */
  readonly tags: readonly string[];
  /** The target of a selector rule this action is for. */
  readonly target?: Target;
  /** The action's objective (placeholders filled): in enforce mode the change is a trial judged by it. */
  readonly objective?: Objective;
}

/** An action that was not planned, and why. */
export interface SuppressedAction {
  /** Rule name. */
  readonly rule: string;
  /** Knob (template when it could not be resolved). */
  readonly knob: string;
  /** Why. */
  readonly why: string;
}

/** The result of {@link ActionGenerator.generate}: ordered, deduplicated actions and what was dropped. */
export interface ActionPlan {
  /** Highest priority first; ties in policy order. One action per knob. */
  readonly actions: readonly PlannedAction[];
  /** Actions dropped (cool-down, lower priority on the same knob, unresolvable). */
  readonly suppressed: readonly SuppressedAction[];
}

/** Options of {@link ActionGenerator}. */
export interface ActionGeneratorOptions {
  /** Current value of a knob, for `adjust` actions (the daemon passes a cached actuator read). */
  read?: (knob: string) => string | undefined;
  /** Pids of processes matching a scope (`comm`, optional cgroup). */
  processes?: (match: { comm: string; cgroup?: string }) => readonly number[];
  /** A metric's value now, for `from` actions (the engine passes its snapshot lookup). */
  metric?: (ref: string) => number | undefined;
}

interface Candidate extends PlannedAction {
  order: number;
  index: number;
}

/**
 * Turns rule hits into a concrete plan: resolves scopes (`{cgroup}`, `{pid}`), computes `adjust` values
 * from the current value and clamps them to the action's bounds, honours each rule's cool-down, keeps
 * one action per knob (highest priority wins, ties go to the earlier rule), and orders the plan by priority.
 */
export class ActionGenerator {
  private readonly lastFired = new Map<string, number>();
  private readonly heldUntil = new Map<string, number>();
  private readonly options: ActionGeneratorOptions;

  /** @param options current-value and process lookups. */
  constructor(options: ActionGeneratorOptions = {}) {
    this.options = options;
  }

  /**
   * Keep a rule from firing until `untilMs` (e.g. after a change it asked for was rolled back because its
   * objective got worse), whatever its own cool-down says.
   */
  coolDown(policy: string, rule: string, untilMs: number): void {
    this.heldUntil.set(`${policy}/${rule}`, untilMs);
  }

  /** Let a rule fire again at once (its last firing was not acted on, e.g. a trial was already running). */
  release(policy: string, rule: string, target?: Target): void {
    this.lastFired.delete(target === undefined ? `${policy}/${rule}` : `${policy}/${rule}/${target.key}`);
  }

  /** Until when a rule is held by {@link ActionGenerator.coolDown} (ms), or `undefined`. */
  heldUntilOf(policy: string, rule: string): number | undefined {
    return this.heldUntil.get(`${policy}/${rule}`);
  }

  /** Build the plan for the hits of one evaluation at `now` (ms). */
  generate(hits: readonly RuleHit[], now: number): ActionPlan {
    const suppressed: SuppressedAction[] = [];
    if (this.lastFired.size > 10_000) for (const [k, t] of this.lastFired) if (now - t > 86_400_000) this.lastFired.delete(k);
    const best = new Map<string, Candidate>();
    let index = 0;
    for (const hit of hits) {
      const rule = hit.rule;
      const key = hit.target === undefined ? `${hit.policy}/${rule.name}` : `${hit.policy}/${rule.name}/${hit.target.key}`;
      const held = this.heldUntil.get(`${hit.policy}/${rule.name}`);
      if (held !== undefined && now < held) {
        for (const a of rule.then) suppressed.push({ rule: rule.name, knob: a.knob, why: `held for ${Math.ceil((held - now) / 1000)} s more after a rollback` });
        continue;
      }
      const last = this.lastFired.get(key);
      if (last !== undefined && now - last < rule.cooldown * 1000) {
        for (const a of rule.then) suppressed.push({ rule: rule.name, knob: a.knob, why: `cooling down for ${Math.ceil((rule.cooldown * 1000 - (now - last)) / 1000)} s more` });
        continue;
      }
      let produced = false;
      for (const action of rule.then) {
        for (const knob of this.resolve(rule, action, suppressed, hit.target)) {
          const value = this.valueFor(rule, action, knob, suppressed, hit.target);
          if (value === undefined) continue;
          const c: Candidate = {
            knob,
            value,
            reason: rule.name,
            because: evidenceText(hit.evidence),
            mode: rule.mode,
            priority: rule.priority,
            policy: hit.policy,
            evidence: hit.evidence,
            tags: rule.tags,
            ...(hit.target !== undefined ? { target: hit.target } : {}),
            ...(action.objective !== undefined ? { objective: hit.target === undefined ? action.objective : objectiveFor(action.objective, hit.target.labels) } : {}),
            order: hit.order,
            index: index++,
          };
          produced = true;
          const prev = best.get(knob);
          if (!prev) best.set(knob, c);
          else if (c.priority > prev.priority || (c.priority === prev.priority && c.order < prev.order)) {
            best.set(knob, c);
            suppressed.push({ rule: prev.reason, knob, why: `yields to rule '${c.reason}' (priority ${c.priority} vs ${prev.priority})` });
          } else if (!(prev.reason === c.reason && prev.value === c.value)) {
            suppressed.push({ rule: c.reason, knob, why: `yields to rule '${prev.reason}' (priority ${prev.priority} vs ${c.priority})` });
          }
        }
      }
      if (produced) this.lastFired.set(key, now);
    }
    const actions = [...best.values()]
      .sort((a, b) => b.priority - a.priority || a.order - b.order || a.index - b.index)
      .map(({ order: _o, index: _i, ...rest }) => rest);
    return { actions, suppressed };
  }

  private resolve(rule: PolicyRule, action: PolicyAction, suppressed: SuppressedAction[], target: Target | undefined): string[] {
    const scope = rule.scope;
    if (scope.kind === 'each') {
      if (target === undefined) return [];
      // cgroup paths in knob ids are relative to the cgroup root.
      const labels = target.labels.cgroup === undefined ? target.labels : { ...target.labels, cgroup: target.labels.cgroup.replace(/^\/+/, '') };
      return [substitute(action.knob, labels)];
    }
    if (scope.kind === 'cgroup') return [action.knob.replaceAll('{cgroup}', scope.cgroup)];
    if (scope.kind === 'process' && action.knob.includes('{pid}')) {
      const match = scope.cgroup === undefined ? { comm: scope.comm } : { comm: scope.comm, cgroup: scope.cgroup };
      const pids = this.options.processes?.(match) ?? [];
      if (pids.length === 0) suppressed.push({ rule: rule.name, knob: action.knob, why: `no process matches comm '${scope.comm}'` });
      return pids.map((pid) => action.knob.replaceAll('{pid}', String(pid)));
    }
    return [action.knob];
  }

  /** Use this metric lookup for `from` actions (set per evaluation by the engine). */
  setMetricLookup(metric: ((ref: string) => number | undefined) | undefined): void {
    this.metricLookup = metric;
  }

  private metricLookup: ((ref: string) => number | undefined) | undefined;

  private valueFor(rule: PolicyRule, action: PolicyAction, knob: string, suppressed: SuppressedAction[], target: Target | undefined): string | undefined {
    if (action.set !== undefined) return String(action.set);
    if (action.from !== undefined) {
      const ref = target === undefined ? action.from.metric : substitute(action.from.metric, target.labels);
      const x = (this.metricLookup ?? this.options.metric)?.(ref);
      if (x === undefined || !Number.isFinite(x)) {
        suppressed.push({ rule: rule.name, knob, why: `${ref} has no value now, cannot compute the setting` });
        return undefined;
      }
      let v = Math.round(x * (action.from.factor ?? 1));
      if (action.min !== undefined) v = Math.max(action.min, v);
      if (action.max !== undefined) v = Math.min(action.max, v);
      return String(v);
    }
    const raw = this.options.read?.(knob);
    const current = raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isFinite(current)) {
      suppressed.push({ rule: rule.name, knob, why: raw === undefined ? 'current value unknown, cannot adjust' : `current value '${raw}' is not a number, cannot adjust` });
      return undefined;
    }
    let next = action.adjust?.by !== undefined ? current + action.adjust.by : Math.round(current * (action.adjust?.factor ?? 1));
    if (action.min !== undefined) next = Math.max(action.min, next);
    if (action.max !== undefined) next = Math.min(action.max, next);
    // Never move the other way: a raise clamped below the current value (or a cut clamped above it) is no change.
    const up = action.adjust?.by !== undefined ? action.adjust.by > 0 : (action.adjust?.factor ?? 1) > 1;
    if (next === current || (up && next < current) || (!up && next > current)) {
      suppressed.push({ rule: rule.name, knob, why: `already at or beyond its bound (${current})` });
      return undefined;
    }
    return String(next);
  }
}

/** An objective with a selector target's labels filled into its metric and its guards' metrics. */
function objectiveFor(objective: Objective, labels: Readonly<Record<string, string>>): Objective {
  const metric = substitute(objective.metric, labels);
  if (objective.guards === undefined) return { ...objective, metric };
  return { ...objective, metric, guards: objective.guards.map((g) => ({ ...g, metric: substitute(g.metric, labels) })) };
}
