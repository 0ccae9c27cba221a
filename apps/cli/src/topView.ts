import type { LatencySummary, SnapshotResult } from '@ainka/daemon';
import { bar, bytes, duration, metricValue, num, pct, sparkline } from './format.js';

const BLOCKS = ' ▁▂▃▄▅▆▇█';

function section(title: string, width: number): string {
  return `── ${title} ${'─'.repeat(Math.max(0, width - title.length - 4))}`;
}

function histogramLine(l: LatencySummary): string {
  // Buckets up to 128 ms, as a column per bucket.
  const b = l.buckets.slice(0, 10);
  const max = Math.max(1, ...b.map((x) => x.count));
  const cols = b.map((x) => BLOCKS[x.count === 0 ? 0 : Math.max(1, Math.round((x.count / max) * 8))] ?? ' ').join('');
  return `${cols}  (≤0.25 ms … ≤128 ms)`;
}

/** One frame of `ainka top`, `width` columns wide, at most `height` lines. */
export function renderTop(s: SnapshotResult, width: number, height: number): string {
  const st = s.status;
  const h = s.headline;
  const tr = s.trends;
  const L: string[] = [];
  const clock = new Date().toISOString().slice(11, 19);
  L.push(`AINKA top — ainkad ${st.version} pid ${st.pid}  mode ${st.mode}  up ${duration(st.uptimeSeconds)}  source ${st.source}`.padEnd(width - 9) + clock);
  L.push(`${st.series} series (${st.seriesPerSecond}/s)  ${st.detectors} detectors  rss ${bytes(st.rssBytes)}  ${st.policies} policies  ${st.managedKnobs} knobs managed  ticks ${st.ticks}`);
  L.push(section('state', width));
  const row = (label: string, key: string, frac: number | undefined, text: string) =>
    L.push(`${label.padEnd(12)} ${bar(frac ?? 0, 24)} ${text.padStart(12)}  ${sparkline(tr[key] ?? [], 40)}`);
  row('cpu busy', 'cpu.busy_ratio', h['cpu.busy_ratio'], pct(h['cpu.busy_ratio']));
  row('memory used', 'mem.used_ratio', h['mem.used_ratio'], pct(h['mem.used_ratio']));
  row('load 1m', 'load.avg1', (h['load.avg1'] ?? 0) / 8, num(h['load.avg1']));
  L.push(section('pressure (PSI some, avg10)', width));
  row('cpu', 'psi.cpu.some_avg10', (h['psi.cpu.some_avg10'] ?? 0) / 100, `${num(h['psi.cpu.some_avg10'], 1)}%`);
  row('memory', 'psi.memory.some_avg10', (h['psi.memory.some_avg10'] ?? 0) / 100, `${num(h['psi.memory.some_avg10'], 1)}%`);
  row('io', 'psi.io.some_avg10', (h['psi.io.some_avg10'] ?? 0) / 100, `${num(h['psi.io.some_avg10'], 1)}%`);
  L.push(section('I/O', width));
  const io = (label: string, key: string) => L.push(`${label.padEnd(12)} ${(h[key] === undefined ? '-' : metricValue(key, h[key] as number)).padStart(14)}  ${sparkline(tr[key] ?? [], 40)}`);
  io('disk read', 'sum(disk.read_bytes_per_second)');
  io('disk write', 'sum(disk.write_bytes_per_second)');
  io('dirty', 'mem.dirty_bytes');
  io('net rx', 'sum(net.rx_bytes_per_second)');
  io('net tx', 'sum(net.tx_bytes_per_second)');
  L.push(section('decision latency (sample → decision)', width));
  for (const l of st.layers) {
    if (l.latency === null) {
      L.push(`${l.name.padEnd(10)} ${l.available ? 'on' : 'off'} ${l.reason !== undefined ? `— ${l.reason}` : ''}`.slice(0, width));
      continue;
    }
    L.push(`${l.name.padEnd(10)} p50 ${num(l.latency.p50).padStart(7)} ms  p99 ${num(l.latency.p99).padStart(7)} ms  budget ${l.latency.budgetMs} ms (${l.latency.overBudget} over)  ${histogramLine(l.latency)}`.slice(0, width));
  }
  const fixed = L.length + 2 + 2 + 2;
  const room = Math.max(2, height - fixed - Math.min(5, s.processes.length + 1));
  const anomRoom = Math.max(1, Math.floor(room / 2));
  L.push(section(`anomalies (${s.anomalies.length})`, width));
  if (s.anomalies.length === 0) L.push('none');
  for (const a of s.anomalies.slice(0, anomRoom)) L.push(`${a.id.padEnd(5)} ${a.series} = ${metricValue(a.series, a.value)} (score ${num(a.score)}) ${a.reason}`.slice(0, width));
  L.push(section(`advice — what AINKA would do (${s.advice.length})`, width));
  if (s.advice.length === 0) L.push('none');
  for (const a of s.advice.slice(0, room - anomRoom)) L.push(`${a.id.padEnd(5)} ${a.line}`.slice(0, width));
  L.push(section('top processes', width));
  L.push(`${'pid'.padEnd(8)} ${'command'.padEnd(20)} ${'cores'.padStart(6)} ${'rss'.padStart(10)}`);
  for (const p of s.processes.slice(0, Math.max(0, height - L.length - 1))) L.push(`${p.pid.padEnd(8)} ${p.comm.slice(0, 20).padEnd(20)} ${num(p.cores).padStart(6)} ${bytes(p.rssBytes).padStart(10)}`);
  return L.slice(0, height).map((l) => l.slice(0, width)).join('\n');
}
