import { TelemetryError } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import type { MetricLabels, MetricSample, MetricUnit } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/**
 * The active scheduler of a `queue/scheduler` file (`mq-deadline kyber [bfq] none` → `bfq`; a lone
 * `none` → `none`).
 *
 * @public
 */
export function parseScheduler(text: string): {
  /** The bracketed (active) scheduler, or the only one listed; undefined when none is. */
  active: string | undefined;
  /** Every scheduler listed, without brackets. */
  available: string[];
} {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  let active: string | undefined;
  const available = words.map((w) => {
    const m = /^\[(.+)\]$/.exec(w);
    if (m !== null) {
      active = m[1] as string;
      return active;
    }
    return w;
  });
  if (active === undefined && available.length === 1) active = available[0];
  return { active, available };
}

const numeric: ReadonlyArray<readonly [string, string, MetricUnit, number]> = [
  ['nr_requests', 'block.queue.nr_requests_count', 'count', 1],
  ['read_ahead_kb', 'block.queue.read_ahead_bytes', 'bytes', 1024],
  ['max_sectors_kb', 'block.queue.max_request_bytes', 'bytes', 1024],
  ['rotational', 'block.queue.rotational', 'count', 1],
  ['nomerges', 'block.queue.nomerges', 'count', 1],
  ['wbt_lat_usec', 'block.queue.wbt_latency_seconds', 'seconds', 1e-6],
];

/**
 * `/sys/block/<dev>/queue/*`: the tunables AINKA may change (scheduler, nr_requests, read-ahead, …),
 * labelled `{device}`; the scheduler is an info series `block.queue.scheduler_info{device,scheduler}`.
 * Collected every 10 s by default (they change only when someone tunes them).
 *
 * @public
 */
export class BlockQueueSource implements MetricSource {
  readonly id = 'sys.block.queue';
  readonly minIntervalMs: number;
  private readonly files: KernelFiles;

  constructor(options: { readonly root?: string; readonly minIntervalMs?: number } = {}) {
    this.files = new KernelFiles(options.root);
    this.minIntervalMs = options.minIntervalMs ?? 10_000;
  }

  collect(ctx: CollectContext): MetricSample[] {
    const devices = this.files.list('sys/block').filter((d) => !/^(loop|ram)\d+$/.test(d));
    const out: MetricSample[] = [];
    for (const device of devices) {
      const dir = `sys/block/${device}/queue`;
      const sched = this.files.tryRead(`${dir}/scheduler`);
      if (sched !== undefined) {
        const s = parseScheduler(sched);
        if (s.active !== undefined) {
          out.push({ name: 'block.queue.scheduler_info', unit: 'info', value: 1, labels: { device, scheduler: s.active }, timestamp: ctx.now });
        }
      }
      const labels: MetricLabels = { device };
      for (const [file, name, unit, scale] of numeric) {
        const text = this.files.tryRead(`${dir}/${file}`);
        if (text === undefined) continue;
        const v = Number(text.trim());
        if (Number.isFinite(v)) out.push({ name, unit, value: v * scale, labels, timestamp: ctx.now });
      }
    }
    if (devices.length > 0 && out.length === 0) {
      throw new TelemetryError('ERR_AINKA_TELEMETRY_PERMISSION_DENIED', `no queue attribute under ${this.files.path('sys/block')} was readable: run as root.`);
    }
    return out;
  }
}
