import { didYouMean } from '@ainka/policy';
import type { GuardEvent } from './event.js';
import { FIELD_ALIASES, FIELDS, type FieldSpec, type FieldValue } from './fields.js';

/** Operators of the rule language. */
export type RuleOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'startswith' | 'endswith' | 'contains' | 'glob';

/** A literal as written: a quoted string, or a bare word (number, list name, plain string). */
export interface Literal {
  /** The text. */
  readonly text: string;
  /** Written in quotes (never a list name or a number). */
  readonly quoted: boolean;
  /** 0-based offset in the expression. */
  readonly offset: number;
}

/** Parsed rule condition (before lists, macros and field types are resolved). */
export type RuleExpr =
  | {
      /** Every part holds. */
      readonly kind: 'and' | 'or';
      /** The parts. */
      readonly of: readonly RuleExpr[];
    }
  | {
      /** Negation. */
      readonly kind: 'not';
      /** The negated expression. */
      readonly of: RuleExpr;
    }
  | {
      /** `field op value`. */
      readonly kind: 'cmp';
      /** Field name as written. */
      readonly field: string;
      /** Operator. */
      readonly op: RuleOp;
      /** One literal, or a parenthesised list. */
      readonly values: readonly Literal[];
      /** Whether the value was a parenthesised list. */
      readonly list: boolean;
      /** Offset of the field. */
      readonly offset: number;
    }
  | {
      /** A bare word: a macro name or a boolean field. */
      readonly kind: 'word';
      /** The word. */
      readonly name: string;
      /** Its offset. */
      readonly offset: number;
    };

/** A parse or compile error at a character offset of one expression. */
export interface RuleExprError {
  /** 0-based offset in the expression. */
  readonly offset: number;
  /** The problem and the fix. */
  readonly message: string;
}

const WORD_OPS = new Set(['in', 'startswith', 'endswith', 'contains', 'glob']);
const EXAMPLE = "e.g. \"event.type == exec and proc.pname in (nginx, httpd)\"";

interface Token {
  readonly kind: 'word' | 'string' | 'op' | '(' | ')' | ',' | 'end';
  readonly text: string;
  readonly offset: number;
}

function tokenize(src: string): Token[] | RuleExprError {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: c, text: c, offset: i });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) return { offset: i, message: `unterminated string starting here; close it with ${c}` };
      out.push({ kind: 'string', text: src.slice(i + 1, end), offset: i });
      i = end + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
      out.push({ kind: 'op', text: two, offset: i });
      i += 2;
      continue;
    }
    if (c === '<' || c === '>') {
      out.push({ kind: 'op', text: c, offset: i });
      i++;
      continue;
    }
    if (c === '=') {
      out.push({ kind: 'op', text: '==', offset: i });
      i++;
      continue;
    }
    if (c === '!') return { offset: i, message: "'!' alone is not an operator; write 'not' to negate or '!=' to compare" };
    let j = i;
    while (j < src.length && !/[\s(),'"=!<>]/.test(src[j]!)) j++;
    out.push({ kind: 'word', text: src.slice(i, j), offset: i });
    i = j;
  }
  out.push({ kind: 'end', text: '', offset: src.length });
  return out;
}

/**
 * Parses a rule condition:
 *
 * ```text
 * expr    := term ('or' term)*
 * term    := factor ('and' factor)*
 * factor  := 'not' factor | '(' expr ')' | field op value | macro | bool-field
 * op      := == | != | < | <= | > | >= | in | startswith | endswith | contains | glob
 * value   := item | '(' item (',' item)* ')'
 * item    := 'quoted string' | word      (a word naming a list expands to the list)
 * ```
 *
 * The same boolean structure (`and`, `or`, `not`, parentheses) as the policy language's conditions.
 */
export function parseRuleExpr(src: string): { ok: true; expr: RuleExpr } | { ok: false; error: RuleExprError } {
  const toks = tokenize(src);
  if (!Array.isArray(toks)) return { ok: false, error: toks };
  let pos = 0;
  const peek = (): Token => toks[pos]!;
  const next = (): Token => toks[pos++]!;
  const kw = (t: Token, w: string): boolean => t.kind === 'word' && t.text === w;

  function expr(): RuleExpr {
    const parts = [term()];
    while (kw(peek(), 'or')) {
      next();
      parts.push(term());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'or', of: parts };
  }
  function term(): RuleExpr {
    const parts = [factor()];
    while (kw(peek(), 'and')) {
      next();
      parts.push(factor());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'and', of: parts };
  }
  function item(): Literal {
    const t = next();
    if (t.kind === 'string') return { text: t.text, quoted: true, offset: t.offset };
    if (t.kind === 'word' && !['and', 'or', 'not'].includes(t.text)) return { text: t.text, quoted: false, offset: t.offset };
    throw { offset: t.offset, message: t.kind === 'end' ? `the expression ends where a value is expected; add one, ${EXAMPLE}` : `expected a value, got '${t.text}'; write a number, a word, a 'quoted string' or a list (a, b)` };
  }
  function factor(): RuleExpr {
    const t = peek();
    if (kw(t, 'not')) {
      next();
      return { kind: 'not', of: factor() };
    }
    if (t.kind === '(') {
      next();
      const e = expr();
      const close = next();
      if (close.kind !== ')') throw { offset: close.offset, message: `expected ')' to close the '(' at ${t.offset + 1}; add it` };
      return e;
    }
    if (t.kind !== 'word' || ['and', 'or'].includes(t.text)) {
      throw { offset: t.offset, message: t.kind === 'end' ? `the expression is incomplete; ${EXAMPLE}` : `expected a field, macro or '(' but got '${t.text}'; ${EXAMPLE}` };
    }
    next();
    const o = peek();
    const isOp = o.kind === 'op' || (o.kind === 'word' && WORD_OPS.has(o.text));
    if (!isOp) return { kind: 'word', name: t.text, offset: t.offset };
    next();
    const op = o.text as RuleOp;
    if (peek().kind === '(') {
      const open = next();
      const values = [item()];
      while (peek().kind === ',') {
        next();
        values.push(item());
      }
      const close = next();
      if (close.kind !== ')') throw { offset: close.offset, message: `expected ',' or ')' in the list opened at ${open.offset + 1}; close it with ')'` };
      return { kind: 'cmp', field: t.text, op, values, list: true, offset: t.offset };
    }
    return { kind: 'cmp', field: t.text, op, values: [item()], list: false, offset: t.offset };
  }

  try {
    const e = expr();
    const rest = peek();
    if (rest.kind !== 'end') return { ok: false, error: { offset: rest.offset, message: `unexpected '${rest.text}' after a complete condition; join conditions with 'and' or 'or'` } };
    return { ok: true, expr: e };
  } catch (err) {
    return { ok: false, error: err as RuleExprError };
  }
}

/** A compiled condition: a closure over one event. */
export type CompiledPredicate = (e: GuardEvent) => boolean;

/** What a condition may refer to besides fields. */
export interface ExprScope {
  /** Lists by name. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** Compiles (once, cached by the caller) the macro of that name, or undefined when there is none. */
  readonly macro: (name: string) => CompiledPredicate | undefined | 'cycle';
  /** Every macro name (for suggestions). */
  readonly macroNames: readonly string[];
}

/** Thrown inside compilation, caught and located by the caller. */
export class ExprCompileError extends Error {
  /** The leaf (comparison or word) that failed, once known. */
  node?: RuleExpr;

  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function fieldOf(name: string, offset: number, scope: ExprScope): FieldSpec {
  const f = FIELDS.get(FIELD_ALIASES[name] ?? name);
  if (f) return f;
  const guess = didYouMean(name, [...FIELDS.keys(), ...scope.macroNames]);
  throw new ExprCompileError(offset, `unknown field '${name}'; ${guess ? `did you mean '${guess}'?` : 'see the field reference (proc.name, proc.exe, file.path, net.rport, …)'}`);
}

function expand(values: readonly Literal[], scope: ExprScope): Literal[] {
  const out: Literal[] = [];
  for (const v of values) {
    const list = v.quoted ? undefined : scope.lists.get(v.text);
    if (list) for (const x of list) out.push({ text: x, quoted: true, offset: v.offset });
    else out.push(v);
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += glob[i + 1] === '*' ? (i++, '.*') : '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function numbers(values: readonly Literal[], field: string): number[] {
  return values.map((v) => {
    const n = Number(v.text);
    if (v.text.trim() === '' || !Number.isFinite(n)) throw new ExprCompileError(v.offset, `'${v.text}' is not a number but ${field} is numeric; write a number such as 22, or a list of numbers`);
    return n;
  });
}

function scalarTest(f: FieldSpec, op: RuleOp, values: readonly Literal[], list: boolean, offset: number): (v: string | number | boolean) => boolean {
  const numeric = f.type === 'number' || f.type === 'numbers';
  if (f.type === 'bool') {
    if (op !== '==' && op !== '!=') throw new ExprCompileError(offset, `${f.name} is true/false; compare it with == or != (or write it alone, or 'not ${f.name}')`);
    const t = values[0]!.text;
    if (values.length !== 1 || (t !== 'true' && t !== 'false')) throw new ExprCompileError(values[0]!.offset, `${f.name} is true/false; write ${f.name} == true or == false`);
    const want = t === 'true';
    return op === '==' ? (v) => v === want : (v) => v !== want;
  }
  if (!list && values.length > 1) throw new ExprCompileError(offset, 'several values need a list; write (a, b)');
  if ((op === '==' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=') && values.length !== 1) {
    throw new ExprCompileError(values[0]?.offset ?? offset, `${op} takes one value; to test membership write '${f.name} in (…)'`);
  }
  if (numeric) {
    if (op === 'startswith' || op === 'endswith' || op === 'contains' || op === 'glob') throw new ExprCompileError(offset, `${op} works on text but ${f.name} is numeric; use ==, <, >, or in`);
    const ns = numbers(values, f.name);
    const n = ns[0]!;
    switch (op) {
      case '==':
        return (v) => v === n;
      case '!=':
        return (v) => v !== n;
      case '<':
        return (v) => (v as number) < n;
      case '<=':
        return (v) => (v as number) <= n;
      case '>':
        return (v) => (v as number) > n;
      case '>=':
        return (v) => (v as number) >= n;
      default: {
        const set = new Set(ns);
        return (v) => set.has(v as number);
      }
    }
  }
  const texts = values.map((v) => v.text);
  switch (op) {
    case '==':
      return (v) => v === texts[0];
    case '!=':
      return (v) => v !== texts[0];
    case 'in': {
      const set = new Set(texts);
      return (v) => set.has(v as string);
    }
    case 'startswith':
      return (v) => texts.some((t) => (v as string).startsWith(t));
    case 'endswith':
      return (v) => texts.some((t) => (v as string).endsWith(t));
    case 'contains':
      return (v) => texts.some((t) => (v as string).includes(t));
    case 'glob': {
      const res = texts.map(globToRegExp);
      return (v) => res.some((r) => r.test(v as string));
    }
    default:
      throw new ExprCompileError(offset, `${op} compares numbers but ${f.name} is text; use ==, !=, in, startswith, endswith, contains or glob`);
  }
}

/** Compiles a parsed condition into a closure; throws {@link ExprCompileError} with an offset and the failing leaf. */
export function compileRuleExpr(e: RuleExpr, scope: ExprScope): CompiledPredicate {
  try {
    return compileNode(e, scope);
  } catch (err) {
    if (err instanceof ExprCompileError && !err.node && (e.kind === 'cmp' || e.kind === 'word')) err.node = e;
    throw err;
  }
}

function compileNode(e: RuleExpr, scope: ExprScope): CompiledPredicate {
  switch (e.kind) {
    case 'and': {
      const parts = e.of.map((x) => compileRuleExpr(x, scope));
      return (ev) => {
        for (const p of parts) if (!p(ev)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = e.of.map((x) => compileRuleExpr(x, scope));
      return (ev) => {
        for (const p of parts) if (p(ev)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compileRuleExpr(e.of, scope);
      return (ev) => !inner(ev);
    }
    case 'word': {
      const m = scope.macro(e.name);
      if (m === 'cycle') throw new ExprCompileError(e.offset, `macro '${e.name}' refers back to itself; break the cycle`);
      if (m) return m;
      const f = FIELDS.get(FIELD_ALIASES[e.name] ?? e.name);
      if (f?.type === 'bool') return (ev) => f.get(ev) === true;
      if (f) throw new ExprCompileError(e.offset, `${f.name} is not true/false; compare it, e.g. ${f.name} == …`);
      const guess = didYouMean(e.name, [...scope.macroNames, ...[...FIELDS.values()].filter((x) => x.type === 'bool').map((x) => x.name)]);
      throw new ExprCompileError(e.offset, `'${e.name}' is neither a macro nor a true/false field; ${guess ? `did you mean '${guess}'?` : 'define it under macros: or compare a field'}`);
    }
    case 'cmp': {
      const f = fieldOf(e.field, e.offset, scope);
      const values = e.op === 'in' || e.op === 'startswith' || e.op === 'endswith' || e.op === 'contains' || e.op === 'glob' ? expand(e.values, scope) : e.values;
      if (values.length === 0) throw new ExprCompileError(e.offset, 'the list is empty; add a value');
      const test = scalarTest(f, e.op, values, e.list || values.length > 1, e.offset);
      const get = f.get;
      if (f.type === 'strings' || f.type === 'numbers') {
        const negated = e.op === '!=';
        const pos = negated ? scalarTest(f, '==', values, false, e.offset) : test;
        return (ev) => {
          const v = get(ev) as readonly (string | number)[] | undefined;
          if (v === undefined) return false;
          const any = v.some((x) => pos(x));
          return negated ? !any : any;
        };
      }
      return (ev) => {
        const v: FieldValue = get(ev);
        return v !== undefined && test(v as string | number | boolean);
      };
    }
  }
}

/** Field names a condition refers to (directly, not through macros), to check output templates and index rules. */
export function eventTypesOf(e: RuleExpr, macroTypes: (name: string) => readonly string[] | undefined): readonly string[] | undefined {
  // the event types a condition can match: known when an `and` branch pins event.type
  switch (e.kind) {
    case 'cmp': {
      const f = FIELD_ALIASES[e.field] ?? e.field;
      if (f === 'event.type' && (e.op === '==' || e.op === 'in')) return e.values.map((v) => v.text);
      return undefined;
    }
    case 'word':
      return macroTypes(e.name);
    case 'and': {
      for (const p of e.of) {
        const t = eventTypesOf(p, macroTypes);
        if (t) return t;
      }
      return undefined;
    }
    case 'or': {
      const all = new Set<string>();
      for (const p of e.of) {
        const t = eventTypesOf(p, macroTypes);
        if (!t) return undefined;
        for (const x of t) all.add(x);
      }
      return [...all];
    }
    default:
      return undefined;
  }
}
