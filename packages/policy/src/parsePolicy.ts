import type { z } from 'zod';
import { comparisons, parseCondition, conditionText, type Condition } from './condition.js';
import { DocumentLocator as Locator, loadDocument, schemaIssues, sortIssues } from './document.js';
import { PolicyError, PolicyErrorCode, type PolicyIssue } from './errors.js';
import { defaultSelectorMetric, scopePlaceholders } from './selector.js';
import type { ObjectiveGuard, Policy, PolicyAction, PolicyMode, PolicyRule, PolicyScope } from './policy.js';
import { policyDocumentSchema, type PolicyDocument, type WhenInput } from './policySchema.js';
import { parseDuration } from './quantity.js';
import { validatePolicy, type ValidatorOptions } from './policyValidator.js';

/** Options of {@link parsePolicy} and {@link checkPolicy}. */
export interface ParsePolicyOptions extends ValidatorOptions {
  /** File name used in messages (default `<inline>`). */
  file?: string;
  /** Run the static checks (knob bounds, conflicts, unreachable rules, loops). Default true; only tools that build synthetic policies turn them off. */
  staticChecks?: boolean;
}

/** Result of {@link checkPolicy}: the policy when it has no errors, and every issue (errors and warnings). */
export interface PolicyCheck {
  /** The policy, when there were no errors. */
  readonly policy?: Policy;
  /** Errors and warnings, in source order. */
  readonly issues: readonly PolicyIssue[];
}

const KEYS: Record<string, readonly string[]> = {
  document: ['apiVersion', 'kind', 'name', 'description', 'mode', 'tags', 'rules'],
  rule: ['name', 'description', 'when', 'then', 'priority', 'cooldown', 'mode', 'scope', 'tags'],
  action: ['knob', 'set', 'adjust', 'from', 'min', 'max', 'objective'],
  from: ['metric', 'factor'],
  objective: ['maximize', 'minimize', 'window', 'windows', 'margin', 'guard'],
  guard: ['maximize', 'minimize', 'margin'],
  adjust: ['by', 'factor'],
  when: ['all', 'any', 'not'],
  scope: ['cgroup', 'process', 'each', 'top', 'by', 'match', 'exclude'],
  process: ['comm', 'cgroup'],
};

function contextOf(path: readonly PropertyKey[]): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (path.length === 0) return 'document';
  if (path[0] === 'rules' && path.length === 2) return 'rule';
  if (last === 'then' || (path.length >= 2 && path[path.length - 2] === 'then')) return 'action';
  if (last === 'adjust') return 'adjust';
  if (last === 'from') return 'from';
  if (last === 'objective') return 'objective';
  if (last === 'guard') return 'guard';
  if (last === 'process') return 'process';
  if (last === 'scope') return 'scope';
  return 'when';
}

const UNION_HELP: Record<string, string> = {
  when: "must be an expression string or {all: [...]}, {any: [...]} or {not: ...}; write e.g. when: 'psi.memory.some_avg10 > 20 for 30s'",
  scope: "must be 'host', {cgroup: <path>}, {process: {comm: <name>}} or {each: process|cgroup|device|interface|policy, top: <n>, by: <metric>, match: <glob>}; pick one of those forms",
  set: 'must be a number or a string; write e.g. set: 10',
  cooldown: 'must be a duration such as 30s, 5m or a number of seconds; write e.g. cooldown: 5m',
};

function zodIssues(loc: Locator, data: unknown, issues: readonly z.core.$ZodIssue[]): PolicyIssue[] {
  return schemaIssues(loc, data, issues, {
    keysAt: (path) => KEYS[contextOf(path)] ?? [],
    unionHelp: (key, path) => UNION_HELP[String(key)] ?? UNION_HELP[contextOf(path)] ?? 'has the wrong shape; check it against the policy reference',
    empty: 'the policy is empty; start it with apiVersion: ainka.dev/v1, kind: Policy, name and rules',
    notMapping: (got) => `a policy is a mapping with apiVersion, kind, name and rules, not ${got}; write it as such a mapping`,
  });
}

function buildWhen(loc: Locator, input: WhenInput, path: PropertyKey[], issues: PolicyIssue[]): Condition | undefined {
  if (typeof input === 'string') {
    const r = parseCondition(input);
    if (r.ok) return r.condition;
    // Point at the character in the source: plain scalars start at their first char, quoted ones one later.
    issues.push(loc.issue('expression', path, r.error.message, { offset: r.error.offset + loc.quoteOffset(path) }));
    return undefined;
  }
  if ('not' in input) {
    const inner = buildWhen(loc, input.not, [...path, 'not'], issues);
    return inner && { kind: 'not', of: inner };
  }
  const kind = 'all' in input ? 'all' : 'any';
  const list = 'all' in input ? input.all : input.any;
  const parts = list.map((w, i) => buildWhen(loc, w, [...path, kind, i], issues));
  if (parts.some((p) => p === undefined)) return undefined;
  return { kind, of: parts as Condition[] };
}

function buildScope(raw: PolicyDocument['rules'][number]['scope']): PolicyScope {
  if (raw === undefined || raw === 'host') return { kind: 'host' };
  if ('each' in raw) {
    return {
      kind: 'each',
      each: raw.each,
      by: raw.by ?? defaultSelectorMetric[raw.each],
      exclude: raw.exclude ?? [],
      ...(raw.top !== undefined ? { top: raw.top } : {}),
      ...(raw.match !== undefined ? { match: raw.match } : {}),
    };
  }
  if ('cgroup' in raw) return { kind: 'cgroup', cgroup: raw.cgroup };
  return raw.process.cgroup === undefined ? { kind: 'process', comm: raw.process.comm } : { kind: 'process', comm: raw.process.comm, cgroup: raw.process.cgroup };
}

function buildPolicy(loc: Locator, doc: PolicyDocument, issues: PolicyIssue[]): Policy {
  const policyMode: PolicyMode = doc.mode ?? 'advise';
  const seen = new Map<string, number>();
  const rules: PolicyRule[] = doc.rules.map((r, i) => {
    const path: PropertyKey[] = ['rules', i];
    const first = seen.get(r.name);
    if (first !== undefined) issues.push(loc.issue('schema', [...path, 'name'], `rule name '${r.name}' is already used by rules[${first}]; give every rule a unique name`));
    else seen.set(r.name, i);
    const when = buildWhen(loc, r.when, [...path, 'when'], issues);
    let cooldown = 300;
    if (r.cooldown !== undefined) {
      const c = parseDuration(r.cooldown);
      if (c === undefined) issues.push(loc.issue('schema', [...path, 'cooldown'], `'${String(r.cooldown)}' is not a duration; write it like 30s, 5m or 1h`));
      else cooldown = c;
    }
    const then: PolicyAction[] = r.then.map((a, j) => {
      const ap: PropertyKey[] = [...path, 'then', j];
      const kinds = [a.set !== undefined, a.adjust !== undefined, a.from !== undefined].filter(Boolean).length;
      if (kinds !== 1) issues.push(loc.issue('schema', ap, `an action needs exactly one of 'set', 'adjust' or 'from'; ${kinds === 0 ? 'add set: <value> or adjust: {by: <n>}' : 'keep only one of them'}`));
      if (a.adjust && a.adjust.by === undefined && a.adjust.factor === undefined) issues.push(loc.issue('schema', [...ap, 'adjust'], 'adjust needs by or factor; write adjust: {by: -10} or adjust: {factor: 2}'));
      if (a.adjust?.by !== undefined && a.adjust.factor !== undefined) issues.push(loc.issue('schema', [...ap, 'adjust'], 'adjust takes by or factor, not both; remove one'));
      if (a.min !== undefined && a.max !== undefined && a.min > a.max) issues.push(loc.issue('bounds', ap, `min ${a.min} is above max ${a.max}; swap them`));
      let objective: PolicyAction['objective'];
      if (a.objective !== undefined) {
        const o = a.objective;
        const goals = [o.maximize, o.minimize].filter((g) => g !== undefined).length;
        const window = parseDuration(o.window ?? 10);
        if (goals !== 1) issues.push(loc.issue('schema', [...ap, 'objective'], `an objective needs exactly one of maximize or minimize; ${goals === 0 ? 'add maximize: <metric> or minimize: <metric>' : 'keep only one'}`));
        else if (window === undefined || window <= 0) issues.push(loc.issue('schema', [...ap, 'objective', 'window'], `'${String(o.window)}' is not a duration; write it like 10s`));
        else {
          const metric = (o.maximize ?? o.minimize) as string;
          const parsed = parseCondition(`${metric} > 0`);
          if (!parsed.ok) issues.push(loc.issue('expression', [...ap, 'objective'], `objective metric '${metric}' is not a metric name; ${parsed.error.message}`));
          const margin = o.margin ?? 0.02;
          const guards: ObjectiveGuard[] = [];
          (o.guard ?? []).forEach((g, k) => {
            const gp = [...ap, 'objective', 'guard', k];
            const gGoals = [g.maximize, g.minimize].filter((x) => x !== undefined).length;
            if (gGoals !== 1) {
              issues.push(loc.issue('schema', gp, `a guard needs exactly one of maximize or minimize; ${gGoals === 0 ? 'add maximize: <metric> (must not go down) or minimize: <metric> (must not go up)' : 'keep only one'}`));
              return;
            }
            const gMetric = (g.maximize ?? g.minimize) as string;
            const gParsed = parseCondition(`${gMetric} > 0`);
            if (!gParsed.ok) issues.push(loc.issue('expression', gp, `guard metric '${gMetric}' is not a metric name; ${gParsed.error.message}`));
            else guards.push({ metric: gMetric, goal: g.maximize !== undefined ? 'maximize' : 'minimize', margin: g.margin ?? margin });
          });
          objective = { metric, goal: o.maximize !== undefined ? 'maximize' : 'minimize', window, windows: o.windows ?? 4, margin, ...(guards.length > 0 ? { guards } : {}) };
        }
      }
      const action: PolicyAction = {
        knob: a.knob,
        ...(objective !== undefined ? { objective } : {}),
        ...(a.set !== undefined ? { set: a.set } : {}),
        ...(a.adjust !== undefined ? { adjust: { ...(a.adjust.by !== undefined ? { by: a.adjust.by } : {}), ...(a.adjust.factor !== undefined ? { factor: a.adjust.factor } : {}) } } : {}),
        ...(a.from !== undefined ? { from: { metric: a.from.metric, ...(a.from.factor !== undefined ? { factor: a.from.factor } : {}) } } : {}),
        ...(a.min !== undefined ? { min: a.min } : {}),
        ...(a.max !== undefined ? { max: a.max } : {}),
      };
      return action;
    });
    const scope = buildScope(r.scope);
    const allowed = scopePlaceholders(scope);
    then.forEach((a, j) => {
      for (const m of a.knob.matchAll(/\{([a-z]+)\}/g)) {
        const needed = m[1] as string;
        if (allowed.includes(needed)) continue;
        const fix = needed === 'pid' || needed === 'comm' ? '{each: process, top: 3}' : needed === 'cgroup' ? '{each: cgroup} or {cgroup: <path>}' : `{each: ${needed}}`;
        issues.push(loc.issue('schema', [...path, 'then', j, 'knob'], `knob '${a.knob}' uses {${needed}} but the rule's scope ${scope.kind === 'each' ? `selects ${scope.each}es` : `is ${scope.kind}`}; add scope: ${fix} or name the target`));
      }
    });
    if (when !== undefined) {
      for (const c of comparisons(when)) {
        for (const m of c.subject.metric.matchAll(/\{([a-z]+)\}/g)) {
          if (allowed.includes(m[1] as string)) continue;
          issues.push(loc.issue('expression', [...path, 'when'], `metric '${c.subject.metric}' uses {${m[1] as string}} but the rule's scope does not select ${m[1] as string}s; add scope: {each: ${m[1] === 'pid' || m[1] === 'comm' ? 'process' : (m[1] as string)}} or write the label value`));
        }
      }
    }
    const cond: Condition = when ?? { kind: 'all', of: [] };
    return {
      name: r.name,
      description: r.description ?? '',
      when: cond,
      whenText: when ? conditionText(when) : '',
      then,
      priority: r.priority ?? 50,
      cooldown,
      mode: r.mode ?? policyMode,
      scope,
      tags: r.tags ?? [],
    };
  });
  return { name: doc.name, description: doc.description ?? '', mode: policyMode, tags: doc.tags ?? [], rules, file: loc.file };
}

/**
 * Parse and check a policy written in YAML or JSON. Returns the policy (if it has no errors) and every
 * issue, each with file, line, column, path and a message that names the problem and the fix.
 */
export function checkPolicy(text: string, options: ParsePolicyOptions = {}): PolicyCheck {
  const loaded = loadDocument(text, options.file ?? '<inline>');
  if (loaded.issues) return { issues: loaded.issues };
  const { data, loc } = loaded;
  const parsed = policyDocumentSchema.safeParse(data);
  if (!parsed.success) return { issues: sortIssues(zodIssues(loc, data, parsed.error.issues)) };
  const issues: PolicyIssue[] = [];
  const policy = buildPolicy(loc, parsed.data, issues);
  if (issues.length > 0) return { issues: sortIssues(issues) };
  if (options.staticChecks === false) return { policy, issues: [] };
  const checks = validatePolicy(policy, { ...options, locate: (path, kind, message, severity) => loc.issue(kind, path, message, { severity }) });
  const sorted = sortIssues(checks);
  return sorted.some((i) => i.severity === 'error') ? { issues: sorted } : { policy, issues: sorted };
}

/**
 * Parse a policy (YAML or JSON) and throw {@link PolicyError} if it has errors
 * (`ERR_AINKA_POLICY_SYNTAX`, `ERR_AINKA_POLICY_INVALID`, or `ERR_AINKA_POLICY_REJECTED` for failed static checks).
 */
export function parsePolicy(text: string, options: ParsePolicyOptions = {}): Policy {
  const r = checkPolicy(text, options);
  if (r.policy) return r.policy;
  const errors = r.issues.filter((i) => i.severity === 'error');
  const code = errors.some((i) => i.kind === 'syntax')
    ? PolicyErrorCode.syntax
    : errors.some((i) => i.kind === 'schema' || i.kind === 'expression')
      ? PolicyErrorCode.invalid
      : PolicyErrorCode.rejected;
  throw new PolicyError(code, errors);
}
