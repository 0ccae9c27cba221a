#!/usr/bin/env node
// The guard's userspace cost per kernel record, without the kernel: a fixed synthetic record stream (fork, exec
// with argv, file open, syscall mix, exit per op, plus a TCP connect every 5th op) fed to Guard.ingest in-process.
// Prints CPU µs per record for three configurations measured in the same run, interleaved:
//   empty     no rules, no baseline (the process tree only: the baseline of the ratios)
//   rules     the starter pack, no baseline
//   full      the starter pack and a SQLite baseline (what ainkad runs)
// and the ratios rules/empty and full/empty. No root needed; build first (npx nx run-many -t build).
//
//   node tools/bench/guard/ingest.mjs [--ops 20000] [--rounds 5] [--guard path/to/@ainka/guard/dist/index.js]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const OPS = Number(opt('ops', 20000));
const ROUNDS = Number(opt('rounds', 5));
const guardEntry = resolve(opt('guard', resolve(import.meta.dirname, '../../../packages/guard/dist/index.js')));
const { Guard, BaselineStore } = await import(pathToFileURL(guardEntry).href);

const programs = ['/usr/bin/true', '/usr/bin/cat', '/usr/bin/grep', '/usr/bin/sed', '/usr/bin/make', '/usr/bin/gcc', '/usr/bin/sh'];
/** The record stream of one round: child pids above pid_max never collide with real processes. */
function records(round) {
  const out = [];
  let ts = process.hrtime.bigint();
  const base = 5_000_000 + round * OPS;
  for (let i = 0; i < OPS; i++) {
    const pid = base + i;
    const exe = programs[i % programs.length];
    const comm = exe.slice(exe.lastIndexOf('/') + 1);
    ts += 1000n;
    out.push({ kind: 'fork', pid, ppid: process.pid, uid: 0, comm: 'node', timestampNs: ts });
    out.push({ kind: 'secExec', pid, ppid: process.pid, uid: 0, euid: 0, comm, filename: exe, argv: [comm, `arg${i % 13}`, '/tmp/x'], argsTruncated: false, cgroupId: 1n, stdinInet: false, stdoutInet: false, parentStdinInet: false, parentStdoutInet: false, timestampNs: ts });
    out.push({ kind: 'fileOpen', pid, comm, uid: 0, filename: i % 3 === 0 ? '/etc/ld.so.cache' : `/usr/lib/x86_64-linux-gnu/lib${i % 17}.so`, flags: 0, timestampNs: ts });
    out.push({ kind: 'syscallMix', pid, syscalls: [0, 1, 3, 9, 12, 257], timestampNs: ts });
    if (i % 5 === 0) out.push({ kind: 'tcpState', pid, comm, newState: 'SYN_SENT', ipVersion: 4, saddr: '127.0.0.1', sport: 40000 + (i % 1000), daddr: '127.0.0.1', dport: 80 + (i % 7), timestampNs: ts });
    out.push({ kind: 'exit', pid, timestampNs: ts });
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'ainka-guard-ingest-'));
const makers = {
  empty: () => new Guard({ rules: [], baseline: false }),
  rules: () => new Guard({ baseline: false }),
  full: () => new Guard({ baseline: new BaselineStore({ path: join(dir, `b-${Math.random()}.db`) }) }),
};
const perRecord = { empty: [], rules: [], full: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, make] of Object.entries(makers)) {
    const guard = make();
    const recs = records(r);
    // warm-up: the first 10 % (JIT, /proc read of this process, exe hashes)
    const warm = Math.floor(recs.length / 10);
    for (let i = 0; i < warm; i++) guard.ingest(recs[i]);
    const t0 = process.cpuUsage();
    for (let i = warm; i < recs.length; i++) guard.ingest(recs[i]);
    guard.baseline?.flush();
    const t = process.cpuUsage(t0);
    perRecord[name].push((t.user + t.system) / (recs.length - warm));
    guard.baseline?.close();
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = Object.fromEntries(Object.entries(perRecord).map(([k, v]) => [k, median(v)]));
console.log(`guard ingest, ${OPS} ops × ${ROUNDS} rounds (${guardEntry}):`);
for (const k of Object.keys(m)) console.log(`  ${k.padEnd(6)} ${m[k].toFixed(2)} µs CPU per record (rounds: ${perRecord[k].map((x) => x.toFixed(2)).join(', ')})`);
console.log(`  ratio rules/empty ${(m.rules / m.empty).toFixed(2)}, full/empty ${(m.full / m.empty).toFixed(2)}`);
