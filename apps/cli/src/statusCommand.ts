import type { StatusResult } from '@ainka/daemon';
import type { Context } from './context.js';
import { bytes, duration, num, table } from './format.js';

/** Render `status` for a person. */
export function renderStatus(s: StatusResult): string {
  const lines = [
    `ainkad ${s.version}  pid ${s.pid}  up ${duration(s.uptimeSeconds)}  mode ${s.mode}  source ${s.source}`,
    `state ${s.stateDir}  socket ${s.socket}  metrics ${s.metricsUrl ?? 'off'}`,
    `${s.ticks} ticks, ${s.series} series (${s.seriesPerSecond}/s), ${s.detectors} anomaly detectors, rss ${bytes(s.rssBytes)}`,
    `${s.policies} policies, ${s.activeAnomalies} active anomalies, ${s.pendingAdvice} pieces of advice, ${s.managedKnobs} knobs managed`,
    '',
    'decision layers:',
    table(
      s.layers.map((l) => [
        l.name,
        l.available ? 'on' : 'off',
        l.latency === null ? '-' : `p50 ${num(l.latency.p50)} ms  p99 ${num(l.latency.p99)} ms  max ${num(l.latency.max)} ms  (budget ${l.latency.budgetMs} ms, ${l.latency.overBudget} over, n=${l.latency.count})`,
        l.reason ?? '',
      ]),
    ),
  ];
  // `?? []`: a daemon older than this CLI sends no `ebpf` list.
  const ebpf = s.ebpf ?? [];
  if (ebpf.length > 0) {
    lines.push('', 'eBPF objects (records the kernel dropped since start; raise telemetry.ebpfRingKiB if they grow):');
    lines.push(
      table(
        ebpf.map((o) => [
          `${o.concern}${o.owner === 'guard' ? ' (guard)' : ''}`,
          o.loaded ? 'loaded' : 'unloaded',
          o.ringBuffer ? `${o.records} records` : 'maps only',
          `${o.kernelDrops} dropped`,
          ...(o.decodeErrors > 0 ? [`${o.decodeErrors} undecodable`] : []),
        ]),
      ),
    );
  }
  const missing = s.capabilities.filter((c) => !c.available);
  if (missing.length > 0) {
    lines.push('', 'missing (AINKA works without them, with less telemetry):');
    for (const c of missing) lines.push(`  ${c.id}: ${c.reason ?? ''}`);
  }
  if (s.healing !== undefined) {
    const h = s.healing;
    lines.push('', `self-healing (${h.mode} mode): ${h.open} open finding(s); protected: ${h.protectedUnits.join(', ')}`);
    for (const p of h.parts.filter((x) => !x.available)) lines.push(`  ${p.id} off: ${p.reason ?? ''}`);
    for (const r of h.records.slice(0, 10)) lines.push(`  ${r.id}  ${r.kind.padEnd(8)} ${r.status.padEnd(8)} ${r.summary}${r.actions.length > 0 ? `  [${r.actions.join(', ')}]` : ''}`);
    if (h.records.length > 0) lines.push('  details: ainka explain <H id>');
  }
  const r = s.recovery;
  if (r.reverted.length + r.completed.length + r.rolledBackSessions.length > 0) {
    lines.push('', `recovered at start: reverted batches [${r.reverted.join(', ')}], completed [${r.completed.join(', ')}], rolled back sessions [${r.rolledBackSessions.join(', ')}]`);
  }
  return lines.join('\n');
}

/** `ainka status`. */
export async function statusCommand(ctx: Context): Promise<number> {
  const s = await ctx.withClient((c) => c.call<StatusResult>('status'));
  ctx.print(s, () => renderStatus(s));
  return 0;
}
