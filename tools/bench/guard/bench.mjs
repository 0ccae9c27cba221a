#!/usr/bin/env node
// Guard bench (root; build first: npx nx run-many -t build, make -C ebpf). Three parts, each optional:
//
//   attacks   detection rate and event → alert latency over the attack scripts of packages/guard/test/attacks
//   benign    false alerts per hour of the starter pack over a benign workload (C builds with make/gcc, a web
//             server under load, package queries, ssh-like key handling, cron-style jobs, an unprivileged job)
//   overhead  the cost of security.bpf.c on a syscall-heavy loop (getppid + open/close + fork/exec), measured
//             in the same run with and without the guard attached: CPU per loop op as a ratio (interleaved
//             rounds, median), the programs' own in-kernel ns per run (BPF_ENABLE_STATS, load-insensitive),
//             and the guard's userspace CPU per kernel record
//
//   node tools/bench/guard/bench.mjs [--minutes 30] [--rounds 3] [--no-attacks] [--no-benign] [--no-overhead]
//                                    [--overhead-rounds 5] [--ops 300000]
//
// Everything on this machine counts in the benign window: other users' activity shows up as alerts too
// (printed with their process trees, so they can be told apart).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../../..');
const attacksDir = join(root, 'packages/guard/test/attacks');
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const MINUTES = opt('minutes', 30);
const ROUNDS = opt('rounds', 3);
const OVERHEAD_ROUNDS = opt('overhead-rounds', 5);
const OPS = opt('ops', 300000);
const WITH_ATTACKS = !args.includes('--no-attacks');
const WITH_BENIGN = !args.includes('--no-benign');
const WITH_OVERHEAD = !args.includes('--no-overhead');
if (process.getuid?.() !== 0) {
  console.error('bench/guard: needs root (eBPF)');
  process.exit(1);
}
const attacks = [
  ['reverse-shell.sh', 'reverse-shell'],
  ['reverse-shell-pipe.sh', 'reverse-shell-pipe'],
  ['reverse-shell-python.sh', 'reverse-shell'],
  ['shell-by-service.sh', 'shell-spawned-by-network-service'],
  ['read-shadow.sh', 'read-shadow-file'],
  ['read-ssh-key.sh', 'read-ssh-private-key'],
  ['read-sudoers.sh', 'read-sensitive-file'],
  ['privesc-suid-shell.sh', 'unexpected-setuid-root-exec'],
  ['privesc-setuid-attempt.sh', 'setuid-root-by-unprivileged'],
  ['persistence-cron.sh', 'persistence-cron-job'],
  ['persistence-systemd.sh', 'persistence-systemd-unit'],
  ['persistence-ssh-key.sh', 'ssh-authorized-keys-modified'],
  ['plant-binary.sh', 'write-below-system-dir'],
  ['ptrace-other-user.sh', 'ptrace-other-user'],
  ['module-load.sh', 'kernel-module-load'],
  ['new-port.sh', 'new-listening-port'],
  ['fileless-exec.sh', 'fileless-exec'],
  ['download-piped-to-shell.sh', 'download-piped-to-shell'],
  ['log-clear.sh', 'system-log-cleared'],
  ['ld-preload.sh', 'ld-preload-hijack'],
  ['offensive-tool.sh', 'offensive-tool'],
  ['security-off.sh', 'security-control-disabled'],
  ['history-erase.sh', 'shell-history-erased'],
  ['backdoor-account.sh', 'backdoor-account'],
  ['miner.sh', 'crypto-miner'],
];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

const alerts = [];
let monitor;
let stats;
if (WITH_ATTACKS || WITH_BENIGN) {
  monitor = spawn(process.execPath, [join(attacksDir, 'monitor.mjs'), '--cpu-ms', '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolveReady) => {
    createInterface({ input: monitor.stdout }).on('line', (l) => {
      const o = JSON.parse(l);
      if (o.ready) resolveReady();
      if (o.alert) alerts.push(o);
      if (o.stats) stats = o;
    });
  });
}

// ---- attacks ----
const table = [];
if (WITH_ATTACKS) {
  for (const [script, rule] of attacks) {
    const lat = [];
    let hits = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const since = Date.now() - 1000;
      spawnSync('bash', [join(attacksDir, script)], { stdio: 'ignore', timeout: 120_000, env: { ...process.env, MINER_SECONDS: '20' } });
      const end = Date.now() + 20_000;
      let hit;
      while (!(hit = alerts.find((a) => a.alert === rule && a.at >= since)) && Date.now() < end) await sleep(100);
      if (hit) {
        hits++;
        if (hit.latencyMs !== null) lat.push(hit.latencyMs);
      }
      // past the rules' cooldowns (60 s by default, keyed by program and parent: a new script run is a new parent)
      await sleep(rule === 'crypto-miner' ? 0 : 1000);
    }
    table.push({ rule, script, hits, rounds: ROUNDS, p50: median(lat), max: lat.length ? Math.max(...lat) : NaN });
    console.error(`attack ${script} → ${rule}: ${hits}/${ROUNDS}`);
  }
}

// ---- benign workload ----
let benign = [];
let benignMinutes = 0;
if (WITH_BENIGN) {
  const benignStart = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'ainka-guard-benign-'));
  mkdirSync(join(work, 'www'));
  writeFileSync(join(work, 'www', 'index.html'), 'hello\n'.repeat(100));
  mkdirSync(join(work, 'cron.d'));
  writeFileSync(join(work, 'cron.d', 'rotate'), '#!/bin/sh\nfind /tmp -maxdepth 1 -name "ainka-guard-benign-*" -mmin +600 -print >/dev/null\ndate > /dev/null\n', { mode: 0o755 });
  writeFileSync(join(work, 'cron.d', 'report'), '#!/bin/bash\nps aux | wc -l > /dev/null\ndf -h > /dev/null\nsystemctl is-system-running >/dev/null 2>&1 || true\n', { mode: 0o755 });
  const procs = [];
  const bg = (cmd) => procs.push(spawn('bash', ['-c', cmd], { stdio: 'ignore', detached: true }));
  // a web server under load
  bg(`cd ${work}/www && exec python3 -m http.server 18090 --bind 127.0.0.1`);
  bg(`sleep 2; while true; do for i in $(seq 20); do curl -s -o /dev/null http://127.0.0.1:18090/index.html; done; sleep 0.5; done`);
  // package builds: a C project built from scratch in a loop (make + gcc + ar), and npm's pack of a package
  writeFileSync(join(work, 'Makefile'), 'OBJS=$(patsubst %.c,%.o,$(wildcard src/*.c))\nlib.a: $(OBJS)\n\tar rcs $@ $^\n%.o: %.c\n\t$(CC) -O1 -c $< -o $@\nclean:\n\trm -f src/*.o lib.a\n');
  mkdirSync(join(work, 'src'));
  for (let i = 0; i < 8; i++) writeFileSync(join(work, 'src', `f${i}.c`), `int f${i}(int x){int s=0;for(int i=0;i<x;i++)s+=i*${i};return s;}\n`);
  bg(`cd ${work} && while true; do make -s clean; make -s -j2 >/dev/null 2>&1; sleep 3; done`);
  bg(`cd ${root}/packages/errors && while true; do npm pack --dry-run >/dev/null 2>&1; sleep 20; done`);
  // package queries, ssh-like key handling (keys in the work dir, ssh client), an unprivileged job
  bg(`while true; do dpkg -l >/dev/null; apt-cache policy bash >/dev/null 2>&1; ssh-keygen -q -t ed25519 -N '' -f ${work}/k$RANDOM </dev/null >/dev/null 2>&1; ssh -V >/dev/null 2>&1; setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'ls / >/dev/null'; rm -f ${work}/k*; sleep 10; done`);
  // cron-style jobs every 15 s
  bg(`while true; do run-parts ${work}/cron.d; sleep 15; done`);
  console.error(`benign workload for ${MINUTES} min (${cpus().length} CPUs)…`);
  await sleep(MINUTES * 60_000);
  for (const p of procs) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {}
  }
  benignMinutes = (Date.now() - benignStart) / 60_000;
  benign = alerts.filter((a) => a.at >= benignStart);
  rmSync(work, { recursive: true, force: true });
}
if (monitor) {
  monitor.kill('SIGTERM');
  await sleep(1500);
}

// ---- overhead of security.bpf.c ----
const overhead = WITH_OVERHEAD ? await measureOverhead() : undefined;

async function measureOverhead() {
  if (spawnSync('perf', ['--version']).status !== 0) {
    console.error('overhead: perf is missing (apt-get install linux-perf); skipped');
    return undefined;
  }
  const { EbpfStreams } = await import('@ainka/ebpf');
  const { Guard } = await import('@ainka/guard');
  const { bpfSystem } = await import('@ainka/native');
  const dir = mkdtempSync(join(tmpdir(), 'ainka-guard-overhead-'));
  const loop = join(dir, 'syscall-loop');
  execFileSync('gcc', ['-O2', '-o', loop, join(root, 'tools/bench/guard/syscall-loop.c')]);
  const cpuCount = cpus().length;
  const pin = String(Math.min(1, cpuCount - 1));
  /** CPU (task-clock) of the loop per op, in ns (asynchronous: the guard in this process keeps draining meanwhile). */
  const run = () =>
    new Promise((resolveRun, reject) => {
      const p = spawn('perf', ['stat', '-x,', '-e', 'task-clock', '--', 'taskset', '-c', pin, loop, String(OPS)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      p.stdout.on('data', (d) => (text += d));
      p.stderr.on('data', (d) => (text += d));
      p.on('error', reject);
      p.on('exit', () => {
        const clock = /^([\d.]+),msec,task-clock/m.exec(text);
        if (clock) resolveRun((Number(clock[1]) * 1e6) / OPS);
        else reject(new Error(`perf stat: unexpected output:\n${text}`));
      });
    });
  /** Runs fn with the guard (starter watches, every security program) attached and consuming in this process. */
  const withGuard = async (fn) => {
    const streams = new EbpfStreams({ drainIntervalMs: 50 });
    const guard = new Guard({ baseline: false });
    guard.start(streams);
    await sleep(300);
    const cpu0 = process.cpuUsage();
    const st0 = streams.host.stats().security;
    try {
      const value = await fn(streams);
      await sleep(200); // the last drain
      const st = streams.host.stats().security;
      return { value, records: (st?.records ?? 0) - (st0?.records ?? 0), drops: (st?.kernelDrops ?? 0) - (st0?.kernelDrops ?? 0), cpu: process.cpuUsage(cpu0) };
    } finally {
      guard.stop();
      streams.host.closeAll();
    }
  };
  const base = [];
  const guarded = [];
  let records = 0;
  let drops = 0;
  let userUs = 0;
  console.error(`overhead: ${OVERHEAD_ROUNDS} interleaved rounds of ${OPS} loop ops on CPU ${pin}, without and with the guard…`);
  await run(); // warm-up (page cache, CPU frequency)
  for (let r = 0; r < OVERHEAD_ROUNDS; r++) {
    base.push(await run());
    const g = await withGuard(() => run());
    guarded.push(g.value);
    records += g.records;
    drops += g.drops;
    userUs += g.cpu.user + g.cpu.system;
  }
  // in-kernel cost per program run, insensitive to the machine's load
  const stop = bpfSystem.enableStats();
  let progs = [];
  try {
    progs = (
      await withGuard(async (streams) => {
        await run();
        const obj = streams.host.object('security');
        return Object.values(streams.host.stats().security?.chosen ?? {}).map((program) => {
          const st = obj.programStats(program);
          return { program, runs: st.runCount, nsPerRun: st.runCount ? st.runTimeNs / st.runCount : 0, totalNs: st.runTimeNs };
        });
      })
    ).value;
  } finally {
    stop();
  }
  rmSync(dir, { recursive: true, force: true });
  return { base, guarded, records, drops, userUs, progs };
}

// ---- report ----
if (WITH_ATTACKS) {
  console.log('\n| attack script | rule | detected | event → alert p50 | max |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const t of table) console.log(`| ${t.script} | ${t.rule} | ${t.hits}/${t.rounds} | ${Number.isNaN(t.p50) ? '-' : `${t.p50.toFixed(1)} ms`} | ${Number.isNaN(t.max) ? '-' : `${t.max.toFixed(1)} ms`} |`);
  const detected = table.reduce((a, t) => a + t.hits, 0);
  const total = table.reduce((a, t) => a + t.rounds, 0);
  if (total) console.log(`\ndetection rate: ${detected}/${total} = ${((detected / total) * 100).toFixed(1)} %`);
}
if (WITH_BENIGN) {
  const byRule = new Map();
  for (const a of benign) byRule.set(a.alert, [...(byRule.get(a.alert) ?? []), a]);
  console.log(`\nbenign window ${benignMinutes.toFixed(1)} min: ${benign.length} alerts = ${(benign.length / (benignMinutes / 60)).toFixed(1)} false alerts per hour (${[...byRule].map(([r, xs]) => `${r}: ${xs.length}`).join(', ') || 'none'})`);
  for (const [r, xs] of byRule) for (const a of xs.slice(0, 3)) console.log(`  ${r} [${a.severity}]: ${a.summary.slice(0, 240)} | ${a.tree}`);
  if (stats) console.log(`guard: ${JSON.stringify(stats.stats.events)} events, kernel drops ${stats.kernelDrops}, records ${stats.records}`);
}
if (overhead) {
  const b = median(overhead.base);
  const g = median(overhead.guarded);
  console.log(`\noverhead on the syscall loop (getppid + open/close + fork/exec every 500), CPU per op, median of ${overhead.base.length} interleaved rounds:`);
  console.log(`  without the guard ${b.toFixed(0)} ns/op, with it ${g.toFixed(0)} ns/op: ratio ${(g / b).toFixed(3)} (rounds: ${overhead.base.map((x) => x.toFixed(0)).join(' ')} | ${overhead.guarded.map((x) => x.toFixed(0)).join(' ')})`);
  const kernelNs = overhead.progs.reduce((a, p) => a + p.totalNs, 0) / OPS;
  console.log(`  in-kernel (BPF_ENABLE_STATS): ${kernelNs.toFixed(0)} ns of security programs per loop op = ${(kernelNs / b).toFixed(3)} of the loop's own CPU per op`);
  for (const p of overhead.progs) if (p.runs) console.log(`    ${p.program}: ${p.runs} runs, ${p.nsPerRun.toFixed(0)} ns/run`);
  console.log(`  userspace (drain + decode + process tree + rules, in the bench process): ${(overhead.userUs / Math.max(1, overhead.records)).toFixed(2)} µs CPU per record over ${overhead.records} records (${overhead.drops} kernel drops)`);
}
