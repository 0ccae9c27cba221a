import { counterDelta, counterRate } from './counters.js';
import { malformed } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import { type MetricLabels, type MetricSample, type MetricUnit, SeriesLabels } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/** CPU time counters of one `cpu` line of `/proc/stat`, in USER_HZ ticks. @public */
export interface CpuTimes {
  /** Time in user mode (includes guest). */
  readonly user: number;
  /** Time in user mode at low priority (includes guest_nice). */
  readonly nice: number;
  /** Time in kernel mode. */
  readonly system: number;
  /** Idle time. */
  readonly idle: number;
  /** Idle time with I/O outstanding (may go backwards on some kernels). */
  readonly iowait: number;
  /** Time servicing hard interrupts. */
  readonly irq: number;
  /** Time servicing soft interrupts. */
  readonly softirq: number;
  /** Time stolen by the hypervisor. */
  readonly steal: number;
  /** Included in `user` by the kernel; kept for completeness. */
  readonly guest: number;
  /** Included in `nice` by the kernel; kept for completeness. */
  readonly guestNice: number;
}

/** Parsed `/proc/stat`. @public */
export interface ProcStat {
  /** The aggregate `cpu` line. */
  readonly total: CpuTimes;
  /** Per-CPU lines keyed by CPU number (`"0"`, `"1"`, …); offline CPUs are absent. */
  readonly cpus: ReadonlyMap<string, CpuTimes>;
  /** `ctxt`: context switches since boot. */
  readonly contextSwitches?: number;
  /** `intr` total: interrupts since boot. */
  readonly interrupts?: number;
  /** Forks since boot. */
  readonly processesCreated?: number;
  /** `procs_running`: runnable tasks now. */
  readonly procsRunning?: number;
  /** `procs_blocked`: tasks blocked on I/O now. */
  readonly procsBlocked?: number;
  /** Boot time, seconds since the epoch. */
  readonly bootTime?: number;
}

function toInt(file: string, lineNo: number, line: string, token: string | undefined): number {
  const v = token === undefined ? Number.NaN : Number(token);
  if (!Number.isFinite(v)) throw malformed(file, lineNo, line, 'a decimal number');
  return v;
}

/**
 * Parses `/proc/stat`. Tolerates the column count of any kernel since 2.6.11 (missing trailing columns
 * read as 0, extra columns are ignored); throws `ERR_AINKA_TELEMETRY_MALFORMED_INPUT` on garbage.
 *
 * @public
 */
export function parseProcStat(text: string, file = '/proc/stat'): ProcStat {
  const lines = text.split('\n');
  let total: CpuTimes | undefined;
  const cpus = new Map<string, CpuTimes>();
  const out: { -readonly [K in keyof ProcStat]?: ProcStat[K] } = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const parts = line.split(/\s+/);
    const key = parts[0] as string;
    if (key.startsWith('cpu')) {
      if (parts.length < 5) throw malformed(file, i + 1, line, 'a cpu line with at least 4 counters');
      const n = (j: number): number => (parts[j] === undefined || parts[j] === '' ? 0 : toInt(file, i + 1, line, parts[j]));
      const t: CpuTimes = {
        user: n(1),
        nice: n(2),
        system: n(3),
        idle: n(4),
        iowait: n(5),
        irq: n(6),
        softirq: n(7),
        steal: n(8),
        guest: n(9),
        guestNice: n(10),
      };
      if (key === 'cpu') total = t;
      else {
        const id = key.slice(3);
        if (!/^\d+$/.test(id)) throw malformed(file, i + 1, line, 'cpu<N>');
        cpus.set(id, t);
      }
      continue;
    }
    switch (key) {
      case 'ctxt':
        out.contextSwitches = toInt(file, i + 1, line, parts[1]);
        break;
      case 'intr':
        out.interrupts = toInt(file, i + 1, line, parts[1]);
        break;
      case 'processes':
        out.processesCreated = toInt(file, i + 1, line, parts[1]);
        break;
      case 'procs_running':
        out.procsRunning = toInt(file, i + 1, line, parts[1]);
        break;
      case 'procs_blocked':
        out.procsBlocked = toInt(file, i + 1, line, parts[1]);
        break;
      case 'btime':
        out.bootTime = toInt(file, i + 1, line, parts[1]);
        break;
      default:
        break; // softirq, page, swap (2.4) …: not used
    }
  }
  if (total === undefined) throw malformed(file, 1, lines[0] ?? '', 'a leading "cpu" line');
  return { ...out, total, cpus };
}

/** Fractions of CPU time over an interval. All in [0, 1]; they sum to 1. @public */
export interface CpuUtilisation {
  /** 1 - idle - iowait. */
  readonly busy: number;
  /** user + nice. */
  readonly user: number;
  /** Kernel time. */
  readonly system: number;
  /** Idle with I/O outstanding. */
  readonly iowait: number;
  /** Hard + soft interrupts. */
  readonly irq: number;
  /** Stolen by the hypervisor. */
  readonly steal: number;
  /** Idle. */
  readonly idle: number;
}

interface Deltas {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

// iowait (and on some kernels idle) can go backwards for a CPU: clamp instead of treating it as a wrap.
const d = (a: number, b: number): number => (b > a ? b - a : 0);

function deltas(prev: CpuTimes, cur: CpuTimes): Deltas {
  return {
    user: d(prev.user, cur.user),
    nice: d(prev.nice, cur.nice),
    system: d(prev.system, cur.system),
    idle: d(prev.idle, cur.idle),
    iowait: d(prev.iowait, cur.iowait),
    irq: d(prev.irq, cur.irq),
    softirq: d(prev.softirq, cur.softirq),
    steal: d(prev.steal, cur.steal),
  };
}

function fractions(x: Deltas): CpuUtilisation | undefined {
  // guest/guest_nice are already inside user/nice, so they are not added again.
  const total = x.user + x.nice + x.system + x.idle + x.iowait + x.irq + x.softirq + x.steal;
  if (total <= 0) return undefined;
  const idle = x.idle / total;
  const iowait = x.iowait / total;
  return {
    busy: 1 - idle - iowait,
    user: (x.user + x.nice) / total,
    system: x.system / total,
    iowait,
    irq: (x.irq + x.softirq) / total,
    steal: x.steal / total,
    idle,
  };
}

/**
 * Utilisation between two `/proc/stat` reads, overall and per CPU, correct across CPU hot-plug: a CPU
 * counts only if it is online in both reads, and the overall figure is the sum over those CPUs (the
 * aggregate line jumps when a CPU goes offline, so it is not used).
 *
 * @public
 */
export function cpuUtilisation(
  prev: ProcStat,
  cur: ProcStat,
): {
  /** Summed over the CPUs online in both reads; absent when no CPU time passed between them. */
  total?: CpuUtilisation;
  /** By CPU number (`"0"`, `"1"`, …), for CPUs online in both reads. */
  perCpu: Map<string, CpuUtilisation>;
} {
  const perCpu = new Map<string, CpuUtilisation>();
  const sum: Deltas = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
  let any = false;
  for (const [id, c] of cur.cpus) {
    const p = prev.cpus.get(id);
    if (p === undefined) continue;
    const x = deltas(p, c);
    const f = fractions(x);
    if (f !== undefined) perCpu.set(id, f);
    for (const k of Object.keys(sum) as (keyof Deltas)[]) sum[k] += x[k];
    any = true;
  }
  const total = fractions(any ? sum : deltas(prev.total, cur.total));
  return total === undefined ? { perCpu } : { total, perCpu };
}

/** Options of {@link ProcStatSource}. @public */
export interface ProcStatSourceOptions {
  /** Root of the file tree (default `/`). */
  readonly root?: string;
  /** Emit per-CPU series labelled `{cpu}` (default true). */
  readonly perCpu?: boolean;
}

/**
 * `/proc/stat`: `cpu.*_ratio` overall and per CPU, context switches, interrupts, forks, run queue.
 *
 * @public
 */
export class ProcStatSource implements MetricSource {
  readonly id = 'proc.stat';
  private readonly files: KernelFiles;
  private readonly perCpu: boolean;
  private prev: ProcStat | undefined;
  /** One labels object per CPU (a bounded set: never swept). */
  private readonly labels = new SeriesLabels<string>();
  private prevMs = 0;

  constructor(options: ProcStatSourceOptions = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
    this.perCpu = options.perCpu ?? true;
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    const cur = parseProcStat(this.files.read('proc/stat'), this.files.path('proc/stat'));
    const out: MetricSample[] = [];
    const push = (name: string, unit: MetricUnit, value: number, labels?: MetricLabels): void => {
      out.push(labels === undefined ? { name, unit, value, timestamp: ctx.now } : { name, unit, value, labels, timestamp: ctx.now });
    };
    push('cpu.online_count', 'count', cur.cpus.size);
    if (cur.procsRunning !== undefined) push('cpu.procs_running_count', 'count', cur.procsRunning);
    if (cur.procsBlocked !== undefined) push('cpu.procs_blocked_count', 'count', cur.procsBlocked);
    if (cur.contextSwitches !== undefined) push('cpu.context_switches_total', 'total', cur.contextSwitches);
    const prev = this.prev;
    const dt = ctx.monotonicMs - this.prevMs;
    if (prev !== undefined && dt > 0) {
      const u = cpuUtilisation(prev, cur);
      const emit = (f: CpuUtilisation, labels?: MetricLabels): void => {
        push('cpu.busy_ratio', 'ratio', f.busy, labels);
        push('cpu.user_ratio', 'ratio', f.user, labels);
        push('cpu.system_ratio', 'ratio', f.system, labels);
        push('cpu.iowait_ratio', 'ratio', f.iowait, labels);
        push('cpu.irq_ratio', 'ratio', f.irq, labels);
        push('cpu.steal_ratio', 'ratio', f.steal, labels);
      };
      if (u.total !== undefined) emit(u.total);
      if (this.perCpu) for (const [id, f] of u.perCpu) emit(f, this.labels.get(id) ?? this.labels.set(id, { cpu: id }));
      if (prev.contextSwitches !== undefined && cur.contextSwitches !== undefined)
        push('cpu.context_switches_per_second', 'per_second', counterRate(prev.contextSwitches, cur.contextSwitches, dt, 64));
      if (prev.interrupts !== undefined && cur.interrupts !== undefined)
        push('cpu.interrupts_per_second', 'per_second', counterRate(prev.interrupts, cur.interrupts, dt, 64));
      if (prev.processesCreated !== undefined && cur.processesCreated !== undefined)
        push('cpu.forks_per_second', 'per_second', (counterDelta(prev.processesCreated, cur.processesCreated) * 1000) / dt);
    }
    this.prev = cur;
    this.prevMs = ctx.monotonicMs;
    return out;
  }
}
