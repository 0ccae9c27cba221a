import { isAinkaError } from '@ainka/errors';
import { findKnobSpec, knobCatalogue, parseKnobId, type KnobSpec } from '@ainka/knobs';
import { comparisons, subjectLabel } from './condition.js';
import type { PolicyIssue } from './errors.js';
import { formatPath } from './errors.js';
import { conjunctionIntervals, gap, intersect, isEmpty, metricDomain, type Interval } from './interval.js';
import { defaultKnobInfluence } from './knobInfluence.js';
import { didYouMean } from './didYouMean.js';
import type { Policy, PolicyAction, PolicyRule } from './policy.js';

/** Options of {@link validatePolicy}. */
export interface ValidatorOptions {
  /** Bounds of a knob (default: the `@ainka/knobs` knob table). */
  knobSpec?: (knob: string) => KnobSpec | undefined;
  /** Metric-name prefixes a knob moves (default {@link defaultKnobInfluence}). */
  influence?: (knob: string) => readonly string[];
  /** Known metric names (e.g. the `@ainka/telemetry` catalogue); when given, unknown names are reported with a suggestion. */
  metrics?: readonly string[];
  /** Severity of a rule over a metric that is not in `metrics`: `warning` (default) or `error` (the policy is refused). */
  unknownMetrics?: 'warning' | 'error';
}

/** Maps a problem at a document path to a {@link PolicyIssue} (e.g. with the file, line and column of that path). */
export type Locate = (path: PropertyKey[], kind: string, message: string, severity: 'error' | 'warning') => PolicyIssue;

function defaultSpec(knob: string): KnobSpec | undefined {
  const id = parseKnobId(knob);
  return findKnobSpec(id.kind, id.attribute);
}

const CATALOGUE_IDS = knobCatalogue.map((k) => (k.kind === 'sysctl' || k.kind === 'thp' ? `${k.kind}:${k.attribute}` : k.attribute));

/** Which way an action moves a knob: +1 up, −1 down, a set value, or unknown. */
function movement(a: PolicyAction): { dir: -1 | 0 | 1; text: string } {
  if (a.adjust?.by !== undefined) return { dir: a.adjust.by > 0 ? 1 : a.adjust.by < 0 ? -1 : 0, text: `${a.adjust.by > 0 ? 'raises' : 'lowers'} it by ${Math.abs(a.adjust.by)}` };
  if (a.adjust?.factor !== undefined) return { dir: a.adjust.factor > 1 ? 1 : a.adjust.factor < 1 ? -1 : 0, text: `multiplies it by ${a.adjust.factor}` };
  if (a.from !== undefined) return { dir: 0, text: `sets it to ${a.from.factor ?? 1} × ${a.from.metric}` };
  return { dir: 0, text: `sets it to ${String(a.set)}` };
}

function opposed(a: PolicyAction, b: PolicyAction): boolean {
  if (a.set !== undefined && b.set !== undefined) return String(a.set) !== String(b.set);
  const ma = movement(a);
  const mb = movement(b);
  if (a.set !== undefined || b.set !== undefined || a.from !== undefined || b.from !== undefined) return true;
  return ma.dir !== 0 && mb.dir !== 0 && ma.dir !== mb.dir;
}

function scopeKey(r: PolicyRule): string {
  const s = r.scope;
  switch (s.kind) {
    case 'host':
      return 'host';
    case 'cgroup':
      return `cgroup:${s.cgroup}`;
    case 'process':
      return `process:${s.comm}:${s.cgroup ?? ''}`;
    case 'each':
      // Two selectors of the same kind may pick the same target, so they share a scope.
      return `each:${s.each}`;
  }
}

/** A knob id with its placeholders replaced by example targets, for the knob-table checks. */
function concreteKnob(knob: string): string {
  return knob
    .replaceAll('{cgroup}', 'scope.slice')
    .replaceAll('{pid}', '1')
    .replaceAll('{device}', 'sda')
    .replaceAll('{interface}', 'eth0')
    .replaceAll('{policy}', 'policy0')
    .replaceAll('{comm}', 'x');
}

/** Can two rules hold at the same time? False only when some subject's intervals are provably disjoint. */
function canCoincide(a: Map<string, Interval>, b: Map<string, Interval>): boolean {
  for (const [subject, ia] of a) {
    const ib = b.get(subject);
    if (ib && isEmpty(intersect(ia, ib))) return false;
  }
  return true;
}

/** Largest separation between two rules' conditions on a shared subject (0 = they touch or overlap). */
function separation(a: Map<string, Interval>, b: Map<string, Interval>): number {
  let best = 0;
  for (const [subject, ia] of a) {
    const ib = b.get(subject);
    if (ib) best = Math.max(best, gap(ia, ib));
  }
  return best;
}

/**
 * Static checks of a parsed policy: knob ids and bounds against the knob table, conflicts between rules on
 * the same knob, rules that can never fire, and feedback loops between rules that push a knob both ways.
 */
export function validatePolicy(policy: Policy, options: ValidatorOptions & { locate?: Locate } = {}): PolicyIssue[] {
  const spec = options.knobSpec ?? defaultSpec;
  const influence = options.influence ?? defaultKnobInfluence;
  const locate: Locate =
    options.locate ?? ((path, kind, message, severity) => ({ severity, kind, file: policy.file, line: 0, column: 0, path: formatPath(path), message }));
  const issues: PolicyIssue[] = [];
  const conflicted = new Set<string>();
  const intervals = policy.rules.map((r) => conjunctionIntervals(r.when));

  policy.rules.forEach((rule, i) => {
    // Knobs and bounds.
    rule.then.forEach((a, j) => {
      const path: PropertyKey[] = ['rules', i, 'then', j];
      const concrete = concreteKnob(a.knob);
      let s: KnobSpec | undefined;
      try {
        s = spec(concrete);
      } catch (error) {
        issues.push(locate([...path, 'knob'], 'knob', isAinkaError(error) ? error.message : String(error), 'error'));
        return;
      }
      if (!s) {
        const id = parseKnobId(concrete);
        const guess = didYouMean(id.kind === 'sysctl' || id.kind === 'thp' ? a.knob : id.attribute, CATALOGUE_IDS);
        issues.push(locate([...path, 'knob'], 'knob', `knob '${a.knob}' is not in the knob table; ${guess ? `did you mean '${guess}'?` : 'use a knob listed in the @ainka/knobs README'}`, 'error'));
        return;
      }
      if (a.set !== undefined) {
        const problem = s.check(String(a.set), { knob: parseKnobId(concrete), current: '', read: () => undefined });
        if (problem) issues.push(locate([...path, 'set'], 'bounds', `set ${String(a.set)} for ${a.knob}: ${problem}`, 'error'));
        else if (typeof a.set === 'number' && ((a.min !== undefined && a.set < a.min) || (a.max !== undefined && a.set > a.max))) {
          issues.push(locate([...path, 'set'], 'bounds', `set ${a.set} is outside the action's own min/max; change the value or the bounds`, 'error'));
        }
      }
      if ((a.adjust !== undefined || a.from !== undefined) && !s.numeric) {
        issues.push(locate([...path, 'adjust'], 'bounds', `${a.knob} is not a single number, so it cannot be adjusted; use set: <value>`, 'error'));
      }
      if (a.min !== undefined && s.min !== undefined && a.min < s.min) issues.push(locate([...path, 'min'], 'bounds', `min ${a.min} is below ${a.knob}'s bound ${s.min}; raise it to at least ${s.min}`, 'error'));
      if (a.max !== undefined && s.max !== undefined && a.max > s.max) issues.push(locate([...path, 'max'], 'bounds', `max ${a.max} is above ${a.knob}'s bound ${s.max}; lower it to at most ${s.max}`, 'error'));
    });

    // Unknown metric names (only when a catalogue is given: names are opaque to the engine).
    if (options.metrics) {
      const known = new Set(options.metrics);
      const named = [...comparisons(rule.when).map((c) => c.subject.metric), ...rule.then.flatMap((a) => [a.objective?.metric, ...(a.objective?.guards ?? []).map((g) => g.metric), a.from?.metric]).filter((m): m is string => m !== undefined)];
      if (rule.scope.kind === 'each') named.push(rule.scope.by);
      for (const m of new Set(named.map((x) => x.replace(/\{.*$/, '')))) {
        if (known.has(m)) continue;
        const guess = didYouMean(m, options.metrics);
        issues.push(
          locate(
            ['rules', i, 'when'],
            'metric',
            `metric '${m}' is not in the metric catalogue${options.unknownMetrics === 'error' ? ', so the rule could never fire' : ''}; ${guess ? `did you mean '${guess}'?` : 'check the name against the telemetry catalogue (`ainka metrics`, or the @ainka/telemetry README)'}`,
            options.unknownMetrics ?? 'warning',
          ),
        );
      }
    }

    // Unreachable: some subject's interval is empty.
    for (const [subject, iv] of intervals[i] ?? []) {
      if (isEmpty(iv)) {
        const said = comparisons(rule.when)
          .filter((c) => c.threshold.kind === 'value' && subjectLabel(c.subject) === subject)
          .map((c) => `${subject} ${c.op} ${c.threshold.kind === 'value' ? c.threshold.value : ''}`)
          .join(' and ');
        issues.push(locate(['rules', i, 'when'], 'unreachable', `rule '${rule.name}' can never fire: ${said} cannot hold${rangeNote(subject)}; fix the thresholds`, 'error'));
      }
    }
  });

  // Conflicts: two rules with the same priority and scope that change the same knob differently and can fire together.
  for (let i = 0; i < policy.rules.length; i++) {
    for (let j = i + 1; j < policy.rules.length; j++) {
      const a = policy.rules[i] as PolicyRule;
      const b = policy.rules[j] as PolicyRule;
      if (a.priority !== b.priority || scopeKey(a) !== scopeKey(b)) continue;
      if (!canCoincide(intervals[i] ?? new Map(), intervals[j] ?? new Map())) continue;
      for (const x of a.then) {
        const y = b.then.find((t) => t.knob === x.knob && opposed(x, t));
        if (!y) continue;
        conflicted.add(`${i}/${j}/${x.knob}`);
        issues.push(
          locate(
            ['rules', j],
            'conflict',
            `rules '${a.name}' (rules[${i}]) and '${b.name}' both change ${x.knob} at priority ${a.priority} and can fire together ('${a.name}' ${movement(x).text}, '${b.name}' ${movement(y).text}); give one a higher priority or make their conditions exclusive`,
            'error',
          ),
        );
      }
    }
  }

  // Feedback loops: rules that move each other's inputs and push a shared knob both ways without a gap between their conditions.
  const reads = policy.rules.map((r) => comparisons(r.when).map((c) => c.subject.metric));
  const edges = policy.rules.map((r) =>
    policy.rules.map((_, k) => r.then.some((a) => influence(a.knob).some((prefix) => (reads[k] ?? []).some((m) => m.startsWith(prefix))))),
  );
  // Rules on a common cycle of the influence graph (any length): transitive closure, fine for policy sizes.
  const n = policy.rules.length;
  const reach = edges.map((row) => [...row]);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      if (!reach[i]?.[k]) continue;
      for (let j = 0; j < n; j++) if (reach[k]?.[j]) (reach[i] as boolean[])[j] = true;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (!reach[i]?.[j] || !reach[j]?.[i]) continue;
      const a = policy.rules[i] as PolicyRule;
      const b = policy.rules[j] as PolicyRule;
      if (scopeKey(a) !== scopeKey(b)) continue;
      for (const x of a.then) {
        const y = b.then.find((t) => t.knob === x.knob && opposed(x, t));
        if (!y || conflicted.has(`${i}/${j}/${x.knob}`)) continue;
        if (separation(intervals[i] ?? new Map(), intervals[j] ?? new Map()) > 0) continue;
        issues.push(
          locate(
            ['rules', j],
            'cycle',
            `rules '${a.name}' and '${b.name}' form a feedback loop on ${x.knob}: ${edges[i]?.[j] && edges[j]?.[i] ? 'each changes metrics the other reads' : 'they move each other\'s metrics through a chain of rules'}, '${a.name}' ${movement(x).text} and '${b.name}' ${movement(y).text}, and no gap separates their conditions; leave a gap between the thresholds (e.g. > 20 vs < 10) or add hysteresis`,
            // Different priorities decide which wins when both hold, so the loop is only a warning then.
            a.priority === b.priority ? 'error' : 'warning',
          ),
        );
      }
    }
  }
  return issues;
}


function rangeNote(subject: string): string {
  const d = metricDomain(subject);
  if (d.lo === -Infinity && d.hi === Infinity) return '';
  return ` (by its name, ${d.hi === Infinity ? `${subject} ≥ ${d.lo}` : `${d.lo} ≤ ${subject} ≤ ${d.hi}`})`;
}
