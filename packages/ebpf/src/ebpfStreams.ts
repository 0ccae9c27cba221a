import { Observable, share, type SubscriptionLike } from 'rxjs';
import { bpfSystem, type BpfObject } from '@ainka/native';
import { BlockOp, BPF_COMM_LEN, BPF_TOP_N } from '@ainka/protocol';
import { EbpfHost, type EbpfHostOptions } from './ebpfHost.js';
import { formatAddress, type BpfEvent, type ExecEvent, type ExitEvent, type FileOpenEvent, type ForkEvent, type OomKillEvent, type SecCallEvent, type SecExecEvent, type SyscallMixEvent, type TcpEvent } from './events.js';
import { HIST_BYTES, readHistogram, subtractHistogram, type Log2Histogram } from './histogram.js';
import type { Concern } from './manifest.js';

/** Options of {@link EbpfStreams}. */
export interface EbpfStreamsOptions extends EbpfHostOptions {
  /** Period of the aggregated (map-reading) streams in ms (default 1000). */
  readonly pollIntervalMs?: number;
  /** Use this host instead of a new one. */
  readonly host?: EbpfHost;
}

/** Cumulative (since load) and last-interval values. */
export interface Sampled<T> {
  /** Date.now() of the sample. */
  readonly at: number;
  /** Since the object was loaded. */
  readonly total: T;
  /** Since the previous emission (equal to total on the first). */
  readonly interval: T;
}

/** Context switches per CPU. */
export interface ContextSwitches {
  /** Switches per possible CPU. */
  readonly perCpu: readonly number[];
  /** Sum over CPUs. */
  readonly total: number;
}

/** CPU time of one cgroup. */
export interface CgroupCpuTime {
  /** cgroup v2 id (the inode number of its directory). */
  readonly cgroupId: bigint;
  /** On-CPU time in ns. */
  readonly cpuNs: number;
}

/** Block I/O of one device and operation. */
export interface BlockIoStats {
  /** Kernel dev_t: major << 20 | minor. */
  readonly dev: number;
  /** Device major number. */
  readonly major: number;
  /** Device minor number (of the whole disk). */
  readonly minor: number;
  /** Operation class. */
  readonly op: 'read' | 'write' | 'flush' | 'discard' | 'other';
  /** Issue → complete latency in ns. */
  readonly latency: Log2Histogram;
  /** Request sizes in bytes (`sum` is total bytes). */
  readonly sizes: Log2Histogram;
}

/** One sample of the block stream. */
export interface BlockSample {
  /** Date.now() of the sample. */
  readonly at: number;
  /** Since the object was loaded. */
  readonly total: readonly BlockIoStats[];
  /** Since the previous emission. */
  readonly interval: readonly BlockIoStats[];
  /** Requests issued and not completed, per device (dev_t → count, since load). */
  readonly inFlight: ReadonlyMap<number, number>;
}

/** Syscalls of one interval. */
export interface SyscallRates {
  /** Date.now() of the sample. */
  readonly at: number;
  /** Length of the interval in ms. */
  readonly intervalMs: number;
  /** Non-zero syscall numbers with their count in the interval, most frequent first. */
  readonly perSyscall: readonly {
    /** Syscall number of this architecture. */
    readonly nr: number;
    /** Calls in the interval. */
    readonly count: number;
  }[];
  /** The in-kernel top-N processes by syscalls in the interval. */
  readonly topProcesses: readonly {
    /** Process id. */
    readonly tgid: number;
    /** Command name. */
    readonly comm: string;
    /** Syscalls in the interval. */
    readonly count: number;
  }[];
}

/** Summary of one remote TCP endpoint (since load). */
export interface TcpEndpointSummary {
  /** IP version of the endpoint. */
  readonly ipVersion: 4 | 6;
  /** Remote address. */
  readonly addr: string;
  /** Remote port. */
  readonly port: number;
  /** Active opens that reached ESTABLISHED. */
  readonly connects: number;
  /** Active opens that failed (SYN_SENT → CLOSE). */
  readonly connectFailures: number;
  /** Mean SYN_SENT → ESTABLISHED time in ns. */
  readonly connectLatencyMeanNs: number;
  /** Largest SYN_SENT → ESTABLISHED time in ns. */
  readonly connectLatencyMaxNs: number;
  /** Retransmitted segments. */
  readonly retransmits: number;
  /** TCP state changes seen. */
  readonly stateChanges: number;
}

const OPS = ['read', 'write', 'flush', 'discard', 'other'] as const;
const PAD8 = (n: number): number => (n + 7) & ~7;
/** sizeof(struct cpu_state) in sched.bpf.c: switches, since_ns, cgid, pending_ns. */
const CPU_STATE_BYTES = 32;

/**
 * The eBPF telemetry as rxjs streams. Every stream is lazy, shared and ref-counted: the first
 * subscriber loads and attaches the concern's programs, the last unsubscribe detaches and unloads
 * them. Ring-buffer streams emit one event per record; aggregated streams read the kernel maps
 * every `pollIntervalMs`. Drops are never silent: see {@link EbpfHost.stats}.
 *
 * @example
 * ```ts
 * const ebpf = new EbpfStreams({ watchPaths: ['/etc/shadow'] });
 * ebpf.processEvents$.subscribe((e) => console.log(e.kind, e.pid, e.comm));
 * ```
 */
export class EbpfStreams {
  /** The host owning the objects (stats, watch list, direct map access). */
  readonly host: EbpfHost;
  /** Period of the aggregated streams in ms. */
  readonly pollIntervalMs: number;

  /** exec and exit of every process. */
  readonly processEvents$: Observable<ExecEvent | ExitEvent>;
  /** Opens of the watched paths. */
  readonly fileOpens$: Observable<FileOpenEvent>;
  /** OOM kills. */
  readonly oomKills$: Observable<OomKillEvent>;
  /** TCP state changes (with connect latency on SYN_SENT → ESTABLISHED) and retransmits. */
  readonly tcpEvents$: Observable<TcpEvent>;
  /**
   * The security object's records: exec with argv, fork, exit, syscall mix, TCP connects and
   * listens, opens of the security watches, ptrace/module/setuid/capset/mount calls.
   */
  readonly securityEvents$: Observable<SecExecEvent | ForkEvent | ExitEvent | SyscallMixEvent | TcpEvent | FileOpenEvent | SecCallEvent>;
  /** Run-queue latency (wakeup → switch-in) in ns. */
  readonly runQueueLatency$: Observable<Sampled<Log2Histogram>>;
  /** Context switches per CPU. */
  readonly contextSwitches$: Observable<Sampled<ContextSwitches>>;
  /** On-CPU time per cgroup, largest first. */
  readonly cgroupCpuTime$: Observable<Sampled<readonly CgroupCpuTime[]>>;
  /** Block I/O latency and sizes per device and op, requests in flight. */
  readonly blockLatency$: Observable<BlockSample>;
  /** Syscalls per syscall number and the top processes, per interval. */
  readonly syscallRates$: Observable<SyscallRates>;
  /** Connect latency (SYN_SENT → ESTABLISHED) in ns. */
  readonly connectLatency$: Observable<Sampled<Log2Histogram>>;
  /** Per remote endpoint TCP summaries (bounded LRU in the kernel). */
  readonly tcpEndpoints$: Observable<readonly TcpEndpointSummary[]>;

  constructor(options: EbpfStreamsOptions = {}) {
    this.host = options.host ?? new EbpfHost(options);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    const ring = <T>(concern: Concern, pick: (e: BpfEvent) => e is T & BpfEvent): Observable<T> =>
      new Observable<T>((sub) => {
        const events = this.host.events(concern).subscribe((batch) => {
          for (const e of batch) if (pick(e)) sub.next(e);
        });
        try {
          this.host.acquire(concern);
        } catch (err) {
          events.unsubscribe();
          sub.error(err);
          return undefined;
        }
        return () => {
          this.host.release(concern);
          events.unsubscribe();
        };
      }).pipe(share());

    this.processEvents$ = ring<ExecEvent | ExitEvent>('process', (e): e is ExecEvent | ExitEvent => e.kind === 'exec' || e.kind === 'exit');
    this.fileOpens$ = ring<FileOpenEvent>('process', (e): e is FileOpenEvent => e.kind === 'fileOpen');
    this.oomKills$ = ring<OomKillEvent>('process', (e): e is OomKillEvent => e.kind === 'oomKill');
    this.tcpEvents$ = ring<TcpEvent>('net', (e): e is TcpEvent => e.kind === 'tcpState' || e.kind === 'tcpRetransmit');
    this.securityEvents$ = ring<SecExecEvent | ForkEvent | ExitEvent | SyscallMixEvent | TcpEvent | FileOpenEvent | SecCallEvent>(
      'security',
      (e): e is SecExecEvent | ForkEvent | ExitEvent | SyscallMixEvent | TcpEvent | FileOpenEvent | SecCallEvent => e.kind !== 'exec' && e.kind !== 'oomKill',
    );

    this.runQueueLatency$ = this.#sampled('sched', (obj) => readRunQueue(obj), subtractHistogram);
    this.contextSwitches$ = this.#sampled('sched', (obj) => readSwitches(obj), (a, b) => ({
      perCpu: a.perCpu.map((v, i) => v - (b?.perCpu[i] ?? 0)),
      total: a.total - (b?.total ?? 0),
    }));
    this.cgroupCpuTime$ = this.#sampled('sched', (obj) => readCgroups(obj), (a, b) => {
      const prev = new Map((b ?? []).map((x) => [x.cgroupId, x.cpuNs]));
      return a.map((x) => ({ cgroupId: x.cgroupId, cpuNs: x.cpuNs - (prev.get(x.cgroupId) ?? 0) })).sort((x, y) => y.cpuNs - x.cpuNs);
    });
    this.connectLatency$ = this.#sampled('net', (obj) => readHistogram(obj.lookup('connect_hist', u32le(0)) ?? new Uint8Array(HIST_BYTES)), subtractHistogram);
    this.tcpEndpoints$ = this.#polled('net', (obj) => readEndpoints(obj));
    this.blockLatency$ = this.#polled<{ total: BlockIoStats[]; inFlight: Map<number, number> }>('block', (obj) => readBlock(obj)).pipe(
      scanPairs((cur, prev): BlockSample => {
        const before = new Map((prev?.total ?? []).map((x) => [`${x.dev}/${x.op}`, x]));
        return {
          at: Date.now(),
          total: cur.total,
          inFlight: cur.inFlight,
          interval: cur.total.map((x) => {
            const b = before.get(`${x.dev}/${x.op}`);
            return { ...x, latency: subtractHistogram(x.latency, b?.latency), sizes: subtractHistogram(x.sizes, b?.sizes) };
          }),
        };
      }),
      share(),
    );
    this.syscallRates$ = this.#syscallRates();
  }

  /** A map-reading stream: acquire on subscribe, read every interval, release on unsubscribe. */
  #polled<T>(concern: Concern, read: (obj: BpfObject) => T): Observable<T> {
    return new Observable<T>((sub) => {
      let obj: BpfObject;
      try {
        obj = this.host.acquire(concern);
      } catch (err) {
        sub.error(err);
        return undefined;
      }
      const timer = setInterval(() => {
        try {
          sub.next(read(obj));
        } catch (err) {
          sub.error(err);
        }
      }, this.pollIntervalMs);
      return () => {
        clearInterval(timer);
        this.host.release(concern);
      };
    }).pipe(share());
  }

  #sampled<T>(concern: Concern, read: (obj: BpfObject) => T, minus: (a: T, b: T | undefined) => T): Observable<Sampled<T>> {
    return this.#polled(concern, read).pipe(
      scanPairs((cur, prev) => ({ at: Date.now(), total: cur, interval: minus(cur, prev) })),
      share(),
    );
  }

  #syscallRates(): Observable<SyscallRates> {
    return new Observable<SyscallRates>((sub) => {
      let obj: BpfObject;
      try {
        obj = this.host.acquire('syscall');
      } catch (err) {
        sub.error(err);
        return undefined;
      }
      let prev: number[] | undefined;
      let last = Date.now();
      let stopped = false;
      let busy = true;
      // The iterator runs off the event loop; a tick that finds the previous one running is skipped.
      collect(obj).then(
        () => {
          prev = readPerSyscall(obj); // start the first interval from zero
          last = Date.now();
          busy = false;
        },
        (err: unknown) => sub.error(err),
      );
      const timer = setInterval(() => {
        if (busy || stopped || !prev) return;
        busy = true;
        collect(obj)
          .then(() => {
            if (stopped || !prev) return;
            const top = readTop(obj);
            const cur = readPerSyscall(obj);
            const before = prev;
            const perSyscall = cur
              .map((count, nr) => ({ nr, count: count - (before[nr] ?? 0) }))
              .filter((x) => x.count > 0)
              .sort((a, b) => b.count - a.count);
            const now = Date.now();
            sub.next({ at: now, intervalMs: now - last, perSyscall, topProcesses: top });
            prev = cur;
            last = now;
          })
          .catch((err: unknown) => {
            if (!stopped) sub.error(err);
          })
          .finally(() => {
            busy = false;
          });
      }, this.pollIntervalMs);
      return () => {
        stopped = true;
        clearInterval(timer);
        this.host.release('syscall');
      };
    }).pipe(share());
  }
}

/** Emits f(current, previous) for each value (previous undefined on the first). */
function scanPairs<T, R>(f: (cur: T, prev: T | undefined) => R) {
  return (source: Observable<T>): Observable<R> =>
    new Observable<R>((sub) => {
      let prev: T | undefined;
      const s: SubscriptionLike = source.subscribe({
        next: (cur) => {
          const out = f(cur, prev);
          prev = cur;
          sub.next(out);
        },
        error: (e: unknown) => sub.error(e),
        complete: () => sub.complete(),
      });
      return () => s.unsubscribe();
    });
}

/** Moves per-thread counts into the per-process map (off the event loop), then builds the top-N in the kernel. */
async function collect(obj: BpfObject): Promise<void> {
  await obj.iterate('collect_threads');
  obj.run('collect_top');
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function readRunQueue(obj: BpfObject): Log2Histogram {
  const v = obj.lookup('runq_hist', u32le(0));
  if (!v) return readHistogram(new Uint8Array(HIST_BYTES));
  return readHistogram(v, 0, v.length / PAD8(HIST_BYTES), PAD8(HIST_BYTES));
}

function readSwitches(obj: BpfObject): ContextSwitches {
  const v = obj.lookup('cpu_state', u32le(0));
  const perCpu: number[] = [];
  if (v) for (let off = 0; off + CPU_STATE_BYTES <= v.length; off += CPU_STATE_BYTES) perCpu.push(Number(v.readBigUInt64LE(off)));
  return { perCpu, total: perCpu.reduce((a, b) => a + b, 0) };
}

function readCgroups(obj: BpfObject): CgroupCpuTime[] {
  const d = obj.dump('cgroup_ns');
  const cpus = bpfSystem.numPossibleCpus();
  const out: CgroupCpuTime[] = [];
  for (let i = 0; i < d.count; i++) {
    let ns = 0;
    for (let c = 0; c < cpus; c++) ns += Number(d.values.readBigUInt64LE((i * cpus + c) * 8));
    out.push({ cgroupId: d.keys.readBigUInt64LE(i * 8), cpuNs: ns });
  }
  return out.sort((a, b) => b.cpuNs - a.cpuNs);
}

function readBlock(obj: BpfObject): { total: BlockIoStats[]; inFlight: Map<number, number> } {
  const lat = obj.dump('latency');
  const sizes = obj.dump('sizes');
  const sizeByKey = new Map<string, Log2Histogram>();
  for (let i = 0; i < sizes.count; i++) sizeByKey.set(sizes.keys.subarray(i * 8, i * 8 + 8).toString('hex'), readHistogram(sizes.values, i * HIST_BYTES));
  const keys = new Set<string>([...sizeByKey.keys()]);
  const latByKey = new Map<string, Log2Histogram>();
  for (let i = 0; i < lat.count; i++) {
    const k = lat.keys.subarray(i * 8, i * 8 + 8).toString('hex');
    latByKey.set(k, readHistogram(lat.values, i * HIST_BYTES));
    keys.add(k);
  }
  const total: BlockIoStats[] = [];
  for (const k of keys) {
    const kb = Buffer.from(k, 'hex');
    const dev = kb.readUInt32LE(0);
    const op = kb.readUInt32LE(4);
    total.push({
      dev,
      major: dev >>> 20,
      minor: dev & 0xfffff,
      op: OPS[op <= BlockOp.OTHER ? op : BlockOp.OTHER] ?? 'other',
      latency: latByKey.get(k) ?? readHistogram(new Uint8Array(HIST_BYTES)),
      sizes: sizeByKey.get(k) ?? readHistogram(new Uint8Array(HIST_BYTES)),
    });
  }
  const inflight = obj.dump('in_flight');
  const inFlight = new Map<number, number>();
  for (let i = 0; i < inflight.count; i++) inFlight.set(inflight.keys.readUInt32LE(i * 4), Number(inflight.values.readBigInt64LE(i * 8)));
  // op names are lower-case ASCII: code-unit order is localeCompare's, without loading ICU's collation data
  return { total: total.sort((a, b) => a.dev - b.dev || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0)), inFlight };
}

function readPerSyscall(obj: BpfObject): number[] {
  const d = obj.dump('per_syscall');
  const cpus = bpfSystem.numPossibleCpus();
  const out = new Array<number>(d.count).fill(0);
  for (let i = 0; i < d.count; i++) {
    const nr = d.keys.readUInt32LE(i * 4);
    let n = 0;
    for (let c = 0; c < cpus; c++) n += Number(d.values.readBigUInt64LE((i * cpus + c) * 8));
    out[nr] = n;
  }
  return out;
}

function readTop(obj: BpfObject): { tgid: number; comm: string; count: number }[] {
  const v = obj.lookup('top', u32le(0));
  const out: { tgid: number; comm: string; count: number }[] = [];
  if (!v) return out;
  const entry = 32;
  for (let i = 0; i < BPF_TOP_N; i++) {
    const count = Number(v.readBigUInt64LE(i * entry));
    if (!count) continue;
    const commBytes = v.subarray(i * entry + 16, i * entry + 16 + BPF_COMM_LEN);
    const nul = commBytes.indexOf(0);
    out.push({ tgid: v.readUInt32LE(i * entry + 8), comm: commBytes.subarray(0, nul < 0 ? BPF_COMM_LEN : nul).toString('utf8'), count });
  }
  return out.sort((a, b) => b.count - a.count);
}

function readEndpoints(obj: BpfObject): TcpEndpointSummary[] {
  const d = obj.dump('endpoints');
  const out: TcpEndpointSummary[] = [];
  for (let i = 0; i < d.count; i++) {
    const k = d.keys.subarray(i * 24, i * 24 + 24);
    const v = d.values.subarray(i * 56, i * 56 + 56);
    const ipVersion = k.readUInt16LE(0) === 10 ? 6 : 4;
    const addrBytes = [...k.subarray(8, 24)];
    const connects = Number(v.readBigUInt64LE(0));
    const sum = Number(v.readBigUInt64LE(16));
    out.push({
      ipVersion,
      addr: formatAddress(addrBytes, ipVersion),
      port: k.readUInt16LE(2),
      connects,
      connectFailures: Number(v.readBigUInt64LE(8)),
      connectLatencyMeanNs: connects ? sum / connects : 0,
      connectLatencyMaxNs: Number(v.readBigUInt64LE(24)),
      retransmits: Number(v.readBigUInt64LE(32)),
      stateChanges: Number(v.readBigUInt64LE(40)),
    });
  }
  return out.sort((a, b) => b.stateChanges - a.stateChanges);
}
