import type { ActionRecord, AnomalyRecord, ForecastResult, HealingRecord } from '@ainka/daemon';
import type { Context } from './context.js';
import { EXIT } from './exitCodes.js';
import { duration, metricValue, num, table } from './format.js';

function when(t: number): string {
  return new Date(t).toISOString().replace('T', ' ').slice(0, 19);
}

/** Render one action with its evidence. */
export function renderAction(a: ActionRecord): string {
  const lines = [`${a.id}  ${a.status}  ${a.policy}/${a.rule}  ${when(a.at)}`, `  ${a.line}`];
  for (const e of a.evidence) lines.push(`  evidence: ${e.series} = ${metricValue(e.series, e.value)}  (${e.condition})`);
  if (a.changeId !== null) lines.push(`  journal change #${a.changeId} — undo with: ainka rollback ${a.changeId}`);
  lines.push(`  decided ${num(a.latencyMs)} ms after the sample was read`);
  return lines.join('\n');
}

/** `ainka advise`: what AINKA would change now, and why. */
export async function adviseCommand(ctx: Context, o: { exitCode?: boolean }): Promise<number> {
  const r = await ctx.withClient((c) => c.call<{ mode: string; advice: ActionRecord[] }>('advise'));
  ctx.print(r, () => (r.advice.length === 0 ? `no advice: nothing AINKA would change right now (mode ${r.mode})` : `${r.advice.length} piece(s) of advice (mode ${r.mode}; nothing was written):\n\n${r.advice.map(renderAction).join('\n\n')}`));
  return o.exitCode === true && r.advice.length > 0 ? EXIT.advicePending : EXIT.ok;
}

/** Render one anomaly. */
export function renderAnomaly(a: AnomalyRecord): string {
  const group = a.group !== undefined && a.group !== a.id ? `  (with ${a.group})` : '';
  return `${a.id}  ${a.series} = ${metricValue(a.series, a.value)}${a.expected !== null ? ` (expected ~${metricValue(a.series, a.expected)})` : ''}  score ${num(a.score)}  since ${when(a.at)}  ×${a.count}${group}\n  ${a.reason}`;
}

/** `ainka anomalies`. */
export async function anomaliesCommand(ctx: Context, o: { all?: boolean }): Promise<number> {
  const r = await ctx.withClient((c) => c.call<{ anomalies: AnomalyRecord[]; alerts?: AlertView[] }>('anomalies', { all: o.all === true }));
  ctx.print(r, () => {
    const lines = [r.anomalies.length === 0 ? 'no anomalies' : r.anomalies.map(renderAnomaly).join('\n')];
    const logAlerts = (r.alerts ?? []).filter((a) => a.name !== 'anomaly');
    if (logAlerts.length > 0) lines.push('', 'alerts from the kernel log:', ...logAlerts.map(renderAlert));
    return lines.join('\n');
  });
  return EXIT.ok;
}

/** An alert as the daemon returns it (`@ainka/telemetry` Alert). */
interface AlertView {
  readonly name: string;
  readonly severity: string;
  readonly status: string;
  readonly summary: string;
  readonly fingerprint: string;
  readonly occurrences: number;
  readonly startsAt: number;
  readonly evidence: { readonly note?: string; readonly logs?: readonly { readonly message: string; readonly timestamp: number }[] };
}

/** Render one alert with its evidence. */
export function renderAlert(a: AlertView): string {
  const lines = [`${a.fingerprint}  ${a.severity} ${a.status}  ${a.summary}  since ${when(a.startsAt)}  ×${a.occurrences}`];
  for (const l of a.evidence.logs ?? []) lines.push(`  log ${when(l.timestamp)}: ${l.message}`);
  return lines.join('\n');
}

/** Render one healing record with its evidence and the actions it asked for. */
export function renderHealing(h: HealingRecord, actions: readonly ActionRecord[] = []): string {
  const lines = [`${h.id}  ${h.kind}  ${h.status}  since ${when(h.at)}  (last seen ${when(h.lastAt)})`, `  ${h.summary}`, `  remedy: ${h.remedy}`];
  for (const e of h.evidence) lines.push(`  evidence: ${e.series} = ${metricValue(e.series, e.value)}  (${e.condition})`);
  if (actions.length === 0 && h.actions.length === 0) lines.push('  no change asked for (advice only)');
  for (const a of actions) {
    lines.push(`  action ${a.id}: ${a.status} (${a.mode} mode) — ${a.line}`);
    if (a.changeId !== null) lines.push(`    journal change #${a.changeId} — undo with: ainka rollback ${a.changeId}`);
  }
  return lines.join('\n');
}

/** `ainka explain <id>`. */
export async function explainCommand(ctx: Context, id: string): Promise<number> {
  const r = await ctx.withClient((c) =>
    c.call<{ kind: string; action?: ActionRecord; anomaly?: AnomalyRecord; alert?: AlertView; healing?: HealingRecord; actions?: ActionRecord[]; recent?: { t: number; value: number }[]; change?: Record<string, unknown> }>('explain', { id }),
  );
  ctx.print(r, () => {
    if (r.kind === 'healing' && r.healing !== undefined) return renderHealing(r.healing, r.actions ?? []);
    if (r.kind === 'action' && r.action !== undefined) {
      return `${renderAction(r.action)}\n\nwhy: ${r.action.because}.\nbefore: ${r.action.before ?? '?'}  →  ${r.action.value} (${r.action.mode} mode)`;
    }
    if (r.kind === 'anomaly' && r.anomaly !== undefined) {
      const pts = r.recent ?? [];
      return `${renderAnomaly(r.anomaly)}\n\nrecent values (oldest first):\n${pts.slice(-20).map((p) => `  ${when(p.t)}  ${metricValue(r.anomaly?.series ?? '', p.value)}`).join('\n')}`;
    }
    if (r.kind === 'alert' && r.alert !== undefined) return renderAlert(r.alert);
    return JSON.stringify(r.change, null, 2);
  });
  return EXIT.ok;
}

/** `ainka forecast <metric>`. */
export async function forecastCommand(ctx: Context, metric: string): Promise<number> {
  const r = await ctx.withClient((c) => c.call<ForecastResult>('forecast', { metric }));
  ctx.print(r, () => {
    const lines = [`${r.series}: last ${r.last === null ? '-' : metricValue(r.series, r.last)}; ${r.method}`];
    if (r.points.length === 0) lines.push('  no forecast yet (the series needs at least 10 points)');
    const step = Math.max(1, Math.floor(r.points.length / 10));
    const rows = r.points.filter((_, i) => i % step === step - 1 || i === r.points.length - 1).map((p) => [`+${duration((p.t - Date.now()) / 1000)}`, metricValue(r.series, p.value), `[${metricValue(r.series, p.lower)} … ${metricValue(r.series, p.upper)}]`]);
    if (rows.length > 0) lines.push(table(rows, ['when', 'forecast', '80% interval']));
    if (r.capacity !== null) lines.push(`capacity: limit ${r.capacity.limit}, reached in ${duration(r.capacity.secondsToLimit)} — ${r.capacity.note}`);
    return lines.join('\n');
  });
  return EXIT.ok;
}
