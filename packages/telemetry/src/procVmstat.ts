import { counterRate } from './counters.js';
import { malformed } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import type { MetricSample, MetricUnit } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/**
 * Parses `/proc/vmstat` (`name value` lines) into a map. Unknown names are kept.
 *
 * @public
 */
export function parseVmstat(text: string, file = '/proc/vmstat'): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const sp = line.indexOf(' ');
    const text = sp > 0 ? line.slice(sp + 1) : '';
    const v = text === '' ? Number.NaN : Number(text);
    // Some counters are signed (nr_* can be transiently negative per-CPU sums): a sign is allowed.
    if (!Number.isInteger(v)) throw malformed(file, i + 1, line, '"<name> <integer>"');
    out.set(line.slice(0, sp), v);
  }
  return out;
}

/** Sum of the named counters that exist; undefined when none exists. */
function sum(m: ReadonlyMap<string, number>, names: readonly string[]): number | undefined {
  let s = 0;
  let found = false;
  for (const n of names) {
    const v = m.get(n);
    if (v !== undefined) {
      s += v;
      found = true;
    }
  }
  return found ? s : undefined;
}

/** Sum of every counter whose name starts with `prefix` (zone-suffixed counters of kernels < 4.8). */
function sumPrefix(m: ReadonlyMap<string, number>, prefix: string): number | undefined {
  let s = 0;
  let found = false;
  for (const [k, v] of m) {
    if (k.startsWith(prefix) && !k.endsWith('_throttle')) {
      s += v;
      found = true;
    }
  }
  return found ? s : undefined;
}

/**
 * Derived paging/reclaim/OOM counters from a parsed vmstat, normalised across kernel versions
 * (`pgscan_kswapd` vs `pgscan_kswapd_normal`, `allocstall` vs `allocstall_<zone>`, …).
 *
 * @public
 */
export function vmCounters(m: ReadonlyMap<string, number>): Record<string, number | undefined> {
  const scan = sum(m, ['pgscan_kswapd', 'pgscan_direct', 'pgscan_khugepaged', 'pgscan_proactive']);
  return {
    pgpgin: m.get('pgpgin'),
    pgpgout: m.get('pgpgout'),
    pswpin: m.get('pswpin'),
    pswpout: m.get('pswpout'),
    pgfault: m.get('pgfault'),
    pgmajfault: m.get('pgmajfault'),
    pgscan: scan ?? add(sumPrefix(m, 'pgscan_kswapd_'), sumPrefix(m, 'pgscan_direct_')),
    pgscanDirect: m.get('pgscan_direct') ?? sumPrefix(m, 'pgscan_direct_'),
    pgsteal:
      sum(m, ['pgsteal_kswapd', 'pgsteal_direct', 'pgsteal_khugepaged', 'pgsteal_proactive']) ??
      add(sumPrefix(m, 'pgsteal_kswapd_'), sumPrefix(m, 'pgsteal_direct_')),
    allocstall: m.get('allocstall') ?? sumPrefix(m, 'allocstall_'),
    oomKill: m.get('oom_kill'),
    workingsetRefault: m.get('workingset_refault') ?? sum(m, ['workingset_refault_anon', 'workingset_refault_file']),
    nrDirtied: m.get('nr_dirtied'),
    nrWritten: m.get('nr_written'),
  };
}

function add(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined && b === undefined) return undefined;
  return (a ?? 0) + (b ?? 0);
}

const PAGE_BYTES = 4096;

/**
 * The kernel's dirty-page limits as it computes them now (`nr_dirty_threshold`, `nr_dirty_background_threshold`:
 * what `vm.dirty_ratio`/`vm.dirty_bytes` and their background pair mean on this machine at this moment) and
 * how much of the limit is in use (`nr_dirty / nr_dirty_threshold`). Rules compare dirty memory with these
 * instead of a fixed byte count, so they mean the same on a 2 GiB guest and a 512 GiB server.
 *
 * @public
 */
export function dirtyLimitSamples(m: ReadonlyMap<string, number>, now: number): MetricSample[] {
  const limit = m.get('nr_dirty_threshold');
  const background = m.get('nr_dirty_background_threshold');
  const dirty = m.get('nr_dirty');
  const out: MetricSample[] = [];
  if (limit !== undefined && limit > 0) {
    out.push({ name: 'vm.dirty_threshold_bytes', unit: 'bytes', value: limit * PAGE_BYTES, timestamp: now });
    if (dirty !== undefined) out.push({ name: 'vm.dirty_limit_used_ratio', unit: 'ratio', value: Math.max(0, dirty) / limit, timestamp: now });
  }
  if (background !== undefined && background > 0) out.push({ name: 'vm.dirty_background_threshold_bytes', unit: 'bytes', value: background * PAGE_BYTES, timestamp: now });
  return out;
}

const rates: ReadonlyArray<readonly [string, string, MetricUnit, number]> = [
  // [counter, metric, unit, scale]
  ['pgpgin', 'vm.page_in_bytes_per_second', 'bytes_per_second', 1024],
  ['pgpgout', 'vm.page_out_bytes_per_second', 'bytes_per_second', 1024],
  ['pswpin', 'vm.swap_in_pages_per_second', 'per_second', 1],
  ['pswpout', 'vm.swap_out_pages_per_second', 'per_second', 1],
  ['pgfault', 'vm.page_faults_per_second', 'per_second', 1],
  ['pgmajfault', 'vm.major_faults_per_second', 'per_second', 1],
  ['pgscan', 'vm.pages_scanned_per_second', 'per_second', 1],
  ['pgscanDirect', 'vm.direct_reclaim_pages_scanned_per_second', 'per_second', 1],
  ['pgsteal', 'vm.pages_reclaimed_per_second', 'per_second', 1],
  ['allocstall', 'vm.alloc_stalls_per_second', 'per_second', 1],
  ['workingsetRefault', 'vm.workingset_refaults_per_second', 'per_second', 1],
  ['oomKill', 'vm.oom_kills_per_second', 'per_second', 1],
  // Pages applications dirtied (their buffered write rate, before any writeback throttling) and pages written back.
  ['nrDirtied', 'vm.dirtied_bytes_per_second', 'bytes_per_second', PAGE_BYTES],
  ['nrWritten', 'vm.written_bytes_per_second', 'bytes_per_second', PAGE_BYTES],
];

/**
 * `/proc/vmstat`: paging, swapping, reclaim and OOM-kill rates, plus `vm.oom_kills_total`.
 *
 * @public
 */
export class VmstatSource implements MetricSource {
  readonly id = 'proc.vmstat';
  private readonly files: KernelFiles;
  private prev: Record<string, number | undefined> | undefined;
  private prevMs = 0;

  constructor(options: { readonly root?: string } = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    const vm = parseVmstat(this.files.read('proc/vmstat'), this.files.path('proc/vmstat'));
    const cur = vmCounters(vm);
    const out: MetricSample[] = [];
    if (cur['oomKill'] !== undefined) out.push({ name: 'vm.oom_kills_total', unit: 'total', value: cur['oomKill'], timestamp: ctx.now });
    out.push(...dirtyLimitSamples(vm, ctx.now));
    const prev = this.prev;
    const dt = ctx.monotonicMs - this.prevMs;
    if (prev !== undefined && dt > 0) {
      for (const [key, name, unit, scale] of rates) {
        const a = prev[key];
        const b = cur[key];
        if (a !== undefined && b !== undefined) out.push({ name, unit, value: counterRate(a, b, dt) * scale, timestamp: ctx.now });
      }
    }
    this.prev = cur;
    this.prevMs = ctx.monotonicMs;
    return out;
  }
}
