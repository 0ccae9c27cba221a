import { counterDelta, counterRate } from './counters.js';
import { malformed } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import { type MetricSample, type MetricUnit, SeriesLabels } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/** Counters of one `/proc/diskstats` line. Times are milliseconds; sectors are 512 bytes. @public */
export interface DiskCounters {
  /** Device major number. */
  readonly major: number;
  /** Device minor number. */
  readonly minor: number;
  /** Kernel device name (`sda`, `nvme0n1`). */
  readonly device: string;
  /** Reads completed. */
  readonly reads: number;
  /** Adjacent reads merged. */
  readonly readsMerged: number;
  /** 512-byte sectors read. */
  readonly sectorsRead: number;
  /** Milliseconds spent reading (wraps at 2^32). */
  readonly readMs: number;
  /** Writes completed. */
  readonly writes: number;
  /** Adjacent writes merged. */
  readonly writesMerged: number;
  /** 512-byte sectors written. */
  readonly sectorsWritten: number;
  /** Milliseconds spent writing (wraps at 2^32). */
  readonly writeMs: number;
  /** Requests in flight now. */
  readonly inFlight: number;
  /** Milliseconds with I/O in flight (wraps at 2^32). */
  readonly ioMs: number;
  /** Milliseconds weighted by requests in flight (wraps at 2^32). */
  readonly weightedIoMs: number;
  /** Since 4.18. */
  readonly discards?: number;
  /** 512-byte sectors discarded (4.18+). */
  readonly sectorsDiscarded?: number;
  /** Milliseconds spent discarding (4.18+). */
  readonly discardMs?: number;
  /** Since 5.5. */
  readonly flushes?: number;
  /** Milliseconds spent flushing (5.5+). */
  readonly flushMs?: number;
}

/**
 * Parses `/proc/diskstats` (11, 15 or 17 counters per line depending on the kernel). The 4-counter
 * partition lines of 2.6 kernels are skipped.
 *
 * @public
 */
export function parseDiskstats(text: string, file = '/proc/diskstats'): DiskCounters[] {
  const out: DiskCounters[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const t = line.trim();
    if (t === '') continue;
    const p = t.split(/\s+/);
    if (p.length === 7) continue; // 2.6 partition line: reads, sectors, writes, sectors
    if (p.length < 14) throw malformed(file, i + 1, line, '"<major> <minor> <name>" and at least 11 counters');
    const n: number[] = [];
    for (let j = 0; j < p.length; j++) {
      if (j === 2) {
        n.push(0);
        continue;
      }
      const v = Number(p[j]);
      if (!Number.isInteger(v) || v < 0) throw malformed(file, i + 1, line, 'non-negative integer counters');
      n.push(v);
    }
    const at = (j: number): number => n[j] as number;
    const c: DiskCounters = {
      major: at(0),
      minor: at(1),
      device: p[2] as string,
      reads: at(3),
      readsMerged: at(4),
      sectorsRead: at(5),
      readMs: at(6),
      writes: at(7),
      writesMerged: at(8),
      sectorsWritten: at(9),
      writeMs: at(10),
      inFlight: at(11),
      ioMs: at(12),
      weightedIoMs: at(13),
      ...(p.length >= 18 ? { discards: at(14), sectorsDiscarded: at(16), discardMs: at(17) } : {}),
      ...(p.length >= 20 ? { flushes: at(18), flushMs: at(19) } : {}),
    };
    out.push(c);
  }
  return out;
}

/** Per-device rates between two reads. @public */
export interface DiskRates {
  /** Completed reads per second. */
  readonly readsPerSecond: number;
  /** Completed writes per second. */
  readonly writesPerSecond: number;
  /** Bytes read per second. */
  readonly readBytesPerSecond: number;
  /** Bytes written per second. */
  readonly writeBytesPerSecond: number;
  /** Mean time per completed read in seconds (0 when there were no reads). */
  readonly readAwaitSeconds: number;
  /** Mean time per completed write in seconds (0 when there were no writes). */
  readonly writeAwaitSeconds: number;
  /** Share of the interval during which the device had I/O in flight, in [0, 1]. */
  readonly utilisation: number;
  /** Mean number of requests in flight. */
  readonly avgQueueLength: number;
  /** Bytes discarded per second (4.18+). */
  readonly discardBytesPerSecond?: number;
}

/**
 * Rates between two reads of one device over `dtMs`. The millisecond fields are `unsigned int` in the
 * kernel and wrap at 2^32; the I/O and sector counters are `unsigned long`.
 *
 * @public
 */
export function diskRates(prev: DiskCounters, cur: DiskCounters, dtMs: number): DiskRates {
  const dr = counterDelta(prev.reads, cur.reads);
  const dw = counterDelta(prev.writes, cur.writes);
  const r: DiskRates = {
    readsPerSecond: (dr * 1000) / dtMs,
    writesPerSecond: (dw * 1000) / dtMs,
    readBytesPerSecond: counterRate(prev.sectorsRead, cur.sectorsRead, dtMs) * 512,
    writeBytesPerSecond: counterRate(prev.sectorsWritten, cur.sectorsWritten, dtMs) * 512,
    readAwaitSeconds: dr > 0 ? counterDelta(prev.readMs, cur.readMs, 32) / dr / 1000 : 0,
    writeAwaitSeconds: dw > 0 ? counterDelta(prev.writeMs, cur.writeMs, 32) / dw / 1000 : 0,
    utilisation: Math.min(1, counterDelta(prev.ioMs, cur.ioMs, 32) / dtMs),
    avgQueueLength: counterDelta(prev.weightedIoMs, cur.weightedIoMs, 32) / dtMs,
  };
  if (prev.sectorsDiscarded !== undefined && cur.sectorsDiscarded !== undefined) {
    return { ...r, discardBytesPerSecond: counterRate(prev.sectorsDiscarded, cur.sectorsDiscarded, dtMs) * 512 };
  }
  return r;
}

/** Options of {@link DiskstatsSource}. @public */
export interface DiskstatsSourceOptions {
  /** Root of the file tree (default `/`). */
  readonly root?: string;
  /**
   * Which devices to report. Default: whole disks listed in `/sys/block` (partitions are skipped when
   * `/sys/block` is readable) except `loop*` and `ram*` devices that never did I/O.
   */
  readonly includeDevice?: (device: string, counters: DiskCounters) => boolean;
}

/**
 * `/proc/diskstats`: per-device IOPS, throughput, await, utilisation and queue length, labelled `{device}`.
 *
 * @public
 */
export class DiskstatsSource implements MetricSource {
  readonly id = 'proc.diskstats';
  private readonly files: KernelFiles;
  private readonly include: (device: string, counters: DiskCounters) => boolean;
  private prev = new Map<string, DiskCounters>();
  private readonly labels = new SeriesLabels<string>();
  private prevMs = 0;
  private wholeDisks: Set<string> | undefined;
  private wholeDisksAt = Number.NEGATIVE_INFINITY;

  constructor(options: DiskstatsSourceOptions = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
    this.include = options.includeDevice ?? ((dev, c) => this.defaultInclude(dev, c));
  }

  private defaultInclude(dev: string, c: DiskCounters): boolean {
    if (/^(loop|ram)\d+$/.test(dev) && c.reads === 0 && c.writes === 0) return false;
    return this.wholeDisks === undefined || this.wholeDisks.has(dev);
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    if (ctx.monotonicMs - this.wholeDisksAt > 30_000) {
      // Devices come and go rarely: refresh the whole-disk list every 30 s.
      const list = this.files.tryList('sys/block');
      this.wholeDisks = list.length > 0 ? new Set(list) : undefined;
      this.wholeDisksAt = ctx.monotonicMs;
    }
    const rows = parseDiskstats(this.files.read('proc/diskstats'), this.files.path('proc/diskstats'));
    const out: MetricSample[] = [];
    const dt = ctx.monotonicMs - this.prevMs;
    const next = new Map<string, DiskCounters>();
    for (const c of rows) {
      if (!this.include(c.device, c)) continue;
      next.set(c.device, c);
      const labels = this.labels.get(c.device) ?? this.labels.set(c.device, { device: c.device });
      const put = (name: string, unit: MetricUnit, value: number): void => {
        out.push({ name, unit, value, labels, timestamp: ctx.now });
      };
      put('disk.in_flight_count', 'count', c.inFlight);
      put('disk.read_bytes_total', 'total', c.sectorsRead * 512);
      put('disk.write_bytes_total', 'total', c.sectorsWritten * 512);
      put('disk.reads_total', 'total', c.reads);
      put('disk.writes_total', 'total', c.writes);
      const p = this.prev.get(c.device);
      if (p === undefined || !(dt > 0)) continue;
      const r = diskRates(p, c, dt);
      put('disk.reads_per_second', 'per_second', r.readsPerSecond);
      put('disk.writes_per_second', 'per_second', r.writesPerSecond);
      put('disk.read_bytes_per_second', 'bytes_per_second', r.readBytesPerSecond);
      put('disk.write_bytes_per_second', 'bytes_per_second', r.writeBytesPerSecond);
      // Mean size of a completed request over the tick: large for sequential streams, small for random I/O.
      const reads = c.reads - p.reads;
      const writes = c.writes - p.writes;
      put('disk.read_request_bytes', 'bytes', reads > 0 ? ((c.sectorsRead - p.sectorsRead) * 512) / reads : 0);
      put('disk.write_request_bytes', 'bytes', writes > 0 ? ((c.sectorsWritten - p.sectorsWritten) * 512) / writes : 0);
      put('disk.read_await_seconds', 'seconds', r.readAwaitSeconds);
      put('disk.write_await_seconds', 'seconds', r.writeAwaitSeconds);
      put('disk.utilization_ratio', 'ratio', r.utilisation);
      put('disk.queue_length', 'count', r.avgQueueLength);
      if (r.discardBytesPerSecond !== undefined) put('disk.discard_bytes_per_second', 'bytes_per_second', r.discardBytesPerSecond);
    }
    this.prev = next;
    this.prevMs = ctx.monotonicMs;
    this.labels.sweep();
    return out;
  }
}
