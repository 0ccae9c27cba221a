import { offlinePolicyStage, parseDuration } from '@ainka/daemon';
import { learnFleet, PrometheusClient, publishFleet, type FleetModel, type PolicyTemplate, type PublishResult } from '@ainka/fleet';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Context } from './context.js';
import { EXIT } from './exitCodes.js';

/** Options of `ainka fleet learn`. */
export interface FleetLearnCommandOptions {
  readonly prometheus: string;
  readonly groupBy: string;
  readonly hostLabel: string;
  readonly range: string;
  readonly step?: string;
  readonly z: string;
  readonly k: string;
  readonly minHosts: string;
  readonly templates?: string;
  readonly out?: string;
  readonly namespace: string;
  readonly configmapPrefix: string;
  readonly serverSide?: boolean;
}

function readTemplates(dir: string): PolicyTemplate[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ file: basename(f), text: readFileSync(join(dir, f), 'utf8') }));
}

function render(model: FleetModel, published: PublishResult | undefined, validation: Map<string, string[]>): string {
  const lines: string[] = [];
  for (const g of model.groups) lines.push(`group ${model.groupBy}=${g.group}: ${g.hosts.length} hosts, ${g.series.length} series learned`);
  lines.push('', 'host            group       outlying/series  verdict   most outlying (robust z)');
  for (const h of model.hosts) {
    const top = h.top
      .slice(0, 3)
      .map((t) => `${t.series} z=${Number.isFinite(t.z) ? t.z.toFixed(1) : String(t.z)}`)
      .join(', ');
    lines.push(`${h.host.padEnd(15)} ${h.group.padEnd(11)} ${`${h.outlying}/${h.series}`.padEnd(16)} ${(h.outlier ? 'OUTLIER' : 'ok').padEnd(9)} ${top}`);
  }
  if (published !== undefined) {
    lines.push('', `model: ${published.model}`);
    for (const g of published.groups) {
      lines.push(`${g.group}: ${g.configMap}`);
      for (const p of g.policies) {
        const errors = validation.get(p) ?? [];
        lines.push(`  ${p}: ${errors.length === 0 ? 'valid here' : `fails this machine's validator: ${errors.join('; ')}`}`);
      }
      for (const s of g.skipped) lines.push(`  ${s.file}: skipped (${s.reason})`);
    }
  }
  return lines.join('\n');
}

/**
 * `ainka fleet learn`: read the fleet's history from Prometheus, learn per-series baselines across the
 * hosts of each group, flag outlier hosts, and (with `--out`) publish thresholds, filled policy templates
 * and one ConfigMap per group. Published policies are also checked with this machine's validator and the
 * result is printed; each host validates them again before use.
 */
export async function fleetLearnCommand(ctx: Context, o: FleetLearnCommandOptions): Promise<number> {
  const model = await learnFleet(new PrometheusClient(o.prometheus), {
    rangeSeconds: parseDuration(o.range, 's', '--range'),
    ...(o.step !== undefined ? { stepSeconds: parseDuration(o.step, 's', '--step') } : {}),
    groupBy: o.groupBy,
    hostLabel: o.hostLabel,
    zThreshold: Number(o.z),
    k: Number(o.k),
    minHosts: Number(o.minHosts),
    serverSide: o.serverSide === true,
  });
  let published: PublishResult | undefined;
  const validation = new Map<string, string[]>();
  if (o.out !== undefined) {
    published = publishFleet(model, o.templates !== undefined ? readTemplates(o.templates) : [], o.out, { namespace: o.namespace, configMapPrefix: o.configmapPrefix });
    const stage = offlinePolicyStage();
    for (const g of published.groups) for (const p of g.policies) validation.set(p, [...stage.validate(readFileSync(p, 'utf8'), p).errors]);
  }
  ctx.print({ model, published: published ?? null, validation: Object.fromEntries(validation) }, () => render(model, published, validation));
  return EXIT.ok;
}
