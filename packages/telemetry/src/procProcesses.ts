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
  // Fields after "<comm>) " without splitting the line: the start of field i (0 = state) for i < 22.
  const at = statFieldStarts;
  let count = 0;
  let pos = close + 2;
  while (count < 22 && pos <= text.length) {
    at[count++] = pos;
    const sp = text.indexOf(' ', pos);
    if (sp < 0) break;
    pos = sp + 1;
  }
  if (count < 22) throw malformed(file, 1, text, 'at least 24 fields');
  const n = (i: number): number => {
    const v = statNumber(text, at[i] as number);
    if (!Number.isFinite(v)) throw malformed(file, 1, text, `a number in field ${i + 3}`);
    return v;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: text.slice(at[0] as number, (at[1] as number) - 1),
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

const statFieldStarts = new Int32Array(22);

/** The field of `/proc/<pid>/stat` starting at `from` as a number (`NaN` when it is not a decimal integer). */
function statNumber(text: string, from: number): number {
  let i = from;
  let c = text.charCodeAt(i);
  const negative = c === 45; // '-'
  if (negative) c = text.charCodeAt(++i);
  let v = 0;
  let digits = 0;
  while (c >= 48 && c <= 57) {
    v = v * 10 + (c - 48);
    digits++;
    c = text.charCodeAt(++i);
  }
  // the field ends at a blank, the newline or the end of the text; beyond 15 digits, Number() rounds exactly
  if (digits === 0 || digits > 15 || !(Number.isNaN(c) || c === 32 || c === 10)) {
    let end = text.indexOf(' ', from);
    if (end < 0) end = text.length;
    return Number(text.slice(from, end)); // whatever Number makes of it (NaN for garbage), as before
  }
  return negative ? -v : v;
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
  private readonly procDir: string;
  private readonly rows: ProcessEntry[] = [];
  private tick = 0;
  private pids: string[] | undefined;
  private pidSlices: number[] = [];

  constructor(options: ProcessSourceOptions = {}) {
    this.files = new KernelFiles(options.root);
    this.procDir = this.files.path('proc');
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
  private readStat(pid: string): string | undefined {
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
      fd = openSync(this.statPath(pid), 'r');
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
      this.pidSlices = pids.map((p) => Number(p) % this.slices);
    }
    const pids = this.pids;
    const pidSlices = this.pidSlices;
    for (let i = 0; i < pids.length; i++) {
      if (this.slices > 1 && pidSlices[i] !== slice) continue;
      const pid = pids[i] as string;
      const text = this.readStat(pid);
      if (text === undefined) {
        this.known.delete(pid); // exited meanwhile
        continue;
      }
      const s = parseProcessStat(text, this.statPath(pid));
      const before = this.known.get(pid);
      // a recycled pid (another start time) is a different process: it starts afresh
      if (before === undefined || before.stat.startTime !== s.startTime || before.stat.pid !== s.pid) {
        this.known.set(pid, { stat: s, at: ctx.monotonicMs, cores: undefined, majPerSec: undefined });
        continue;
      }
      const dt = ctx.monotonicMs - before.at;
      if (dt > 0) {
        before.cores = Math.max(0, s.utime + s.stime - before.stat.utime - before.stat.stime) / this.hz / (dt / 1000);
        before.majPerSec = (Math.max(0, s.majorFaults - before.stat.majorFaults) * 1000) / dt;
      } else {
        before.cores = undefined;
        before.majPerSec = undefined;
      }
      before.stat = s;
      before.at = ctx.monotonicMs;
    }
    const rows = this.rows;
    rows.length = 0;
    for (const e of this.known.values()) rows.push(e);
    rows.sort(byCpuThenRss);
    const out: MetricSample[] = [{ name: 'process.count', unit: 'count', value: pids.length, timestamp: ctx.now }];
    const top = Math.min(this.topN, rows.length);
    for (let i = 0; i < top; i++) {
      const e = rows[i] as ProcessEntry;
      const s = e.stat;
      let labels = this.labels.get(s.pid);
      if (labels === undefined || labels.comm !== s.comm) labels = this.labels.set(s.pid, { pid: String(s.pid), comm: s.comm });
      if (e.cores !== undefined) out.push({ name: 'process.cpu_cores', unit: 'cores', value: e.cores, labels, timestamp: ctx.now });
      out.push({ name: 'process.rss_bytes', unit: 'bytes', value: s.rssPages * this.pageSize, labels, timestamp: ctx.now });
      out.push({ name: 'process.threads_count', unit: 'count', value: s.numThreads, labels, timestamp: ctx.now });
      if (e.majPerSec !== undefined) out.push({ name: 'process.major_faults_per_second', unit: 'per_second', value: e.majPerSec, labels, timestamp: ctx.now });
    }
    rows.length = 0;
    this.labels.sweep();
    return out;
  }

  private statPath(pid: string): string {
    return `${this.procDir}/${pid}/stat`;
  }
}

const byCpuThenRss = (a: ProcessEntry, b: ProcessEntry): number => (b.cores ?? 0) - (a.cores ?? 0) || b.stat.rssPages - a.stat.rssPages;

interface ProcessEntry {
  stat: ProcessStat;
  at: number;
  cores: number | undefined;
  majPerSec: number | undefined;
}
