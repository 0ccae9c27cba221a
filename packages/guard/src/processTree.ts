import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessInfo } from './event.js';

/** Options of {@link ProcessTree}. */
export interface ProcessTreeOptions {
  /** Root of the file tree holding `proc/` (default `/`). */
  readonly root?: string;
  /** Keep exited processes this long for late events and alerts (default 60 s). */
  readonly keepExitedMs?: number;
  /** Most processes tracked (default 65536); the oldest exited ones go first. */
  readonly maxProcesses?: number;
  /** Clock in ms (default Date.now). */
  readonly now?: () => number;
}

interface Entry {
  pid: number;
  ppid: number;
  uid: number;
  euid: number;
  name: string;
  exe: string;
  argv: readonly string[];
  cgroupId: bigint;
  stdinNet: boolean;
  stdoutNet: boolean;
  parentStdioNet: boolean;
  listening: boolean;
  seenAt: number;
  exitedAt?: number;
}

/** What an exec tells the tree: the exec-time fields of {@link ProcessInfo}. */
export type ExecInput = Pick<ProcessInfo, 'pid' | 'ppid' | 'uid' | 'euid' | 'name' | 'exe' | 'argv' | 'cgroupId' | 'stdinNet' | 'stdoutNet' | 'parentStdioNet'>;

/**
 * The process tree, built from exec, fork and exit events and completed from `/proc` for
 * processes that started before the monitor. Exited processes stay a while so that late events and
 * alerts still get their ancestry. Bounded in size.
 */
export class ProcessTree {
  readonly #root: string;
  readonly #keepExitedMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #procs = new Map<number, Entry>();

  constructor(options: ProcessTreeOptions = {}) {
    this.#root = options.root ?? '/';
    this.#keepExitedMs = options.keepExitedMs ?? 60_000;
    this.#max = options.maxProcesses ?? 65_536;
    this.#now = options.now ?? Date.now;
  }

  /** Processes tracked now. */
  get size(): number {
    return this.#procs.size;
  }

  /** A process called exec: it becomes a new program (its listening sockets are assumed closed on exec). */
  exec(x: ExecInput): ProcessInfo {
    const e: Entry = { ...x, listening: false, seenAt: this.#now() };
    this.#set(e);
    return e;
  }

  /** A process forked: the child runs the parent's program (its listening flag is not inherited). */
  fork(pid: number, ppid: number, uid: number, name: string): void {
    const parent = this.get(ppid);
    this.#set({
      pid,
      ppid,
      uid,
      euid: parent?.euid ?? uid,
      name: parent?.name ?? name,
      exe: parent?.exe ?? '',
      argv: parent?.argv ?? [],
      cgroupId: parent?.cgroupId ?? 0n,
      stdinNet: parent?.stdinNet ?? false,
      stdoutNet: parent?.stdoutNet ?? false,
      parentStdioNet: false,
      // not inherited: a forked helper is not the service (its own listen, or /proc at start-up, marks it)
      listening: false,
      seenAt: this.#now(),
    });
  }

  /** A process exited (kept for `keepExitedMs`). */
  exit(pid: number): void {
    const e = this.#procs.get(pid);
    if (e) e.exitedAt = this.#now();
  }

  /** A process started listening on a TCP port. */
  listened(pid: number): void {
    const e = this.#entry(pid);
    if (e) e.listening = true;
  }

  /** Records the cgroup (v2 id) an event of the process was seen in: it may have moved since its exec. */
  movedTo(pid: number, cgroupId: bigint): void {
    const e = this.#entry(pid);
    if (e) e.cgroupId = cgroupId;
  }

  /** A process, from events or (for older processes) from `/proc`. */
  get(pid: number): ProcessInfo | undefined {
    return this.#entry(pid);
  }

  /** Ancestors of a process, nearest first, up to `max` (stops at pid 1 / 0 and on loops). */
  ancestors(pid: number, max = 16): ProcessInfo[] {
    const out: ProcessInfo[] = [];
    const seen = new Set<number>([pid]);
    let cur = this.#entry(pid);
    while (cur && out.length < max && cur.ppid > 0 && !seen.has(cur.ppid)) {
      seen.add(cur.ppid);
      const p = this.#entry(cur.ppid);
      if (!p) break;
      out.push(p);
      cur = p;
    }
    return out;
  }

  /** Drops exited processes older than `keepExitedMs`. */
  prune(): void {
    const limit = this.#now() - this.#keepExitedMs;
    for (const [pid, e] of this.#procs) if (e.exitedAt !== undefined && e.exitedAt < limit) this.#procs.delete(pid);
  }

  /** Reads every process of `/proc` (start-up), and marks those owning a listening TCP socket. Returns the listening ports. */
  scan(): Set<number> {
    let pids: number[] = [];
    try {
      pids = readdirSync(join(this.#root, 'proc')).filter((d) => /^\d+$/.test(d)).map(Number);
    } catch {
      return new Set();
    }
    for (const pid of pids) this.#entry(pid);
    const listen = listeningSockets(this.#root);
    if (listen.inodes.size > 0) {
      for (const pid of pids) {
        let fds: string[];
        try {
          fds = readdirSync(join(this.#root, 'proc', String(pid), 'fd'));
        } catch {
          continue;
        }
        for (const fd of fds) {
          try {
            const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(join(this.#root, 'proc', String(pid), 'fd', fd)));
            if (m && listen.inodes.has(m[1]!)) {
              this.listened(pid);
              break;
            }
          } catch {
            // fd closed meanwhile
          }
        }
      }
    }
    return listen.ports;
  }

  #set(e: Entry): void {
    if (this.#procs.size >= this.#max && !this.#procs.has(e.pid)) {
      this.prune();
      if (this.#procs.size >= this.#max) {
        // drop the oldest exited entry, else the oldest entry
        let victim: number | undefined;
        for (const [pid, x] of this.#procs) {
          if (x.exitedAt !== undefined) {
            victim = pid;
            break;
          }
        }
        this.#procs.delete(victim ?? this.#procs.keys().next().value!);
      }
    }
    this.#procs.set(e.pid, e);
  }

  #entry(pid: number): Entry | undefined {
    const e = this.#procs.get(pid);
    if (e) return e;
    if (pid <= 0) return undefined;
    const fromProc = readProc(this.#root, pid, this.#now());
    if (fromProc) this.#set(fromProc);
    return fromProc;
  }
}

/** One process from /proc, or undefined when it is gone. */
function readProc(root: string, pid: number, now: number): Entry | undefined {
  const dir = join(root, 'proc', String(pid));
  let stat: string;
  try {
    stat = readFileSync(join(dir, 'stat'), 'utf8');
  } catch {
    return undefined;
  }
  const close = stat.lastIndexOf(')');
  const name = stat.slice(stat.indexOf('(') + 1, close);
  const ppid = Number(stat.slice(close + 2).split(' ')[1]);
  let uid = -1;
  let euid = -1;
  try {
    const m = /^Uid:\s+(\d+)\s+(\d+)/m.exec(readFileSync(join(dir, 'status'), 'utf8'));
    if (m) {
      uid = Number(m[1]);
      euid = Number(m[2]);
    }
  } catch {
    // gone
  }
  let exe = '';
  try {
    exe = readlinkSync(join(dir, 'exe')).replace(/ \(deleted\)$/, '');
  } catch {
    // kernel thread or gone
  }
  let argv: string[] = [];
  try {
    argv = readFileSync(join(dir, 'cmdline'), 'utf8').split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
  } catch {
    // gone
  }
  return { pid, ppid, uid, euid, name, exe, argv, cgroupId: 0n, stdinNet: false, stdoutNet: false, parentStdioNet: false, listening: false, seenAt: now };
}

/** Inodes and ports of listening TCP sockets (/proc/net/tcp and tcp6, state 0A). */
export function listeningSockets(root = '/'): { inodes: Set<string>; ports: Set<number> } {
  const inodes = new Set<string>();
  const ports = new Set<number>();
  for (const f of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(join(root, 'proc', 'net', f), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '0A') continue;
      ports.add(parseInt(cols[1]!.split(':')[1]!, 16));
      if (cols[9]) inodes.add(cols[9]);
    }
  }
  return { inodes, ports };
}

/** Renders an ancestry as `sshd(812) → bash(1201) → sh(1310)`, oldest first. */
export function formatTree(proc: ProcessInfo, ancestors: readonly ProcessInfo[]): string {
  return [...ancestors].reverse().concat([proc]).map((p) => `${p.name}(${p.pid})`).join(' → ');
}
