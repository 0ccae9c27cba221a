#!/usr/bin/env node
// Daemon bench: ainkad's RSS and CPU at steady state with every collector and per-series anomaly
// detection on, side by side with netdata measured in the same run, plus sample-to-decision latency.
//
// Reproduce: npx nx run @ainka/daemon:build && node tools/bench/daemon/bench.mjs [--seconds 30] [--interval 250]
// (root; netdata comes from Debian's `netdata` package — without it the baseline column says so).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { probeApi } from './apiLatency.mjs';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const args = process.argv.slice(2);
// --main <dist/main.js> benches another build (e.g. main's checkout) with this script, for before/after runs
const main = args.includes('--main') ? resolve(args[args.indexOf('--main') + 1]) : join(repo, 'apps', 'daemon', 'dist', 'main.js');
// --baseline <dist/main.js> runs that build beside this one, measured and probed at the same time (ratios in the table)
const baseline = args.includes('--baseline') ? resolve(args[args.indexOf('--baseline') + 1]) : undefined;
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const seconds = opt('seconds', 30);
const warmup = opt('warmup', 10);
const intervalMs = opt('interval', 1000);
const semi = opt('semi-space-mb', 2);
const topN = opt('top', 200);
const flagsAt = args.indexOf('--node-flags');
const nodeFlags = flagsAt >= 0 ? (args[flagsAt + 1] ?? '').split(' ').filter(Boolean) : [];
const withNetdata = !args.includes('--no-netdata');
// glibc's dynamic mmap threshold keeps memory freed by libbpf (the parsed kernel BTF) in the malloc heap;
// a fixed threshold returns it. `npm start` sets it; --no-malloc-threshold measures without it.
const mallocEnv = args.includes('--no-malloc-threshold') ? {} : { MALLOC_MMAP_THRESHOLD_: '131072' };
const ebpf = args.includes('--no-ebpf') ? 'off' : 'auto';
// API responsiveness: after the CPU/RSS window, `ainka status` as a client would run it (a fresh connection and
// a `status` call every --api-every ms ± 50 %) for --api-seconds, optionally while --exec-load processes a
// second are started (a build's fork/exec churn, which the guard and the process collector see).
const apiSeconds = opt('api-seconds', 20);
const apiEveryMs = opt('api-every', 50);
const execLoad = opt('exec-load', 0);
const CLK_TCK = 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function procStat(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime + stime, seconds
}
function rssKb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}
/** Bytes the process caused to be written to storage (`write_bytes` of /proc/<pid>/io: WAL, checkpoints, journals). */
function writeBytes(pid) {
  try {
    const m = /^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
function children(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
function tree(pid) {
  const out = [pid];
  for (const c of children(pid)) out.push(...tree(c));
  return out;
}

/** Sample RSS (sum over the process tree) and CPU of `pid` for `secs`. */
async function measure(pid, secs) {
  const pids = () => tree(pid).filter((p) => existsSync(`/proc/${p}`));
  const cpu0 = pids().reduce((a, p) => a + procStat(p), 0);
  const io0 = pids().reduce((a, p) => a + writeBytes(p), 0);
  const t0 = performance.now();
  const rss = [];
  for (let i = 0; i < secs; i++) {
    await sleep(1000);
    rss.push(pids().reduce((a, p) => a + rssKb(p), 0));
  }
  const cpu1 = pids().reduce((a, p) => a + procStat(p), 0);
  const io1 = pids().reduce((a, p) => a + writeBytes(p), 0);
  const wall = (performance.now() - t0) / 1000;
  rss.sort((a, b) => a - b);
  return { rssMb: rss[Math.floor(rss.length / 2)] / 1024, rssMaxMb: rss[rss.length - 1] / 1024, cpuPct: ((cpu1 - cpu0) / wall) * 100, writeKBps: (io1 - io0) / 1024 / wall };
}

/** One request over ainkad's API, through the daemon's own client (`@ainka/daemon`'s DaemonClient). */
async function call(socket, method, params = {}) {
  const { DaemonClient } = await import(join(repo, 'apps', 'daemon', 'dist', 'index.js'));
  const client = await DaemonClient.connect(socket);
  try {
    return await client.call(method, params);
  } finally {
    client.close();
  }
}

/** Starts `perSecond` short-lived processes a second (in batches of a tenth), like a build's fork/exec churn. */
function startExecLoad(perSecond) {
  if (!(perSecond > 0)) return { stop() {} };
  const batch = Math.max(1, Math.round(perSecond / 10));
  const p = spawn('sh', ['-c', `while :; do i=0; while [ $i -lt ${batch} ]; do /bin/true; i=$((i+1)); done; sleep 0.1; done`], { stdio: 'ignore', detached: true });
  return {
    stop() {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    },
  };
}

/** Starts one ainkad of build `main` with the bench's config; resolves once its control socket exists. */
async function startAinkad(main) {
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx nx run @ainka/daemon:build)`);
  const dir = mkdtempSync(join(tmpdir(), 'ainka-bench-'));
  const cfg = join(dir, 'ainkad.yaml');
  writeFileSync(
    cfg,
    [
      `telemetry: { intervalMs: ${intervalMs}, processes: { enabled: true, topN: ${topN}, intervalMs: 1000 }, cgroups: { enabled: true, maxDepth: 3 }, ebpf: ${ebpf} }`,
      // per-series detection on every gauge (counters are left out: their rates are detected instead)
      'ml: { anomaly: { enabled: true, exclude: ["*_total"] } }',
      'metrics: { port: 0 }',
      '',
    ].join('\n'),
  );
  const socket = join(dir, 'ainkad.sock');
  const p = spawn(process.execPath, [`--max-semi-space-size=${semi}`, ...nodeFlags, main, '--config', cfg, '--state-dir', join(dir, 'state'), '--socket', socket, '--log-level', 'warn'], { stdio: 'ignore', env: { ...process.env, ...mallocEnv } });
  const t0 = performance.now();
  for (let i = 0; i < 600 && !existsSync(socket); i++) await sleep(100);
  // start-up cost: CPU (user + system) from spawn until the control socket answers, and over the whole warm-up
  return { p, dir, socket, readyS: (performance.now() - t0) / 1000, startupCpuS: procStat(p.pid) };
}

async function stopAinkad(d) {
  d.p.kill('SIGINT');
  await new Promise((r) => (d.p.exitCode !== null ? r() : d.p.once('exit', r)));
  rmSync(d.dir, { recursive: true, force: true });
}

/**
 * Benches the builds in `mains` side by side: started one after the other, then warmed up, measured and
 * probed at the same time (so a shared host's drifting load weighs on each alike), then stopped.
 */
async function benchAinkads(mains) {
  const ds = [];
  try {
    for (const m of mains) ds.push(await startAinkad(m));
    await sleep(warmup * 1000);
    const warmupCpuS = ds.map((d) => procStat(d.p.pid));
    const ms = await Promise.all(ds.map((d) => measure(d.p.pid, seconds)));
    const out = [];
    for (const [i, d] of ds.entries()) {
      const s = await call(d.socket, 'status');
      const fast = s.layers.find((l) => l.name === 'fast').latency;
      const deep = s.layers.find((l) => l.name === 'deep').latency;
      out.push({ ...ms[i], readyS: d.readyS, startupCpuS: d.startupCpuS, warmupCpuS: warmupCpuS[i], seriesPerSecond: s.seriesPerSecond, series: s.series, detectors: s.detectors, fast, deep, api: null });
    }
    if (apiSeconds > 0) {
      const load = startExecLoad(execLoad);
      const probes = ds.map((d) => probeApi(d.socket, { everyMs: apiEveryMs }));
      const cpu0 = ds.map((d) => procStat(d.p.pid));
      await sleep(apiSeconds * 1000);
      for (const [i, d] of ds.entries()) {
        out[i].api = await probes[i].stop();
        out[i].api.cpuPct = ((procStat(d.p.pid) - cpu0[i]) / apiSeconds) * 100;
      }
      load.stop();
    }
    return out;
  } finally {
    for (const d of ds) await stopAinkad(d);
  }
}

function which(bin) {
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function benchNetdata() {
  const bin = which('netdata') ?? (existsSync('/usr/sbin/netdata') ? '/usr/sbin/netdata' : undefined);
  if (bin === undefined) return { skipped: 'netdata is not installed (apt-get install --no-install-recommends netdata)' };
  const dir = mkdtempSync(join(tmpdir(), 'netdata-bench-'));
  const port = 19999 + Math.floor(Math.random() * 1000);
  for (const sub of ['cache', 'lib', 'log']) mkdirSync(join(dir, sub));
  const conf = join(dir, 'netdata.conf');
  writeFileSync(
    conf,
    [
      '[global]',
      `  run as user = root`,
      '  update every = 1',
      '  memory mode = ram',
      `  cache directory = ${dir}/cache`,
      `  lib directory = ${dir}/lib`,
      `  log directory = ${dir}/log`,
      '[web]',
      `  default port = ${port}`,
      '  bind to = 127.0.0.1',
      '[ml]',
      '  enabled = no',
      '[cloud]',
      '  enabled = no',
      '[registry]',
      '  enabled = no',
      '[health]',
      '  enabled = no',
      '',
    ].join('\n'),
  );
  const p = spawn(bin, ['-D', '-c', conf, '-P', join(dir, 'netdata.pid')], { stdio: 'ignore', detached: true });
  try {
    await sleep(warmup * 1000);
    if (p.exitCode !== null) return { skipped: `netdata exited with ${p.exitCode}` };
    const m = await measure(p.pid, seconds);
    // Its own API says which collectors ran: charts and dimensions, per plugin (`netdata` is its self-monitoring).
    let dims = null;
    let api = null;
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/charts`);
      const j = await r.json();
      const charts = Object.values(j.charts);
      dims = charts.reduce((a, c) => a + Object.keys(c.dimensions ?? {}).length / (c.update_every || 1), 0);
      const plugins = {};
      for (const c of charts) {
        const k = c.plugin || '?';
        plugins[k] ??= [0, 0];
        plugins[k][0] += 1;
        plugins[k][1] += Object.keys(c.dimensions ?? {}).length;
      }
      api = { charts: charts.length, dimensions: charts.reduce((a, c) => a + Object.keys(c.dimensions ?? {}).length, 0), plugins };
    } catch {
      // reported as unconfirmed below
    }
    return { ...m, seriesPerSecond: dims === null ? null : Math.round(dims), api };
  } finally {
    try {
      process.kill(-p.pid, 'SIGTERM');
    } catch {
      // gone
    }
    await Promise.race([new Promise((r) => p.once('exit', r)), sleep(5000)]);
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      // gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Debian's prometheus-node-exporter with its default collectors; series/s = samples in one scrape per second. */
async function benchNodeExporter() {
  const bin = which('prometheus-node-exporter') ?? which('node_exporter');
  if (bin === undefined) return { skipped: 'node_exporter is not installed (apt-get install --no-install-recommends prometheus-node-exporter)' };
  const port = 29100 + Math.floor(Math.random() * 1000);
  const p = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  // node_exporter collects when scraped: scrape it once a second, as Prometheus at a 1 s interval would.
  let samples = null;
  let stop = false;
  const scraper = (async () => {
    while (!stop) {
      try {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      } catch {
        // not up yet
      }
      await sleep(1000);
    }
  })();
  try {
    await sleep(Math.min(warmup, 5) * 1000);
    if (p.exitCode !== null) return { skipped: `node_exporter exited with ${p.exitCode}` };
    const m = await measure(p.pid, seconds);
    return { ...m, seriesPerSecond: samples };
  } finally {
    stop = true;
    await scraper;
    p.kill('SIGTERM');
    await Promise.race([new Promise((r) => p.once('exit', r)), sleep(5000)]);
  }
}

const f = (n, d = 1) => (n === null || n === undefined ? '-' : Number(n).toFixed(d));
const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const [a, b] = await benchAinkads(baseline === undefined ? [main] : [main, baseline]);
const n = withNetdata ? await benchNetdata() : { skipped: 'not measured (--no-netdata)' };
const x = args.includes('--no-node-exporter') ? { skipped: 'not measured (--no-node-exporter)' } : await benchNodeExporter();
console.log(`daemon bench: ${seconds} s steady state after ${warmup} s warm-up, ainkad tick ${intervalMs} ms, top ${topN} processes, eBPF ${ebpf}, node --max-semi-space-size=${semi} ${nodeFlags.join(' ')}${Object.entries(mallocEnv).map(([k, v]) => `, ${k}=${v}`).join('')}, 2-core shared host, load average ${load0} -> ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log('');
const peerCell = (q, v) => (q.skipped ? (v === 'rss' ? q.skipped : '-') : v === 'rss' ? `${f(q.rssMb)} (${f(q.rssMaxMb)})` : v === 'cpu' ? f(q.cpuPct, 2) : v === 'io' ? f(q.writeKBps, 1) : v === 'sps' ? f(q.seriesPerSecond, 0) : !q.seriesPerSecond ? '-' : f((q.cpuPct * 1000) / q.seriesPerSecond, 2));
const ratio = (q, x, y) => (q.skipped || !y ? '-' : (x / y).toFixed(2));
const aPer = (a.cpuPct * 1000) / a.seriesPerSecond;
const per = (q) => (q.skipped || !q.seriesPerSecond ? undefined : (q.cpuPct * 1000) / q.seriesPerSecond);
console.log('| | ainkad (ML on) | netdata (ML off) | ratio | node_exporter (scraped 1/s) | ratio | target |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
console.log(`| RSS median (max), MB | ${f(a.rssMb)} (${f(a.rssMaxMb)}) | ${peerCell(n, 'rss')} | ${ratio(n, a.rssMb, n.rssMb)} | ${peerCell(x, 'rss')} | ${ratio(x, a.rssMb, x.rssMb)} | <= 64 |`);
console.log(`| CPU, % of a core | ${f(a.cpuPct, 2)} | ${peerCell(n, 'cpu')} | ${ratio(n, a.cpuPct, n.cpuPct)} | ${peerCell(x, 'cpu')} | ${ratio(x, a.cpuPct, x.cpuPct)} | <= 1 |`);
console.log(`| series/s | ${a.seriesPerSecond} (${a.series} series, ${a.detectors} detectors) | ${peerCell(n, 'sps')} | ${ratio(n, a.seriesPerSecond, n.seriesPerSecond)} | ${peerCell(x, 'sps')} | ${ratio(x, a.seriesPerSecond, x.seriesPerSecond)} | >= 1000 |`);
console.log(`| CPU per 1000 series/s, % of a core | ${f(aPer, 2)} | ${peerCell(n, 'per')} | ${ratio(n, aPer, per(n))} | ${peerCell(x, 'per')} | ${ratio(x, aPer, per(x))} | <= 2x netdata |`);
console.log(`| storage writes, KB/s | ${f(a.writeKBps, 1)} | ${peerCell(n, 'io')} | | ${peerCell(x, 'io')} | | |`);
console.log(`| start-up CPU, s (to socket ready in ${f(a.readyS, 1)} s / over the ${warmup} s warm-up) | ${f(a.startupCpuS, 2)} / ${f(a.warmupCpuS, 2)} | | | | | |`);
if (b !== undefined) {
  const bPer = (b.cpuPct * 1000) / b.seriesPerSecond;
  const r = (x, y) => (x === null || y === null || !y ? '-' : `${(x / y).toFixed(2)}x`);
  console.log('');
  console.log(`Against the baseline build (${baseline}), run at the same time as this build (same config, same load; each also loads the host for the other):`);
  console.log('');
  console.log('| | this build | baseline | ratio |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| RSS median (max), MB | ${f(a.rssMb)} (${f(a.rssMaxMb)}) | ${f(b.rssMb)} (${f(b.rssMaxMb)}) | ${r(a.rssMb, b.rssMb)} |`);
  console.log(`| CPU, % of a core | ${f(a.cpuPct, 2)} | ${f(b.cpuPct, 2)} | ${r(a.cpuPct, b.cpuPct)} |`);
  console.log(`| series/s | ${a.seriesPerSecond} | ${b.seriesPerSecond} | ${r(a.seriesPerSecond, b.seriesPerSecond)} |`);
  console.log(`| CPU per 1000 series/s, % of a core | ${f(aPer, 2)} | ${f(bPer, 2)} | ${r(aPer, bPer)} |`);
  console.log(`| sample-to-decision p50 / p99, ms | ${f(a.fast.p50, 2)} / ${f(a.fast.p99, 2)} | ${f(b.fast.p50, 2)} / ${f(b.fast.p99, 2)} | ${r(a.fast.p50, b.fast.p50)} / ${r(a.fast.p99, b.fast.p99)} |`);
  if (a.api !== null && b.api !== null) {
    for (const k of ['p50', 'p90', 'p99', 'max']) console.log(`| API \`status\` round trip ${k}, ms | ${f(a.api[k], 1)} | ${f(b.api[k], 1)} | ${r(a.api[k], b.api[k])} |`);
    console.log(`| API calls over 100 ms / timeouts (10 s) | ${a.api.over100} of ${a.api.count} / ${a.api.timeouts} | ${b.api.over100} of ${b.api.count} / ${b.api.timeouts} | |`);
  }
}
console.log('');
if (!n.skipped) {
  const ps = n.api === null ? '' : Object.entries(n.api.plugins).sort((p, q) => q[1][1] - p[1][1]).map(([k, [c, d]]) => `${k} ${c}/${d}`).join(', ');
  const self = n.api?.plugins.netdata?.[1] ?? 0;
  console.log(n.api === null ? 'netdata: its API did not answer: collectors not confirmed' : `netdata's API (/api/v1/charts): ${n.api.charts} charts, ${n.api.dimensions} dimensions (charts/dimensions by plugin: ${ps}); without its self-monitoring ('netdata' plugin) ${n.api.dimensions - self} dimensions`);
}
if (!x.skipped) console.log(`node_exporter: ${x.seriesPerSecond ?? '-'} samples in its last scrape (default collectors)`);
if (a.api !== null) {
  console.log(`API responsiveness (${apiSeconds} s after the window, a fresh connection + \`status\` every ${apiEveryMs} ms ± 50 %${execLoad > 0 ? `, ${execLoad} execs/s started meanwhile` : ''}): p50 ${f(a.api.p50, 1)} ms, p90 ${f(a.api.p90, 1)} ms, p99 ${f(a.api.p99, 1)} ms, max ${f(a.api.max, 1)} ms over ${a.api.count} calls (${a.api.over100} over 100 ms, ${a.api.timeouts} timeouts, ${a.api.errors} errors); ainkad CPU meanwhile ${f(a.api.cpuPct, 2)} %`);
}
console.log(`sample-to-decision (fast layer, includes reading /proc): p50 ${f(a.fast.p50, 2)} ms, p90 ${f(a.fast.p90, 2)} ms, p99 ${f(a.fast.p99, 2)} ms, max ${f(a.fast.max, 2)} ms over ${a.fast.count} ticks (budget ${a.fast.budgetMs} ms, ${a.fast.overBudget} over)`);
console.log(`deep layer cycle: p50 ${f(a.deep.p50, 1)} ms, max ${f(a.deep.max, 1)} ms over ${a.deep.count} cycles (budget ${a.deep.budgetMs} ms)`);
console.log('');
console.log(`reproduce: npx nx run @ainka/daemon:build && node tools/bench/daemon/bench.mjs ${process.argv.slice(2).join(' ')}`.trimEnd());
