import { closeSync, openSync, readdirSync, readlinkSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseNofile, parseProcCgroup, readKernelFd, readKernelText, type ProcessUsage } from './procfs.js';

/** `statfs` magic of procfs. */
const procSuperMagic = 0x9fa0;
/** `PF_KTHREAD` in the flags of `/proc/<pid>/stat` (field 9). */
const pfKthread = 0x00200000;

/** Options of {@link ProcessReader}. */
export interface ProcessReaderOptions {
  /** Sockets are counted (one `readlink` per descriptor) only for processes with at least this many descriptors. Default 16. */
  readonly socketScanMinFds?: number;
  /**
   * The cgroup and `RLIMIT_NOFILE` of a process are re-read, and its descriptors walked even when their
   * count did not change, at most this often (ms). Default 60 000.
   */
  readonly refreshMs?: number;
  /**
   * For up to this many processes the descriptors of `stat` and `status` stay open between reads (two per
   * process), so a read is one `pread` each instead of open + read + close (about half the CPU on procfs).
   * A descriptor of a process that exited fails with ESRCH, even if its pid was reused: it is closed and the
   * file opened afresh. Only where `<root>/proc` is procfs (never in a fake tree). Default 0 (none kept); call
   * {@link ProcessReader.close} when done.
   */
  readonly keepOpen?: number;
}

/** What the reader remembers of one process (pid + start time) between two reads. */
interface Known {
  readonly startTime: string;
  cgroup: string;
  nofile: number | null;
  /** When the cgroup and the limit were read. */
  readAt: number;
  /** Descriptor count at the previous read. */
  fds: number | null;
  /** Sockets at the last walk (`null` = not walked). */
  sockets: number | null;
  walkedAt: number;
  /** The pass that last read it ({@link ProcessReader.sweep}). */
  pass: number;
}

/** The space-separated field `n` (0-based) of `text` counted from index `from`, without a trailing newline. */
function field(text: string, from: number, n: number): string | undefined {
  let start = from;
  for (let i = 0; i < n; i++) {
    const sp = text.indexOf(' ', start);
    if (sp < 0) return undefined;
    start = sp + 1;
  }
  if (start >= text.length) return undefined;
  let end = text.indexOf(' ', start);
  if (end < 0) end = text.length;
  // the last field carries the line's newline
  while (end > start && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  return end > start ? text.slice(start, end) : undefined;
}

/** The integer after `key` (e.g. `\nVmRSS:`) in `/proc/<pid>/status` text, skipping blanks; `undefined` when absent. */
export function statusNumber(status: string, key: string): number | undefined {
  let i = status.indexOf(key);
  if (i < 0) return undefined;
  i += key.length;
  let c = status.charCodeAt(i);
  while (c === 32 || c === 9) c = status.charCodeAt(++i);
  let n = 0;
  let digits = 0;
  while (c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    digits++;
    c = status.charCodeAt(++i);
  }
  return digits > 0 ? n : undefined;
}

/** Whether `proc` is a procfs mount. */
function isProcfs(proc: string): boolean {
  try {
    return statfsSync(proc).type === procSuperMagic;
  } catch {
    return false;
  }
}

/** Whether `stat()` of `<procfs>/<pid>/fd` gives the number of open descriptors as its size (Linux ≥ 6.2 procfs). */
function fdDirSizeIsCount(proc: string): boolean {
  try {
    // this process always has descriptors open: a size of 0 is an older kernel (or not procfs)
    return statfsSync(proc).type === procSuperMagic && statSync(join(proc, 'self', 'fd')).size > 0;
  } catch {
    return false;
  }
}

/**
 * Reads processes under `<root>/proc` for the leak detector, remembering what rarely changes so that a
 * sample every few seconds stays cheap:
 *
 * - `stat` (command, start time, kernel-thread flag) and `status` (`VmRSS`, `RssAnon`, `Threads`) are read
 *   every time; kernel threads stop at `stat`.
 * - The cgroup and the soft `RLIMIT_NOFILE` are read once per process (pid + start time, so a reused pid
 *   is read afresh) and again after `refreshMs` (a `prlimit` or a cgroup move shows within that time).
 * - Descriptors are counted with one `stat()` of `fd/` where the kernel gives the count as its size
 *   (Linux ≥ 6.2), else by listing it; sockets are counted (one `readlink` per descriptor) only when the
 *   count changed since the previous read or the last walk is older than `refreshMs`, else the last
 *   walk's count is kept.
 *
 * Call {@link ProcessReader.sweep} after each pass over the pids to forget the processes that are gone.
 */
export class ProcessReader {
  private readonly proc: string;
  private readonly minFds: number;
  private readonly refreshMs: number;
  private readonly sizeIsCount: boolean;
  private readonly known = new Map<number, Known>();
  /** Descriptors kept open: `[stat, status]` per pid, -1 for one not open. */
  private readonly kept = new Map<number, [number, number]>();
  private keepOpen: number;
  private pass = 0;

  /** @param root - root of the file tree (`/`; a fake tree in tests). */
  constructor(root = '/', options: ProcessReaderOptions = {}) {
    this.proc = join(root, 'proc');
    this.minFds = options.socketScanMinFds ?? 16;
    this.refreshMs = options.refreshMs ?? 60_000;
    this.sizeIsCount = fdDirSizeIsCount(this.proc);
    // only on procfs: a fake tree's files may be replaced (a new inode) while a descriptor of the old one is kept
    this.keepOpen = isProcfs(this.proc) ? Math.max(0, Math.floor(options.keepOpen ?? 0)) : 0;
  }

  /** Descriptors kept open now (two per process at most). */
  get openDescriptors(): number {
    let n = 0;
    for (const [a, b] of this.kept.values()) n += (a >= 0 ? 1 : 0) + (b >= 0 ? 1 : 0);
    return n;
  }

  /** Close the descriptors kept open; later reads keep none. */
  close(): void {
    for (const pid of [...this.kept.keys()]) this.release(pid);
    this.keepOpen = 0;
  }

  /** Processes remembered now. */
  get size(): number {
    return this.known.size;
  }

  /**
   * Read one process at time `now` (ms, the caller's clock). Kernel threads and processes that exited
   * (or became zombies) while being read give `undefined`.
   */
  read(pid: number, now: number): ProcessUsage | undefined {
    const dir = `${this.proc}/${pid}`;
    const stat = this.text(pid, 0, `${dir}/stat`, 'utf8');
    const open = stat === undefined ? -1 : stat.indexOf('(');
    const close = stat === undefined ? -1 : stat.lastIndexOf(')');
    if (stat === undefined || open < 0 || close < open) return this.forget(pid);
    const flags = Number(field(stat, close + 2, 6));
    if ((flags & pfKthread) !== 0) return this.forget(pid);
    const status = this.text(pid, 1, `${dir}/status`, 'latin1');
    if (status === undefined) return this.forget(pid);
    const rssKb = statusNumber(status, '\nVmRSS:');
    if (rssKb === undefined) return this.forget(pid);
    const comm = stat.slice(open + 1, close);
    const startTime = field(stat, close + 2, 19) ?? '0';

    let k = this.known.get(pid);
    if (k === undefined || k.startTime !== startTime) {
      k = { startTime, cgroup: '', nofile: null, readAt: now, fds: null, sockets: null, walkedAt: now, pass: this.pass };
      this.readRare(dir, k, now);
      this.known.set(pid, k);
    } else if (this.due(k.readAt, now)) {
      this.readRare(dir, k, now);
    }
    k.pass = this.pass;

    const fds = this.countFds(dir);
    let sockets: number | null = null;
    if (fds !== null && fds >= this.minFds) {
      if (k.sockets === null || fds !== k.fds || this.due(k.walkedAt, now)) {
        k.sockets = this.countSockets(dir);
        k.walkedAt = now;
      }
      sockets = k.sockets;
    } else {
      k.sockets = null;
    }
    k.fds = fds;
    return {
      pid,
      comm,
      startTime,
      anonBytes: (statusNumber(status, '\nRssAnon:') ?? rssKb) * 1024,
      rssBytes: rssKb * 1024,
      threads: statusNumber(status, '\nThreads:') ?? 1,
      fds,
      sockets,
      cgroup: k.cgroup,
      nofile: k.nofile,
    };
  }

  /** Forget the processes not read since the previous sweep (they exited, or are no longer followed). */
  sweep(): void {
    for (const [pid, k] of this.known) if (k.pass !== this.pass) this.known.delete(pid);
    for (const pid of this.kept.keys()) if (!this.known.has(pid)) this.release(pid);
    this.pass++;
  }

  private forget(pid: number): undefined {
    this.known.delete(pid);
    this.release(pid);
    return undefined;
  }

  /** `stat` (slot 0) or `status` (slot 1) of a process, through a descriptor kept open when there is room. */
  private text(pid: number, slot: 0 | 1, path: string, encoding: 'utf8' | 'latin1'): string | undefined {
    let fds = this.kept.get(pid);
    if (fds !== undefined && fds[slot] >= 0) {
      const t = readKernelFd(fds[slot], encoding);
      if (t !== undefined) return t;
      this.release(pid); // the process exited (ESRCH): open the file afresh below, once
      fds = undefined;
    }
    if (fds === undefined && this.kept.size >= this.keepOpen) return readKernelText(path, encoding);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return undefined;
    }
    const t = readKernelFd(fd, encoding);
    if (t === undefined) {
      closeSync(fd);
      return undefined;
    }
    if (fds === undefined) this.kept.set(pid, (fds = [-1, -1]));
    fds[slot] = fd;
    return t;
  }

  private release(pid: number): void {
    const fds = this.kept.get(pid);
    if (fds === undefined) return;
    this.kept.delete(pid);
    for (const fd of fds) if (fd >= 0) closeSync(fd);
  }

  private due(at: number, now: number): boolean {
    return now - at >= this.refreshMs || now < at;
  }

  private readRare(dir: string, k: Known, now: number): void {
    k.cgroup = parseProcCgroup(readKernelText(`${dir}/cgroup`, 'utf8') ?? '');
    k.nofile = parseNofile(readKernelText(`${dir}/limits`, 'latin1') ?? '');
    k.readAt = now;
  }

  private countFds(dir: string): number | null {
    try {
      if (this.sizeIsCount) return statSync(`${dir}/fd`).size;
      return readdirSync(`${dir}/fd`).length;
    } catch {
      return null; // not ours to read, or gone
    }
  }

  private countSockets(dir: string): number | null {
    let entries: string[];
    try {
      entries = readdirSync(`${dir}/fd`);
    } catch {
      return null;
    }
    let sockets = 0;
    for (const e of entries) {
      try {
        if (readlinkSync(`${dir}/fd/${e}`).startsWith('socket:')) sockets++;
      } catch {
        // closed meanwhile
      }
    }
    return sockets;
  }
}

/**
 * Read one process's usage from `<root>/proc/<pid>` (once, nothing remembered: see {@link ProcessReader}
 * for repeated reads). Kernel threads and processes that exited while being read give `undefined`.
 * Sockets are counted (one `readlink` per fd) only when the process has at least `socketScanMinFds`
 * descriptors, to bound the cost.
 */
export function readProcess(root: string, pid: number, socketScanMinFds = 16): ProcessUsage | undefined {
  return new ProcessReader(root, { socketScanMinFds }).read(pid, 0);
}
