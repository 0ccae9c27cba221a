/**
 * Turns a recording from `record.ts` into a NAB-layout corpus:
 *
 *   npx tsx tools/bench/ml/hostfault/label.ts [--skip <fault,...>] <raw.jsonl> <corpusDir> [<category>]
 *
 * writes `<corpusDir>/data/<category>/<series>.csv` (`timestamp,value`, one file per non-constant
 * series) and merges that category's windows into `<corpusDir>/labels/combined_windows.json`.
 *
 * Labelling rule (fixed before any detector was scored on the corpus): a series carries a fault when,
 * during the fault or the 30 s after it, at least 5 of its samples lie farther from the median of the
 * 120 s before the fault than max(6 robust sigmas of that baseline, 5 % of its median, 3 of its
 * quanta). Its window then runs from 5 s before the fault starts to 30 s after it ends. Series that
 * carry no fault keep no windows (they score false positives only), as NAB's no-anomaly files do.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const argv = process.argv.slice(2);
// `--skip a,b`: faults whose injection is known to have failed (their spans are dropped, not labelled).
const skipAt = argv.indexOf('--skip');
const skip = new Set(skipAt >= 0 ? (argv.splice(skipAt, 2)[1] ?? '').split(',') : []);
const [rawFile, corpusDir, category = 'guest1hz'] = argv;
if (rawFile === undefined || corpusDir === undefined) {
  console.error('usage: npx tsx tools/bench/ml/hostfault/label.ts <raw.jsonl> <corpusDir> [<category>]');
  process.exit(2);
}

interface Tick {
  t: number;
  s: Record<string, number>;
}
interface FaultSpan {
  fault: string;
  start: number;
  end: number;
}
const ticks: Tick[] = [];
const faults: FaultSpan[] = [];
for (const line of readFileSync(rawFile, 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const o = JSON.parse(line) as Partial<Tick & FaultSpan>;
  if (o.fault !== undefined) {
    if (!skip.has(o.fault)) faults.push(o as FaultSpan);
  }
  else if (o.t !== undefined) ticks.push(o as Tick);
}
const keys = new Set<string>();
for (const k of ticks) for (const key of Object.keys(k.s)) keys.add(key);

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};
const fileName = (key: string): string => key.replace(/[^A-Za-z0-9._=-]+/g, '_').replace(/_+$/, '') + '.csv';

const windowsFile = join(corpusDir, 'labels', 'combined_windows.json');
const windows: Record<string, Array<[string, string]>> = existsSync(windowsFile) ? (JSON.parse(readFileSync(windowsFile, 'utf8')) as Record<string, Array<[string, string]>>) : {};
mkdirSync(join(corpusDir, 'data', category), { recursive: true });
mkdirSync(join(corpusDir, 'labels'), { recursive: true });
const carried: Record<string, string[]> = {};
let files = 0;
for (const key of [...keys].sort()) {
  const rows = ticks.filter((k) => Number.isFinite(k.s[key])).map((k) => ({ t: k.t, v: k.s[key] as number }));
  if (rows.length < ticks.length * 0.9) continue;
  const vs = rows.map((r) => r.v);
  if (Math.max(...vs) === Math.min(...vs)) continue;
  let quantum = Infinity;
  for (let i = 1; i < vs.length; i++) {
    const d = Math.abs(vs[i]! - vs[i - 1]!);
    if (d > 0 && d < quantum) quantum = d;
  }
  const name = `${category}/${fileName(key)}`;
  const w: Array<[string, string]> = [];
  for (const f of faults) {
    const base = rows.filter((r) => r.t >= f.start - 120_000 && r.t < f.start).map((r) => r.v);
    const during = rows.filter((r) => r.t >= f.start && r.t <= f.end + 30_000).map((r) => r.v);
    if (base.length < 30 || during.length < 10) continue;
    const m = median(base);
    const mad = 1.4826 * median(base.map((x) => Math.abs(x - m)));
    const limit = Math.max(6 * mad, 0.05 * Math.abs(m), 3 * quantum);
    if (during.filter((x) => Math.abs(x - m) > limit).length >= 5) {
      w.push([stamp(f.start - 5000), stamp(f.end + 30_000)]);
      (carried[f.fault] ??= []).push(key);
    }
  }
  windows[name] = w;
  const lines = ['timestamp,value', ...rows.map((r) => `${stamp(r.t)},${Number(r.v.toPrecision(8))}`)];
  writeFileSync(join(corpusDir, 'data', category, fileName(key)), lines.join('\n') + '\n');
  files++;
}
writeFileSync(windowsFile, JSON.stringify(windows, null, 2) + '\n');
writeFileSync(join(corpusDir, 'labels', `${category}.faults.json`), JSON.stringify({ faults, carried }, null, 2) + '\n');
console.log(`${files} series, ${ticks.length} ticks, ${faults.length} faults`);
for (const f of faults) console.log(`  ${f.fault.padEnd(14)} ${((f.end - f.start) / 1000).toFixed(0)} s  carried by ${(carried[f.fault] ?? []).length}: ${(carried[f.fault] ?? []).slice(0, 8).join(' ')}`);
