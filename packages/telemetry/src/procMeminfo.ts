import { malformed } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import type { MetricSample, MetricUnit } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/**
 * Parses `/proc/meminfo` into a map of field → value. Fields with a `kB` unit are converted to bytes;
 * unit-less fields (`HugePages_Total`) are kept as is. Unknown fields are kept, so any kernel works.
 *
 * @public
 */
export function parseMeminfo(text: string, file = '/proc/meminfo'): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    // Hand-rolled instead of a regular expression: this runs every tick.
    const colon = line.indexOf(':');
    let rest = colon > 0 ? line.slice(colon + 1).trim() : '';
    const kb = rest.endsWith(' kB');
    if (kb) rest = rest.slice(0, -3).trimEnd();
    const v = Number(rest);
    if (colon <= 0 || rest === '' || !Number.isInteger(v) || v < 0) throw malformed(file, i + 1, line, '"Key:   <number> [kB]"');
    out.set(line.slice(0, colon), kb ? v * 1024 : v);
  }
  if (!out.has('MemTotal')) throw malformed(file, 1, lines[0] ?? '', 'a MemTotal line');
  return out;
}

const fields: ReadonlyArray<readonly [string, string]> = [
  ['MemTotal', 'mem.total_bytes'],
  ['MemFree', 'mem.free_bytes'],
  ['Buffers', 'mem.buffers_bytes'],
  ['Cached', 'mem.cached_bytes'],
  ['SwapTotal', 'mem.swap_total_bytes'],
  ['SwapFree', 'mem.swap_free_bytes'],
  ['Dirty', 'mem.dirty_bytes'],
  ['Writeback', 'mem.writeback_bytes'],
  ['AnonPages', 'mem.anon_bytes'],
  ['Shmem', 'mem.shmem_bytes'],
  ['SReclaimable', 'mem.slab_reclaimable_bytes'],
  ['SUnreclaim', 'mem.slab_unreclaimable_bytes'],
  ['Committed_AS', 'mem.committed_bytes'],
];

/**
 * `/proc/meminfo`: `mem.*_bytes` and `mem.used_ratio`. On kernels older than 3.14 (no `MemAvailable`)
 * `mem.available_bytes` is estimated as MemFree + Buffers + Cached.
 *
 * @public
 */
export class MeminfoSource implements MetricSource {
  readonly id = 'proc.meminfo';
  private readonly files: KernelFiles;

  constructor(options: { readonly root?: string } = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    const m = parseMeminfo(this.files.read('proc/meminfo'), this.files.path('proc/meminfo'));
    const out: MetricSample[] = [];
    const push = (name: string, unit: MetricUnit, value: number): void => {
      out.push({ name, unit, value, timestamp: ctx.now });
    };
    for (const [field, name] of fields) {
      const v = m.get(field);
      if (v !== undefined) push(name, 'bytes', v);
    }
    const total = m.get('MemTotal') ?? 0;
    const available = m.get('MemAvailable') ?? (m.get('MemFree') ?? 0) + (m.get('Buffers') ?? 0) + (m.get('Cached') ?? 0);
    push('mem.available_bytes', 'bytes', available);
    if (total > 0) push('mem.used_ratio', 'ratio', Math.min(1, Math.max(0, 1 - available / total)));
    const st = m.get('SwapTotal');
    const sf = m.get('SwapFree');
    if (st !== undefined && sf !== undefined && st > 0) push('swap.used_ratio', 'ratio', (st - sf) / st);
    return out;
  }
}
