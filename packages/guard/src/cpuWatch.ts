import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Options of {@link CpuWatch}. */
export interface CpuWatchOptions {
  /** Root holding `proc/` (default `/`). */
  readonly root?: string;
  /** CPU (in cores) above which a process counts as busy (default 0.5). */
  readonly threshold?: number;
  /** Processes watched at most (default 512; the oldest go first). */
  readonly maxProcesses?: number;
  /** Clock ticks per second of /proc/<pid>/stat (default 100, USER_HZ on Linux). */
  readonly ticksPerSecond?: number;
  /** Clock in ms (default Date.now). */
  readonly now?: () => number;
}

/** One busy process, as reported by {@link CpuWatch.sample}. */
export interface BusyProcess {
  /** Process id. */
  readonly pid: number;
  /** CPU since it became busy (average), in cores. */
  readonly ratio: number;
  /** Seconds it has been busy (its average since then above the threshold). */
  readonly sustainedSeconds: number;
  /** Remote ports it connected to. */
  readonly remotePorts: readonly number[];
}

interface Watched {
  ports: Set<number>;
  ticks?: number;
  at?: number;
  busySince?: number;
  /** CPU ticks when it became busy. */
  busyTicks?: number;
}

/**
 * CPU of the processes that made outbound connections, sampled from `/proc/<pid>/stat`: the
 * "sustained CPU plus a connection" shape of crypto-miners, at the cost of one small read per
 * connected process per sample.
 */
export class CpuWatch {
  readonly #root: string;
  readonly #threshold: number;
  readonly #max: number;
  readonly #hz: number;
  readonly #now: () => number;
  readonly #procs = new Map<number, Watched>();

  constructor(options: CpuWatchOptions = {}) {
    this.#root = options.root ?? '/';
    this.#threshold = options.threshold ?? 0.5;
    this.#max = options.maxProcesses ?? 512;
    this.#hz = options.ticksPerSecond ?? 100;
    this.#now = options.now ?? Date.now;
  }

  /** Processes watched now. */
  get size(): number {
    return this.#procs.size;
  }

  /** A process connected to a remote port: watch it. */
  connected(pid: number, port: number): void {
    let w = this.#procs.get(pid);
    if (!w) {
      if (this.#procs.size >= this.#max) this.#procs.delete(this.#procs.keys().next().value!);
      this.#procs.set(pid, (w = { ports: new Set() }));
    }
    if (w.ports.size < 64) w.ports.add(port);
  }

  /** A process exited. */
  forget(pid: number): void {
    this.#procs.delete(pid);
  }

  /** Reads every watched process; returns those above the threshold. */
  sample(): BusyProcess[] {
    const now = this.#now();
    const out: BusyProcess[] = [];
    for (const [pid, w] of this.#procs) {
      const ticks = readTicks(this.#root, pid);
      if (ticks === undefined) {
        this.#procs.delete(pid);
        continue;
      }
      if (w.ticks !== undefined && w.at !== undefined && now > w.at) {
        const ratio = (ticks - w.ticks) / this.#hz / ((now - w.at) / 1000);
        if (w.busySince === undefined && ratio >= this.#threshold) {
          w.busySince = w.at;
          w.busyTicks = w.ticks;
        }
        if (w.busySince !== undefined) {
          // the average since it became busy: one slow sample (a loaded or emulated machine) does not restart the count
          const avg = (ticks - w.busyTicks!) / this.#hz / ((now - w.busySince) / 1000);
          if (avg >= this.#threshold) out.push({ pid, ratio: Math.round(avg * 100) / 100, sustainedSeconds: Math.round((now - w.busySince) / 100) / 10, remotePorts: [...w.ports] });
          else w.busySince = w.busyTicks = undefined;
        }
      }
      w.ticks = ticks;
      w.at = now;
    }
    return out;
  }
}

/** utime + stime of a process in clock ticks, or undefined when it is gone. */
function readTicks(root: string, pid: number): number | undefined {
  try {
    const stat = readFileSync(join(root, 'proc', String(pid), 'stat'), 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after the comm: state(0) ppid(1) … utime(11) stime(12)
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}
