/**
 * Records a host-fault corpus: ainkad's own collectors (`@ainka/telemetry` default sources) at 1 s,
 * with faults injected on a fixed schedule by real tools (stress-ng, fio, dd, iperf3, ip), run in the
 * QEMU guest:
 *
 *   node tools/testbed/testbed.mjs run --timeout 3000 -- \
 *     node_modules/.bin/tsx tools/bench/ml/hostfault/record.ts /tmp/hostfault-raw.jsonl
 *
 * Output: one JSON line per tick `{"t":ms,"s":{"<series key>":value,...}}`, then one line per fault
 * `{"fault":name,"start":ms,"end":ms}` as it ends. `label.ts` turns that into NAB's layout.
 * Schedule: `--idle S` with no load at all (default 0), `--baseline S` under the benign load only
 * (default 360), then each fault for `--fault S` (default 60) followed
 * by `--gap S` of recovery (default 180); a light benign load (iperf3 at 2 Mbit/s on lo, a periodic
 * small job) runs throughout so the faults are not the only thing moving.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { createDefaultSources, MetricsCollector, seriesKey } from '../../../../packages/telemetry/src/index.js';

const args = process.argv.slice(2);
const num = (flag: string, d: number): number => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const out = args.find((a, i) => !a.startsWith('--') && (i === 0 || !(args[i - 1] as string).startsWith('--'))) ?? '/tmp/hostfault-raw.jsonl';
const idleS = num('--idle', 0);
const baselineS = num('--baseline', 360);
const faultS = num('--fault', 60);
const gapS = num('--gap', 180);
// `--only none` records the idle and benign phases only.
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] as string).split(',') : undefined;

const EXCLUDE = [/_total$/, /^process\./, /\.info$/];
const file = createWriteStream(out);
const children = new Set<ChildProcess>();

function sh(cmd: string): ChildProcess {
  const c = spawn('/bin/sh', ['-c', cmd], { stdio: 'ignore', detached: true });
  children.add(c);
  c.on('exit', () => children.delete(c));
  return c;
}
function kill(c: ChildProcess): void {
  try {
    if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
const sleep = (s: number): Promise<void> => new Promise((r) => setTimeout(r, s * 1000));

interface Fault {
  readonly name: string;
  /** Starts the fault; returns what stops it. */
  start(): () => void;
}

const FAULTS: Fault[] = [
  { name: 'cpu_hog', start: () => { const c = sh('stress-ng --cpu 1 --cpu-method matrixprod --quiet'); return () => kill(c); } },
  {
    name: 'memory_leak',
    start: () => {
      // A process that grows by 6 MiB/s and holds what it allocated (a leak, not a step).
      const c = sh(`node -e "const a=[];setInterval(()=>{const b=Buffer.alloc(6<<20,1);a.push(b)},1000)"`);
      return () => kill(c);
    },
  },
  { name: 'fork_storm', start: () => { const c = sh('stress-ng --fork 2 --quiet'); return () => kill(c); } },
  {
    name: 'disk_fill',
    // No block device in the guest: the root and /tmp are RAM-backed, so a fill shows as shmem/memory.
    start: () => { const c = sh('while true; do dd if=/dev/zero bs=1M count=8 2>/dev/null >>/tmp/fill; sleep 1; done'); return () => { kill(c); rmSync('/tmp/fill', { force: true }); }; },
  },
  {
    name: 'io_storm',
    start: () => { const c = sh('fio --name=storm --directory=/tmp --size=128m --rw=randrw --bs=4k --numjobs=2 --time_based --runtime=3600 --ioengine=psync --output=/dev/null'); return () => { kill(c); rmSync('/tmp/storm.0.0', { force: true }); rmSync('/tmp/storm.1.0', { force: true }); }; },
  },
  {
    name: 'network_loss',
    // The benign iperf3 flow on lo loses its path: 100 % loss if netem exists, else the link goes down.
    start: () => { const c = sh('tc qdisc add dev lo root netem loss 100% 2>/dev/null || ip link set lo down'); c.on('exit', () => undefined); return () => { sh('tc qdisc del dev lo root 2>/dev/null; ip link set lo up'); }; },
  },
];

async function main(): Promise<void> {
  const collector = new MetricsCollector({ sources: createDefaultSources({ processes: false }), intervalMs: 1000 });
  let ticks = 0;
  collector.batches$.subscribe((b) => {
    const s: Record<string, number> = {};
    for (const x of b.samples) {
      if (EXCLUDE.some((r) => r.test(x.name)) || !Number.isFinite(x.value)) continue;
      s[seriesKey(x)] = x.value;
    }
    file.write(JSON.stringify({ t: b.timestamp, s }) + '\n');
    ticks++;
  });
  collector.start();
  if (idleS > 0) {
    file.write(JSON.stringify({ phase: 'idle', start: Date.now() }) + '\n');
    await sleep(idleS);
  }
  file.write(JSON.stringify({ phase: 'busy', start: Date.now() }) + '\n');
  // Benign background: a rate-limited iperf3 flow on lo and a small periodic job.
  sh('iperf3 -s >/dev/null 2>&1 & sleep 1; while true; do iperf3 -c 127.0.0.1 -b 2M -t 3600 >/dev/null 2>&1; sleep 2; done');
  sh('while true; do sleep 20; find /usr/lib -maxdepth 2 >/dev/null 2>&1; done');
  await sleep(baselineS);
  for (const f of FAULTS) {
    if (only !== undefined && !only.includes(f.name)) continue;
    const start = Date.now();
    process.stderr.write(`record: ${f.name} at tick ${ticks}\n`);
    const stop = f.start();
    await sleep(faultS);
    stop();
    const end = Date.now();
    file.write(JSON.stringify({ fault: f.name, start, end }) + '\n');
    await sleep(gapS);
  }
  collector.stop();
  for (const c of children) kill(c);
  await new Promise<void>((r) => file.end(r));
  process.stderr.write(`record: ${ticks} ticks written to ${out}\n`);
  process.exit(0);
}

void main();
