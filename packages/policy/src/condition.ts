import { formatDuration, parseDuration, parseQuantity } from './quantity.js';

/** Comparison operators. */
export type ComparisonOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** What a comparison looks at. Metric names are opaque strings (`psi.memory.some_avg10`, `disk.read_bytes_per_second{device="sda"}`). */
export type Subject =
  | {
      /** The metric's current value. */
      readonly kind: 'metric';
      /** Metric name, e.g. `psi.memory.some_avg10`. */
      readonly metric: string;
    }
  /** Per-second rate of change of a metric (for counters). */
  | {
      /** Per-second rate of change. */
      readonly kind: 'rate';
      /** Metric name. */
      readonly metric: string;
    }
  /** Anomaly score of a metric in 0 … 1, from the evaluation context (e.g. `@ainka/ml`). */
  | {
      /** Anomaly score in 0 … 1. */
      readonly kind: 'anomaly';
      /** Metric name. */
      readonly metric: string;
    }
  /** A metric over a window: percent (`growth`) or absolute (`delta`) change from the oldest value seen within the window, or the mean of the values seen within it (`avg`). */
  | {
      /** `growth`: percent change, `delta`: absolute change, `avg`: mean over the window. */
      readonly kind: 'growth' | 'delta' | 'avg';
      /** Metric name. */
      readonly metric: string;
      /** Window, in seconds. */
      readonly window: number;
    }
  /** Forecast of a metric `horizon` seconds ahead, from the evaluation context. */
  | {
      /** Forecast value. */
      readonly kind: 'forecast';
      /** Metric name. */
      readonly metric: string;
      /** How far ahead, in seconds. */
      readonly horizon: number;
    };

/** A threshold: a constant, or a dynamic value learned by the `ThresholdManager`. */
export type Threshold =
  | {
      /** A constant. */
      readonly kind: 'value';
      /** The constant, in the subject's unit. */
      readonly value: number;
    }
  /** `quantile` of the metric's learned baseline (0 … 1), times `factor`; seasonal baselines keep one per hour of day. */
  | {
      /** Learned from the metric's baseline. */
      readonly kind: 'dynamic';
      /** Metric whose baseline is learned. */
      readonly metric: string;
      /** Quantile of the baseline, 0 … 1. */
      readonly quantile: number;
      /** Multiplier applied to the quantile. */
      readonly factor: number;
      /** Keep one baseline per hour of day. */
      readonly seasonal: boolean;
    };

/** A comparison leaf: `subject op threshold [for duration] [hysteresis band]`. */
export interface Comparison {
  /** Discriminant. */
  readonly kind: 'compare';
  /** What is compared. */
  readonly subject: Subject;
  /** The operator. */
  readonly op: ComparisonOp;
  /** What it is compared with. */
  readonly threshold: Threshold;
  /** Must hold continuously this many seconds (0 = immediately). */
  readonly for: number;
  /** Once true, stays true until the subject crosses back past the threshold by this much (absolute). */
  readonly hysteresis: number;
}

/** A condition tree. */
export type Condition =
  | Comparison
  | {
      /** Holds when every condition holds. */
      readonly kind: 'all';
      /** The conditions. */
      readonly of: readonly Condition[];
    }
  | {
      /** Holds when at least one condition holds. */
      readonly kind: 'any';
      /** The conditions. */
      readonly of: readonly Condition[];
    }
  | {
      /** Holds when the condition does not. */
      readonly kind: 'not';
      /** The negated condition. */
      readonly of: Condition;
    };

/** A parse failure at a character offset of the expression. */
export interface ExpressionError {
  /** 0-based offset in the expression. */
  readonly offset: number;
  /** The problem and the fix. */
  readonly message: string;
}

const OPS: readonly ComparisonOp[] = ['>=', '<=', '==', '!=', '>', '<'];
// Label values may hold a target placeholder: `disk.read_bytes_per_second{device="{device}"}`.
const METRIC = /^[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*(?:\{(?:[^{}]|\{[a-z]+\})*\})?/;
const EXAMPLE = "e.g. 'psi.memory.some_avg10 > 20 for 30s'";

/**
 * Parse a condition expression:
 *
 * ```text
 * expr       := term ('or' term)*
 * term       := factor ('and' factor)*
 * factor     := 'not' factor | '(' expr ')' | comparison
 * comparison := subject op threshold ['for' duration] ['hysteresis' number]
 * subject    := metric | rate(metric) | anomaly(metric) | forecast(metric, duration)
 *              | growth(metric, duration) | delta(metric, duration) | avg(metric, duration)
 * threshold  := number[unit] | p<NN>[* factor] | seasonal p<NN>[* factor]
 * ```
 */
export function parseCondition(text: string):
  | {
      /** Parsed. */
      ok: true;
      /** The parsed condition. */
      condition: Condition;
    }
  | {
      /** Not parsed. */
      ok: false;
      /** Where and why parsing failed. */
      error: ExpressionError;
    } {
  const p = new Parser(text);
  try {
    const c = p.expr();
    p.ws();
    if (p.pos < text.length) p.fail(`unexpected '${text.slice(p.pos, p.pos + 12)}'; join comparisons with 'and' / 'or'`);
    return { ok: true, condition: c };
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, error: { offset: error.offset, message: error.message } };
    throw error;
  }
}

class ParseFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw new ParseFailure(at, message);
  }
  ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }
  word(w: string): boolean {
    this.ws();
    const re = new RegExp(`^${w}\\b`);
    if (re.test(this.text.slice(this.pos))) {
      this.pos += w.length;
      return true;
    }
    return false;
  }
  char(c: string): boolean {
    this.ws();
    if (this.text[this.pos] === c) {
      this.pos++;
      return true;
    }
    return false;
  }
  expr(): Condition {
    const parts = [this.term()];
    while (this.word('or')) parts.push(this.term());
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'any', of: parts };
  }
  term(): Condition {
    const parts = [this.factor()];
    while (this.word('and')) parts.push(this.factor());
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'all', of: parts };
  }
  factor(): Condition {
    if (this.word('not')) return { kind: 'not', of: this.factor() };
    if (this.char('(')) {
      const inner = this.expr();
      if (!this.char(')')) this.fail("missing ')'; close the parenthesis");
      return inner;
    }
    return this.comparison();
  }
  metric(): string {
    this.ws();
    const m = METRIC.exec(this.text.slice(this.pos));
    if (!m) {
      this.fail(
        this.pos >= this.text.length
          ? `the expression ends where a metric name was expected; write a comparison, ${EXAMPLE}`
          : `expected a metric name (lower_snake words joined by dots) at '${this.text.slice(this.pos, this.pos + 12)}'; write a comparison, ${EXAMPLE}`,
      );
    }
    this.pos += m[0].length;
    return m[0];
  }
  subject(): Subject {
    this.ws();
    for (const fn of ['rate', 'anomaly', 'forecast', 'growth', 'delta', 'avg'] as const) {
      if (new RegExp(`^${fn}\\s*\\(`).test(this.text.slice(this.pos))) {
        this.pos = this.text.indexOf('(', this.pos) + 1;
        const metric = this.metric();
        let horizon = 0;
        if (fn === 'forecast' || fn === 'growth' || fn === 'delta' || fn === 'avg') {
          const what = fn === 'forecast' ? 'horizon' : 'window';
          if (!this.char(',')) this.fail(`${fn}() needs a ${what}; write ${fn}(${metric}, ${fn === 'forecast' ? '5m' : '10m'})`);
          this.ws();
          const start = this.pos;
          const d = /^[^)]*/.exec(this.text.slice(this.pos))?.[0] ?? '';
          const seconds = parseDuration(d);
          if (seconds === undefined || seconds <= 0) this.fail(`'${d.trim()}' is not a duration; write the ${what} like 5m or 30s`, start);
          horizon = seconds;
          this.pos += d.length;
        }
        if (!this.char(')')) this.fail(`missing ')' after ${fn}(${metric}`);
        if (fn === 'forecast') return { kind: 'forecast', metric, horizon };
        if (fn === 'growth' || fn === 'delta' || fn === 'avg') return { kind: fn, metric, window: horizon };
        return { kind: fn, metric };
      }
    }
    return { kind: 'metric', metric: this.metric() };
  }
  comparison(): Comparison {
    const subject = this.subject();
    this.ws();
    const op = OPS.find((o) => this.text.startsWith(o, this.pos));
    if (!op) {
      const name = subject.kind === 'metric' ? subject.metric : `${subject.kind}(${subject.metric})`;
      this.fail(`expected a comparison operator (>, >=, <, <=, ==, !=) after '${name}'; ${EXAMPLE}`);
    }
    this.pos += op.length;
    const threshold = this.threshold(subject);
    let forSeconds = 0;
    let hysteresis = 0;
    if (this.word('for')) {
      this.ws();
      const start = this.pos;
      const d = /^\d+(?:\.\d+)?\s*[a-z]*/.exec(this.text.slice(this.pos))?.[0] ?? '';
      const seconds = parseDuration(d);
      if (seconds === undefined) this.fail(`'${this.text.slice(start, start + 8).trim()}' is not a duration; write it like 30s, 5m or 1h`, start);
      forSeconds = seconds;
      this.pos += d.length;
    }
    if (this.word('hysteresis')) {
      this.ws();
      const start = this.pos;
      const n = /^\d+(?:\.\d+)?/.exec(this.text.slice(this.pos))?.[0];
      if (n === undefined) this.fail('hysteresis needs a non-negative number (the band, in the metric\'s unit)', start);
      hysteresis = Number(n);
      this.pos += n.length;
    }
    return { kind: 'compare', subject, op, threshold, for: forSeconds, hysteresis };
  }
  threshold(subject: Subject): Threshold {
    this.ws();
    const start = this.pos;
    const seasonal = this.word('seasonal');
    this.ws();
    const q = /^p(\d{1,2}(?:\.\d+)?)\b/.exec(this.text.slice(this.pos));
    if (q) {
      this.pos += q[0].length;
      let factor = 1;
      if (this.char('*')) {
        this.ws();
        const f = /^\d+(?:\.\d+)?/.exec(this.text.slice(this.pos))?.[0];
        if (f === undefined) this.fail(`expected a factor after '*', e.g. p95 * 1.2`);
        factor = Number(f);
        this.pos += f.length;
      }
      return { kind: 'dynamic', metric: subject.metric, quantile: Number(q[1]) / 100, factor, seasonal };
    }
    if (seasonal) this.fail('seasonal needs a percentile after it, e.g. seasonal p95', start);
    const tok = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\s*(?:KiB|MiB|GiB|TiB|k|K|M|G|%)?/.exec(this.text.slice(this.pos))?.[0];
    const value = tok === undefined ? undefined : parseQuantity(tok);
    if (tok === undefined || value === undefined) {
      this.fail(`expected a number or a percentile (p95) as the threshold at '${this.text.slice(this.pos, this.pos + 12)}'; ${EXAMPLE}`);
    }
    this.pos += tok.length;
    return { kind: 'value', value };
  }
}

function subjectText(s: Subject): string {
  switch (s.kind) {
    case 'metric':
      return s.metric;
    case 'rate':
      return `rate(${s.metric})`;
    case 'anomaly':
      return `anomaly(${s.metric})`;
    case 'forecast':
      return `forecast(${s.metric}, ${formatDuration(s.horizon).replace(' ', '')})`;
    case 'growth':
    case 'delta':
    case 'avg':
      return `${s.kind}(${s.metric}, ${formatDuration(s.window).replace(' ', '')})`;
  }
}

/** Render a threshold as it would be written. */
export function thresholdText(t: Threshold): string {
  if (t.kind === 'value') return String(t.value);
  return `${t.seasonal ? 'seasonal ' : ''}p${Math.round(t.quantile * 1000) / 10}${t.factor !== 1 ? ` * ${t.factor}` : ''}`;
}

/** Render a condition back to expression text (canonical form). */
export function conditionText(c: Condition): string {
  switch (c.kind) {
    case 'compare':
      return `${subjectText(c.subject)} ${c.op} ${thresholdText(c.threshold)}${c.for > 0 ? ` for ${formatDuration(c.for).replace(' ', '')}` : ''}${c.hysteresis > 0 ? ` hysteresis ${c.hysteresis}` : ''}`;
    case 'all':
      return c.of.map((x) => (x.kind === 'any' ? `(${conditionText(x)})` : conditionText(x))).join(' and ');
    case 'any':
      return c.of.map(conditionText).join(' or ');
    case 'not':
      return `not ${c.of.kind === 'compare' || c.of.kind === 'not' ? conditionText(c.of) : `(${conditionText(c.of)})`}`;
  }
}

/** The subject of a comparison as text (`rate(x)`, `x`). */
export function subjectLabel(s: Subject): string {
  return subjectText(s);
}

/** Every comparison in a condition, depth first. */
export function comparisons(c: Condition): Comparison[] {
  if (c.kind === 'compare') return [c];
  if (c.kind === 'not') return comparisons(c.of);
  return c.of.flatMap(comparisons);
}
