import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { BpfEvent, EbpfStreams, SecurityWatch } from '@ainka/ebpf';
import { BaselineStore, type BaselineFeature } from './baseline.js';
import { CpuWatch } from './cpuWatch.js';
import { Detector, type GuardAlert, type ResponseOutcome } from './detector.js';
import type { BaselineVerdict, GuardEvent, ProcessInfo } from './event.js';
import { parseRules, type RulesSource } from './parseRules.js';
import { ProcessTree } from './processTree.js';
import { starterRules, starterWatches } from './starterPack.js';

const O_WRITE = 0o1 | 0o2 | 0o100 | 0o1000;

/** Options of {@link Guard}. */
export interface GuardOptions {
  /** Rule documents, in order (default: the starter pack). */
  readonly rules?: readonly RulesSource[];
  /** Baselines (default: an in-memory store); `false` turns learning off. */
  readonly baseline?: BaselineStore | false;
  /** Process tree (default: a new one over `/proc`). */
  readonly tree?: ProcessTree;
  /** CPU watch of connected processes (default: a new one). */
  readonly cpu?: CpuWatch;
  /** CPU (cores) from which a connected process is reported as busy (default 0.5; ignored with `cpu`). */
  readonly cpuThreshold?: number;
  /** Sampling period of the CPU watch in ms (default 2000). */
  readonly cpuIntervalMs?: number;
  /** Extra opens to watch besides the starter ones (reads of secrets, writes below system directories). */
  readonly watches?: readonly SecurityWatch[];
  /** Alerts kept for {@link Guard.recent} (default 500). */
  readonly maxAlerts?: number;
  /** Called for alerts whose rule asks for a response; returns what was done. */
  readonly respond?: (alert: GuardAlert) => Promise<ResponseOutcome | undefined>;
  /** Root of the file tree (default `/`). */
  readonly root?: string;
  /**
   * Called once when the security event stream fails (the security eBPF object did not load or its ring
   * broke): the guard stops watching and says why in {@link Guard.failure}; nothing is thrown at the caller.
   */
  readonly onStreamError?: (err: unknown) => void;
}

/** Counters of a {@link Guard}. */
export interface GuardStats {
  /** Rule events by type. */
  readonly events: Readonly<Record<string, number>>;
  /** Alerts by rule. */
  readonly alerts: Readonly<Record<string, number>>;
  /** Kernel event → alert latency in ms: last, max, sum and count. */
  readonly latencyMs: { readonly last: number; readonly max: number; readonly sum: number; readonly count: number };
  /** Processes in the tree. */
  readonly processes: number;
  /** Processes watched for CPU. */
  readonly cpuWatched: number;
  /** Matches dropped by exceptions. */
  readonly excepted: number;
  /** Matches dropped by cooldowns. */
  readonly cooledDown: number;
}

/**
 * The host security monitor: turns the eBPF security records into rule events (with the process
 * tree and the baseline's verdict), runs the rules, and emits alerts with the process tree. Feed it
 * a live {@link EbpfStreams} with {@link Guard.start}, or events with {@link Guard.ingest}.
 *
 * @example
 * ```ts
 * import { EbpfStreams } from '@ainka/ebpf';
 * import { Guard } from '@ainka/guard';
 *
 * const guard = new Guard();
 * guard.alerts$.subscribe((a) => console.log(a.severity, a.summary, a.tree));
 * guard.start(new EbpfStreams());
 * ```
 */
export class Guard {
  /** The process tree. */
  readonly tree: ProcessTree;
  /** The rule engine. */
  readonly detector: Detector;
  /** The baselines, unless learning is off. */
  readonly baseline?: BaselineStore;
  /** The CPU watch of connected processes. */
  readonly cpu: CpuWatch;
  readonly #alerts = new Subject<GuardAlert>();
  /** Every alert, as raised. */
  readonly alerts$: Observable<GuardAlert> = this.#alerts.asObservable();
  readonly #recent: GuardAlert[] = [];
  readonly #max: number;
  readonly #options: GuardOptions;
  readonly #knownPorts = new Set<number>();
  readonly #events: Record<string, number> = {};
  readonly #byRule: Record<string, number> = {};
  readonly #latency = { last: 0, max: 0, sum: 0, count: 0 };
  #sub: Subscription | undefined;
  #timer: NodeJS.Timeout | undefined;
  #streams: EbpfStreams | undefined;
  #failure: unknown;

  constructor(options: GuardOptions = {}) {
    this.#options = options;
    this.tree = options.tree ?? new ProcessTree(options.root ? { root: options.root } : {});
    this.detector = new Detector(parseRules(options.rules ?? [{ text: starterRules, file: 'starter.yaml' }]));
    if (options.baseline !== false) this.baseline = options.baseline ?? new BaselineStore();
    this.cpu = options.cpu ?? new CpuWatch({ ...(options.root ? { root: options.root } : {}), ...(options.cpuThreshold !== undefined ? { threshold: options.cpuThreshold } : {}) });
    this.#max = options.maxAlerts ?? 500;
  }

  /** The opens the kernel must report: the starter watches, SSH directories of /home users, and extra ones. */
  watches(): SecurityWatch[] {
    let homes: string[] = [];
    try {
      homes = readdirSync(join(this.#options.root ?? '/', 'home')).map((h) => `/home/${h}`);
    } catch {
      // no /home
    }
    return [...starterWatches(homes.slice(0, 50)), ...(this.#options.watches ?? [])].slice(0, 256);
  }

  /** Reads /proc (existing processes and listening ports), sets the kernel watches and subscribes to the security events. */
  start(streams: EbpfStreams): void {
    if (this.#sub) return;
    for (const p of this.tree.scan()) this.#knownPorts.add(p);
    streams.host.setSecurityWatches(this.watches());
    this.#streams = streams;
    this.#failure = undefined;
    this.#sub = streams.securityEvents$.subscribe({
      next: (e) => this.ingest(e),
      error: (err: unknown) => {
        this.#failure = err;
        this.stop();
        this.#options.onStreamError?.(err);
      },
    });
    this.#timer = setInterval(() => this.sampleCpu(), this.#options.cpuIntervalMs ?? 2000);
    this.#timer.unref();
  }

  /** Unsubscribes (the eBPF object is released with the last subscriber) and flushes the baselines. */
  stop(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#streams = undefined;
    this.baseline?.flush();
  }

  /** Why the security event stream stopped (the error it failed with), or `undefined` while it runs or was never started. */
  get failure(): unknown {
    return this.#failure;
  }

  /** Whether {@link start} is active. */
  get running(): boolean {
    return this.#sub !== undefined;
  }

  /** The last alerts, newest last. */
  recent(): readonly GuardAlert[] {
    return this.#recent;
  }

  /** Counters. */
  stats(): GuardStats {
    return {
      events: { ...this.#events },
      alerts: { ...this.#byRule },
      latencyMs: { ...this.#latency },
      processes: this.tree.size,
      cpuWatched: this.cpu.size,
      excepted: [...this.detector.stats.excepted.values()].reduce((a, b) => a + b, 0),
      cooledDown: this.detector.stats.cooledDown,
    };
  }

  /** Ports treated as known by `net.port_known` (listening at start-up or seen listening since). */
  get knownPorts(): ReadonlySet<number> {
    return this.#knownPorts;
  }

  /** Samples the CPU of connected processes and evaluates `cpu` events for the busy ones. */
  sampleCpu(): GuardAlert[] {
    const out: GuardAlert[] = [];
    for (const b of this.cpu.sample()) {
      const proc = this.tree.get(b.pid);
      if (!proc) continue;
      out.push(...this.evaluate({ type: 'cpu', time: Date.now(), monoNs: 0n, proc, ancestors: this.tree.ancestors(b.pid), cpu: { ratio: b.ratio, sustainedSeconds: b.sustainedSeconds, remotePorts: b.remotePorts } }));
    }
    return out;
  }

  /** Turns one kernel record into rule events and evaluates them; returns the alerts raised. */
  ingest(k: BpfEvent): GuardAlert[] {
    const time = wallTime(k.timestampNs);
    switch (k.kind) {
      case 'secExec': {
        const proc = this.tree.exec({
          pid: k.pid,
          ppid: k.ppid,
          uid: k.uid,
          euid: k.euid,
          name: k.comm,
          exe: k.filename,
          // an unreadable argv is not an empty one (exec-without-argv): keep the command name
          argv: k.argv.length === 0 && k.argsTruncated ? [k.comm] : k.argv,
          cgroupId: k.cgroupId,
          stdinNet: k.stdinInet,
          stdoutNet: k.stdoutInet,
          parentStdioNet: k.parentStdinInet || k.parentStdoutInet,
        });
        const ancestors = this.tree.ancestors(k.pid);
        const parent = ancestors[0];
        const baseline = parent?.exe ? this.#observe(parent, 'child', k.filename) : undefined;
        return this.evaluate({ type: 'exec', time, monoNs: k.timestampNs, proc, ancestors, ...(baseline ? { baseline } : {}) });
      }
      case 'fork':
        this.tree.fork(k.pid, k.ppid, k.uid, k.comm);
        return [];
      case 'exit':
        this.tree.exit(k.pid);
        this.cpu.forget(k.pid);
        return [];
      case 'syscallMix': {
        const proc = this.tree.get(k.pid);
        if (proc?.exe && this.baseline) for (const nr of k.syscalls) this.#observe(proc, 'syscall', String(nr));
        return [];
      }
      case 'fileOpen': {
        const proc = this.#proc(k.pid, k.comm, k.uid);
        const baseline = this.#observe(proc, 'file', k.filename);
        return this.evaluate({
          type: 'open',
          time,
          monoNs: k.timestampNs,
          proc,
          ancestors: this.tree.ancestors(k.pid),
          file: { path: k.filename, flags: k.flags, write: (k.flags & O_WRITE) !== 0 },
          ...(baseline ? { baseline } : {}),
        });
      }
      case 'tcpState': {
        const proc = this.#proc(k.pid, k.comm, -1, k.cgroupId);
        if (k.newState === 'LISTEN') {
          this.tree.listened(k.pid);
          const portKnown = this.#knownPorts.has(k.sport);
          this.#knownPorts.add(k.sport);
          const baseline = this.#observe(proc, 'port', String(k.sport));
          return this.evaluate({
            type: 'listen',
            time,
            monoNs: k.timestampNs,
            proc: this.tree.get(k.pid) ?? proc,
            ancestors: this.tree.ancestors(k.pid),
            net: { ipVersion: k.ipVersion, laddr: k.saddr, lport: k.sport, raddr: '', rport: 0, portKnown },
            ...(baseline ? { baseline } : {}),
          });
        }
        if (k.newState !== 'SYN_SENT') return [];
        this.cpu.connected(k.pid, k.dport);
        const baseline = this.#observe(proc, 'peer', `${k.daddr}:${k.dport}`);
        return this.evaluate({
          type: 'connect',
          time,
          monoNs: k.timestampNs,
          proc,
          ancestors: this.tree.ancestors(k.pid),
          net: { ipVersion: k.ipVersion, laddr: k.saddr, lport: k.sport, raddr: k.daddr, rport: k.dport, portKnown: false },
          ...(baseline ? { baseline } : {}),
        });
      }
      case 'secCall': {
        const proc = this.#proc(k.pid, k.comm, k.uid, k.cgroupId);
        const base = { time, monoNs: k.timestampNs, proc, ancestors: this.tree.ancestors(k.pid) };
        const id = (v: bigint): number => (v === 0xffffffffn ? -1 : Number(v & 0xffffffffn));
        switch (k.call) {
          case 'ptrace': {
            const target = this.tree.get(Number(k.args[1] & 0xffffffffn)) ?? unknownProcess(Number(k.args[1] & 0xffffffffn));
            return this.evaluate({ type: 'ptrace', ...base, target });
          }
          case 'initModule':
          case 'finitModule':
          case 'moduleLoaded':
            return this.evaluate({ type: 'module', ...base, module: { name: k.call === 'moduleLoaded' ? k.str : k.call === 'finitModule' ? moduleFromFd(k.pid, Number(k.args[0])) : '', how: k.call === 'initModule' ? 'init_module' : k.call === 'finitModule' ? 'finit_module' : 'loaded' } });
          case 'setuid':
          case 'setgid':
            return this.evaluate({ type: k.call, ...base, ids: [id(k.args[0]), id(k.args[1]), id(k.args[2])].filter((x, i) => i === 0 || x !== -1) });
          case 'capset':
            return this.evaluate({ type: 'capset', ...base, caps: { effective: Number(k.args[0]), permitted: Number(k.args[1]), inheritable: Number(k.args[2]) } });
          case 'mount':
            return this.evaluate({ type: 'mount', ...base, mount: { target: k.str, fstype: k.str2, flags: Number(k.args[0] & 0xffffffffn) } });
          case 'chmod': {
            const mode = Number(k.args[0] & 0xffffffffn);
            const path = chmodPath(k.pid, k.str, Number(BigInt.asIntN(64, k.args[1])));
            return this.evaluate({ type: 'chmod', ...base, file: { path, flags: 0, write: false, mode, isDir: isDirectory(path) } });
          }
        }
        return [];
      }
      default:
        return [];
    }
  }

  /** Evaluates one rule event (kernel-derived or synthetic); alerts are emitted on `alerts$` and kept for {@link recent}. */
  evaluate(e: GuardEvent): GuardAlert[] {
    this.#events[e.type] = (this.#events[e.type] ?? 0) + 1;
    const alerts = this.detector.evaluate(e);
    for (const a of alerts) {
      if (e.monoNs > 0n) {
        const ms = Number(process.hrtime.bigint() - e.monoNs) / 1e6;
        a.latencyMs = Math.round(ms * 1000) / 1000;
        this.#latency.last = a.latencyMs;
        this.#latency.max = Math.max(this.#latency.max, a.latencyMs);
        this.#latency.sum += a.latencyMs;
        this.#latency.count++;
      }
      this.#byRule[a.rule] = (this.#byRule[a.rule] ?? 0) + 1;
      this.#recent.push(a);
      if (this.#recent.length > this.#max) this.#recent.shift();
      if (a.wants && this.#options.respond) {
        void this.#options.respond(a).then(
          (r) => {
            if (r) a.response = r;
          },
          (err: unknown) => {
            a.response = { action: a.wants!.action, status: 'failed', line: (err as Error).message };
          },
        );
      } else if (a.wants) {
        a.response = { action: a.wants.action, status: 'proposed', line: `would ${a.wants.action} ${a.event.proc.name} (${a.event.proc.pid}); no responder configured` };
      }
      this.#alerts.next(a);
    }
    return alerts;
  }

  /**
   * The process of an event, with the cgroup the kernel recorded for this event when it has one
   * (a process may have moved since its exec, and a cgroup response acts on where it is now).
   */
  #proc(pid: number, comm: string, uid: number, cgroupId = 0n): ProcessInfo {
    const known = this.tree.get(pid);
    if (known === undefined) return { ...unknownProcess(pid), name: comm, uid, cgroupId };
    if (cgroupId !== 0n) this.tree.movedTo(pid, cgroupId);
    return known;
  }

  #observe(owner: ProcessInfo, feature: BaselineFeature, value: string): BaselineVerdict | undefined {
    if (!this.baseline || !owner.exe) return undefined;
    return this.baseline.observe(owner.exe, feature, value, owner.name);
  }
}

function unknownProcess(pid: number): ProcessInfo {
  return { pid, ppid: 0, uid: -1, euid: -1, name: '?', exe: '', argv: [], cgroupId: 0n, stdinNet: false, stdoutNet: false, parentStdioNet: false, listening: false, seenAt: Date.now() };
}

/** The module file behind the fd given to finit_module, while the caller still has it open. */
function moduleFromFd(pid: number, fd: number): string {
  try {
    const path = readlinkSync(`/proc/${pid}/fd/${fd}`);
    const base = path.slice(path.lastIndexOf('/') + 1);
    return base.replace(/\.ko(\.(xz|zst|gz))?$/, '');
  } catch {
    return '';
  }
}

/**
 * The file a chmod names: the path when absolute, else resolved against the caller's cwd (AT_FDCWD)
 * or the directory fd, while the caller still runs; fchmod (no path) names its fd's file.
 */
function chmodPath(pid: number, path: string, fd: number): string {
  if (path.startsWith('/')) return path;
  try {
    const base = readlinkSync(fd === -100 ? `/proc/${pid}/cwd` : `/proc/${pid}/fd/${fd}`);
    return path === '' ? base : `${base.replace(/\/$/, '')}/${path.replace(/^\.\//, '')}`;
  } catch {
    return path;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** ms since the epoch of a CLOCK_MONOTONIC timestamp in ns (the clock of bpf_ktime_get_ns). */
function wallTime(monoNs: bigint): number {
  if (monoNs === 0n) return Date.now();
  return Date.now() - Number(process.hrtime.bigint() - monoNs) / 1e6;
}
