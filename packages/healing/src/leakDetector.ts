import { HealingError, HealingErrorCode } from './errors.js';
import { estimateGrowth, secondsToExhaustion, type GrowthEstimate, type GrowthPoint } from './growth.js';
import { ProcessReader } from './processReader.js';
import { cgroupRoot, listPids, memAvailable, readCgroup, threadHeadroom, walkCgroups, type CgroupUsage, type ProcessUsage } from './procfs.js';
import { unitOfCgroup } from './protection.js';

/** The resources a leak can exhaust. */
export type LeakResource = 'memory' | 'fds' | 'sockets' | 'threads';

/** What leaks: a process (pid + start time) or a cgroup. */
export type LeakSubject =
  | {
      readonly kind: 'process';
      readonly pid: number;
      readonly comm: string;
      /** Start time (clock ticks since boot): the pid's identity. */
      readonly startTime: string;
      readonly cgroup: string;
      /** Owning systemd unit of the system manager, when there is one. */
      readonly unit: string | undefined;
    }
  | { readonly kind: 'cgroup'; readonly cgroup: string; readonly unit: string | undefined };

/** A resource that grows steadily towards a limit. */
export interface LeakFinding {
  /** Stable key of the subject and resource (`pid:1234:98765/memory`, `cgroup:system.slice/x.service/memory`). */
  readonly key: string;
  readonly subject: LeakSubject;
  readonly resource: LeakResource;
  /** Current value (bytes of anonymous memory, descriptors, sockets, threads). */
  readonly current: number;
  /** The robust growth estimate behind the finding. */
  readonly growth: GrowthEstimate;
  /** The limit that will be hit, in words (`RLIMIT_NOFILE soft limit 1024`, `memory.max of system.slice/x.service`, `MemAvailable`). */
  readonly limitName: string;
  /** Value of that limit (`null` for MemAvailable, which is a headroom, not a limit). */
  readonly limit: number | null;
  /** What is left before the limit. */
  readonly headroom: number;
  /** Seconds until the limit is reached at the estimated rate. */
  readonly etaSeconds: number;
  /** One sentence naming the subject, the rate and the ETA. */
  readonly summary: string;
}

/** Options of {@link LeakDetector}. */
export interface LeakDetectorOptions {
  /** Root of the file tree (`/`; a fake tree in tests). */
  readonly root?: string;
  /** Points older than this are dropped (ms). Default 300 000. */
  readonly windowMs?: number;
  /** A series needs this much history before it can be a leak (ms). Default 120 000. */
  readonly minSpanMs?: number;
  /** Report only leaks that exhaust their limit within this many seconds. Default 6 h. */
  readonly horizonSeconds?: number;
  /** Minimum Kendall tau of the floors. Default 0.6. */
  readonly minTau?: number;
  /** Minimum growth over the observed span, per resource (bytes / count). */
  readonly minGrowth?: Partial<Record<LeakResource, number>>;
  /** Minimum growth relative to the starting floor (0.05 = 5 %). Default 0.05. */
  readonly minRelativeGrowth?: number;
  /** Floors per window ({@link estimateGrowth}). Default 10. */
  readonly buckets?: number;
  /** At most this many processes are followed (largest first by RSS). Default 4000. */
  readonly maxProcesses?: number;
  /** cgroup depth walked below the root. Default 3. */
  readonly cgroupDepth?: number;
  /**
   * A process's cgroup and `RLIMIT_NOFILE` are re-read, and its sockets recounted when its descriptor count
   * did not change, at most this often (ms; {@link ProcessReader}). Default 60 000.
   */
  readonly processRefreshMs?: number;
  /**
   * For up to this many processes the `stat` and `status` descriptors stay open between samples
   * (`ProcessReader`'s `keepOpen`: two descriptors each, about half the procfs CPU). Default 0;
   * call {@link LeakDetector.close} when done.
   */
  readonly keepOpenProcesses?: number;
  /** Only processes whose pid this accepts are followed (tests follow their own children). Default: all. */
  readonly pidFilter?: (pid: number) => boolean;
}

const MiB = 1024 * 1024;
const defaultMinGrowth: Record<LeakResource, number> = { memory: 16 * MiB, fds: 32, sockets: 32, threads: 16 };

interface Track {
  readonly subject: LeakSubject;
  readonly series: Map<LeakResource, GrowthPoint[]>;
  lastSeen: number;
  nofile: number | null;
}

function fmt(resource: LeakResource, v: number): string {
  if (resource !== 'memory') return `${Math.round(v)}`;
  const a = Math.abs(v);
  if (a >= 1024 * MiB) return `${(v / 1024 / MiB).toFixed(1)} GiB`;
  if (a >= MiB) return `${(v / MiB).toFixed(1)} MiB`;
  return `${(v / 1024).toFixed(0)} KiB`;
}

/** "1.0 MiB/s", "0.5 fds/s". */
export function formatRate(resource: LeakResource, perSecond: number): string {
  if (resource === 'memory') return `${fmt('memory', perSecond)}/s`;
  return perSecond >= 0.1 ? `${perSecond.toFixed(1)} ${resource}/s` : `${(perSecond * 60).toFixed(1)} ${resource}/min`;
}

/** "3 min", "2.5 h". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function subjectName(s: LeakSubject): string {
  if (s.kind === 'process') return `process ${s.comm} (pid ${s.pid}${s.unit !== undefined ? `, ${s.unit}` : ''})`;
  return `cgroup ${s.cgroup}${s.unit !== undefined ? ` (${s.unit})` : ''}`;
}

function ancestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = parts.length; i >= 1; i--) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * Follows per-process and per-cgroup anonymous memory, file descriptors, sockets and threads from
 * `/proc` and cgroupfs, and reports the ones that grow steadily (robust Theil–Sen slope of the bucket
 * floors, {@link estimateGrowth}) towards a limit they will reach within the horizon: `RLIMIT_NOFILE`
 * for descriptors and sockets, `memory.max` of the cgroup or its ancestors (or `MemAvailable`) for
 * memory, `pids.max` (or `kernel.threads-max`) for threads. It only observes: remedies are chosen by
 * {@link leakRemedy}.
 */
export class LeakDetector {
  private readonly root: string;
  private readonly windowMs: number;
  private readonly minSpanMs: number;
  private readonly horizon: number;
  private readonly minTau: number;
  private readonly minGrowth: Record<LeakResource, number>;
  private readonly minRelative: number;
  private readonly buckets: number;
  private readonly maxProcesses: number;
  private readonly cgroupDepth: number;
  private readonly pidFilter: (pid: number) => boolean;
  private readonly filtered: boolean;
  private readonly mount: string;
  private readonly tracks = new Map<string, Track>();
  private readonly cgroupCache = new Map<string, CgroupUsage>();
  private readonly reader: ProcessReader;
  /** Time of the latest sample: only subjects seen in it are evaluated. */
  private lastSample = Number.NEGATIVE_INFINITY;

  /** @throws `HealingError` `ERR_AINKA_HEALING_INVALID_OPTION` for a window shorter than the minimum span. */
  constructor(options: LeakDetectorOptions = {}) {
    this.root = options.root ?? '/';
    this.windowMs = options.windowMs ?? 300_000;
    this.minSpanMs = options.minSpanMs ?? 120_000;
    if (this.minSpanMs > this.windowMs) {
      throw new HealingError(HealingErrorCode.invalidOption, `minSpanMs (${this.minSpanMs}) is longer than windowMs (${this.windowMs}); make the window at least as long as the minimum span`);
    }
    this.horizon = options.horizonSeconds ?? 6 * 3600;
    this.minTau = options.minTau ?? 0.6;
    this.minGrowth = { ...defaultMinGrowth, ...options.minGrowth };
    this.minRelative = options.minRelativeGrowth ?? 0.05;
    this.buckets = options.buckets ?? 10;
    this.maxProcesses = options.maxProcesses ?? 4000;
    this.cgroupDepth = options.cgroupDepth ?? 3;
    this.pidFilter = options.pidFilter ?? (() => true);
    this.filtered = options.pidFilter !== undefined;
    this.mount = cgroupRoot(this.root);
    this.reader = new ProcessReader(this.root, { refreshMs: options.processRefreshMs ?? 60_000, keepOpen: options.keepOpenProcesses ?? 0 });
  }

  /** Close the procfs descriptors kept open between samples (`keepOpenProcesses`); later samples keep none. */
  close(): void {
    this.reader.close();
  }

  /** Subjects followed now. */
  get size(): number {
    return this.tracks.size;
  }

  private push(track: Track, resource: LeakResource, t: number, value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    let s = track.series.get(resource);
    if (s === undefined) track.series.set(resource, (s = []));
    s.push({ t, value });
    while (s.length > 0 && t - (s[0] as GrowthPoint).t > this.windowMs) s.shift();
  }

  /** Read every process and cgroup once and append a point to each series. */
  sample(now: number): void {
    const procs: ProcessUsage[] = [];
    for (const pid of listPids(this.root)) {
      if (!this.pidFilter(pid)) continue;
      const p = this.reader.read(pid, now);
      if (p !== undefined) procs.push(p);
    }
    this.reader.sweep();
    this.record(now, procs);
  }

  /**
   * {@link sample}, yielding to the event loop after every `slice` processes so a daemon's other timers
   * keep their latency on machines with thousands of processes.
   */
  async sampleAsync(now: number, slice = 32): Promise<void> {
    const procs: ProcessUsage[] = [];
    let n = 0;
    for (const pid of listPids(this.root)) {
      if (!this.pidFilter(pid)) continue;
      const p = this.reader.read(pid, now);
      if (p !== undefined) procs.push(p);
      if (++n % slice === 0) await new Promise<void>((r) => setImmediate(r));
    }
    this.reader.sweep();
    this.record(now, procs);
  }

  private record(now: number, all: ProcessUsage[]): void {
    let procs = all;
    if (procs.length > this.maxProcesses) procs = procs.sort((a, b) => b.rssBytes - a.rssBytes).slice(0, this.maxProcesses);
    for (const p of procs) {
      const key = `pid:${p.pid}:${p.startTime}`;
      let track = this.tracks.get(key);
      if (track === undefined) {
        track = { subject: { kind: 'process', pid: p.pid, comm: p.comm, startTime: p.startTime, cgroup: p.cgroup, unit: unitOfCgroup(p.cgroup) }, series: new Map(), lastSeen: now, nofile: p.nofile };
        this.tracks.set(key, track);
      }
      track.lastSeen = now;
      track.nofile = p.nofile;
      this.push(track, 'memory', now, p.anonBytes);
      this.push(track, 'fds', now, p.fds);
      this.push(track, 'sockets', now, p.sockets);
      this.push(track, 'threads', now, p.threads);
    }
    this.lastSample = now;
    this.cgroupCache.clear();
    // With a pid filter, only the cgroups of the followed processes are followed.
    const wanted = this.filtered ? [...new Set(procs.map((p) => p.cgroup))].filter((c) => c !== '') : walkCgroups(this.root, this.mount, this.cgroupDepth, 2048);
    for (const path of wanted) {
      const c = readCgroup(this.root, this.mount, path);
      this.cgroupCache.set(path, c);
      const key = `cgroup:${path}`;
      let track = this.tracks.get(key);
      if (track === undefined) {
        track = { subject: { kind: 'cgroup', cgroup: path, unit: unitOfCgroup(path) }, series: new Map(), lastSeen: now, nofile: null };
        this.tracks.set(key, track);
      }
      track.lastSeen = now;
      this.push(track, 'memory', now, c.anonBytes);
      this.push(track, 'threads', now, c.pidsCurrent);
    }
    for (const [key, t] of this.tracks) if (now - t.lastSeen > this.windowMs / 4) this.tracks.delete(key);
  }

  private cgroup(path: string): CgroupUsage {
    let c = this.cgroupCache.get(path);
    if (c === undefined) {
      c = readCgroup(this.root, this.mount, path);
      this.cgroupCache.set(path, c);
    }
    return c;
  }

  /** The tightest limit for a resource of a subject: name, limit value and headroom. */
  private limitOf(track: Track, resource: LeakResource, current: number): { name: string; limit: number | null; headroom: number } | undefined {
    const s = track.subject;
    if (resource === 'fds' || resource === 'sockets') {
      if (s.kind !== 'process' || track.nofile === null) return undefined;
      const fds = track.series.get('fds')?.at(-1)?.value ?? current;
      return { name: `RLIMIT_NOFILE soft limit ${track.nofile}`, limit: track.nofile, headroom: track.nofile - fds };
    }
    let best: { name: string; limit: number | null; headroom: number } | undefined;
    const consider = (name: string, limit: number | null, headroom: number): void => {
      if (best === undefined || headroom < best.headroom) best = { name, limit, headroom };
    };
    for (const path of ancestors(s.cgroup)) {
      const c = this.cgroup(path);
      if (resource === 'memory' && c.memoryMax !== null && c.memoryCurrent !== null) consider(`memory.max of ${path}`, c.memoryMax, c.memoryMax - c.memoryCurrent);
      if (resource === 'threads' && c.pidsMax !== null && c.pidsCurrent !== null) consider(`pids.max of ${path}`, c.pidsMax, c.pidsMax - c.pidsCurrent);
    }
    if (resource === 'memory') {
      const avail = memAvailable(this.root);
      if (avail !== null) consider('MemAvailable', null, avail);
    }
    if (resource === 'threads') {
      const th = threadHeadroom(this.root);
      if (th !== null) consider(`kernel.threads-max ${th.limit}`, th.limit, th.limit - th.used);
    }
    return best;
  }

  /** The subjects and resources that grow towards a limit they reach within the horizon. */
  evaluate(): LeakFinding[] {
    const found: LeakFinding[] = [];
    for (const [key, track] of this.tracks) {
      // Gone from the latest sample (the process exited, the cgroup was removed by a stop or a restart): not
      // leaking now, and its limits can no longer be read (a removed cgroup's memory.max would fall back to MemAvailable).
      if (track.lastSeen !== this.lastSample) continue;
      for (const [resource, points] of track.series) {
        if (points.length < 3) continue;
        const first = points[0] as GrowthPoint;
        const last = points[points.length - 1] as GrowthPoint;
        if (last.t - first.t < this.minSpanMs) continue;
        const g = estimateGrowth(points, { buckets: this.buckets });
        if (g === undefined || !g.steady || g.tau < this.minTau) continue;
        const start = Math.max(1, (g.floors[0] as GrowthPoint).value);
        if (g.growthOverSpan < this.minGrowth[resource] || g.growthOverSpan < this.minRelative * start) continue;
        const limit = this.limitOf(track, resource, last.value);
        if (limit === undefined) continue;
        const eta = secondsToExhaustion(Math.max(0, limit.headroom), g.ratePerSecond);
        if (eta === null || eta > this.horizon) continue;
        const summary = `${subjectName(track.subject)} grows ${resource} by ${formatRate(resource, g.ratePerSecond)} (now ${fmt(resource, last.value)}, +${fmt(resource, g.growthOverSpan)} in ${formatDuration(g.spanSeconds)}, tau ${g.tau.toFixed(2)}); ${limit.name} ${limit.limit === null ? `(${fmt('memory', limit.headroom)} left)` : `(${fmt(resource, Math.max(0, limit.headroom))} left)`} is reached in ~${formatDuration(eta)}`;
        found.push({ key: `${key}/${resource}`, subject: track.subject, resource, current: last.value, growth: g, limitName: limit.name, limit: limit.limit, headroom: limit.headroom, etaSeconds: eta, summary });
      }
    }
    return dedupe(found);
  }
}

const sameKind = (a: LeakResource, b: LeakResource): boolean => a === b || ((a === 'fds' || a === 'sockets') && (b === 'fds' || b === 'sockets'));

/**
 * One finding per cause: a cgroup finding is dropped when a process or a deeper cgroup inside it explains
 * the same resource, and a socket finding is folded into the fd finding of the same process.
 */
function dedupe(found: LeakFinding[]): LeakFinding[] {
  return found.filter((f) => {
    if (f.resource === 'fds' && found.some((o) => o.resource === 'sockets' && o.subject.kind === 'process' && f.subject.kind === 'process' && o.subject.pid === f.subject.pid)) return false;
    if (f.subject.kind !== 'cgroup') return true;
    const cg = f.subject.cgroup;
    return !found.some((o) => o !== f && sameKind(o.resource, f.resource) && (o.subject.cgroup === cg ? o.subject.kind === 'process' : o.subject.cgroup.startsWith(`${cg}/`)));
  });
}
