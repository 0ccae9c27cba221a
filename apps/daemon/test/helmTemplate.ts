import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

/**
 * A renderer for the subset of Helm's Go templates that `deploy/helm/ainka` uses (helm is not packaged in
 * Debian 12): `{{ .Values.a.b }}`, `.Release.Name`, `.Release.Namespace`, `.Chart.Version`; the pipes
 * `quote`, `toYaml`, `nindent N`; `eq` / `ne` with a string; `if` / `else` / `end`; `{{-` / `-}}` trimming.
 * Anything else is an error, so a template that grows past this subset fails the test instead of
 * rendering wrongly.
 */
export interface ChartContext {
  readonly Values: Record<string, unknown>;
  readonly Release: { readonly Name: string; readonly Namespace: string };
  readonly Chart: Record<string, unknown>;
}

function lookup(ctx: ChartContext, path: string): unknown {
  if (!path.startsWith('.')) throw new Error(`unsupported template value '${path}'`);
  let v: unknown = ctx;
  for (const part of path.slice(1).split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function evaluate(ctx: ChartContext, expr: string): unknown {
  const stages = expr.split('|').map((s) => s.trim());
  const head = stages[0] as string;
  const words = head.match(/"[^"]*"|\S+/g) ?? [];
  let v: unknown;
  if (words[0] === 'eq' || words[0] === 'ne') {
    const a = lookup(ctx, words[1] as string);
    const b = JSON.parse(words[2] as string) as unknown;
    v = words[0] === 'eq' ? a === b : a !== b;
  } else if (words[0] === 'toYaml') v = stringifyYaml(lookup(ctx, words[1] as string), { lineWidth: 0 }).trimEnd();
  else if (words.length === 1) v = lookup(ctx, words[0] as string);
  else throw new Error(`unsupported template expression '${expr}'`);
  for (const stage of stages.slice(1)) {
    const [fn, arg] = stage.split(/\s+/);
    if (fn === 'quote') v = JSON.stringify(String(v));
    else if (fn === 'nindent') v = `\n${String(v).split('\n').map((l) => ' '.repeat(Number(arg)) + l).join('\n')}`;
    else throw new Error(`unsupported template function '${stage}'`);
  }
  return v;
}

/** Render one template file's text. */
export function renderTemplate(text: string, ctx: ChartContext): string {
  const tokens = text.split(/(\{\{-?[\s\S]*?-?\}\})/);
  const out: string[] = [];
  const stack: { active: boolean; taken: boolean; parent: boolean }[] = [];
  const active = () => stack.every((s) => s.active);
  let trimNext = false;
  for (const tok of tokens) {
    const m = /^\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}$/.exec(tok);
    if (m === null) {
      let t = tok;
      if (trimNext) t = t.replace(/^\s+/, '');
      trimNext = false;
      if (active()) out.push(t);
      continue;
    }
    if (m[1] === '-' && out.length > 0) out[out.length - 1] = (out[out.length - 1] as string).replace(/\s+$/, '');
    trimNext = m[3] === '-';
    const body = m[2] as string;
    if (body.startsWith('/*')) continue;
    if (body.startsWith('if ')) {
      const parent = active();
      const cond = Boolean(evaluate(ctx, body.slice(3)));
      stack.push({ active: cond, taken: cond, parent });
    } else if (body === 'else') {
      const top = stack[stack.length - 1];
      if (top === undefined) throw new Error('else without if');
      top.active = !top.taken;
      top.taken = true;
    } else if (body === 'end') {
      if (stack.pop() === undefined) throw new Error('end without if');
    } else if (active()) {
      out.push(String(evaluate(ctx, body)));
    }
  }
  if (stack.length > 0) throw new Error('if without end');
  return out.join('');
}

/** Render every template of a chart with its values (deep-merged with `overrides`); returns the YAML documents. */
export function renderChart(chartDir: string, release: { name: string; namespace: string }, overrides: Record<string, unknown> = {}): Record<string, unknown>[] {
  const values = merge(parseYaml(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>, overrides);
  const chart = parseYaml(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const ctx: ChartContext = { Values: values, Release: { Name: release.name, Namespace: release.namespace }, Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion } };
  const docs: Record<string, unknown>[] = [];
  for (const f of readdirSync(join(chartDir, 'templates')).sort()) {
    if (!f.endsWith('.yaml')) continue;
    const text = renderTemplate(readFileSync(join(chartDir, 'templates', f), 'utf8'), ctx);
    for (const part of text.split(/^---$/m)) {
      const doc = parseYaml(part) as Record<string, unknown> | null;
      if (doc !== null) docs.push(doc);
    }
  }
  return docs;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && b !== null && typeof b === 'object' && !Array.isArray(b) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
