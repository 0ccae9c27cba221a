import { didYouMean, DocumentLocator, loadDocument, parseDuration, schemaIssues, sortIssues, type PolicyIssue } from '@ainka/policy';
import { GuardError, GuardErrorCode } from './errors.js';
import { GUARD_EVENT_TYPES, type GuardEvent } from './event.js';
import { compileRuleExpr, eventTypesOf, ExprCompileError, parseRuleExpr, type CompiledPredicate, type RuleExpr } from './expression.js';
import { FIELD_ALIASES, FIELDS, type FieldSpec } from './fields.js';
import { detectionRulesSchema, type DetectionRulesDocument, type RuleWhenInput } from './rulesSchema.js';

/** A response a rule asks for. */
export interface RuleResponse {
  /**
   * `kill`, `stop` (SIGSTOP), `freeze` (the process's cgroup), `block-egress` (drop what its cgroup
   * sends, loopback excepted) or `block-egress-all` (loopback too).
   */
  readonly action: 'kill' | 'stop' | 'freeze' | 'block-egress' | 'block-egress-all';
  /** `advise` proposes only; `enforce` acts. */
  readonly mode: 'advise' | 'enforce';
}

/** An exception attached to a rule. */
export interface CompiledException {
  /** Its name (or `<file>#<index>`). */
  readonly name: string;
  /** Why it is safe. */
  readonly reason: string;
  /** Holds for the events it exempts. */
  readonly match: CompiledPredicate;
}

/** A compiled detection rule. */
export interface CompiledRule {
  /** Unique name. */
  readonly name: string;
  /** One sentence. */
  readonly description: string;
  /** The condition as written (leaves joined). */
  readonly whenText: string;
  /** Alert severity. */
  readonly severity: 'critical' | 'warning' | 'info';
  /** 0 … 100. */
  readonly priority: number;
  /** Tags. */
  readonly tags: readonly string[];
  /** Seconds between two alerts for one executable. */
  readonly cooldownSec: number;
  /** Fields whose values key the cooldown (one incident), resolved; undefined: the executable and the parent. */
  readonly cooldownBy?: readonly FieldSpec[];
  /** False when turned off. */
  readonly enabled: boolean;
  /** Response, when the rule asks for one. */
  readonly response?: RuleResponse;
  /** Output template. */
  readonly output: string;
  /** Event types the rule can match (undefined: any). */
  readonly eventTypes?: readonly string[];
  /** The condition. */
  readonly match: CompiledPredicate;
  /** Exceptions, in the order they were declared. */
  readonly exceptions: readonly CompiledException[];
  /** File it came from. */
  readonly file: string;
}

/** A set of compiled rules with an index by event type. */
export interface RuleSet {
  /** Every rule, in declaration order. */
  readonly rules: readonly CompiledRule[];
  /** Enabled rules that can match each event type, highest priority first. */
  readonly byType: ReadonlyMap<string, readonly CompiledRule[]>;
  /** Lists after every document's additions. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

/** One document to load. */
export interface RulesSource {
  /** YAML or JSON text. */
  readonly text: string;
  /** File name for messages (default `<inline>`). */
  readonly file?: string;
}

/** Result of {@link checkRules}: the rule set when there are no errors, and every issue. */
export interface RulesCheck {
  /** The rules, when there were no errors. */
  readonly ruleSet?: RuleSet;
  /** Errors and warnings, by file then line. */
  readonly issues: readonly PolicyIssue[];
}

const KEYS: Record<string, readonly string[]> = {
  document: ['apiVersion', 'kind', 'name', 'description', 'tags', 'lists', 'appendLists', 'macros', 'rules', 'exceptions'],
  rule: ['name', 'description', 'when', 'output', 'severity', 'priority', 'tags', 'cooldown', 'cooldownBy', 'enabled', 'response'],
  exception: ['rule', 'name', 'when', 'reason'],
  response: ['action', 'mode'],
  when: ['all', 'any', 'not'],
};

function contextOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'document';
  if (path[0] === 'rules' && path.length === 2) return 'rule';
  if (path[0] === 'exceptions' && path.length === 2) return 'exception';
  if (path[path.length - 1] === 'response') return 'response';
  return 'when';
}

const vocabulary = {
  keysAt: (path: readonly PropertyKey[]) => KEYS[contextOf(path)] ?? [],
  unionHelp: (key: string | undefined) =>
    key === 'when'
      ? "must be an expression string or {all: [...]}, {any: [...]} or {not: ...}; write e.g. when: 'event.type == exec and proc.name in (sh, bash)'"
      : key === 'cooldown'
        ? 'must be a duration such as 30s, 5m or a number of seconds; write e.g. cooldown: 5m'
        : key === 'rule'
          ? 'must be a rule name or a list of rule names'
          : undefined,
  empty: 'the document is empty; start it with apiVersion: ainka.dev/v1, kind: DetectionRules, name and rules',
  notMapping: (got: string) => `a detection-rules document is a mapping with apiVersion, kind, name and rules, not ${got}; write it as such a mapping`,
};

interface Loaded {
  readonly loc: DocumentLocator;
  readonly doc: DetectionRulesDocument;
}

function whenText(w: RuleWhenInput): string {
  if (typeof w === 'string') return w;
  if ('not' in w) return `not (${whenText(w.not)})`;
  const [k, list] = 'all' in w ? ['and', w.all] : ['or', w.any];
  return list.map((x) => `(${whenText(x)})`).join(` ${k} `);
}

/** Parses a `when` tree into one expression, pushing located issues. */
function buildWhen(loc: DocumentLocator, w: RuleWhenInput, path: PropertyKey[], issues: PolicyIssue[], exprAt: Map<RuleExpr, PropertyKey[]>): RuleExpr | undefined {
  if (typeof w === 'string') {
    const r = parseRuleExpr(w);
    if (!r.ok) {
      issues.push(loc.issue('expression', path, r.error.message, { offset: r.error.offset + loc.quoteOffset(path) }));
      return undefined;
    }
    mark(r.expr, path, exprAt);
    return r.expr;
  }
  if ('not' in w) {
    const inner = buildWhen(loc, w.not, [...path, 'not'], issues, exprAt);
    return inner && { kind: 'not', of: inner };
  }
  const kind = 'all' in w ? 'all' : 'any';
  const list = 'all' in w ? w.all : w.any;
  const parts = list.map((x, i) => buildWhen(loc, x, [...path, kind, i], issues, exprAt));
  if (parts.some((p) => p === undefined)) return undefined;
  return { kind: kind === 'all' ? 'and' : 'or', of: parts as RuleExpr[] };
}

/** Remembers which source string each node came from, so compile errors point at the right scalar. */
function mark(e: RuleExpr, path: PropertyKey[], exprAt: Map<RuleExpr, PropertyKey[]>): void {
  exprAt.set(e, path);
  if (e.kind === 'and' || e.kind === 'or') for (const p of e.of) mark(p, path, exprAt);
  else if (e.kind === 'not') mark(e.of, path, exprAt);
}

/** Compiles with errors located at the scalar of the failing node. */
function compileLocated(e: RuleExpr, scopeFor: () => Parameters<typeof compileRuleExpr>[1], loc: DocumentLocator, fallback: PropertyKey[], exprAt: Map<RuleExpr, PropertyKey[]>, issues: PolicyIssue[]): CompiledPredicate | undefined {
  try {
    return compileRuleExpr(e, scopeFor());
  } catch (err) {
    if (!(err instanceof ExprCompileError)) throw err;
    // find the leaf holding the offset: the first node marked with a path (leaves share their string's path)
    const path = (err.node && exprAt.get(err.node)) ?? exprAt.get(e) ?? fallback;
    issues.push(loc.issue('expression', path, err.message, { offset: err.offset + loc.quoteOffset(path) }));
    return undefined;
  }
}

/** Placeholders of an output template that are not fields. */
function badPlaceholders(output: string): string[] {
  const bad: string[] = [];
  for (const m of output.matchAll(/\{([^}]*)\}/g)) {
    const f = m[1]!.trim();
    if (!FIELDS.has(FIELD_ALIASES[f] ?? f)) bad.push(f);
  }
  return bad;
}

/**
 * Loads and checks detection-rules documents (YAML or JSON, `kind: DetectionRules`), in order:
 * later documents may use the lists and macros of earlier ones, extend their lists
 * (`appendLists`) and add exceptions to their rules. Returns the compiled rule set when there are
 * no errors, and every issue with file, line, column and a message naming the fix.
 */
export function checkRules(sources: readonly RulesSource[]): RulesCheck {
  const issues: PolicyIssue[] = [];
  const loaded: Loaded[] = [];
  for (const s of sources) {
    const file = s.file ?? '<inline>';
    const l = loadDocument(s.text, file);
    if (l.issues) {
      issues.push(...l.issues);
      continue;
    }
    const parsed = detectionRulesSchema.safeParse(l.data);
    if (!parsed.success) {
      issues.push(...sortIssues(schemaIssues(l.loc, l.data, parsed.error.issues, vocabulary)));
      continue;
    }
    loaded.push({ loc: l.loc, doc: parsed.data });
  }
  if (issues.length > 0) return { issues };

  // lists
  const lists = new Map<string, string[]>();
  const listFile = new Map<string, string>();
  for (const { loc, doc } of loaded) {
    for (const [n, values] of Object.entries(doc.lists ?? {})) {
      if (lists.has(n)) {
        issues.push(loc.issue('schema', ['lists', n], `list '${n}' is already defined in ${listFile.get(n)}; extend it with appendLists: {${n}: [...]} or rename this one`, { key: true }));
        continue;
      }
      lists.set(n, values.map(String));
      listFile.set(n, loc.file);
    }
    for (const [n, values] of Object.entries(doc.appendLists ?? {})) {
      const l = lists.get(n);
      if (!l) {
        const guess = didYouMean(n, [...lists.keys()]);
        issues.push(loc.issue('schema', ['appendLists', n], `no list '${n}' to append to; ${guess ? `did you mean '${guess}'?` : 'define it under lists: first'}`, { key: true }));
        continue;
      }
      l.push(...values.map(String));
    }
  }

  // macros: parsed now, compiled on first use (cycle-checked)
  const macroSrc = new Map<string, { expr: RuleExpr; loc: DocumentLocator; path: PropertyKey[] }>();
  const macroExprAt = new Map<RuleExpr, PropertyKey[]>();
  for (const { loc, doc } of loaded) {
    for (const [n, text] of Object.entries(doc.macros ?? {})) {
      if (macroSrc.has(n)) {
        issues.push(loc.issue('schema', ['macros', n], `macro '${n}' is already defined in ${macroSrc.get(n)!.loc.file}; rename this one`, { key: true }));
        continue;
      }
      if (FIELDS.has(n) || lists.has(n)) {
        issues.push(loc.issue('schema', ['macros', n], `macro '${n}' has the name of a ${lists.has(n) ? 'list' : 'field'}; rename it`, { key: true }));
        continue;
      }
      const r = parseRuleExpr(text);
      if (!r.ok) {
        issues.push(loc.issue('expression', ['macros', n], r.error.message, { offset: r.error.offset + loc.quoteOffset(['macros', n]) }));
        continue;
      }
      mark(r.expr, ['macros', n], macroExprAt);
      macroSrc.set(n, { expr: r.expr, loc, path: ['macros', n] });
    }
  }
  const compiledMacros = new Map<string, CompiledPredicate | 'cycle' | 'failed'>();
  const macroNames = [...macroSrc.keys()];
  const scope = (): Parameters<typeof compileRuleExpr>[1] => ({
    lists,
    macroNames,
    macro: (n) => {
      const done = compiledMacros.get(n);
      if (done === 'cycle') return 'cycle';
      if (done === 'failed') return () => false;
      if (done) return done;
      const src = macroSrc.get(n);
      if (!src) return undefined;
      compiledMacros.set(n, 'cycle');
      const c = compileLocated(src.expr, scope, src.loc, src.path, macroExprAt, issues);
      compiledMacros.set(n, c ?? 'failed');
      return c ?? (() => false);
    },
  });
  const macroTypes = (n: string): readonly string[] | undefined => {
    const src = macroSrc.get(n);
    return src ? eventTypesOf(src.expr, () => undefined) : undefined;
  };
  for (const n of macroNames) scope().macro(n);

  // rules
  const rules: (CompiledRule & { exceptions: CompiledException[] })[] = [];
  const ruleAt = new Map<string, string>();
  for (const { loc, doc } of loaded) {
    (doc.rules ?? []).forEach((r, i) => {
      const path: PropertyKey[] = ['rules', i];
      if (ruleAt.has(r.name)) {
        issues.push(loc.issue('schema', [...path, 'name'], `rule name '${r.name}' is already used in ${ruleAt.get(r.name)}; give every rule a unique name`));
        return;
      }
      ruleAt.set(r.name, `${loc.file} rules[${i}]`);
      const exprAt = new Map<RuleExpr, PropertyKey[]>();
      const expr = buildWhen(loc, r.when, [...path, 'when'], issues, exprAt);
      if (!expr) return;
      const match = compileLocated(expr, scope, loc, [...path, 'when'], exprAt, issues);
      const types = eventTypesOf(expr, macroTypes);
      for (const t of types ?? []) {
        if (!(GUARD_EVENT_TYPES as readonly string[]).includes(t)) {
          const guess = didYouMean(t, GUARD_EVENT_TYPES);
          issues.push(loc.issue('expression', [...path, 'when'], `event type '${t}' does not exist; ${guess ? `did you mean '${guess}'?` : `use one of ${GUARD_EVENT_TYPES.join(', ')}`}`));
        }
      }
      let cooldownSec = 60;
      if (r.cooldown !== undefined) {
        const c = parseDuration(r.cooldown);
        if (c === undefined) issues.push(loc.issue('schema', [...path, 'cooldown'], `'${String(r.cooldown)}' is not a duration; write it like 30s, 5m or 1h`));
        else cooldownSec = c;
      }
      const cooldownBy: FieldSpec[] = [];
      (r.cooldownBy ?? []).forEach((n, j) => {
        const f = FIELDS.get(FIELD_ALIASES[n] ?? n);
        if (f) cooldownBy.push(f);
        else {
          const guess = didYouMean(n, [...FIELDS.keys()]);
          issues.push(loc.issue('schema', [...path, 'cooldownBy', j], `'${n}' is not a field; ${guess ? `did you mean '${guess}'?` : 'use fields such as proc.exe, proc.ppid, proc.net_session'}`));
        }
      });
      const output = r.output ?? `${r.name}: {proc.name} ({proc.pid}) {event.type}`;
      const bad = badPlaceholders(output);
      if (bad.length > 0) {
        const guess = didYouMean(bad[0]!, [...FIELDS.keys()]);
        issues.push(loc.issue('schema', [...path, 'output'], `{${bad[0]}} in output is not a field; ${guess ? `did you mean {${guess}}?` : 'use fields such as {proc.name}, {proc.exe}, {file.path}'}`));
      }
      if (!match) return;
      rules.push({
        name: r.name,
        description: r.description ?? '',
        whenText: whenText(r.when),
        severity: r.severity ?? 'warning',
        priority: r.priority ?? 50,
        tags: r.tags ?? [],
        cooldownSec,
        ...(cooldownBy.length > 0 ? { cooldownBy } : {}),
        enabled: r.enabled ?? true,
        ...(r.response ? { response: { action: r.response.action, mode: r.response.mode ?? 'advise' } } : {}),
        output,
        ...(types ? { eventTypes: types } : {}),
        match,
        exceptions: [],
        file: loc.file,
      });
    });
  }

  // exceptions
  for (const { loc, doc } of loaded) {
    (doc.exceptions ?? []).forEach((x, i) => {
      const path: PropertyKey[] = ['exceptions', i];
      const exprAt = new Map<RuleExpr, PropertyKey[]>();
      const expr = buildWhen(loc, x.when, [...path, 'when'], issues, exprAt);
      const match = expr && compileLocated(expr, scope, loc, [...path, 'when'], exprAt, issues);
      const names = typeof x.rule === 'string' ? [x.rule] : x.rule;
      for (const n of names) {
        const rule = rules.find((r) => r.name === n);
        if (!rule) {
          if (ruleAt.has(n)) continue; // the rule itself failed: already reported
          const guess = didYouMean(n, rules.map((r) => r.name));
          issues.push(loc.issue('schema', [...path, 'rule'], `no rule '${n}' to except; ${guess ? `did you mean '${guess}'?` : 'check the rule name (rules of earlier documents count)'}`));
          continue;
        }
        if (match) rule.exceptions.push({ name: x.name ?? `${loc.file}#exceptions[${i}]`, reason: x.reason ?? '', match });
      }
    });
  }

  if (issues.some((i) => i.severity === 'error')) return { issues };
  const byType = new Map<string, CompiledRule[]>();
  for (const t of GUARD_EVENT_TYPES) {
    byType.set(
      t,
      rules.filter((r) => r.enabled && (!r.eventTypes || r.eventTypes.includes(t))).sort((a, b) => b.priority - a.priority),
    );
  }
  return { ruleSet: { rules, byType, lists }, issues };
}

/** Like {@link checkRules} but throws `ERR_AINKA_GUARD_INVALID_RULES` (with every issue in the message) on errors. */
export function parseRules(sources: readonly RulesSource[]): RuleSet {
  const r = checkRules(sources);
  if (r.ruleSet) return r.ruleSet;
  const err = new GuardError(GuardErrorCode.invalidRules, r.issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.path || '(document)'}: ${i.message}`).join('\n'));
  (err as GuardError & { issues: readonly PolicyIssue[] }).issues = r.issues;
  throw err;
}

/** Fills `{field}` placeholders of an output template from an event (missing values render as `-`). */
export function renderOutput(template: string, e: GuardEvent): string {
  return template.replace(/\{([^}]*)\}/g, (_, name: string) => {
    const f = FIELDS.get(FIELD_ALIASES[name.trim()] ?? name.trim());
    const v = f?.get(e);
    if (v === undefined) return '-';
    return Array.isArray(v) ? v.join(',') : String(v);
  });
}
