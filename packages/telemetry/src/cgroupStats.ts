import { counterDelta, counterRate } from './counters.js';
import { malformed, TelemetryError } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import { type MetricSample, type MetricUnit, SeriesLabels } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';
import { parsePressure } from './procPressure.js';

/**
 * Parses a cgroup "flat keyed" file (`cpu.stat`, `memory.stat`, `memory.events`, v1 `memory.oom_control`):
 * `key value` per line.
 *
 * @public
 */
export function parseFlatKeyed(text: string, file: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const sp = line.indexOf(' ');
    const v = Number(line.slice(sp + 1));
    if (sp <= 0 || !Number.isFinite(v)) throw malformed(file, i + 1, line, '"<key> <number>"');
    out.set(line.slice(0, sp), v);
  }
  return out;
}

/**
 * Parses cgroup v2 `io.stat` (`8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0`) into
 * device → key → value.
 *
 * @public
 */
export function parseIoStat(text: string, file: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const parts = line.trim().split(/\s+/);
    const dev = parts[0] as string;
    if (!/^\d+:\d+$/.test(dev)) throw malformed(file, i + 1, line, '"<major>:<minor> key=value …"');
    const m = new Map<string, number>();
    for (const kv of parts.slice(1)) {
      const eq = kv.indexOf('=');
      const v = Number(kv.slice(eq + 1));
      if (eq <= 0 || !Number.isFinite(v)) throw malformed(file, i + 1, line, 'key=value pairs');
      m.set(kv.slice(0, eq), v);
    }
    out.set(dev, m);
  }
  return out;
}

/**
 * Parses cgroup v1 `blkio.throttle.io_service_bytes` (`8:0 Read 123` lines and a `Total` line) into
 * summed read/write bytes.
 *
 * @public
 */
export function parseBlkioServiceBytes(
  text: string,
  file: string,
): {
  /** Bytes read, summed over devices. */
  read: number;
  /** Bytes written, summed over devices. */
  write: number;
} {
  let read = 0;
  let write = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '' || line.startsWith('Total')) continue;
    const m = /^\d+:\d+ (Read|Write|Sync|Async|Discard|Total) (\d+)$/.exec(line);
    if (m === null) throw malformed(file, i + 1, line, '"<major>:<minor> <Read|Write|…> <bytes>"');
    if (m[1] === 'Read') read += Number(m[2]);
    else if (m[1] === 'Write') write += Number(m[2]);
  }
  return { read, write };
}

/** Which cgroup layout a machine has. `hybrid` = v1 controllers plus an empty v2 tree at `unified/`. @public */
export type CgroupMode = 'v2' | 'v1' | 'hybrid' | 'none';

/** Detects the cgroup layout below `root`. @public */
export function detectCgroupMode(root = '/'): CgroupMode {
  const f = new KernelFiles(root);
  if (f.tryRead('sys/fs/cgroup/cgroup.controllers') !== undefined) return 'v2';
  const v1 = ['memory', 'cpuacct', 'cpu,cpuacct', 'blkio'].some((c) => f.tryList(`sys/fs/cgroup/${c}`).length > 0);
  if (!v1) return 'none';
  return f.tryRead('sys/fs/cgroup/unified/cgroup.controllers') !== undefined ? 'hybrid' : 'v1';
}

interface CgroupCounters {
  cpuUsageSeconds?: number;
  periods?: number;
  throttled?: number;
  ioRead?: number;
  ioWrite?: number;
}

/** Options of {@link CgroupSource}. @public */
export interface CgroupSourceOptions {
  /** Root of the file tree (default `/`). */
  readonly root?: string;
  /** Depth of the hierarchy to report (0 = the root cgroup only). Default 2. */
  readonly maxDepth?: number;
  /** At most this many cgroups per tick (breadth-first). Default 64. */
  readonly maxCgroups?: number;
  /** Force a layout instead of detecting it. */
  readonly mode?: CgroupMode;
}

const UNLIMITED_V1 = 2 ** 62;

/**
 * Per-cgroup CPU, memory, I/O and pressure from cgroup v2 (`/sys/fs/cgroup`), or from the v1 controllers
 * (`memory`, `cpuacct`, `cpu`, `blkio`) where v2 carries no controllers (v1 and hybrid layouts).
 * Series are labelled `{cgroup}` with the path relative to the hierarchy root (`/`, `/system.slice`).
 *
 * @public
 */
export class CgroupSource implements MetricSource {
  readonly id = 'cgroup';
  /** The cgroup layout in use. */
  readonly mode: CgroupMode;
  private readonly files: KernelFiles;
  private readonly maxDepth: number;
  private readonly maxCgroups: number;
  private prev = new Map<string, CgroupCounters>();
  private readonly labels = new SeriesLabels<string>();
  private prevMs = 0;
  private cgroups: string[] | undefined;
  private walkedAt = 0;
  private readonly v1Dirs: { cpuacct?: string; cpu?: string; memory?: string; blkio?: string } = {};

  constructor(options: CgroupSourceOptions = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true, negativeCacheMs: 10_000, maxOpen: 256 });
    this.maxDepth = options.maxDepth ?? 2;
    this.maxCgroups = options.maxCgroups ?? 64;
    this.mode = options.mode ?? detectCgroupMode(options.root);
    if (this.mode === 'v1' || this.mode === 'hybrid') {
      const find = (names: string[]): string | undefined =>
        names.map((n) => `sys/fs/cgroup/${n}`).find((d) => this.files.tryList(d).length > 0);
      const cpuacct = find(['cpuacct', 'cpu,cpuacct', 'cpuacct,cpu']);
      const cpu = find(['cpu', 'cpu,cpuacct', 'cpuacct,cpu']);
      const memory = find(['memory']);
      const blkio = find(['blkio']);
      if (cpuacct !== undefined) this.v1Dirs.cpuacct = cpuacct;
      if (cpu !== undefined) this.v1Dirs.cpu = cpu;
      if (memory !== undefined) this.v1Dirs.memory = memory;
      if (blkio !== undefined) this.v1Dirs.blkio = blkio;
    }
  }

  /** Cgroup paths ('/' first) breadth-first below `base`, bounded by depth and count. */
  private walk(base: string): string[] {
    const out: string[] = ['/'];
    let frontier = ['/'];
    for (let depth = 1; depth <= this.maxDepth && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const cg of frontier) {
        for (const d of this.files.subdirs(`${base}${cg === '/' ? '' : cg}`)) {
          if (out.length >= this.maxCgroups) return out;
          const p = `${cg === '/' ? '' : cg}/${d}`;
          out.push(p);
          next.push(p);
        }
      }
      frontier = next;
    }
    return out;
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    if (this.mode === 'none') {
      throw new TelemetryError(
        'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE',
        `no cgroup hierarchy under ${this.files.path('sys/fs/cgroup')}: mount cgroup2 there (mount -t cgroup2 none /sys/fs/cgroup).`,
        { path: this.files.path('sys/fs/cgroup') },
      );
    }
    const out: MetricSample[] = [];
    const dt = ctx.monotonicMs - this.prevMs;
    const next = new Map<string, CgroupCounters>();
    // Cgroups come and go at service (not tick) pace: re-walk the hierarchy every 10 s.
    if (this.cgroups === undefined || ctx.monotonicMs - this.walkedAt >= 10_000 || ctx.monotonicMs < this.walkedAt) {
      const base = this.mode === 'v2' ? 'sys/fs/cgroup' : (this.v1Dirs.memory ?? this.v1Dirs.cpuacct ?? this.v1Dirs.blkio);
      this.cgroups = base === undefined ? ['/'] : this.walk(base);
      this.walkedAt = ctx.monotonicMs;
    }
    for (const cg of this.cgroups) next.set(cg, this.mode === 'v2' ? this.collectV2(cg, ctx, dt, out) : this.collectV1(cg, ctx, dt, out));
    this.prev = next;
    this.prevMs = ctx.monotonicMs;
    this.labels.sweep();
    return out;
  }

  private emitter(cg: string, now: number, out: MetricSample[]): (name: string, unit: MetricUnit, value: number) => void {
    const labels = this.labels.get(cg) ?? this.labels.set(cg, { cgroup: cg });
    return (name, unit, value) => {
      out.push({ name, unit, value, labels, timestamp: now });
    };
  }

  private rates(cg: string, cur: CgroupCounters, dt: number, put: (name: string, unit: MetricUnit, value: number) => void): void {
    const p = this.prev.get(cg);
    if (cur.cpuUsageSeconds !== undefined) put('cgroup.cpu_usage_seconds_total', 'total', cur.cpuUsageSeconds);
    if (p === undefined || !(dt > 0)) return;
    if (p.cpuUsageSeconds !== undefined && cur.cpuUsageSeconds !== undefined) {
      put('cgroup.cpu_usage_cores', 'cores', Math.max(0, cur.cpuUsageSeconds - p.cpuUsageSeconds) / (dt / 1000));
    }
    if (p.periods !== undefined && cur.periods !== undefined && p.throttled !== undefined && cur.throttled !== undefined) {
      const periods = counterDelta(p.periods, cur.periods);
      put('cgroup.cpu_throttled_ratio', 'ratio', periods > 0 ? Math.min(1, counterDelta(p.throttled, cur.throttled) / periods) : 0);
    }
    if (p.ioRead !== undefined && cur.ioRead !== undefined) put('cgroup.io_read_bytes_per_second', 'bytes_per_second', counterRate(p.ioRead, cur.ioRead, dt));
    if (p.ioWrite !== undefined && cur.ioWrite !== undefined) put('cgroup.io_write_bytes_per_second', 'bytes_per_second', counterRate(p.ioWrite, cur.ioWrite, dt));
  }

  private collectV2(cg: string, ctx: CollectContext, dt: number, out: MetricSample[]): CgroupCounters {
    const dir = `sys/fs/cgroup${cg === '/' ? '' : cg}`;
    const put = this.emitter(cg, ctx.now, out);
    const cur: CgroupCounters = {};
    const read = (f: string): string | undefined => this.files.tryRead(`${dir}/${f}`);
    const cpu = read('cpu.stat');
    if (cpu !== undefined) {
      const m = parseFlatKeyed(cpu, this.files.path(`${dir}/cpu.stat`));
      const usage = m.get('usage_usec');
      if (usage !== undefined) cur.cpuUsageSeconds = usage / 1e6;
      const periods = m.get('nr_periods');
      const throttled = m.get('nr_throttled');
      if (periods !== undefined && throttled !== undefined) {
        cur.periods = periods;
        cur.throttled = throttled;
      }
    }
    const current = read('memory.current');
    if (current !== undefined) put('cgroup.memory_current_bytes', 'bytes', Number(current.trim()));
    const max = read('memory.max');
    if (max !== undefined && max.trim() !== 'max') put('cgroup.memory_max_bytes', 'bytes', Number(max.trim()));
    const mstat = read('memory.stat');
    if (mstat !== undefined) {
      const m = parseFlatKeyed(mstat, this.files.path(`${dir}/memory.stat`));
      const anon = m.get('anon');
      const file = m.get('file');
      if (anon !== undefined) put('cgroup.memory_anon_bytes', 'bytes', anon);
      if (file !== undefined) put('cgroup.memory_file_bytes', 'bytes', file);
    }
    const events = read('memory.events');
    if (events !== undefined) {
      const oom = parseFlatKeyed(events, this.files.path(`${dir}/memory.events`)).get('oom_kill');
      if (oom !== undefined) put('cgroup.memory_oom_kills_total', 'total', oom);
    }
    const io = read('io.stat');
    if (io !== undefined) {
      let r = 0;
      let w = 0;
      for (const m of parseIoStat(io, this.files.path(`${dir}/io.stat`)).values()) {
        r += m.get('rbytes') ?? 0;
        w += m.get('wbytes') ?? 0;
      }
      cur.ioRead = r;
      cur.ioWrite = w;
    }
    for (const res of ['cpu', 'memory', 'io'] as const) {
      const text = read(`${res}.pressure`);
      if (text === undefined) continue;
      const p = parsePressure(text, this.files.path(`${dir}/${res}.pressure`));
      put(`cgroup.${res}_pressure.some_avg10`, 'percent', p.some.avg10);
      if (p.full !== undefined) put(`cgroup.${res}_pressure.full_avg10`, 'percent', p.full.avg10);
    }
    this.rates(cg, cur, dt, put);
    return cur;
  }

  private collectV1(cg: string, ctx: CollectContext, dt: number, out: MetricSample[]): CgroupCounters {
    const sub = cg === '/' ? '' : cg;
    const put = this.emitter(cg, ctx.now, out);
    const cur: CgroupCounters = {};
    const read = (dir: string | undefined, f: string): string | undefined =>
      dir === undefined ? undefined : this.files.tryRead(`${dir}${sub}/${f}`);
    const usage = read(this.v1Dirs.cpuacct, 'cpuacct.usage');
    if (usage !== undefined) cur.cpuUsageSeconds = Number(usage.trim()) / 1e9;
    const cpu = read(this.v1Dirs.cpu, 'cpu.stat');
    if (cpu !== undefined) {
      const m = parseFlatKeyed(cpu, `${this.v1Dirs.cpu ?? ''}${sub}/cpu.stat`);
      const periods = m.get('nr_periods');
      const throttled = m.get('nr_throttled');
      if (periods !== undefined && throttled !== undefined) {
        cur.periods = periods;
        cur.throttled = throttled;
      }
    }
    const current = read(this.v1Dirs.memory, 'memory.usage_in_bytes');
    if (current !== undefined) put('cgroup.memory_current_bytes', 'bytes', Number(current.trim()));
    const limit = read(this.v1Dirs.memory, 'memory.limit_in_bytes');
    if (limit !== undefined && Number(limit.trim()) < UNLIMITED_V1) put('cgroup.memory_max_bytes', 'bytes', Number(limit.trim()));
    const mstat = read(this.v1Dirs.memory, 'memory.stat');
    if (mstat !== undefined) {
      const m = parseFlatKeyed(mstat, `${this.v1Dirs.memory ?? ''}${sub}/memory.stat`);
      const rss = m.get('rss');
      const cache = m.get('cache');
      if (rss !== undefined) put('cgroup.memory_anon_bytes', 'bytes', rss);
      if (cache !== undefined) put('cgroup.memory_file_bytes', 'bytes', cache);
    }
    const oomc = read(this.v1Dirs.memory, 'memory.oom_control');
    if (oomc !== undefined) {
      const oom = parseFlatKeyed(oomc, `${this.v1Dirs.memory ?? ''}${sub}/memory.oom_control`).get('oom_kill');
      if (oom !== undefined) put('cgroup.memory_oom_kills_total', 'total', oom);
    }
    const blk = read(this.v1Dirs.blkio, 'blkio.throttle.io_service_bytes');
    if (blk !== undefined) {
      const b = parseBlkioServiceBytes(blk, `${this.v1Dirs.blkio ?? ''}${sub}/blkio.throttle.io_service_bytes`);
      cur.ioRead = b.read;
      cur.ioWrite = b.write;
    }
    this.rates(cg, cur, dt, put);
    return cur;
  }
}
