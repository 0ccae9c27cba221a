/**
 * The eBPF streams on Debian's 6.1 kernel, in the QEMU guest (tools/testbed). 6.1 has kprobes and
 * the BPF trampoline (the CI host's 6.18 refuses both), `oom:mark_victim` passes only the pid, and
 * its BTF differs from the build machine's: every object must still load through CO-RE and pick
 * the variant that works here, and every fallback variant is forced once to prove it loads too.
 * The variants chosen (the attach matrix in the README) are printed at the end.
 *
 * Kept small for TCG emulation (~10 s of tests): one child per check, 500-round ping-pongs, a
 * 64 MiB OOM hog.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadWithFallbacks, u32 } from '@ainka/native';
import { BPF_PATH_LEN } from '@ainka/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EbpfStreams, type ContextSwitches, type Sampled } from '../src/ebpfStreams.js';
import { decodeBatch, type BpfEvent, type ExecEvent, type ExitEvent, type FileOpenEvent, type OomKillEvent, type TcpEvent } from '../src/events.js';
import { defaultBpfDir, loadManifest } from '../src/manifest.js';
import { probeEbpf, type EbpfProbe } from '../src/probe.js';
import { skipReason, waitFor } from './kernel.js';

const inGuest = process.env.AINKA_TEST_TARGET === 'guest';
const guestSkip = inGuest ? skipReason : 'not in the QEMU guest (AINKA_TEST_TARGET=guest)';

function isMounted(path: string): boolean {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === path);
}

/** Mounts `fstype` at `path` unless something is mounted there; returns what it did. */
function ensureMount(fstype: string, path: string): string | undefined {
  if (isMounted(path)) return undefined;
  mkdirSync(path, { recursive: true });
  execFileSync('mount', ['-t', fstype, fstype, path]);
  return `${fstype} at ${path}`;
}

/** The pid of a spawned child (resolves on spawn). */
function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('spawn', () => resolve(child.pid!));
  });
}

/** /usr/bin/<name> (the host's binaries over 9p) or the guest's busybox applet. */
function bin(name: string): string {
  return existsSync(`/usr/bin/${name}`) ? `/usr/bin/${name}` : `/bin/${name}`;
}

/** Two threads handing a token back and forth `rounds` times through futex waits. */
async function pingPong(rounds: number): Promise<void> {
  const sab = new SharedArrayBuffer(4);
  const src = `
    const { workerData } = require('node:worker_threads');
    const a = new Int32Array(workerData.sab);
    const me = workerData.me;
    for (let i = 0; i < workerData.rounds; i++) {
      while (Atomics.load(a, 0) !== me) Atomics.wait(a, 0, 1 - me);
      Atomics.store(a, 0, 1 - me);
      Atomics.notify(a, 0);
    }`;
  const one = (me: number) =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(src, { eval: true, workerData: { sab, me, rounds } });
      w.on('exit', () => resolve());
      w.on('error', reject);
    });
  await Promise.all([one(0), one(1)]);
}

describe.skipIf(guestSkip)('eBPF streams on the guest kernel (Debian 6.1 and 6.12)', () => {
  const dir = mkdtempSync('/tmp/ainka-ebpf-guest-');
  const watched = join(dir, 'watched.txt');
  writeFileSync(watched, 'x');
  // allTcpStates: the TCP tests follow every state (the cheap default reports connects and closes only).
  const ebpf = new EbpfStreams({ watchPaths: [watched], drainIntervalMs: 5, pollIntervalMs: 100, allTcpStates: true });
  let probe: EbpfProbe;
  const mounted: string[] = [];
  /** concern → variant rank → slot → program that loaded and attached when the better ones were excluded */
  const fallbacks: Record<string, Record<string, string>[]> = {};

  beforeAll(() => {
    // the testbed's /init mounts debugfs and tracefs but not bpffs or cgroup2; none of the
    // programs needs them (no pinning, no tracefs attach), but mount them like a real system has
    for (const [fs, path] of [
      ['bpf', '/sys/fs/bpf'],
      ['tracefs', '/sys/kernel/tracing'],
      ['debugfs', '/sys/kernel/debug'],
      ['cgroup2', '/sys/fs/cgroup'],
    ] as const) {
      try {
        const did = ensureMount(fs, path);
        if (did) mounted.push(did);
      } catch (err) {
        console.warn(`[ebpf guest] could not mount ${fs} at ${path}: ${(err as Error).message}`);
      }
    }
    console.log(`[ebpf guest] mounted in beforeAll: ${mounted.join(', ') || 'nothing (init had everything)'}`);
  });

  afterAll(() => {
    ebpf.host.closeAll();
    rmSync(dir, { recursive: true, force: true });
    const matrix = { kernel: probe?.kernel, probe: probe?.concerns, streams: ebpf.host.stats(), fallbacks };
    console.log(`[ebpf guest] attach matrix: ${JSON.stringify(matrix, null, 1)}`);
  });

  it('probeEbpf reports BPF available and every concern loading on the guest kernel', () => {
    probe = probeEbpf();
    console.log(
      `[ebpf guest] kernel ${probe.kernel}, libbpf ${probe.libbpf}; chosen: ${JSON.stringify(Object.fromEntries(Object.entries(probe.concerns).map(([k, c]) => [k, c?.chosen])))}`,
    );
    for (const [k, c] of Object.entries(probe.concerns)) {
      for (const f of c?.failures ?? []) console.log(`[ebpf guest] ${k}: ${f.program} failed: ${JSON.stringify(f)}`);
      if (!c?.available) console.log(`[ebpf guest] ${k} unavailable: ${c?.reason}`);
    }
    expect(probe).toMatchObject({ available: true, root: true, btf: true, ringbuf: true });
    // the testbed boots Debian's 6.1 and 6.12 kernels: the probe must name the one running
    expect(probe.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(probe.kernel).toMatch(/^6\.(1|12)\./);
    for (const concern of ['process', 'sched', 'net', 'block', 'syscall', 'security'] as const) {
      expect(probe.concerns[concern], `${concern}: ${probe.concerns[concern]?.reason}`).toMatchObject({ available: true, missing: [] });
    }
    expect(probe.reasons).toEqual([]);
  });

  it('reports a spawned child as exec and exit with the right ppid and comm', async () => {
    const seen: (ExecEvent | ExitEvent)[] = [];
    const sub = ebpf.processEvents$.subscribe((e) => seen.push(e));
    try {
      const sleep = bin('sleep');
      const pid = await run(sleep, ['0.01']);
      expect(await waitFor(() => seen.some((e) => e.kind === 'exit' && e.pid === pid), 20_000)).toBe(true);
      const exec = seen.find((e): e is ExecEvent => e.kind === 'exec' && e.pid === pid);
      const exit = seen.find((e): e is ExitEvent => e.kind === 'exit' && e.pid === pid);
      expect(exec).toMatchObject({ ppid: process.pid, comm: 'sleep', filename: sleep, uid: 0 });
      expect(exit).toMatchObject({ ppid: process.pid, comm: 'sleep', exitCode: 0 });
      expect(exit!.durationNs).toBeGreaterThan(0n);
      expect(ebpf.host.stats().process).toMatchObject({ loaded: true, decodeErrors: 0, kernelDrops: 0 });
    } finally {
      sub.unsubscribe();
    }
  });

  it('reports opens of a watched file through the kprobe or fentry variant', async () => {
    const seen: FileOpenEvent[] = [];
    const sub = ebpf.fileOpens$.subscribe((e) => seen.push(e));
    try {
      const chosen = ebpf.host.stats().process?.chosen.open;
      console.log(`[ebpf guest] open watch variant: ${chosen}; failed before it: ${JSON.stringify(ebpf.host.stats().process?.failures)}`);
      expect(chosen).toMatch(/^open__(fentry|kprobe)$/);
      const other = join(dir, 'other.txt');
      writeFileSync(other, 'y');
      const cat = bin('cat');
      const otherPid = await run(cat, [other]);
      const pid = await run(cat, [watched]);
      expect(await waitFor(() => seen.some((e) => e.pid === pid), 20_000)).toBe(true);
      expect(seen.find((e) => e.pid === pid)).toMatchObject({ filename: watched, comm: 'cat', watchId: 0 });
      expect(seen.every((e) => e.filename === watched && e.pid !== otherPid)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
  });

  it('reports a loopback TCP connect and close with the right ports and states', async () => {
    const seen: TcpEvent[] = [];
    const sub = ebpf.tcpEvents$.subscribe((e) => seen.push(e));
    const server: Server = createServer((s) => s.on('data', () => s.end()).on('error', () => {}));
    try {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const client: Socket = connect(port, '127.0.0.1');
      await new Promise<void>((r) => client.on('connect', r));
      const localPort = client.localPort!;
      client.write('bye');
      await new Promise<void>((r) => client.on('close', () => r()));
      // the local port is bound after CLOSE → SYN_SENT fires, so that record has sport 0
      const mine = (e: TcpEvent): boolean => e.kind === 'tcpState' && e.dport === port && (e.sport === localPort || (e.sport === 0 && e.newState === 'SYN_SENT'));
      expect(await waitFor(() => seen.some((e) => mine(e) && e.newState === 'CLOSE'), 20_000)).toBe(true);
      expect(seen.filter(mine).map((e) => `${e.oldState}>${e.newState}`)).toEqual([
        'CLOSE>SYN_SENT',
        'SYN_SENT>ESTABLISHED',
        'ESTABLISHED>CLOSE_WAIT',
        'CLOSE_WAIT>LAST_ACK',
        'LAST_ACK>CLOSE',
      ]);
      const est = seen.find((e) => mine(e) && e.newState === 'ESTABLISHED')!;
      expect(est).toMatchObject({ ipVersion: 4, saddr: '127.0.0.1', daddr: '127.0.0.1', pid: process.pid, sport: localPort });
      expect(est.connectLatencyNs).toBeGreaterThan(0n);
      expect(seen.some((e) => e.kind === 'tcpState' && e.sport === port && e.dport === localPort && e.newState === 'ESTABLISHED')).toBe(true);
    } finally {
      sub.unsubscribe();
      server.close();
    }
  });

  it('counts the context switches of a thread ping-pong', async () => {
    const own = new EbpfStreams({ pollIntervalMs: 100, ignoreSelf: false });
    let sw: Sampled<ContextSwitches> | undefined;
    const sub = own.contextSwitches$.subscribe((s) => (sw = s));
    try {
      expect(await waitFor(() => sw !== undefined, 20_000)).toBe(true);
      const before = sw!.total.total;
      const ROUNDS = 500;
      await pingPong(ROUNDS);
      expect(await waitFor(() => sw!.total.total - before >= 2 * ROUNDS, 20_000)).toBe(true);
      expect(sw!.total.perCpu.length).toBeGreaterThanOrEqual(1);
    } finally {
      sub.unsubscribe();
      own.host.closeAll();
    }
  });

  it('every fallback variant of every slot also loads and attaches here', () => {
    const dir = defaultBpfDir();
    for (const m of loadManifest(dir).objects) {
      const ranks = Math.max(...m.slots.map((s) => s.variants.length));
      fallbacks[m.concern] = [];
      for (let rank = 1; rank < ranks; rank++) {
        // exclude the variants better than `rank` in every slot that has one at that rank
        const exclude = m.slots.flatMap((s) => (s.variants.length > rank ? s.variants.slice(0, rank).map((v) => v.program) : []));
        const loaded = loadWithFallbacks({
          path: join(dir, m.file),
          slots: m.slots,
          run: m.run.map((r) => r.program),
          exclude,
          configure: (obj) => {
            if (m.rodata.includes('ignore_tgid')) obj.setRodata('ignore_tgid', u32(process.pid));
          },
        });
        loaded.object.close();
        fallbacks[m.concern]!.push(loaded.chosen);
        expect(loaded.failures, `${m.concern} rank ${rank}: ${JSON.stringify(loaded.failures)}`).toEqual([]);
        for (const s of m.slots) if (s.variants.length > rank) expect(loaded.chosen[s.name]).toBe(s.variants[rank]!.program);
      }
    }
    console.log(`[ebpf guest] fallback variants that load and attach: ${JSON.stringify(fallbacks)}`);
  });

  it('the kprobe open watch and the raw_tp exec/exit fallbacks deliver records', async () => {
    const dir = defaultBpfDir();
    const m = loadManifest(dir).objects.find((o) => o.concern === 'process')!;
    const loaded = loadWithFallbacks({
      path: join(dir, m.file),
      slots: m.slots,
      exclude: ['open__fentry', 'exec__btf', 'exit__btf', 'oom__btf'],
      configure: (obj) => {
        obj.setRodata('ignore_tgid', u32(process.pid));
        obj.setRodata('watch_enabled', Buffer.from([1]));
      },
    });
    const seen: BpfEvent[] = [];
    const ring = loaded.object.openRing(m.ringBuffer!, { intervalMs: 5 }, (batch) => seen.push(...decodeBatch(batch).events));
    try {
      expect(loaded.chosen).toMatchObject({ open: 'open__kprobe', exec: 'exec__raw', exit: 'exit__raw', oom: 'oom__raw' });
      const key = Buffer.alloc(BPF_PATH_LEN);
      key.write(watched, 'utf8');
      loaded.object.update('watch_paths', key, u32(7));
      const cat = bin('cat');
      const pid = await run(cat, [watched]);
      expect(await waitFor(() => seen.some((e) => e.kind === 'exit' && e.pid === pid), 20_000)).toBe(true);
      expect(seen.find((e) => e.kind === 'exec' && e.pid === pid)).toMatchObject({ ppid: process.pid, comm: 'cat', filename: cat });
      expect(seen.find((e) => e.kind === 'fileOpen' && e.pid === pid)).toMatchObject({ filename: watched, comm: 'cat', watchId: 7 });
      expect(seen.find((e) => e.kind === 'exit' && e.pid === pid)).toMatchObject({ comm: 'cat', exitCode: 0 });
    } finally {
      ring.close();
      loaded.object.close();
    }
  });

  it('the raw_tp sched fallbacks count the context switches of a thread ping-pong', async () => {
    const dir = defaultBpfDir();
    const m = loadManifest(dir).objects.find((o) => o.concern === 'sched')!;
    const loaded = loadWithFallbacks({
      path: join(dir, m.file),
      slots: m.slots,
      exclude: m.slots.map((s) => s.variants[0]!.program),
    });
    // struct cpu_state { u64 switches, since_ns, cgid, pending_ns } per CPU
    const switches = (): bigint => {
      const v = loaded.object.lookup('cpu_state', u32(0))!;
      let total = 0n;
      for (let off = 0; off + 32 <= v.length; off += 32) total += v.readBigUInt64LE(off);
      return total;
    };
    try {
      expect(loaded.chosen).toEqual({ wakeup: 'wakeup__raw', wakeup_new: 'wakeup_new__raw', switch: 'switch__raw' });
      const before = switches();
      await pingPong(500);
      expect(switches() - before).toBeGreaterThanOrEqual(1000n);
    } finally {
      loaded.object.close();
    }
  });

  it('the raw_tp net fallbacks report a loopback connect and close', async () => {
    const dir = defaultBpfDir();
    const m = loadManifest(dir).objects.find((o) => o.concern === 'net')!;
    const loaded = loadWithFallbacks({
      path: join(dir, m.file),
      slots: m.slots,
      exclude: m.slots.map((s) => s.variants[0]!.program),
      configure: (obj) => obj.setRodata('all_states', Buffer.from([1])),
    });
    const seen: TcpEvent[] = [];
    const ring = loaded.object.openRing(m.ringBuffer!, { intervalMs: 5 }, (batch) => {
      for (const e of decodeBatch(batch).events) if (e.kind === 'tcpState' || e.kind === 'tcpRetransmit') seen.push(e);
    });
    const server: Server = createServer((sock) => sock.on('data', () => sock.end()).on('error', () => {}));
    try {
      expect(loaded.chosen).toEqual({ state: 'state__raw', retransmit: 'retransmit__raw' });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const client: Socket = connect(port, '127.0.0.1');
      await new Promise<void>((r) => client.on('connect', r));
      const localPort = client.localPort!;
      client.write('bye');
      await new Promise<void>((r) => client.on('close', () => r()));
      const mine = (e: TcpEvent): boolean => e.kind === 'tcpState' && e.dport === port && (e.sport === localPort || (e.sport === 0 && e.newState === 'SYN_SENT'));
      expect(await waitFor(() => seen.some((e) => mine(e) && e.newState === 'CLOSE'), 20_000)).toBe(true);
      expect(seen.filter(mine).map((e) => `${e.oldState}>${e.newState}`)).toEqual([
        'CLOSE>SYN_SENT',
        'SYN_SENT>ESTABLISHED',
        'ESTABLISHED>CLOSE_WAIT',
        'CLOSE_WAIT>LAST_ACK',
        'LAST_ACK>CLOSE',
      ]);
      expect(seen.find((e) => mine(e) && e.newState === 'ESTABLISHED')).toMatchObject({ saddr: '127.0.0.1', daddr: '127.0.0.1', sport: localPort });
    } finally {
      server.close();
      ring.close();
      loaded.object.close();
    }
  });

  it('reports an OOM kill in a memory-limited cgroup', async () => {
    const python = ['/usr/bin/python3'].find((p) => existsSync(p));
    const root = '/sys/fs/cgroup';
    if (!python || !existsSync(`${root}/cgroup.subtree_control`)) {
      console.warn('[ebpf guest] skipping the OOM check: no python3 or no cgroup2');
      return;
    }
    if (!readFileSync(`${root}/cgroup.subtree_control`, 'utf8').includes('memory')) writeFileSync(`${root}/cgroup.subtree_control`, '+memory');
    const cg = `${root}/ainka-ebpf-oom-${process.pid}`;
    mkdirSync(cg);
    const seen: OomKillEvent[] = [];
    const sub = ebpf.oomKills$.subscribe((e) => seen.push(e));
    try {
      writeFileSync(`${cg}/memory.max`, String(32 << 20));
      if (existsSync(`${cg}/memory.swap.max`)) writeFileSync(`${cg}/memory.swap.max`, '0');
      // the shell moves itself into the cgroup, then becomes python3 (same pid) and touches 64 MiB
      const child = spawn('sh', ['-c', `echo $$ > ${cg}/cgroup.procs; exec ${python} -c "b = b'x' * (64 << 20)"`], { stdio: 'ignore' });
      const signal = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)));
      expect(signal).toBe('SIGKILL');
      expect(await waitFor(() => seen.some((e) => e.pid === child.pid), 20_000)).toBe(true);
      const kill = seen.find((e) => e.pid === child.pid)!;
      console.log(`[ebpf guest] OOM kill record: ${JSON.stringify(kill, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
      // before 6.8 the tracepoint passes the pid only: the rest comes from the current task, the
      // victim itself when it hit its own cgroup's limit (as here)
      expect(kill.comm).toBe('python3');
      expect(kill.totalVmKb).toBeGreaterThan(0n);
      expect(kill.anonRssKb).toBeGreaterThan(16n << 10n);
    } finally {
      sub.unsubscribe();
      for (let i = 0; i < 50 && existsSync(cg); i++) {
        try {
          rmdirSync(cg);
        } catch {
          await new Promise((r) => setTimeout(r, 100)); // still populated for a moment after the kill
        }
      }
    }
  });
});
