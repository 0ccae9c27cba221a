import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { parseCondition, conditionText, type Condition } from './condition.js';
import { formatPath, PolicyError, PolicyErrorCode, type PolicyIssue } from './errors.js';
import type { Policy, PolicyAction, PolicyMode, PolicyRule, PolicyScope } from './policy.js';
import { policyDocumentSchema, type PolicyDocument, type WhenInput } from './policySchema.js';
import { parseDuration } from './quantity.js';
import { validatePolicy, type ValidatorOptions } from './policyValidator.js';
import { didYouMean } from './didYouMean.js';

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
  action: ['knob', 'set', 'adjust', 'min', 'max'],
  adjust: ['by', 'factor'],
  when: ['all', 'any', 'not'],
  scope: ['cgroup', 'process'],
  process: ['comm', 'cgroup'],
};

class Locator {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  /** Position of the node at `path` (or of its key, or of the deepest existing ancestor). */
  pos(path: readonly PropertyKey[], key = false): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let at: Node | undefined = node as Node | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) break;
        if (key && i === path.length - 1 && isScalar(pair.key)) {
          at = pair.key;
          break;
        }
        node = pair.value;
        at = (pair.value ?? pair.key) as Node;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        if (node === undefined) break;
        at = node as Node;
      } else break;
    }
    const offset = at?.range?.[0] ?? 0;
    const lp = this.lines.linePos(offset);
    return { line: lp.line, column: lp.col };
  }

  issue(kind: string, path: readonly PropertyKey[], message: string, options: { key?: boolean; severity?: 'error' | 'warning'; offset?: number } = {}): PolicyIssue {
    const p = this.pos(path, options.key);
    return { severity: options.severity ?? 'error', kind, file: this.file, line: p.line, column: p.column + (options.offset ?? 0), path: formatPath(path), message };
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

function contextOf(path: readonly PropertyKey[]): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (path.length === 0) return 'document';
  if (path[0] === 'rules' && path.length === 2) return 'rule';
  if (last === 'then' || (path.length >= 2 && path[path.length - 2] === 'then')) return 'action';
  if (last === 'adjust') return 'adjust';
  if (last === 'process') return 'process';
  if (last === 'scope') return 'scope';
  return 'when';
}

const UNION_HELP: Record<string, string> = {
  when: "must be an expression string or {all: [...]}, {any: [...]} or {not: ...}; write e.g. when: 'psi.memory.some_avg10 > 20 for 30s'",
  scope: "must be 'host', {cgroup: <path>} or {process: {comm: <name>}}; pick one of those forms",
  set: 'must be a number or a string; write e.g. set: 10',
  cooldown: 'must be a duration such as 30s, 5m or a number of seconds; write e.g. cooldown: 5m',
};

function zodIssues(loc: Locator, data: unknown, issues: readonly z.core.$ZodIssue[]): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  for (const issue of issues) {
    const path = issue.path;
    const last = path[path.length - 1];
    const value = valueAt(data, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const allowed = KEYS[contextOf(path)] ?? [];
          const guess = didYouMean(key, allowed);
          out.push(loc.issue('schema', [...path, key], `unknown key '${key}'; ${guess ? `did you mean '${guess}'?` : `allowed keys are ${allowed.join(', ')}`}`, { key: true }));
        }
        break;
      case 'invalid_type':
        if (path.length === 0) {
          out.push(
            loc.issue(
              'schema',
              path,
              value === null || value === undefined
                ? 'the policy is empty; start it with apiVersion: ainka.dev/v1, kind: Policy, name and rules'
                : `a policy is a mapping with apiVersion, kind, name and rules, not ${describe(value)}; write it as such a mapping`,
            ),
          );
        } else if (value === undefined) {
          out.push(loc.issue('schema', path.slice(0, -1), `missing required key '${String(last)}'; add ${String(last)}: …`));
        } else {
          out.push(loc.issue('schema', path, `expected ${issue.expected === 'int' ? 'an integer' : issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`}, got ${describe(value)}; change the value to that type`));
        }
        break;
      case 'invalid_value': {
        const want = issue.values.map((v) => `'${String(v)}'`).join(' or ');
        const guess = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : '';
        out.push(loc.issue('schema', path, `${describe(value)} is not ${want}; ${guess ? `did you mean '${guess}'?` : issue.values.length > 1 ? 'use one of those' : `write ${String(last)}: ${String(issue.values[0])}`}`));
        break;
      }
      case 'too_small':
        out.push(
          loc.issue(
            'schema',
            path,
            issue.origin === 'array'
              ? `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}; add ${issue.minimum === 1 ? 'one' : 'more'}`
              : issue.inclusive === false
                ? `${String(value)} must be above ${String(issue.minimum)}; use a larger value`
                : `${String(value)} is below the minimum ${String(issue.minimum)}; use ${String(issue.minimum)} or more`,
          ),
        );
        break;
      case 'too_big':
        out.push(
          loc.issue(
            'schema',
            path,
            issue.inclusive === false
              ? `${String(value)} must be below ${String(issue.maximum)}; use a smaller value`
              : `${String(value)} is above the maximum ${String(issue.maximum)}; use ${String(issue.maximum)} or less`,
          ),
        );
        break;
      case 'invalid_union': {
        const key = typeof last === 'string' ? last : [...path].reverse().find((p) => typeof p === 'string');
        const help = UNION_HELP[String(key)] ?? UNION_HELP[contextOf(path)] ?? 'has the wrong shape; check it against the policy reference';
        out.push(loc.issue('schema', path, `${String(key ?? 'value')} ${help}`));
        break;
      }
      default:
        out.push(loc.issue('schema', path, `${describe(value)} ${issue.message}`));
    }
  }
  return out;
}

function buildWhen(loc: Locator, input: WhenInput, path: PropertyKey[], issues: PolicyIssue[]): Condition | undefined {
  if (typeof input === 'string') {
    const r = parseCondition(input);
    if (r.ok) return r.condition;
    // Point at the character in the source: plain scalars start at their first char, quoted ones one later.
    const node = loc.doc.getIn(path, true) as Node | undefined;
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
    issues.push(loc.issue('expression', path, r.error.message, { offset: r.error.offset + quoted }));
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
      const kinds = [a.set !== undefined, a.adjust !== undefined].filter(Boolean).length;
      if (kinds !== 1) issues.push(loc.issue('schema', ap, `an action needs exactly one of 'set' or 'adjust'; ${kinds === 0 ? 'add set: <value> or adjust: {by: <n>}' : 'remove one of them'}`));
      if (a.adjust && a.adjust.by === undefined && a.adjust.factor === undefined) issues.push(loc.issue('schema', [...ap, 'adjust'], 'adjust needs by or factor; write adjust: {by: -10} or adjust: {factor: 2}'));
      if (a.adjust?.by !== undefined && a.adjust.factor !== undefined) issues.push(loc.issue('schema', [...ap, 'adjust'], 'adjust takes by or factor, not both; remove one'));
      if (a.min !== undefined && a.max !== undefined && a.min > a.max) issues.push(loc.issue('bounds', ap, `min ${a.min} is above max ${a.max}; swap them`));
      const action: PolicyAction = {
        knob: a.knob,
        ...(a.set !== undefined ? { set: a.set } : {}),
        ...(a.adjust !== undefined ? { adjust: { ...(a.adjust.by !== undefined ? { by: a.adjust.by } : {}), ...(a.adjust.factor !== undefined ? { factor: a.adjust.factor } : {}) } } : {}),
        ...(a.min !== undefined ? { min: a.min } : {}),
        ...(a.max !== undefined ? { max: a.max } : {}),
      };
      return action;
    });
    const placeholder = (s: PolicyScope): string | undefined => (s.kind === 'cgroup' ? '{cgroup}' : s.kind === 'process' ? '{pid}' : undefined);
    const scope = buildScope(r.scope);
    then.forEach((a, j) => {
      const needed = /\{(cgroup|pid)\}/.exec(a.knob)?.[0];
      if (needed && needed !== placeholder(scope)) {
        issues.push(loc.issue('schema', [...path, 'then', j, 'knob'], `knob '${a.knob}' uses ${needed} but the rule's scope is ${scope.kind}; add scope: ${needed === '{pid}' ? '{process: {comm: <name>}}' : '{cgroup: <path>}'} or name the target`));
      }
    });
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
  const file = options.file ?? '<inline>';
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loc = new Locator(file, doc, lines);
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const lp = lines.linePos(e.pos[0]);
        const first = e.message.split('\n')[0] ?? e.message;
        return { severity: 'error' as const, kind: 'syntax', file, line: lp.line, column: lp.col, path: '', message: `${first.replace(/ at line \d+, column \d+:?$/, '')}; fix the YAML/JSON syntax there` };
      }),
    };
  }
  const data: unknown = doc.toJS();
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

function sortIssues(issues: PolicyIssue[]): PolicyIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
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
