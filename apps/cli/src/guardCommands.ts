import { runCompliance, type ComplianceReport } from '@ainka/guard';
import type { Context } from './context.js';
import { EXIT } from './exitCodes.js';

/** A guard alert as the daemon's `alerts` method returns it. */
interface AlertRecord {
  readonly id: string;
  readonly rule: string;
  readonly severity: string;
  readonly summary: string;
  readonly at: number;
  readonly tree: string;
  readonly processes: readonly { readonly pid: number; readonly uid: number; readonly name: string; readonly exe: string; readonly cmdline: string }[];
  readonly baseline?: string;
  readonly latencyMs?: number;
  readonly response?: { readonly action: string; readonly status: string; readonly line: string };
  readonly tags: readonly string[];
}

interface AlertsResult {
  readonly guard: { readonly available: boolean; readonly reason?: string };
  readonly alerts: readonly AlertRecord[];
}

const time = (t: number): string => new Date(t).toISOString().replace('T', ' ').slice(0, 19);

/** `ainka alerts`: the guard's security alerts, newest first, each with its process tree. */
export async function alertsCommand(ctx: Context, o: { limit: string }): Promise<number> {
  const r = await ctx.withClient((c) => c.call<AlertsResult>('alerts', { limit: Number(o.limit) || 50 }));
  ctx.print(r, () => {
    if (!r.guard.available) return `the guard is not running: ${r.guard.reason ?? 'unknown reason'}`;
    if (r.alerts.length === 0) return 'no security alerts';
    return r.alerts
      .map((a) => {
        const lines = [`${a.id}  ${a.severity.toUpperCase()}  ${a.rule}  ${time(a.at)}${a.latencyMs !== undefined ? `  (${a.latencyMs.toFixed(1)} ms after the event)` : ''}`, `  ${a.summary}`];
        a.processes.forEach((p, i) => lines.push(`  ${'  '.repeat(i)}└ ${p.name}(${p.pid}) uid ${p.uid}  ${p.cmdline || p.exe}`));
        if (a.baseline) lines.push(`  baseline: ${a.baseline}`);
        if (a.response) lines.push(`  response: ${a.response.status}: ${a.response.line}`);
        return lines.join('\n');
      })
      .join('\n\n');
  });
  return r.alerts.some((a) => a.severity === 'critical') ? EXIT.failure : EXIT.ok;
}

/** `ainka compliance [--enforce]`: hardening checks with evidence, remediation and a score. */
export async function complianceCommand(ctx: Context, o: { enforce?: boolean }): Promise<number> {
  let report: ComplianceReport;
  let outcomes: readonly { knob: string; status: string; line: string }[] = [];
  let from = 'daemon';
  if (o.enforce === true) {
    const r = await ctx.withClient((c) => c.call<{ report: ComplianceReport; outcomes: { knob: string; status: string; line: string }[] }>('compliance.enforce', {}, 60_000));
    report = r.report;
    outcomes = r.outcomes;
  } else {
    try {
      report = await ctx.withClient((c) => c.call<ComplianceReport>('compliance', {}));
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_AINKA_DAEMON_UNREACHABLE') throw err;
      report = runCompliance();
      from = 'local checks (daemon not running)';
    }
  }
  ctx.print(o.enforce === true ? { report, outcomes } : report, () => {
    const lines = [`compliance score ${report.score} / 100: ${report.passed} passed, ${report.failed} failed, ${report.unknown} unknown (${from})`, ''];
    for (const i of report.items) {
      if (i.status === 'pass') continue;
      lines.push(`${i.status.toUpperCase().padEnd(7)} ${i.severity.padEnd(6)} ${i.id}: ${i.title}`, `        found ${i.evidence}; expected ${i.expected}`);
      if (i.remediation) lines.push(`        fix: ${i.remediation.text}${i.remediation.knob ? ` [knob ${i.remediation.knob} = ${i.remediation.value}: ainka compliance --enforce]` : i.remediation.command ? ` (${i.remediation.command})` : ''}`);
    }
    if (outcomes.length > 0) lines.push('', ...outcomes.map((x) => `${x.status.padEnd(8)} ${x.line}`));
    lines.push('', `${report.passed} checks passed; --json lists every item with its evidence`);
    return lines.join('\n');
  });
  return report.failed > 0 ? EXIT.failure : EXIT.ok;
}
