import { seriesKey } from '@ainka/telemetry';
import type { Evidence } from './api.js';
import type { LatestSample, RuleContext } from './ruleContext.js';

/** What a built-in rule asks for. */
export interface RuleHitSpec {
  readonly knob: string;
  readonly value: string;
  readonly because: string;
  readonly evidence: Evidence[];
}

/** A built-in rule: parameters with defaults and a check that returns the change and its evidence. */
export interface BuiltinRule {
  readonly id: string;
  readonly description: string;
  readonly defaults: Readonly<Record<string, number>>;
  check(ctx: RuleContext, p: Readonly<Record<string, number>>): RuleHitSpec | RuleHitSpec[] | undefined;
}

const MiB = 1024 * 1024;

function fmt(v: number, unit = ''): string {
  if (unit === 'bytes') return v >= MiB ? `${(v / MiB).toFixed(0)} MiB` : `${v.toFixed(0)} B`;
  if (unit === 'ratio') return `${(v * 100).toFixed(0)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function ev(s: LatestSample, condition: string): Evidence {
  return { series: seriesKey(s), value: s.value, condition };
}

/**
 * The built-in policy pack, as a table. Each row is one rule whose thresholds a policy file may override.
 * These rules are composition glue until `@ainka/policy` ships its compiled rule language; they use only
 * knobs from the `@ainka/actuators` catalogue, so every change they ask for is bounded and reversible.
 */
export const builtinRules: readonly BuiltinRule[] = [
  {
    id: 'cpu-saturation',
    description: 'All CPUs busy for a while and a few processes take most of it: lower their priority (nice) so interactive work keeps running.',
    defaults: { busyRatio: 0.85, forSeconds: 10, minCores: 0.5, nice: 10, maxAgeSeconds: 15, maxProcesses: 3 },
    check(ctx, p) {
      const busy = ctx.latest.get('cpu.busy_ratio');
      if (busy === undefined || busy.value < (p.busyRatio as number)) return undefined;
      if (!ctx.windows.held('cpu.busy_ratio', ctx.now - (p.forSeconds as number) * 1000, (v) => v >= (p.busyRatio as number))) return undefined;
      const procs = (ctx.byName.get('process.cpu_cores') ?? []).filter((s) => ctx.now - s.t <= (p.maxAgeSeconds as number) * 1000);
      const top = procs
        .filter((s) => s.value >= (p.minCores as number) && s.labels?.pid !== undefined && s.labels.pid !== String(process.pid))
        .sort((a, b) => b.value - a.value)
        .slice(0, p.maxProcesses as number);
      const psi = ctx.latest.get('psi.cpu.some_avg10');
      return top.map((s, rank) => {
        const pid = s.labels?.pid as string;
        const evidence = [ev(busy, `>= ${fmt(p.busyRatio as number, 'ratio')} for ${p.forSeconds} s`), ev(s, `CPU consumer #${rank + 1}, >= ${p.minCores} cores`)];
        if (psi !== undefined) evidence.push(ev(psi, 'CPU pressure (PSI some avg10, %)'));
        return {
          knob: `process:${pid}:nice`,
          value: String(p.nice),
          because: `CPU busy ${fmt(busy.value, 'ratio')} for ${p.forSeconds} s and ${s.labels?.comm ?? 'pid ' + pid} (pid ${pid}) uses ${fmt(s.value)} cores`,
          evidence,
        };
      });
    },
  },
  {
    id: 'memory-growth',
    description: 'A cgroup\'s memory grows fast: cap it with memory.high a little above its current use, so it reclaims instead of pushing the host into the OOM killer.',
    defaults: { growBytes: 128 * MiB, windowSeconds: 20, headroom: 1.25 },
    check(ctx, p) {
      let best: { s: LatestSample; grew: number } | undefined;
      for (const s of ctx.byName.get('cgroup.memory_current_bytes') ?? []) {
        const cg = s.labels?.cgroup;
        if (cg === undefined || cg === '/' || cg === '') continue;
        const pts = ctx.windows.points(seriesKey(s), ctx.now - (p.windowSeconds as number) * 1000);
        if (pts.length < 2) continue;
        const grew = s.value - Math.min(...pts.map((x) => x.value));
        if (grew >= (p.growBytes as number) && (best === undefined || grew > best.grew)) best = { s, grew };
      }
      if (best === undefined) return undefined;
      const cg = (best.s.labels?.cgroup as string).replace(/^\/+/, '');
      const target = Math.ceil((best.s.value * (p.headroom as number)) / 4096) * 4096;
      return {
        knob: `cgroup:${cg}:memory.high`,
        value: String(target),
        because: `cgroup ${cg} grew by ${fmt(best.grew, 'bytes')} in ${p.windowSeconds} s to ${fmt(best.s.value, 'bytes')}`,
        evidence: [ev(best.s, `grew >= ${fmt(p.growBytes as number, 'bytes')} in ${p.windowSeconds} s`)],
      };
    },
  },
  {
    id: 'writeback-pressure',
    description: 'Lots of dirty page cache builds up: start background writeback earlier (vm.dirty_background_ratio) so writers do not stall in bursts.',
    defaults: { dirtyBytes: 256 * MiB, forSeconds: 3, ratio: 5 },
    check(ctx, p) {
      const dirty = ctx.latest.get('mem.dirty_bytes');
      if (dirty === undefined || dirty.value < (p.dirtyBytes as number)) return undefined;
      if (!ctx.windows.held('mem.dirty_bytes', ctx.now - (p.forSeconds as number) * 1000, (v) => v >= (p.dirtyBytes as number))) return undefined;
      const evidence = [ev(dirty, `>= ${fmt(p.dirtyBytes as number, 'bytes')} for ${p.forSeconds} s`)];
      const writers = (ctx.byName.get('disk.write_bytes_per_second') ?? []).slice().sort((a, b) => b.value - a.value);
      if (writers[0] !== undefined) evidence.push(ev(writers[0], 'busiest disk, write throughput (bytes/s)'));
      return {
        knob: 'sysctl:vm.dirty_background_ratio',
        value: String(p.ratio),
        because: `${fmt(dirty.value, 'bytes')} of dirty page cache for ${p.forSeconds} s: earlier background writeback spreads the writes out`,
        evidence,
      };
    },
  },
  {
    id: 'memory-pressure',
    description: 'Tasks stall on memory (PSI): widen the watermark gap so kswapd reclaims earlier instead of tasks reclaiming directly.',
    defaults: { someAvg10: 10, forSeconds: 10, watermarkScaleFactor: 100 },
    check(ctx, p) {
      const psi = ctx.latest.get('psi.memory.some_avg10');
      if (psi === undefined || psi.value < (p.someAvg10 as number)) return undefined;
      if (!ctx.windows.held('psi.memory.some_avg10', ctx.now - (p.forSeconds as number) * 1000, (v) => v >= (p.someAvg10 as number))) return undefined;
      const evidence = [ev(psi, `>= ${p.someAvg10}% for ${p.forSeconds} s`)];
      const stalls = ctx.latest.get('vm.alloc_stalls_per_second');
      if (stalls !== undefined) evidence.push(ev(stalls, 'direct-reclaim allocation stalls per second'));
      return {
        knob: 'sysctl:vm.watermark_scale_factor',
        value: String(p.watermarkScaleFactor),
        because: `memory pressure ${fmt(psi.value)}% (PSI some avg10) for ${p.forSeconds} s`,
        evidence,
      };
    },
  },
];
