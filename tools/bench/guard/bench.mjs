#!/usr/bin/env node
// Guard bench: detection rate and event → alert latency over the starter pack's attack scripts, then
// false alerts over a benign workload (package builds, a web server under load, cron-style jobs).
// Root; build first (npx nx run-many -t build). Runs the guard as its own process over dist.
//
//   node tools/bench/guard/bench.mjs [--minutes 30] [--rounds 3] [--no-attacks]
//
// Prints the detection table (rule, detected/rounds, median and max latency), then the benign
// workload's alerts by rule with examples. Everything on this machine counts: other users' activity
// during the benign window shows up as alerts too (listed with their process trees).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
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
if (process.getuid?.() !== 0) {
  console.error('bench/guard: needs root (eBPF)');
  process.exit(1);
}
const attacks = [
  ['shell-by-service.sh', 'shell-spawned-by-network-service'],
  ['reverse-shell.sh', 'reverse-shell'],
  ['read-shadow.sh', 'read-shadow-file'],
  ['read-ssh-key.sh', 'read-ssh-private-key'],
  ['write-etc.sh', 'write-below-system-dir'],
  ['ptrace-other-user.sh', 'ptrace-other-user'],
  ['module-load.sh', 'kernel-module-load'],
  ['new-port.sh', 'new-listening-port'],
  ['miner.sh', 'crypto-miner'],
];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

const alerts = [];
const monitor = spawn(process.execPath, [join(attacksDir, 'monitor.mjs'), '--cpu-ms', '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
let stats;
await new Promise((resolveReady) => {
  createInterface({ input: monitor.stdout }).on('line', (l) => {
    const o = JSON.parse(l);
    if (o.ready) resolveReady();
    if (o.alert) alerts.push(o);
    if (o.stats) stats = o;
  });
});

const table = [];
if (!args.includes('--no-attacks')) {
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
      await sleep(rule === 'crypto-miner' ? 0 : 1000);
    }
    table.push({ rule, hits, rounds: ROUNDS, p50: median(lat), max: lat.length ? Math.max(...lat) : NaN });
    console.log(`attack ${rule}: ${hits}/${ROUNDS}`);
  }
}

// ---- benign workload ----
const benignStart = Date.now();
const work = mkdtempSync(join(tmpdir(), 'ainka-guard-benign-'));
mkdirSync(join(work, 'www'));
writeFileSync(join(work, 'www', 'index.html'), 'hello\n'.repeat(100));
mkdirSync(join(work, 'cron.d'));
writeFileSync(join(work, 'cron.d', 'rotate'), '#!/bin/sh\nfind /tmp -maxdepth 1 -name "ainka-guard-benign-*" -mmin +600 -print >/dev/null\ndate > /dev/null\n', { mode: 0o755 });
writeFileSync(join(work, 'cron.d', 'report'), '#!/bin/bash\nps aux | wc -l > /dev/null\ndf -h > /dev/null\n', { mode: 0o755 });
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
// cron-style jobs every 15 s
bg(`while true; do run-parts ${work}/cron.d; sleep 15; done`);
console.log(`benign workload for ${MINUTES} min (${cpus().length} CPUs)…`);
await sleep(MINUTES * 60_000);
for (const p of procs) {
  try {
    process.kill(-p.pid, 'SIGKILL');
  } catch {}
}
const benign = alerts.filter((a) => a.at >= benignStart);
monitor.kill('SIGTERM');
await sleep(1500);
rmSync(work, { recursive: true, force: true });

console.log('\n| rule | detected | event → alert p50 | max |');
console.log('| --- | --- | --- | --- |');
for (const t of table) console.log(`| ${t.rule} | ${t.hits}/${t.rounds} | ${Number.isNaN(t.p50) ? '-' : `${t.p50.toFixed(1)} ms`} | ${Number.isNaN(t.max) ? '-' : `${t.max.toFixed(1)} ms`} |`);
const detected = table.reduce((a, t) => a + t.hits, 0);
const total = table.reduce((a, t) => a + t.rounds, 0);
if (total) console.log(`\ndetection rate: ${detected}/${total} = ${((detected / total) * 100).toFixed(1)} %`);
const byRule = new Map();
for (const a of benign) byRule.set(a.alert, [...(byRule.get(a.alert) ?? []), a]);
console.log(`\nbenign window ${MINUTES} min: ${benign.length} alerts (${[...byRule].map(([r, xs]) => `${r}: ${xs.length}`).join(', ') || 'none'})`);
for (const [r, xs] of byRule) for (const a of xs.slice(0, 3)) console.log(`  ${r} [${a.severity}]: ${a.summary} | ${a.tree}`);
if (stats) console.log(`\nguard: ${JSON.stringify(stats.stats.events)} events, kernel drops ${stats.kernelDrops}, records ${stats.records}`);
