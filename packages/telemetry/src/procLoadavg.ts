import { malformed } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import type { MetricSample } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/** Parsed `/proc/loadavg`. @public */
export interface Loadavg {
  /** 1-minute load average. */
  readonly avg1: number;
  /** 5-minute load average. */
  readonly avg5: number;
  /** 15-minute load average. */
  readonly avg15: number;
  /** Runnable scheduling entities (the number before the slash). */
  readonly runnable: number;
  /** Existing scheduling entities (the number after the slash). */
  readonly threads: number;
  /** The most recently allocated pid. */
  readonly lastPid: number;
}

/** Parses `/proc/loadavg` (`0.35 0.48 0.24 1/85 547`). @public */
export function parseLoadavg(text: string, file = '/proc/loadavg'): Loadavg {
  const line = text.split('\n')[0] ?? '';
  const m = /^(\d+\.\d+) (\d+\.\d+) (\d+\.\d+) (\d+)\/(\d+) (\d+)\s*$/.exec(line);
  if (m === null) throw malformed(file, 1, line, '"<avg1> <avg5> <avg15> <runnable>/<threads> <lastpid>"');
  return {
    avg1: Number(m[1]),
    avg5: Number(m[2]),
    avg15: Number(m[3]),
    runnable: Number(m[4]),
    threads: Number(m[5]),
    lastPid: Number(m[6]),
  };
}

/** `/proc/loadavg`: `load.avg1`, `load.avg5`, `load.avg15`, `load.runnable_count`, `load.threads_count`. @public */
export class LoadavgSource implements MetricSource {
  readonly id = 'proc.loadavg';
  private readonly files: KernelFiles;

  constructor(options: { readonly root?: string } = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    const l = parseLoadavg(this.files.read('proc/loadavg'), this.files.path('proc/loadavg'));
    const t = ctx.now;
    return [
      { name: 'load.avg1', unit: 'load', value: l.avg1, timestamp: t },
      { name: 'load.avg5', unit: 'load', value: l.avg5, timestamp: t },
      { name: 'load.avg15', unit: 'load', value: l.avg15, timestamp: t },
      { name: 'load.runnable_count', unit: 'count', value: l.runnable, timestamp: t },
      { name: 'load.threads_count', unit: 'count', value: l.threads, timestamp: t },
    ];
  }
}
