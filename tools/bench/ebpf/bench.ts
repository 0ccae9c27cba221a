/**
 * eBPF benchmarks: ring buffer flood to JavaScript, overhead on a context-switch benchmark against
 * bpftrace, and daemon-side CPU per million events. Root only; prints one table.
 *
 *   npx tsx --tsconfig tsconfig.base.json tools/bench/ebpf/bench.ts [--rounds 15] [--loops 50000] [--flood-ms 1000]
 *     [--no-bpftrace] [--no-flood] [--no-overhead]
 *
 * - flood: tools/bench/ebpf/.output/flood.bpf.o turns each getppid(2) of a pinned generator into
 *   64 struct ainka_bpf_exit records (reserve/submit with BPF_RB_NO_WAKEUP, like the real
 *   programs); the addon drains on a 5 ms uv timer into one Buffer per drain and JS walks the
 *   envelopes. The generator is paced at rising rates; the result is the highest rate with 0 drops
 *   (on a busy machine the generator, not the consumer, is the limit). Then the consumer alone:
 *   the ring is filled with the timer idle and drained back to back (count only, and decoded).
 * - overhead: `taskset -c 1 perf bench sched pipe -l <loops>` ops/s with every AINKA object loaded
 *   and attached ÷ the same with nothing attached, in interleaved rounds (order rotated each
 *   round), median of the per-round ratios; the same for bpftrace running a run-queue latency
 *   histogram on sched_wakeup/sched_wakeup_new/sched_switch (needs tracefs: mounted for the run
 *   if it is not, and unmounted after).
 * - CPU: this process's user+sys CPU per million records delivered (counting only, and with full
 *   decoding into typed events).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BpfObject, bpfSystem, u32 } from '@ainka/native';
import { countRecords, decodeBatch, EbpfHost, type Concern } from '@ainka/ebpf';

const root = resolve(import.meta.dirname, '../../..');
const out = join(import.meta.dirname, '.output');
const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const ROUNDS = opt('rounds', 15);
const LOOPS = opt('loops', 50_000);
const FLOOD_MS = opt('flood-ms', 1000);
const WITH_BPFTRACE = !args.includes('--no-bpftrace');
const WITH_FLOOD = !args.includes('--no-flood');
const WITH_OVERHEAD = !args.includes('--no-overhead');
const PER_CALL = 64;

if (process.getuid?.() !== 0) {
  console.error('bench/ebpf: needs root (it loads eBPF programs)');
  process.exit(1);
}

// ---- build what we need ----
execFileSync('make', ['-s', '-C', join(root, 'ebpf'), 'bench'], { stdio: 'inherit' });
mkdirSync(out, { recursive: true });
const generator = join(out, 'getppid-loop');
execFileSync('gcc', ['-O2', '-Wall', '-o', generator, join(import.meta.dirname, 'getppid-loop.c')], { stdio: 'inherit' });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- flood ----
interface FloodResult {
  target: number;
  delivered: number;
  rate: number;
  drops: number;
  cpuMsPer1M: number;
}

async function flood(recordsPerSec: number, decode: boolean): Promise<FloodResult> {
  const child = spawn('taskset', ['-c', '0', generator, String(recordsPerSec / PER_CALL), String(FLOOD_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((r) => child.on('spawn', r));
  // taskset execs the generator in place, so the pid is the generator's
  const obj = BpfObject.open(join(out, 'flood.bpf.o'));
  let delivered = 0;
  let bad = 0;
  try {
    obj.setRodata('target_tgid', u32(child.pid!));
    obj.setRodata('per_call', u32(PER_CALL));
    obj.setMaxEntries('events', 64 << 20);
    obj.load();
    obj.attach('flood');
    const onBatch = (b: Buffer): void => {
      if (decode) {
        const d = decodeBatch(b);
        delivered += d.events.length;
        bad += d.errors;
      } else {
        const n = countRecords(b);
        if (n < 0) bad++;
        else delivered += n;
      }
    };
    const ring = obj.openRing('events', { intervalMs: 5, maxBytes: 8 << 20 }, onBatch);
    const done = new Promise<void>((r) => child.on('exit', () => r()));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    child.stdin!.write('go\n');
    await done;
    for (let b = ring.drain(); b; b = ring.drain()) onBatch(b);
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    ring.close();
    const dropsBuf = obj.lookup('drops', u32(0));
    let drops = 0;
    for (let off = 0; dropsBuf && off < dropsBuf.length; off += 8) drops += Number(dropsBuf.readBigUInt64LE(off));
    if (bad) throw new Error(`flood: ${bad} malformed batches`);
    return {
      target: recordsPerSec,
      delivered,
      rate: delivered / Math.max(elapsed, FLOOD_MS / 1000), // until the last record was delivered
      drops,
      cpuMsPer1M: (cpu.user + cpu.system) / 1000 / (delivered / 1e6),
    };
  } finally {
    obj.close();
    child.kill();
  }
}

/** Fills the ring with the consumer idle, then drains it back to back: the consumer's own capacity. */
async function drainCapacity(decode: boolean): Promise<{ records: number; rate: number; cpuMsPer1M: number }> {
  const child = spawn('taskset', ['-c', '0', generator, '0', '300'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((r) => child.on('spawn', r));
  const obj = BpfObject.open(join(out, 'flood.bpf.o'));
  try {
    obj.setRodata('target_tgid', u32(child.pid!));
    obj.setRodata('per_call', u32(PER_CALL));
    obj.setMaxEntries('events', 64 << 20);
    obj.load();
    obj.attach('flood');
    const ring = obj.openRing('events', { intervalMs: 10_000, maxBytes: 4 << 20 }, () => {});
    const done = new Promise<void>((r) => child.on('exit', () => r()));
    child.stdin!.write('go\n');
    await done;
    let records = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let b = ring.drain(); b; b = ring.drain()) records += decode ? decodeBatch(b).events.length : countRecords(b);
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    ring.close();
    return { records, rate: records / secs, cpuMsPer1M: (cpu.user + cpu.system) / 1000 / (records / 1e6) };
  } finally {
    obj.close();
    child.kill();
  }
}

// ---- overhead ----
interface PipeRun {
  /** ops/s reported by perf bench (wall clock). */
  opsPerSec: number;
  /** CPU time (task-clock) of the benchmark's processes per op, in ns: what the probes add, minus waiting for a CPU. */
  cpuNsPerOp: number;
}

async function perfPipe(): Promise<PipeRun> {
  return new Promise((resolveP, reject) => {
    const p = spawn('perf', ['stat', '-x,', '-e', 'task-clock', '--', 'taskset', '-c', '1', 'perf', 'bench', 'sched', 'pipe', '-l', String(LOOPS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.stderr.on('data', (d: Buffer) => (text += d.toString()));
    p.on('exit', () => {
      const ops = /([\d.]+)\s+ops\/sec/.exec(text);
      const clock = /^([\d.]+),msec,task-clock/m.exec(text);
      if (ops && clock) resolveP({ opsPerSec: Number(ops[1]), cpuNsPerOp: (Number(clock[1]) * 1e6) / LOOPS });
      else reject(new Error(`perf stat / perf bench sched pipe: unexpected output:\n${text}`));
    });
  });
}

const ALL: Concern[] = ['process', 'sched', 'block', 'net', 'syscall'];

/** The AINKA sets compared: sched alone (bpftrace's job), the default without syscall hooks, everything. */
const SETS = {
  sched: { concerns: ['sched'] as Concern[], watch: false },
  default: { concerns: ['process', 'sched', 'block', 'net'] as Concern[], watch: false },
  all: { concerns: ALL, watch: true },
} as const;
type SetName = keyof typeof SETS;

async function withAinka<T>(set: SetName, fn: () => Promise<T>): Promise<T> {
  const host = new EbpfHost({ watchPaths: SETS[set].watch ? ['/etc/shadow'] : [] });
  for (const c of SETS[set].concerns) host.acquire(c);
  try {
    return await fn();
  } finally {
    host.closeAll();
  }
}

const BPFTRACE_RUNQ = `
tracepoint:sched:sched_wakeup, tracepoint:sched:sched_wakeup_new { @qtime[args->pid] = nsecs; }
tracepoint:sched:sched_switch {
  if (args->prev_state == 0) { @qtime[args->prev_pid] = nsecs; }
  $ns = @qtime[args->next_pid];
  if ($ns) { @usecs = hist((nsecs - $ns) / 1000); }
  delete(@qtime[args->next_pid]);
}`;

async function withBpftrace<T>(fn: () => Promise<T>): Promise<T> {
  const bt = spawn('bpftrace', ['-e', BPFTRACE_RUNQ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const attached = new Promise<void>((r, reject) => {
    const on = (d: Buffer): void => {
      text += d.toString();
      if (text.includes('Attaching')) r();
    };
    bt.stdout.on('data', on);
    bt.stderr.on('data', on);
    bt.on('exit', () => reject(new Error(`bpftrace exited: ${text}`)));
  });
  try {
    await attached;
    await sleep(200); // "Attaching" is printed just before the links are made
    return await fn();
  } finally {
    bt.kill('SIGINT');
    await new Promise((r) => bt.on('exit', r));
  }
}

function tracefsMounted(): boolean {
  return readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[2] === 'tracefs');
}

// ---- run ----
const table: [string, string, string][] = [];
const f = (x: number, d = 2): string => x.toFixed(d);
const t0 = performance.now();

let best: FloodResult | undefined;
const floods: FloodResult[] = [];
if (WITH_FLOOD) console.error('flood: pacing the generator at rising rates…');
for (const rate of WITH_FLOOD ? [1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 8e6, 10e6] : []) {
  const r = await flood(rate, false);
  floods.push(r);
  console.error(`  target ${(rate / 1e6).toFixed(0)}M/s → ${(r.rate / 1e6).toFixed(2)}M/s delivered, ${r.drops} drops, ${r.cpuMsPer1M.toFixed(1)} ms CPU/1M`);
  if (r.drops > 0) break;
  if (!best || r.rate > best.rate) best = r;
}
const decoded = WITH_FLOOD ? await flood(1e6, true) : undefined;
if (decoded) console.error(`  decode at 1M/s → ${(decoded.rate / 1e6).toFixed(2)}M/s, ${decoded.drops} drops, ${decoded.cpuMsPer1M.toFixed(1)} ms CPU/1M`);
// best of 3: on a shared machine a drain can be descheduled; capacity is what it does when it runs
const bestOf = async (decode: boolean): Promise<Awaited<ReturnType<typeof drainCapacity>>> => {
  const runs = [await drainCapacity(decode), await drainCapacity(decode), await drainCapacity(decode)];
  return runs.sort((a, b) => b.rate - a.rate)[0]!;
};
const capCount = WITH_FLOOD ? await bestOf(false) : undefined;
const capDecode = WITH_FLOOD ? await bestOf(true) : undefined;
if (capCount && capDecode) {
  console.error(`  consumer alone: ${(capCount.rate / 1e6).toFixed(2)}M/s counted, ${(capDecode.rate / 1e6).toFixed(2)}M/s decoded (${capCount.records} / ${capDecode.records} records)`);
}

// ---- in-kernel cost per event (BPF_ENABLE_STATS), insensitive to the machine's load ----
interface ProgCost {
  name: string;
  nsPerRun: number;
  runs: number;
}
const ainkaCost: ProgCost[] = [];
const btCost: ProgCost[] = [];

async function measureAinkaCost(): Promise<void> {
  const stop = bpfSystem.enableStats();
  const host = new EbpfHost({ watchPaths: ['/etc/shadow'] });
  try {
    for (const c of ALL) host.acquire(c);
    await perfPipe();
    for (const c of ALL) {
      const obj = host.object(c)!;
      for (const program of Object.values(host.stats()[c]!.chosen)) {
        const st = obj.programStats(program);
        if (st.runCount > 0) ainkaCost.push({ name: `${c}/${program}`, nsPerRun: st.runTimeNs / st.runCount, runs: st.runCount });
      }
    }
  } finally {
    host.closeAll();
    stop();
  }
}

interface ProgShow {
  id: number;
  type: string;
  name?: string;
  run_time_ns?: number;
  run_cnt?: number;
}
const progShow = (): ProgShow[] => JSON.parse(execFileSync('bpftool', ['prog', 'show', '--json'], { encoding: 'utf8' })) as ProgShow[];

async function measureBpftraceCost(): Promise<void> {
  const stop = bpfSystem.enableStats();
  try {
    // bpftool here cannot name the owning pids: take the tracepoint programs that appear with bpftrace
    const before = Math.max(0, ...progShow().map((p) => p.id));
    await withBpftrace(async () => {
      await perfPipe();
      for (const p of progShow()) {
        if (p.id <= before || p.type !== 'tracepoint' || !p.run_cnt || !/sched_(switch|wakeup)/.test(p.name ?? '')) continue;
        btCost.push({ name: `bpftrace/${p.name}`, nsPerRun: (p.run_time_ns ?? 0) / p.run_cnt, runs: p.run_cnt });
      }
    });
  } finally {
    stop();
  }
}

let mountedHere = false;
if (WITH_OVERHEAD && WITH_BPFTRACE && !tracefsMounted()) {
  execFileSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);
  mountedHere = true;
}
if (WITH_OVERHEAD) {
  console.error('in-kernel cost per program run (BPF_ENABLE_STATS) during one perf bench sched pipe…');
  await measureAinkaCost();
  if (WITH_BPFTRACE) await measureBpftraceCost();
}
type Config = 'base' | SetName | 'bpftrace';
const configs: Config[] = WITH_BPFTRACE ? ['base', 'sched', 'default', 'all', 'bpftrace'] : ['base', 'sched', 'default', 'all'];
const ratios = new Map<Config, number[]>(configs.map((c) => [c, []]));
const cpuRatios = new Map<Config, number[]>(configs.map((c) => [c, []]));
const base: number[] = [];
const baseCpu: number[] = [];
try {
  if (WITH_OVERHEAD) console.error(`overhead: ${ROUNDS} interleaved rounds of perf bench sched pipe -l ${LOOPS} on CPU 1 (${configs.join(', ')})…`);
  for (let round = 0; WITH_OVERHEAD && round < ROUNDS; round++) {
    const order = configs.map((_, i) => configs[(i + round) % configs.length]!);
    const r = new Map<Config, PipeRun>();
    for (const c of order) {
      if (c === 'base') r.set(c, await perfPipe());
      else if (c === 'bpftrace') r.set(c, await withBpftrace(perfPipe));
      else r.set(c, await withAinka(c, perfPipe));
    }
    const b = r.get('base')!;
    base.push(b.opsPerSec);
    baseCpu.push(b.cpuNsPerOp);
    const parts: string[] = [];
    for (const c of configs) {
      if (c === 'base') continue;
      const x = r.get(c)!;
      ratios.get(c)!.push(x.opsPerSec / b.opsPerSec);
      cpuRatios.get(c)!.push(b.cpuNsPerOp / x.cpuNsPerOp);
      parts.push(`${c} ×${(x.opsPerSec / b.opsPerSec).toFixed(3)} (CPU ×${(b.cpuNsPerOp / x.cpuNsPerOp).toFixed(3)})`);
    }
    console.error(`  round ${round + 1}: base ${b.opsPerSec.toFixed(0)} ops/s, ${b.cpuNsPerOp.toFixed(0)} CPU ns/op; ${parts.join(', ')}`);
  }
} finally {
  if (mountedHere) execFileSync('umount', ['/sys/kernel/tracing']);
}

if (WITH_FLOOD) {
  const lastFlood = floods.at(-1)!;
  table.push(['flood: records/s to JS with 0 drops', best ? `${f(best.rate / 1e6)} M/s` : 'none', 'target ≥ 3 M/s; 64-byte records, 64 MiB ring, one Buffer per 5 ms drain']);
  table.push(['flood: first paced rate with drops', lastFlood.drops > 0 ? `${f(lastFlood.target / 1e6, 0)} M/s (${lastFlood.drops} drops)` : 'none up to 10 M/s', 'drops counted in the kernel (reserve failed)']);
  table.push(['consumer alone: drain + envelope walk', `${f(capCount!.rate / 1e6)} M/s`, `best of 3 back-to-back drains of a full ring (${capCount!.records} records)`]);
  table.push(['consumer alone: drain + decode', `${f(capDecode!.rate / 1e6)} M/s`, `decodeBatch() into typed events, best of 3 (${capDecode!.records} records)`]);
  table.push(['daemon CPU per 1M events (count only)', best ? `${f(best.cpuMsPer1M, 1)} ms` : '-', `user+sys of the consuming process while paced at ${best ? f(best.target / 1e6, 0) : '-'} M/s (timer drains included)`]);
  table.push(['daemon CPU per 1M events (drain only)', `${f(capCount!.cpuMsPer1M, 1)} ms`, 'back-to-back drains of a full ring']);
  table.push(['daemon CPU per 1M events (decoded)', `${f(capDecode!.cpuMsPer1M, 1)} ms`, 'back-to-back drains, every record decoded']);
}
const label: Record<Exclude<Config, 'base'>, string> = {
  sched: 'AINKA sched only',
  default: 'AINKA default (process, sched, block, net)',
  all: 'AINKA all five + watch list',
  bpftrace: 'bpftrace runqlat',
};
if (WITH_OVERHEAD) {
  table.push(['sched pipe baseline (median)', `${f(median(base), 0)} ops/s`, `taskset -c 1 perf bench sched pipe -l ${LOOPS}`]);
  table.push(['sched pipe CPU per op, baseline (median)', `${f(median(baseCpu), 0)} ns`, 'task-clock of perf bench ÷ loops (perf stat)']);
  for (const c of configs) {
    if (c === 'base') continue;
    const xs = ratios.get(c)!;
    const cs = cpuRatios.get(c)!;
    table.push([`ops/s ratio, ${label[c]}`, f(median(xs), 3), `median of ${ROUNDS} (min ${f(Math.min(...xs), 3)}, max ${f(Math.max(...xs), 3)})${c === 'all' ? '; target ≥ 0.90' : ''}`]);
    table.push([`CPU-time ratio, ${label[c]}`, f(median(cs), 3), `baseline CPU/op ÷ CPU/op, median (min ${f(Math.min(...cs), 3)}, max ${f(Math.max(...cs), 3)})`]);
  }
  if (WITH_BPFTRACE) {
    const cost = (m: Map<Config, number[]>, c: Config): number => 1 - median(m.get(c)!);
    const bt = cost(ratios, 'bpftrace');
    const btCpu = cost(cpuRatios, 'bpftrace');
    table.push([
      'AINKA sched cost ÷ bpftrace cost',
      `${bt > 0 && cost(ratios, 'sched') >= 0 ? f(cost(ratios, 'sched') / bt, 2) : 'n/a (noise)'} ops/s, ${btCpu > 0 ? f(cost(cpuRatios, 'sched') / btCpu, 2) : '-'} CPU`,
      '(1 − ratio) each, same tracepoints; target well under 0.5',
    ]);
  }
}
for (const c of [...ainkaCost.filter((x) => x.runs >= 1000), ...btCost]) {
  table.push([`in-kernel ns/run ${c.name}`, f(c.nsPerRun, 0), `${c.runs} runs during one sched pipe`]);
}
const switchA = ainkaCost.find((c) => c.name.includes('switch__'));
const switchB = btCost.find((c) => c.name.includes('sched_switch'));
const wakeA = ainkaCost.find((c) => c.name.includes('/wakeup__'));
const wakeB = btCost.find((c) => /sched_wakeup$/.test(c.name));
if (switchA && switchB) table.push(['sched_switch ns/run AINKA ÷ bpftrace', f(switchA.nsPerRun / switchB.nsPerRun, 2), 'per event; AINKA also counts switches per CPU and CPU time per cgroup']);
if (wakeA && wakeB) table.push(['sched_wakeup ns/run AINKA ÷ bpftrace', f(wakeA.nsPerRun / wakeB.nsPerRun, 2), 'per event']);
const perOp = (cs: ProgCost[]): number => cs.reduce((a, c) => a + c.nsPerRun * c.runs, 0) / LOOPS;
if (ainkaCost.length) {
  const all = perOp(ainkaCost);
  const sched = perOp(ainkaCost.filter((c) => c.name.startsWith('sched/')));
  table.push(['in-kernel ns per sched-pipe op, AINKA all', f(all, 0), 'Σ run time of every AINKA program ÷ loops (stats add ~30-40 ns per run to both sides)']);
  table.push(['in-kernel ns per sched-pipe op, AINKA sched', f(sched, 0), 'the run-queue/switch/cgroup programs only']);
  if (btCost.length) {
    const bt = perOp(btCost);
    table.push(['in-kernel ns per sched-pipe op, bpftrace', f(bt, 0), 'runqlat on the same tracepoints']);
    table.push(['in-kernel per op: AINKA sched ÷ bpftrace', f(sched / bt, 2), 'load-independent form of the sched cost comparison; target well under 0.5']);
    table.push(['in-kernel per op: AINKA all ÷ bpftrace', f(all / bt, 2), 'all five objects, syscall counting and the open watch included']);
  }
}
const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
table.push(['machine load average at the end', loadavg, `${cpus().length} CPUs: ratios are within-round, absolute numbers depend on it`]);

const w0 = Math.max(...table.map((r) => r[0].length));
const w1 = Math.max(...table.map((r) => r[1].length));
console.log(`\n${'metric'.padEnd(w0)} | ${'value'.padEnd(w1)} | notes`);
console.log(`${'-'.repeat(w0)}-|-${'-'.repeat(w1)}-|------`);
for (const [a, b, c] of table) console.log(`${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c}`);
console.log(`\nkernel ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}, ${(performance.now() - t0) / 1000 | 0} s; reproduce: npx tsx --tsconfig tsconfig.base.json tools/bench/ebpf/bench.ts --rounds ${ROUNDS} --loops ${LOOPS}`);
