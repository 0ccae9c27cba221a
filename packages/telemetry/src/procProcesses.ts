import { closeSync, openSync } from 'node:fs';
import { malformed } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import { type MetricSample, SeriesLabels } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/** The fields of `/proc/<pid>/stat` the process collector uses. Times are clock ticks. @public */
export interface ProcessStat {
  /** Process id. */
  readonly pid: number;
  /** Command name (up to 15 characters, may contain spaces). */
  readonly comm: string;
  /** State letter (R, S, D, Z, …). */
  readonly state: string;
  /** Parent process id. */
  readonly ppid: number;
  /** Minor page faults. */
  readonly minorFaults: number;
  /** Major page faults (needing I/O). */
  readonly majorFaults: number;
  /** User time in clock ticks. */
  readonly utime: number;
  /** System time in clock ticks. */
  readonly stime: number;
  /** Threads in the process. */
  readonly numThreads: number;
  /** Clock ticks after boot. */
  readonly startTime: number;
  /** Virtual memory size in bytes. */
  readonly vsizeBytes: number;
  /** Resident set size in pages. */
  readonly rssPages: number;
}

/**
 * Parses `/proc/<pid>/stat`. The command name may contain spaces and parentheses, so the fields are
 * split after the last `)`.
 *
 * @public
 */
export function parseProcessStat(text: string, file = '/proc/<pid>/stat'): ProcessStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw malformed(file, 1, text, '"<pid> (<comm>) <state> …"');
  const f = text.slice(close + 2).split(' ', 23);
  if (f.length < 22) throw malformed(file, 1, text, 'at least 24 fields');
  const n = (i: number): number => {
    const v = Number(f[i]);
    if (!Number.isFinite(v)) throw malformed(file, 1, text, `a number in field ${i + 3}`);
    return v;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: f[0] as string,
    ppid: n(1),
    minorFaults: n(7),
    majorFaults: n(9),
    utime: n(11),
    stime: n(12),
    numThreads: n(17),
    startTime: n(19),
    vsizeBytes: n(20),
    rssPages: n(21),
  };
}

/** Options of {@link ProcessSource}. @public */
export interface ProcessSourceOptions {
  /** Root of the file tree (default `/`). */
  readonly root?: string;
  /** How many processes to report (by CPU over the last interval, then RSS). Default 10. */
  readonly topN?: number;
  /** USER_HZ (`getconf CLK_TCK`); 100 on every mainstream architecture. */
  readonly clockTicksPerSecond?: number;
  /** Page size in bytes (`getconf PAGESIZE`). Default 4096. */
  readonly pageSize?: number;
  /** Collect at most this often. Default 0 (every tick; see `slices`). */
  readonly minIntervalMs?: number;
  /**
   * Spread the scan over this many collections (default 5): each one reads the processes whose
   * pid ≡ n (mod slices), so every process is re-read every `slices` ticks, its rates cover that
   * span, and no single tick pays for reading every process. 1 reads all of them every time.
   */
  readonly slices?: number;
  /** Keep at most this many `/proc/<pid>/stat` files open between scans (0 = none). Default 256. */
  readonly maxOpenFiles?: number;
}

/**
 * Per-process CPU and memory for the top N processes: `process.cpu_cores`, `process.rss_bytes`,
 * `process.major_faults_per_second`, `process.threads_count`, labelled `{pid, comm}`, plus
 * `process.count`. The scan is spread over `slices` ticks (default 5) so the cost is flat; rates of a
 * process are over the time between two reads of it, and a pid is tracked with its start time so a
 * reused pid starts afresh. Processes that exit between listing and reading are skipped; processes of
 * other users are readable without root.
 *
 * @public
 */
export class ProcessSource implements MetricSource {
  readonly id = 'proc.processes';
  readonly minIntervalMs: number;
  private readonly files: KernelFiles;
  private readonly topN: number;
  private readonly hz: number;
  private readonly pageSize: number;
  private readonly maxOpenFiles: number;
  private readonly slices: number;
  private readonly fds = new Map<string, number>();
  private readonly known = new Map<string, ProcessEntry>();
  private readonly labels = new SeriesLabels<number>();
  private tick = 0;
  private pids: string[] | undefined;

  constructor(options: ProcessSourceOptions = {}) {
    this.files = new KernelFiles(options.root);
    this.topN = options.topN ?? 10;
    this.hz = options.clockTicksPerSecond ?? 100;
    this.pageSize = options.pageSize ?? 4096;
    this.minIntervalMs = options.minIntervalMs ?? 0;
    this.maxOpenFiles = options.maxOpenFiles ?? 256;
    this.slices = Math.max(1, Math.floor(options.slices ?? 5));
  }

  /**
   * Reads `/proc/<pid>/stat`, keeping up to `maxOpenFiles` descriptors open between scans (a `pread`
   * on an open descriptor costs less than half of open + read + close). A descriptor of an exited
   * process fails with ESRCH, even if the pid was reused, so it is closed and the file reopened once.
   */
  private readStat(pid: string, path: string): string | undefined {
    const cached = this.fds.get(pid);
    if (cached !== undefined) {
      try {
        return KernelFiles.readFd(cached);
      } catch {
        closeSync(cached);
        this.fds.delete(pid);
      }
    }
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return undefined;
    }
    let text: string | undefined;
    try {
      text = KernelFiles.readFd(fd);
    } catch {
      text = undefined;
    }
    if (text !== undefined && this.fds.size < this.maxOpenFiles) this.fds.set(pid, fd);
    else closeSync(fd);
    return text;
  }

  /** Closes the descriptors kept open between scans. */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  collect(ctx: CollectContext): MetricSample[] {
    const slice = this.tick++ % this.slices;
    // Listing /proc walks every task in the kernel: do it once per cycle of slices, not every tick.
    if (slice === 0 || this.pids === undefined) {
      const pids = this.files.list('proc').filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57);
      const live = new Set(pids);
      for (const pid of this.known.keys()) {
        if (live.has(pid)) continue;
        this.known.delete(pid);
        const fd = this.fds.get(pid);
        if (fd !== undefined) {
          closeSync(fd);
          this.fds.delete(pid);
        }
      }
      this.pids = pids;
    }
    const pids = this.pids;
    for (const pid of pids) {
      if (this.slices > 1 && Number(pid) % this.slices !== slice) continue;
      const path = this.files.path(`proc/${pid}/stat`);
      const text = this.readStat(pid, path);
      if (text === undefined) {
        this.known.delete(pid); // exited meanwhile
        continue;
      }
      const s = parseProcessStat(text, path);
      const key = `${s.pid}:${s.startTime}`; // a recycled pid is a different process
      const before = this.known.get(pid);
      const dt = before === undefined ? 0 : ctx.monotonicMs - before.at;
      const entry: ProcessEntry = { key, stat: s, at: ctx.monotonicMs };
      if (before !== undefined && before.key === key && dt > 0) {
        entry.cores = Math.max(0, s.utime + s.stime - before.stat.utime - before.stat.stime) / this.hz / (dt / 1000);
        entry.majPerSec = (Math.max(0, s.majorFaults - before.stat.majorFaults) * 1000) / dt;
      }
      this.known.set(pid, entry);
    }
    const rows = [...this.known.values()].sort((a, b) => (b.cores ?? 0) - (a.cores ?? 0) || b.stat.rssPages - a.stat.rssPages);
    const out: MetricSample[] = [{ name: 'process.count', unit: 'count', value: pids.length, timestamp: ctx.now }];
    for (const e of rows.slice(0, this.topN)) {
      const s = e.stat;
      let labels = this.labels.get(s.pid);
      if (labels === undefined || labels.comm !== s.comm) labels = this.labels.set(s.pid, { pid: String(s.pid), comm: s.comm });
      if (e.cores !== undefined) out.push({ name: 'process.cpu_cores', unit: 'cores', value: e.cores, labels, timestamp: ctx.now });
      out.push({ name: 'process.rss_bytes', unit: 'bytes', value: s.rssPages * this.pageSize, labels, timestamp: ctx.now });
      out.push({ name: 'process.threads_count', unit: 'count', value: s.numThreads, labels, timestamp: ctx.now });
      if (e.majPerSec !== undefined) out.push({ name: 'process.major_faults_per_second', unit: 'per_second', value: e.majPerSec, labels, timestamp: ctx.now });
    }
    this.labels.sweep();
    return out;
  }
}

interface ProcessEntry {
  key: string;
  stat: ProcessStat;
  at: number;
  cores?: number;
  majPerSec?: number;
}
