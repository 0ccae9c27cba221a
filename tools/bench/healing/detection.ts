// Time to detection and false alarms of @ainka/healing's leak detector on this machine, with the daemon's
// defaults (5 s sampling, 300 s window, 120 s minimum span) or the ones given:
//
//   npx tsx tools/bench/healing/detection.ts [--seconds 1800] [--interval-ms 5000] [--window 300] [--min-span 120]
//
// Starts real processes from packages/healing/test/fixtures/leaker.cjs — a 1 MiB/s heap leak, a 2 fd/s
// descriptor leak (RLIMIT_NOFILE 1024), a GC sawtooth and an idle one — plus a benign workload (parallel
// compile jobs with cc and a local HTTP server under load) and samples every process on the machine.
// Prints the time from start to the first finding of each leak, every finding on anything else (a false
// alarm), and whether a protected process (PID 1, sshd, journald, this one) was ever proposed for a change.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeakDetector, Protection, leakRemedy } from '@ainka/healing';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const seconds = arg('seconds', 1800);
const intervalMs = arg('interval-ms', 5000);
const windowS = arg('window', 300);
const minSpanS = arg('min-span', 120);
const fixture = join(import.meta.dirname, '..', '..', '..', 'packages', 'healing', 'test', 'fixtures', 'leaker.cjs');
const children: ChildProcess[] = [];

async function leaker(mode: string, rate: number): Promise<number> {
  const c = spawn('sh', ['-c', `ulimit -n 1024; exec "${process.execPath}" --expose-gc "${fixture}" ${mode} ${rate}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  await once(c.stdout as NodeJS.ReadableStream, 'data');
  return c.pid as number;
}

/** Benign load: a compile job every few seconds, and an HTTP server answering a steady client. */
function benign(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'ainka-bench-cc-'));
  const src = join(dir, 'x.c');
  writeFileSync(src, Array.from({ length: 400 }, (_, i) => `int f${i}(int x){int s=0;for(int j=0;j<x;j++)s+=j*${i};return s;}`).join('\n'));
  // One compile at a time, 3 s apart: on a loaded machine a compile takes longer than 3 s, and a timer that
  // does not wait piles up dozens of cc1 processes (it drove a shared 2-core host to a load of 60).
  let stopped = false;
  let cc: NodeJS.Timeout | undefined;
  const compile = (): void => {
    if (stopped) return;
    const c = spawn('cc', ['-O2', '-c', src, '-o', join(dir, 'x.o')], { stdio: 'ignore' });
    children.push(c);
    c.on('exit', () => {
      children.splice(children.indexOf(c), 1);
      cc = setTimeout(compile, 3000);
    });
  };
  compile();
  let inFlight = 0;
  const server = createServer((_, res) => res.end(Buffer.alloc(16 * 1024, 1))).listen(0, '127.0.0.1');
  const client = setInterval(() => {
    const addr = server.address();
    if (addr === null || typeof addr === 'string') return;
    // At most 20 requests in flight (a slow machine must not pile up sockets either).
    for (; inFlight < 20; inFlight++) {
      request({ port: addr.port, host: '127.0.0.1' }, (r) => r.resume().on('end', () => inFlight--))
        .on('error', () => inFlight--)
        .end();
    }
  }, 100);
  return () => {
    stopped = true;
    clearTimeout(cc);
    clearInterval(client);
    server.close();
  };
}

const start = Date.now();
const mem = await leaker('memory', 1);
const fds = await leaker('fds', 2);
const saw = await leaker('sawtooth', 20);
const idle = await leaker('idle', 0);
const stop = benign();
const detector = new LeakDetector({ windowMs: windowS * 1000, minSpanMs: minSpanS * 1000 });
const protection = new Protection();
const firstSeen = new Map<string, { t: number; summary: string }>();
let touchedProtected = 0;
let samples = 0;
let sampleMs = 0;
while (Date.now() - start < seconds * 1000) {
  const t = performance.now();
  await detector.sampleAsync(Date.now());
  sampleMs += performance.now() - t;
  samples++;
  for (const f of detector.evaluate()) {
    const key = f.subject.kind === 'process' ? `pid ${f.subject.pid} (${f.subject.comm}) ${f.resource}` : `cgroup ${f.subject.cgroup} ${f.resource}`;
    if (!firstSeen.has(key)) {
      firstSeen.set(key, { t: (Date.now() - start) / 1000, summary: f.summary });
      console.log(`  [${((Date.now() - start) / 1000).toFixed(0)} s] first finding: ${f.summary}`); // kept if the run is cut short
    }
    const r = leakRemedy(f, protection, null);
    if (r.change !== undefined && f.subject.kind === 'process' && protection.process(f.subject.pid, f.subject.cgroup) !== undefined) touchedProtected++;
  }
  await new Promise((r) => setTimeout(r, intervalMs));
}
stop();
for (const c of children) c.kill('SIGKILL');
const ours = new Map([[mem, 'memory leak 1 MiB/s'], [fds, 'fd leak 2/s'], [saw, 'GC sawtooth (benign)'], [idle, 'idle (benign)']]);
console.log(`healing detection bench: ${seconds} s, sampling every ${intervalMs} ms (window ${windowS} s, min span ${minSpanS} s), ${samples} samples, ${(sampleMs / samples).toFixed(1)} ms per sample`);
for (const [pid, what] of ours) {
  const hits = [...firstSeen].filter(([k]) => k.startsWith(`pid ${pid} `));
  console.log(`  ${what.padEnd(24)} ${hits.length === 0 ? 'not reported' : hits.map(([k, v]) => `${k.split(') ')[1]} after ${v.t.toFixed(0)} s`).join(', ')}`);
}
const alarms = [...firstSeen].filter(([k]) => ![mem, fds].some((p) => k.startsWith(`pid ${p} `)));
console.log(`  false alarms (findings on anything but the two leaks): ${alarms.length} = ${((alarms.length * 3600) / seconds).toFixed(1)} per hour`);
for (const [k, v] of alarms) console.log(`    ${k} at ${v.t.toFixed(0)} s: ${v.summary}`);
console.log(`  changes proposed for protected processes: ${touchedProtected}`);
