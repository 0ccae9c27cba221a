/** One label matcher of a metric reference: `device="sda"`, `device=~"sd.*"`, `device!="loop0"`. */
export interface LabelMatcher {
  /** Label name. */
  readonly label: string;
  /** `=` equal, `!=` not equal, `=~` regular expression (anchored), `!~` not matching. */
  readonly op: '=' | '!=' | '=~' | '!~';
  /** The value or pattern. */
  readonly value: string;
  /** The compiled pattern for `=~` / `!~`. */
  readonly re?: RegExp;
}

/** A metric as a rule names it: a metric name and label matchers. */
export interface MetricRef {
  /** The text as written. */
  readonly text: string;
  /** Metric name, e.g. `disk.read_bytes_per_second`. */
  readonly name: string;
  /** Label matchers (empty: the unlabeled series, or the sum over all series of the name). */
  readonly matchers: readonly LabelMatcher[];
}

const cache = new Map<string, MetricRef>();

/**
 * Parse a metric reference `name{label="value", other=~"regex"}`. Invalid matchers are kept as plain
 * equality on the raw text, so a reference never throws (the language parser already checked its shape).
 */
export function parseMetricRef(text: string): MetricRef {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const brace = text.indexOf('{');
  const name = brace < 0 ? text : text.slice(0, brace);
  const matchers: LabelMatcher[] = [];
  if (brace >= 0) {
    const body = text.slice(brace + 1, text.lastIndexOf('}'));
    const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(body)) !== null) {
      const op = m[2] as LabelMatcher['op'];
      const value = (m[3] as string).replace(/\\(.)/g, '$1');
      let pattern: RegExp | undefined;
      if (op === '=~' || op === '!~') {
        try {
          pattern = new RegExp(`^(?:${value})$`);
        } catch {
          pattern = /^\b$/; // never matches
        }
      }
      matchers.push({ label: m[1] as string, op, value, ...(pattern !== undefined ? { re: pattern } : {}) });
    }
  }
  const ref: MetricRef = { text, name, matchers };
  if (cache.size > 10_000) cache.clear();
  cache.set(text, ref);
  return ref;
}

/** Whether a series' labels satisfy every matcher of a reference. */
export function matchesLabels(ref: MetricRef, labels: Readonly<Record<string, string>> | undefined): boolean {
  for (const m of ref.matchers) {
    const v = labels?.[m.label] ?? '';
    switch (m.op) {
      case '=':
        if (v !== m.value) return false;
        break;
      case '!=':
        if (v === m.value) return false;
        break;
      case '=~':
        if (!(m.re as RegExp).test(v)) return false;
        break;
      case '!~':
        if ((m.re as RegExp).test(v)) return false;
        break;
    }
  }
  return true;
}

/** Placeholders a rule with a target selector may use in metric labels and knob ids. */
export const placeholders = ['pid', 'comm', 'cgroup', 'device', 'interface', 'policy'] as const;

/** Replace `{pid}`, `{cgroup}`, `{device}`, … in a metric reference or knob id with a target's labels. */
export function substitute(text: string, target: Readonly<Record<string, string>>): string {
  return text.replace(/\{([a-z]+)\}/g, (whole, name: string) => target[name] ?? whole);
}
