import type { ActionRecord, AnomalyRecord } from './api.js';
import type { Daemon } from './daemon.js';

function bytes(v: number | undefined): string {
  if (v === undefined) return '-';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${u[i]}`;
}

function pct(v: number | undefined): string {
  return v === undefined ? '-' : `${(v * 100).toFixed(0)}%`;
}

function num(v: number | undefined, d = 1): string {
  return v === undefined ? '-' : v.toFixed(d);
}

/**
 * `ainkad --live`: a human-readable view on stderr of what the daemon sees (a summary every few seconds)
 * and what it would do (each anomaly and each piece of advice as it happens).
 */
export class LiveView {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly d: Daemon,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  /** Print the header (what works, what is missing and why). */
  header(metricsUrl: string | null): void {
    const s = this.d.status(metricsUrl);
    const w = (l: string) => this.out.write(`${l}\n`);
    w(`ainkad ${s.version} — ${s.mode} mode (${s.mode === 'advise' ? 'nothing is written; advice is shown below' : 'enforce-mode policies are applied'}), pid ${s.pid}`);
    w(`  state ${s.stateDir}   socket ${s.socket}   metrics ${metricsUrl ?? 'off'}`);
    for (const l of s.layers) w(`  layer ${l.name.padEnd(9)} ${l.available ? `on${l.rules !== undefined ? ` (${l.rules} rules in the kernel policy cache)` : ''}` : `off — ${l.reason ?? ''}`}`);
    for (const c of s.capabilities) if (!c.available) w(`  missing: ${c.id} — ${c.reason ?? ''}`);
    w('  try: ainka status | ainka top | ainka advise   (Ctrl-C stops; changes are rolled back on exit when enabled)');
  }

  /** One summary line per interval. */
  start(intervalMs: number, metricsUrl: () => string | null): void {
    this.timer = setInterval(() => this.summary(metricsUrl()), intervalMs);
    this.timer.unref();
  }

  summary(metricsUrl: string | null): void {
    const s = this.d.status(metricsUrl);
    const v = (k: string) => this.d.headlineValue(k);
    const fast = s.layers.find((l) => l.name === 'fast')?.latency;
    const deep = s.layers.find((l) => l.name === 'deep')?.latency;
    const imm = s.layers.find((l) => l.name === 'immediate')?.latency;
    const immText = imm != null ? `immediate p99 ${num((imm.p99 ?? 0) * 1000, 1)} µs, ` : '';
    const t = new Date().toISOString().slice(11, 19);
    this.out.write(
      `[${t}] cpu ${pct(v('cpu.busy_ratio'))} mem ${pct(v('mem.used_ratio'))} load ${num(v('load.avg1'), 2)} ` +
        `psi cpu/mem/io ${num(v('psi.cpu.some_avg10'))}/${num(v('psi.memory.some_avg10'))}/${num(v('psi.io.some_avg10'))} ` +
        `disk r/w ${bytes(v('sum(disk.read_bytes_per_second)'))}/s ${bytes(v('sum(disk.write_bytes_per_second)'))}/s dirty ${bytes(v('mem.dirty_bytes'))} ` +
        `| ${s.series} series ${s.seriesPerSecond}/s, ${s.detectors} detectors, rss ${bytes(s.rssBytes)} ` +
        `| ${immText}fast p50/p99 ${num(fast?.p50 ?? undefined, 2)}/${num(fast?.p99 ?? undefined, 2)} ms, deep ${num(deep?.p50 ?? undefined, 0)} ms ` +
        `| ${s.activeAnomalies} anomalies, ${s.pendingAdvice} advice\n`,
    );
  }

  anomaly(a: AnomalyRecord): void {
    this.out.write(`  ! anomaly ${a.id} ${a.series} = ${num(a.value, 3)}${a.expected !== null ? ` (expected ~${num(a.expected, 3)})` : ''}, score ${num(a.score, 2)}: ${a.reason}\n`);
  }

  action(r: ActionRecord): void {
    const verb = r.status === 'proposed' ? 'would do ' : r.status.startsWith('kernel-') ? '' : `${r.status} `;
    this.out.write(`  > ${verb}${r.id}: ${r.line}\n`);
    for (const e of r.evidence) this.out.write(`      evidence: ${e.series} = ${num(e.value, 3)} (${e.condition})\n`);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}
