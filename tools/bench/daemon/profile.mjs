#!/usr/bin/env node
// Where ainkad's time and memory go at steady state: one ainkad with bench.mjs's config (1 s tick, top 200
// processes, ML on every gauge, eBPF auto), a V8 CPU profile over [--from, --to] s after start and
// process.memoryUsage() + V8 heap spaces once a second (profilePreload.cjs), then a summary: self time by
// function and by package (share of busy time, idle left out) and the heap by phase.
//
// Reproduce: npx nx run @ainka/daemon:build && nice -n 10 node tools/bench/daemon/profile.mjs [--from 15] [--to 75] [--alloc] [--main <dist/main.js>] [--out /tmp/prof]
// (--analyse /tmp/prof summarises an earlier run's files again)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const repo = resolve(here, '..', '..', '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const from = Number(opt('from', 15));
const to = Number(opt('to', 75));
const main = resolve(opt('main', join(repo, 'apps', 'daemon', 'dist', 'main.js')));
const intervalMs = Number(opt('interval', 1000));
const nodeFlags = (opt('node-flags', '') ?? '').split(' ').filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'ainka-prof-'));
// --analyse <out>: summarise the files of an earlier run (<out>.cpuprofile, .json, .heapprofile) without running ainkad
const analyse = opt('analyse', undefined);
const out = resolve(analyse ?? opt('out', join(dir, 'prof')));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (analyse === undefined) await run();
async function run() {
  if (!existsSync(main)) throw new Error(`${main} is missing: build first`);
  const cfg = join(dir, 'ainkad.yaml');
  writeFileSync(
    cfg,
    [
      `telemetry: { intervalMs: ${intervalMs}, processes: { enabled: true, topN: 200, intervalMs: 1000 }, cgroups: { enabled: true, maxDepth: 3 }, ebpf: auto }`,
      'ml: { anomaly: { enabled: true, exclude: ["*_total"] } }',
      'metrics: { port: 0 }',
      '',
    ].join('\n')
  );
  const p = spawn(
    process.execPath,
    [
      '--max-semi-space-size=2',
      ...nodeFlags,
      '-r',
      join(here, 'profilePreload.cjs'),
      main,
      '--config',
      cfg,
      '--state-dir',
      join(dir, 'state'),
      '--socket',
      join(dir, 's.sock'),
      '--log-level',
      'warn',
    ],
    {
      stdio: 'ignore',
      env: {
        ...process.env,
        MALLOC_MMAP_THRESHOLD_: '131072',
        PROF_OUT: out,
        PROF_FROM: String(from),
        PROF_TO: String(to),
        PROF_ALLOC: args.includes('--alloc') ? '1' : '0',
      },
    }
  );
  for (let i = 0; i < (to + 10) * 10 && !existsSync(`${out}.json`); i++) await sleep(100);
  await sleep(500);
  p.kill('SIGINT');
  await new Promise((r) => (p.exitCode !== null ? r() : p.once('exit', r)));
}
if (!existsSync(`${out}.cpuprofile`)) throw new Error('no profile written');

const prof = JSON.parse(readFileSync(`${out}.cpuprofile`, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const pkgOf = (url, fn) => {
  if (url === '') return fn.startsWith('(') ? fn : '(native/builtin)';
  if (url.startsWith('node:')) return 'node: internals';
  let m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  m = /\/(packages|apps)\/([^/]+)\//.exec(url);
  return m ? `@ainka/${m[2]}` : url;
};
const fns = new Map();
const pkgs = new Map();
let busy = 0;
let total = 0;
// the preload's own work (its memory snapshots through the inspector session) is left out of busy time
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const fromPreload = (id) => {
  for (let q = id; q !== undefined; q = parent.get(q)) if (byId.get(q).callFrame.url.endsWith('profilePreload.cjs')) return true;
  return false;
};
let overhead = 0;
for (const [id, us] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  total += us;
  if (cf.functionName === '(idle)') continue;
  if (fromPreload(id)) {
    overhead += us;
    continue;
  }
  busy += us;
  const key = `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*\/(packages|apps|node_modules)\//, '$1/')}:${cf.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const pk = pkgOf(cf.url, cf.functionName);
  pkgs.set(pk, (pkgs.get(pk) ?? 0) + us);
}
const pct = (us) => ((100 * us) / busy).toFixed(1);
console.log(
  `ainkad profile: ${main}, ${from}-${to} s after start, busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(1)} s (${((100 * busy) / total).toFixed(
    2
  )} % of a core on the main thread; the profiler's own snapshots ${(overhead / 1e6).toFixed(2)} s more, left out)${
    analyse === undefined ? `, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}` : ''
  }`
);
console.log('\n| package | self, % of busy |\n| --- | --- |');
for (const [k, v] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`| ${k} | ${pct(v)} |`);
console.log('\n| function (self time) | % of busy |\n| --- | --- |');
for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(opt('top', 25)))) console.log(`| \`${k}\` | ${pct(v)} |`);
const mem = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
const mb = (b) => (b / 1048576).toFixed(1);
console.log(
  '\n| phase | t, s | rss | heapTotal | heapUsed | external | arrayBuffers | old space | code space |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
);
const pick = [
  mem[0],
  mem.find((m) => m.phase === 'first turn'),
  mem.find((m) => m.t >= 5),
  mem.find((m) => m.phase === 'profile start'),
  mem.find((m) => m.phase === 'profile stop'),
].filter(Boolean);
for (const m of pick)
  console.log(
    `| ${m.phase === 'tick' ? 'running' : m.phase} | ${m.t.toFixed(1)} | ${mb(m.rss)} | ${mb(m.heapTotal)} | ${mb(m.heapUsed)} | ${mb(m.external)} | ${mb(
      m.arrayBuffers
    )} | ${mb(m.spaces.old_space ?? 0)} | ${mb(m.spaces.code_space ?? 0)} |`
  );
const steady = mem
  .filter((m) => m.t >= from && m.t <= to)
  .map((m) => m.rss)
  .sort((a, b) => a - b);
console.log(
  `\nRSS over the profile window (process.memoryUsage): median ${mb(steady[steady.length >> 1])} MB, max ${mb(steady.at(-1))} MB (${
    steady.length
  } samples; the profiler itself adds a little)`
);
if (existsSync(`${out}.heapprofile`)) {
  // allocation sites by self size (sampled; garbage included): what each tick allocates
  const hp = JSON.parse(readFileSync(`${out}.heapprofile`, 'utf8'));
  const sites = new Map();
  let all = 0;
  const walk = (n) => {
    const s = n.selfSize ?? 0;
    if (s > 0) {
      const cf = n.callFrame;
      const k = `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*\/(packages|apps|node_modules)\//, '$1/')}:${cf.lineNumber + 1}`;
      sites.set(k, (sites.get(k) ?? 0) + s);
      all += s;
    }
    for (const c of n.children ?? []) walk(c);
  };
  walk(hp.head);
  console.log(
    `\nallocations over the window (sampled every 32 KiB, garbage included): ${mb(all)} MB, ${mb(
      all / (to - from)
    )} MB/s\n\n| allocation site (self) | % | MB/s |\n| --- | --- | --- |`
  );
  for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`| \`${k}\` | ${((100 * v) / all).toFixed(1)} | ${(v / 1048576 / (to - from)).toFixed(2)} |`);
}
console.log(`files: ${out}.cpuprofile, ${out}.json${existsSync(`${out}.heapprofile`) ? `, ${out}.heapprofile` : ''}`);
rmSync(dir, { recursive: true, force: true });
