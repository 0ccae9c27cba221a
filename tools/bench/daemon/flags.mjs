// V8 flags side by side: N ainkads of one build at the same time, each with its own node flags/env; RSS median and CPU from 20 s to 50 s.
// usage: node tools/bench/daemon/flags.mjs apps/daemon/dist/main.js 'label|flags|ENV=1 ENV2=2' ...
// (FROM/TO: the window in seconds, default 20-50; INTERVAL: the tick in ms, default 1000)
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
const [main, ...variants] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8'); const x = f.slice(f.lastIndexOf(')') + 2).split(' '); return (Number(x[11]) + Number(x[12])) / 100; };
const runs = variants.map((v) => {
  const [label, flags = '', envs = ''] = v.split('|');
  const dir = mkdtempSync(join(tmpdir(), 'ainka-fl-'));
  const cfg = join(dir, 'ainkad.yaml');
  writeFileSync(cfg, [`telemetry: { intervalMs: ${process.env.INTERVAL ?? 1000}, processes: { enabled: true, topN: 200, intervalMs: ${process.env.INTERVAL ?? 1000} }, cgroups: { enabled: true, maxDepth: 3 }, ebpf: auto }`, 'ml: { anomaly: { enabled: true, exclude: ["*_total"] } }', 'metrics: { port: 0 }', ''].join('\n'));
  const env = { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072', ...Object.fromEntries(envs.split(' ').filter(Boolean).map((e) => e.split('='))) };
  const p = spawn(process.execPath, ['--max-semi-space-size=2', ...flags.split(' ').filter(Boolean), main, '--config', cfg, '--state-dir', join(dir, 'state'), '--socket', join(dir, 's.sock'), '--log-level', 'error'], { stdio: 'ignore', env });
  return { label, p, dir, rss: [] };
});
const from = Number(process.env.FROM ?? 20), to = Number(process.env.TO ?? 50);
await sleep(from * 1000);
for (const r of runs) r.c0 = cpu(r.p.pid);
for (let i = 0; i < to - from; i++) { await sleep(1000); for (const r of runs) r.rss.push(rss(r.p.pid)); }
for (const r of runs) {
  const c = (cpu(r.p.pid) - r.c0) / (to - from) * 100;
  const s = [...r.rss].sort((a, b) => a - b);
  console.log(`${r.label.padEnd(24)} RSS median ${s[s.length >> 1].toFixed(1)} MB (min ${s[0].toFixed(1)}, max ${s.at(-1).toFixed(1)}), CPU ${c.toFixed(2)} %`);
  r.p.kill('SIGINT');
}
await sleep(3000);
for (const r of runs) rmSync(r.dir, { recursive: true, force: true });
