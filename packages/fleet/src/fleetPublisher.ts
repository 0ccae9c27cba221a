import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FleetError, FleetErrorCode } from './errors.js';
import type { FleetModel, GroupBaseline, SeriesBaseline } from './fleetLearner.js';

/** A policy template: `@ainka/policy` YAML with `${fleet:…}` placeholders. */
export interface PolicyTemplate {
  /** File name of the published policy (`dirty-pages.yaml`). */
  readonly file: string;
  /** The template text. */
  readonly text: string;
}

const STATS = ['median', 'upper', 'lower', 'sigma', 'mad'] as const;
type Stat = (typeof STATS)[number];

/** A number as policy text: 6 significant digits, no exponent for everyday magnitudes. */
function formatNumber(v: number): string {
  const r = Number(v.toPrecision(6));
  return Math.abs(r) >= 1e21 || (Math.abs(r) < 1e-6 && r !== 0) ? r.toExponential() : String(r);
}

/** A Kubernetes-safe name part (lower-case letters, digits and dashes). */
export function kubeName(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'default'
  );
}

/**
 * Fill a template for one group. Placeholders: `${fleet:group}` (the group, Kubernetes-safe), and
 * `${fleet:STAT:SERIES}` or `${fleet:STAT:SERIES*FACTOR}` with STAT one of median, upper, lower, sigma, mad
 * and SERIES a learned series key (`ainka_mem_dirty_bytes`, `ainka_disk_utilization_ratio{device="vda"}`,
 * a counter as `ainka_net_rx_bytes_total:rate`). FACTOR converts units (a `_ratio` into the percent a
 * policy reads: `*100`).
 *
 * @returns the filled text, or why the template cannot be filled for this group (a series it names was
 * not learned there).
 * @throws {@link FleetError} `ERR_AINKA_FLEET_BAD_TEMPLATE` on a malformed placeholder.
 */
export function fillTemplate(template: PolicyTemplate, group: GroupBaseline): { text: string } | { skipped: string } {
  const bySeries = new Map<string, SeriesBaseline>(group.series.map((s) => [s.series, s]));
  const open = '${fleet:';
  let out = '';
  let i = 0;
  const text = template.text;
  for (;;) {
    const at = text.indexOf(open, i);
    if (at < 0) break;
    out += text.slice(i, at);
    // The placeholder ends at the `}` that closes it (series selectors have braces of their own).
    let depth = 0;
    let end = -1;
    for (let j = at + 2; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') {
        if (depth === 0) {
          end = j;
          break;
        }
        depth--;
      }
    }
    if (end < 0) throw new FleetError(FleetErrorCode.badTemplate, `${template.file}: unclosed ${open}…} placeholder at offset ${at}; close it with }.`);
    const body = text.slice(at + open.length, end);
    if (body === 'group') out += kubeName(group.group);
    else {
      const m = /^([a-z]+):(.+?)(?:\*([0-9.eE+-]+))?$/.exec(body);
      if (m === null || !STATS.includes(m[1] as Stat)) {
        throw new FleetError(FleetErrorCode.badTemplate, `${template.file}: ${open}${body}} is not a placeholder; write ${open}group} or ${open}STAT:SERIES[*FACTOR]} with STAT one of ${STATS.join(', ')}.`);
      }
      const s = bySeries.get(m[2] as string);
      if (s === undefined) return { skipped: `${m[2]} was not learned in group ${group.group} (seen on fewer than the minimum hosts, or excluded)` };
      const factor = m[3] === undefined ? 1 : Number(m[3]);
      if (!Number.isFinite(factor)) throw new FleetError(FleetErrorCode.badTemplate, `${template.file}: factor ${m[3]} in ${open}${body}} is not a number.`);
      const value = s[m[1] as Stat] * factor;
      if (!Number.isFinite(value)) return { skipped: `${m[1]} of ${m[2]} is not finite in group ${group.group}` };
      out += formatNumber(value);
    }
    i = end + 1;
  }
  return { text: out + text.slice(i) };
}

/** Options of {@link publishFleet}. */
export interface PublishOptions {
  /** ConfigMap name prefix: one ConfigMap `<prefix>-<group>` per group. Default `ainka-fleet`. */
  readonly configMapPrefix?: string;
  /** Namespace of the ConfigMaps. Default `ainka`. */
  readonly namespace?: string;
}

/** One group's publication. */
export interface PublishedGroup {
  /** The group label's value. */
  readonly group: string;
  /** Its directory: the filled policies and `thresholds.tsv`. */
  readonly dir: string;
  /** Its ConfigMap manifest. */
  readonly configMap: string;
  /** The policy files written. */
  readonly policies: readonly string[];
  /** Templates not filled for this group, and why. */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

/** What {@link publishFleet} wrote. */
export interface PublishResult {
  /** `<outDir>/fleet-model.json`: the whole model. */
  readonly model: string;
  /** One entry per group. */
  readonly groups: readonly PublishedGroup[];
}

/** The thresholds of a group as a tab-separated table (series, median, sigma, lower, upper, hosts). */
export function thresholdsTsv(group: GroupBaseline): string {
  const rows = group.series.map((s) => [s.series, formatNumber(s.median), formatNumber(s.sigma), formatNumber(s.lower), formatNumber(s.upper), String(s.hosts.length)].join('\t'));
  return `${['series', 'median', 'sigma', 'lower', 'upper', 'hosts'].join('\t')}\n${rows.join('\n')}\n`;
}

/**
 * Write the model, and per group a directory and a ConfigMap manifest holding the filled policy templates
 * and `thresholds.tsv`. Mount the ConfigMap (or copy the directory) where ainkad's `policy.watchDirs`
 * points: ainkad validates every policy with its own validator before use and refuses the ones that fail.
 */
export function publishFleet(model: FleetModel, templates: readonly PolicyTemplate[], outDir: string, options: PublishOptions = {}): PublishResult {
  const prefix = options.configMapPrefix ?? 'ainka-fleet';
  const namespace = options.namespace ?? 'ainka';
  mkdirSync(outDir, { recursive: true });
  const modelPath = join(outDir, 'fleet-model.json');
  writeFileSync(modelPath, `${JSON.stringify(model, null, 2)}\n`);
  const groups: PublishedGroup[] = [];
  for (const g of model.groups) {
    const name = kubeName(g.group);
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    const data: Record<string, string> = { 'thresholds.tsv': thresholdsTsv(g) };
    const policies: string[] = [];
    const skipped: { file: string; reason: string }[] = [];
    for (const t of templates) {
      const r = fillTemplate(t, g);
      if ('skipped' in r) {
        skipped.push({ file: t.file, reason: r.skipped });
        continue;
      }
      data[t.file] = r.text;
      policies.push(join(dir, t.file));
    }
    for (const [file, text] of Object.entries(data)) writeFileSync(join(dir, file), text);
    const configMap = join(outDir, `configmap-${name}.yaml`);
    const manifest = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `${prefix}-${name}`,
        namespace,
        labels: { 'app.kubernetes.io/name': 'ainka', 'ainka.dev/role': name },
        annotations: { 'ainka.dev/learned-at': new Date(model.timestamp).toISOString(), 'ainka.dev/hosts': String(g.hosts.length) },
      },
      data,
    };
    writeFileSync(configMap, stringify(manifest, { lineWidth: 0 }));
    groups.push({ group: g.group, dir, configMap, policies, skipped });
  }
  return { model: modelPath, groups };
}
