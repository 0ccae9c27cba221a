import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HealingError, HealingErrorCode } from './errors.js';
import { readLimit, readText } from './procfs.js';
import type { Protection } from './protection.js';
import { unitOfCgroup } from './protection.js';
import { cgroupMatchesLabel, type HealingChange } from './remedy.js';

/** One step of the pressure ladder, smallest blast radius first. */
export type PressureStep = 'throttle' | 'freeze' | 'kill';

/** The ladder in order: `memory.high` throttling (reclaim), then `cgroup.freeze`, then a kill. */
export const pressureLadder: readonly PressureStep[] = ['throttle', 'freeze', 'kill'];

/** Memory state of one leaf cgroup (v2), as the responder sees it. */
export interface CgroupMemory {
  /** Path relative to the cgroup v2 mount, without a leading `/`. */
  readonly path: string;
  /** `memory.current`, bytes. */
  readonly current: number;
  /** `memory.high` (`null` = max). */
  readonly high: number | null;
  /** `memory.max` (`null` = max). */
  readonly max: number | null;
  /** `some avg10` of the cgroup's `memory.pressure`, percent (`null` without PSI). */
  readonly someAvg10: number | null;
  /** `oom_kill` + `max` counters of `memory.events` (limit hits so far). */
  readonly limitEvents: number;
  /** `cgroup.freeze` reads 1. */
  readonly frozen: boolean;
  /** Pids in `cgroup.procs` with their resident set (bytes), largest first. */
  readonly procs: readonly { readonly pid: number; readonly rssBytes: number }[];
}

/** One look at the machine's memory pressure. */
export interface PressureSample {
  /** When, epoch ms. */
  readonly timestamp: number;
  /** `some avg10` of `/proc/pressure/memory`, percent (`null` without PSI). */
  readonly someAvg10: number | null;
  /** `full avg10` of `/proc/pressure/memory`, percent. */
  readonly fullAvg10: number | null;
  /** `MemTotal`, bytes. */
  readonly memTotal: number | null;
  /** `MemAvailable`, bytes. */
  readonly memAvailable: number | null;
  /** Leaf cgroups that hold processes. */
  readonly cgroups: readonly CgroupMemory[];
}

/** Options of {@link PressureResponder}. */
export interface PressureOptions {
  /** Memory PSI `some avg10` (percent) at or above which the machine (or a cgroup) is under pressure. Default 20. */
  readonly someAvg10Percent?: number;
  /** `MemAvailable` below this fraction of `MemTotal` is pressure too (machines without PSI, no swap). Default 0.1. */
  readonly minAvailableFraction?: number;
  /** Pressure must last this long before the first step. Default 10 s. */
  readonly sustainMs?: number;
  /** At least this long between two steps on one cgroup: the window in which a step is verified. Default 30 s. */
  readonly stepMs?: number;
  /** The last step (kill the largest process of the culprit) is allowed. Default false: the ladder stops at freeze. */
  readonly allowKill?: boolean;
  /** Units or cgroup path prefixes to pick first as the culprit (`batch.slice`, `build.service`). */
  readonly prefer?: readonly string[];
  /** Units or cgroup path prefixes to pick only when nothing else qualifies. */
  readonly avoid?: readonly string[];
  /** Cgroups using less than this are never the culprit. Default 32 MiB. */
  readonly minCgroupBytes?: number;
  /** Cgroup paths never acted on besides the protected units (the daemon's own cgroup). */
  readonly exclude?: readonly string[];
}

/** What the responder decided for one cgroup. */
export interface PressureFinding {
  /** Stable key: `pressure:<cgroup>`. */
  readonly key: string;
  /** The culprit cgroup. */
  readonly cgroup: string;
  /** Its unit, when systemd owns it. */
  readonly unit: string | undefined;
  /** The step taken now, or the last one taken (when waiting for it to work). */
  readonly step: PressureStep;
  /** The change to ask for now; `undefined` while a step is being verified or when the next step is not allowed. */
  readonly change: HealingChange | undefined;
  /** One line: what pressure, which culprit and why it. */
  readonly summary: string;
  /** What is done about it, in words. */
  readonly remedy: string;
  /** The signals behind the decision (`psi some avg10 34.2 %`, `MemAvailable 6.1 %`). */
  readonly signals: readonly string[];
}

const MiB = 1024 * 1024;
const PAGE = 4096;

/** What became of a step the responder asked for, as the caller (the action stage) reports it. */
export interface StepOutcome {
  /** The change was written and read back (verified). */
  readonly applied: boolean;
  /** Why not, in words (the action record's line: `skip …: …`, `advise: …`, `deferred to …`). */
  readonly reason: string;
  /** The value asked for, when the caller recomputed it at the last moment (a fresh {@link PressureResponder.throttleTarget}). */
  readonly value?: string;
}

interface LadderState {
  /** Index in {@link pressureLadder} of the step last asked for (−1: none). */
  step: number;
  /** When it was asked for, or found in force. */
  stepAt: number;
  /** `pending`: asked, no outcome yet; `applied`: written and read back; `refused`: not applied (see `reason`); `in-force`: already held, nothing to write. */
  status: 'pending' | 'applied' | 'refused' | 'in-force';
  /** The value asked for (memory.high bytes, `1`, `kill`). */
  value: string | undefined;
  /** Why the step is not in force (refused, or undone since). */
  reason: string;
}

/**
 * oomd-like memory pressure remediation. Each {@link evaluate} looks at PSI and `MemAvailable` of the machine
 * and PSI of every leaf cgroup; when pressure lasts `sustainMs`, it names one culprit — the largest (plus one
 * minute of growth) unprotected cgroup, `prefer` first and `avoid` last, or the cgroup suffering pressure at
 * its own limit — and climbs the ladder on it one step per `stepMs`: throttle with `memory.high` 5 % under
 * its usage (the kernel reclaims down to it), then freeze it, then (only with `allowKill`) kill its largest
 * process. A step is taken only when the previous one did not end the pressure within `stepMs`; pressure that
 * ends resets nothing (the steps stay until rolled back) but stops the climb. Protected units, slices, PID 1
 * and `exclude` are never culprits. The responder only decides: changes go through `@ainka/actuators`.
 */
export class PressureResponder {
  private readonly opts: Required<Omit<PressureOptions, 'prefer' | 'avoid' | 'exclude'>> & Pick<PressureOptions, 'prefer' | 'avoid' | 'exclude'>;
  private readonly ladder = new Map<string, LadderState>();
  private readonly previous = new Map<string, { timestamp: number; current: number }>();
  private pressureSince: number | undefined;

  /**
   * @param protection what may never be touched.
   * @throws {@link HealingError} `ERR_AINKA_HEALING_INVALID_OPTION` for out-of-range options.
   */
  constructor(
    private readonly protection: Protection,
    options: PressureOptions = {},
  ) {
    this.opts = {
      someAvg10Percent: options.someAvg10Percent ?? 20,
      minAvailableFraction: options.minAvailableFraction ?? 0.1,
      sustainMs: options.sustainMs ?? 10_000,
      stepMs: options.stepMs ?? 30_000,
      allowKill: options.allowKill ?? false,
      minCgroupBytes: options.minCgroupBytes ?? 32 * MiB,
      ...(options.prefer !== undefined ? { prefer: options.prefer } : {}),
      ...(options.avoid !== undefined ? { avoid: options.avoid } : {}),
      ...(options.exclude !== undefined ? { exclude: options.exclude } : {}),
    };
    const o = this.opts;
    if (!(o.someAvg10Percent > 0 && o.someAvg10Percent <= 100)) throw new HealingError(HealingErrorCode.invalidOption, `someAvg10Percent ${o.someAvg10Percent} is not in (0, 100]; use a PSI percentage such as 20`);
    if (!(o.minAvailableFraction >= 0 && o.minAvailableFraction < 1)) throw new HealingError(HealingErrorCode.invalidOption, `minAvailableFraction ${o.minAvailableFraction} is not in [0, 1); use e.g. 0.1 (10 % of MemTotal)`);
    if (!(o.sustainMs >= 0) || !(o.stepMs > 0)) throw new HealingError(HealingErrorCode.invalidOption, 'sustainMs must be ≥ 0 and stepMs > 0; use e.g. 10000 and 30000');
  }

  /** The ladder step last taken on a cgroup (`undefined`: none). */
  stepOf(cgroup: string): PressureStep | undefined {
    const s = this.ladder.get(cgroup);
    return s === undefined || s.step < 0 ? undefined : pressureLadder[s.step];
  }

  /**
   * The step of this ladder that is still in force on a cgroup now (`memory.high` it wrote still at or under
   * its value, `cgroup.freeze` still 1), read from `c`; `undefined` when the ladder never acted there, or what
   * it did was undone (rolled back, the unit restarted). While a step holds, the ladder is handling the cgroup
   * even when the pressure has eased: other remedies on it (a restart) would undo the step behind its back.
   * A kill is done, not held: it never counts.
   */
  holding(c: CgroupMemory): PressureStep | undefined {
    const s = this.ladder.get(c.path);
    if (s === undefined) return undefined;
    for (let i = Math.min(s.step, pressureLadder.length - 1); i >= 0; i--) {
      const step = pressureLadder[i] as PressureStep;
      if (step !== 'kill' && this.holds(step, c, i === s.step ? s.value : undefined)) return step;
    }
    return undefined;
  }

  /** Decide on one sample. Returns the finding for the culprit (at most one per call), or `undefined` when there is no pressure. */
  evaluate(sample: PressureSample): PressureFinding | undefined {
    const growth = new Map<string, number>();
    for (const c of sample.cgroups) {
      const p = this.previous.get(c.path);
      if (p !== undefined && sample.timestamp > p.timestamp) growth.set(c.path, ((c.current - p.current) * 1000) / (sample.timestamp - p.timestamp));
    }
    this.previous.clear();
    for (const c of sample.cgroups) this.previous.set(c.path, { timestamp: sample.timestamp, current: c.current });
    for (const path of [...this.ladder.keys()]) if (!sample.cgroups.some((c) => c.path === path)) this.ladder.delete(path);

    const signals: string[] = [];
    const t = this.opts.someAvg10Percent;
    if (sample.someAvg10 !== null && sample.someAvg10 >= t) signals.push(`memory PSI some avg10 ${sample.someAvg10.toFixed(1)} % ≥ ${t} % (full ${sample.fullAvg10?.toFixed(1) ?? '?'} %)`);
    if (sample.memAvailable !== null && sample.memTotal !== null && sample.memTotal > 0 && sample.memAvailable / sample.memTotal < this.opts.minAvailableFraction) {
      signals.push(`MemAvailable ${(sample.memAvailable / MiB).toFixed(0)} MiB = ${((100 * sample.memAvailable) / sample.memTotal).toFixed(1)} % of MemTotal < ${(100 * this.opts.minAvailableFraction).toFixed(0)} %`);
    }
    const eligible = sample.cgroups.filter((c) => this.allowed(c.path) && c.current >= this.opts.minCgroupBytes);
    let culprit: CgroupMemory | undefined;
    let why = '';
    if (signals.length > 0) {
      culprit = this.rank(eligible, growth)[0];
      const g = culprit === undefined ? 0 : (growth.get(culprit.path) ?? 0);
      if (culprit !== undefined) why = `largest unprotected memory user (${(culprit.current / MiB).toFixed(0)} MiB${g > MiB / 10 ? `, growing ${(g / MiB).toFixed(1)} MiB/s` : ''})${this.matches(culprit.path, this.opts.prefer) ? ', preferred' : ''}`;
    } else {
      const local = eligible.filter((c) => c.someAvg10 !== null && c.someAvg10 >= t).sort((a, b) => (b.someAvg10 ?? 0) - (a.someAvg10 ?? 0));
      culprit = local[0];
      if (culprit !== undefined) {
        signals.push(`memory PSI of ${culprit.path} some avg10 ${culprit.someAvg10?.toFixed(1)} % ≥ ${t} %${culprit.limitEvents > 0 ? `, ${culprit.limitEvents} memory.max/oom events` : ''}`);
        why = 'it stalls on memory itself (at its own limit)';
      }
    }
    if (culprit === undefined) {
      this.pressureSince = undefined;
      return undefined;
    }
    this.pressureSince ??= sample.timestamp;
    const unit = unitOfCgroup(culprit.path);
    const name = unit !== undefined && culprit.path.endsWith(unit) ? unit : culprit.path;
    const summary = `memory pressure: ${signals.join('; ')}; culprit ${name}: ${why}`;
    const key = `pressure:${culprit.path}`;
    const state = this.ladder.get(culprit.path) ?? { step: -1, stepAt: 0, status: 'in-force' as const, value: undefined, reason: '' };
    const last = state.step >= 0 ? pressureLadder[state.step] : undefined;
    const base = { key, cgroup: culprit.path, unit, summary, signals };
    const now = sample.timestamp;
    const sustained = now - this.pressureSince >= this.opts.sustainMs;
    if (!sustained) {
      return { ...base, step: last ?? 'throttle', change: undefined, remedy: `watching: pressure for ${((now - this.pressureSince) / 1000).toFixed(0)} s of the ${(this.opts.sustainMs / 1000).toFixed(0)} s it must last before a step` };
    }
    if (last !== undefined) {
      // The ladder climbs only past a step that was applied and still reads back in force.
      if (state.status === 'pending') {
        // No outcome reported yet: reading the step back in force is as good (and is what verifies it).
        if (this.holds(last, culprit, state.value)) state.status = 'applied';
        else if (now - state.stepAt < this.opts.stepMs) return { ...base, step: last, change: undefined, remedy: `waiting for the ${last} step to be applied (${this.reading(last, culprit)})` };
        else Object.assign(state, { status: 'refused', reason: `not in force ${((now - state.stepAt) / 1000).toFixed(0)} s after it was asked for (${this.reading(last, culprit)})` });
      }
      if ((state.status === 'applied' || state.status === 'in-force') && !this.holds(last, culprit, state.value)) {
        Object.assign(state, { status: 'refused', reason: `the ${last} step no longer holds (${this.reading(last, culprit)}): undone outside the ladder` });
      }
      if (state.status === 'refused') {
        if (now - state.stepAt < this.opts.stepMs && !state.reason.endsWith('undone outside the ladder')) {
          return { ...base, step: last, change: undefined, remedy: `the ${last} step was not applied (${state.reason}); the ladder does not climb past a step that is not in force: asking again ${((this.opts.stepMs - (now - state.stepAt)) / 1000).toFixed(0)} s from now` };
        }
        const again = this.plan(last, culprit);
        if (again === 'skip') {
          Object.assign(state, { status: 'in-force', stepAt: now, reason: '' });
          return { ...base, step: last, change: undefined, remedy: `the ${last} step is in force now (${this.reading(last, culprit)}); next step after ${(this.opts.stepMs / 1000).toFixed(0)} s if the pressure stays` };
        }
        if (again === 'not-allowed') return { ...base, step: last, change: undefined, remedy: this.killRefusal(culprit, name, last) };
        const why = state.reason;
        Object.assign(state, { status: 'pending', stepAt: now, value: again.change.value, reason: '' });
        return { ...base, step: last, change: again.change, remedy: `${again.note} (asked again: ${why})` };
      }
      if (now - state.stepAt < this.opts.stepMs) {
        return { ...base, step: last, change: undefined, remedy: `verifying the ${last} step (in force for ${((now - state.stepAt) / 1000).toFixed(0)} s: ${this.reading(last, culprit)}; next step after ${(this.opts.stepMs / 1000).toFixed(0)} s if the pressure stays)` };
      }
    }
    // Climb one step; steps already in force (memory.high at or below the target, already frozen) are passed.
    for (let i = state.step + 1; i < pressureLadder.length; i++) {
      const step = pressureLadder[i] as PressureStep;
      const planned = this.plan(step, culprit);
      if (planned === 'skip') continue;
      if (planned === 'not-allowed') return { ...base, step: last ?? step, change: undefined, remedy: this.killRefusal(culprit, name, last) };
      this.ladder.set(culprit.path, { step: i, stepAt: now, status: 'pending', value: planned.change.value, reason: '' });
      return { ...base, step, change: planned.change, remedy: planned.note };
    }
    const remedy = this.opts.allowKill ? 'every step of the ladder was taken; nothing smaller is left to do' : this.killRefusal(culprit, name, last);
    return { ...base, step: last ?? 'kill', change: undefined, remedy };
  }

  /**
   * Report what became of the step last asked for on a cgroup (its finding's `change`). The ladder climbs
   * past a step only once it was applied and still reads back in force; a step that was not applied is
   * asked for again after `stepMs`, with the reason in the finding's remedy.
   */
  settle(cgroup: string, step: PressureStep, outcome: StepOutcome): void {
    const s = this.ladder.get(cgroup);
    if (s === undefined || pressureLadder[s.step] !== step || s.status !== 'pending') return;
    Object.assign(s, outcome.applied ? { status: 'applied', reason: '' } : { status: 'refused', reason: outcome.reason }, outcome.value !== undefined ? { value: outcome.value } : {});
  }

  /**
   * The `memory.high` the throttle step asks for at a usage: 5 % under it, page-aligned, at least 16 MiB.
   * Half of the knob's 10 % margin on purpose: a culprit keeps growing between the sample and the write,
   * and a target at the margin itself was refused as below the floor by the time it was written (seen in
   * the systemd guest: a balloon growing 14 MiB/s outgrew a target computed a moment before).
   */
  throttleTarget(currentBytes: number): number {
    return Math.max(16 * MiB, Math.ceil((currentBytes * 0.95) / PAGE) * PAGE);
  }

  private killRefusal(c: CgroupMemory, name: string, last: PressureStep | undefined): string {
    const state = last === 'freeze' || c.frozen ? 'frozen' : 'throttled';
    if (!this.opts.allowKill) return `kill not allowed (allowKill is off): ${name} stays ${state}; free memory by hand, or roll the steps back`;
    if (this.matches(c.path, this.opts.avoid)) return `kill not allowed: ${name} is labelled avoid, so it is never killed; it stays ${state}`;
    return `no process of ${name} may be killed (all protected): it stays ${state}`;
  }

  /** Does a step taken on a cgroup still read back in force? */
  private holds(step: PressureStep, c: CgroupMemory, value: string | undefined): boolean {
    if (step === 'throttle') return c.high !== null && (value === undefined || c.high <= Number(value));
    if (step === 'freeze') return c.frozen;
    return true; // a kill is not undone; the pid is gone or reused
  }

  private reading(step: PressureStep, c: CgroupMemory): string {
    if (step === 'throttle') return `memory.high reads ${c.high === null ? 'max' : `${(c.high / MiB).toFixed(0)} MiB`}`;
    if (step === 'freeze') return `cgroup.freeze reads ${c.frozen ? 1 : 0}`;
    return 'killed';
  }

  private plan(step: PressureStep, c: CgroupMemory): { change: HealingChange; note: string } | 'skip' | 'not-allowed' {
    if (step === 'throttle') {
      const high = this.throttleTarget(c.current);
      if (c.high !== null && c.high <= high) return 'skip';
      return { change: { knob: `cgroup:${c.path}:memory.high`, value: String(high) }, note: `step 1 of 3, throttle: memory.high of ${c.path} to ${(high / MiB).toFixed(0)} MiB (5 % under its usage): the kernel reclaims it and slows its allocations; roll back to lift it` };
    }
    if (step === 'freeze') {
      if (c.frozen) return 'skip';
      return { change: { knob: `cgroup:${c.path}:cgroup.freeze`, value: '1' }, note: `step 2 of 3, freeze: throttling did not end the pressure, so every process of ${c.path} is frozen (nothing is lost; roll back to thaw)` };
    }
    if (!this.opts.allowKill || this.matches(c.path, this.opts.avoid)) return 'not-allowed';
    const victim = c.procs.find((p) => this.protection.process(p.pid, c.path) === undefined);
    if (victim === undefined) return 'skip';
    return { change: { knob: `process:${victim.pid}:kill`, value: 'kill' }, note: `step 3 of 3, kill (allowed by policy): freezing did not end the pressure, so the largest process of ${c.path} (pid ${victim.pid}, ${(victim.rssBytes / MiB).toFixed(0)} MiB) is killed; this step cannot be rolled back` };
  }

  private allowed(path: string): boolean {
    if (this.protection.cgroup(path) !== undefined) return false;
    return !(this.opts.exclude ?? []).some((e) => path === e || path.startsWith(`${e}/`));
  }

  private matches(path: string, list: readonly string[] | undefined): boolean {
    return cgroupMatchesLabel(path, list);
  }

  private rank(list: readonly CgroupMemory[], growth: ReadonlyMap<string, number>): CgroupMemory[] {
    const score = (c: CgroupMemory): number => c.current + Math.max(0, growth.get(c.path) ?? 0) * 60;
    const tier = (c: CgroupMemory): number => (this.matches(c.path, this.opts.avoid) ? 2 : this.matches(c.path, this.opts.prefer) ? 0 : 1);
    return [...list].sort((a, b) => tier(a) - tier(b) || score(b) - score(a));
  }
}

function psiAvg10(text: string | undefined, kind: 'some' | 'full'): number | null {
  const m = new RegExp(`^${kind} avg10=([\\d.]+)`, 'm').exec(text ?? '');
  return m ? Number(m[1]) : null;
}

function meminfo(text: string, field: string): number | null {
  const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

/**
 * Read a {@link PressureSample} under a root: `/proc/pressure/memory`, `/proc/meminfo`, and every cgroup v2
 * under `mount` (relative to the root) that holds processes, to `maxCgroups`.
 */
export function readPressureSample(root: string, mount: string, timestamp: number, maxCgroups = 2000): PressureSample {
  const psi = readText(root, 'proc/pressure/memory');
  const mi = readText(root, 'proc/meminfo') ?? '';
  const cgroups: CgroupMemory[] = [];
  const walk = (rel: string, depth: number): void => {
    if (cgroups.length >= maxCgroups || depth > 8) return;
    let children: string[];
    try {
      children = readdirSync(join(root, mount, rel), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      return;
    }
    if (rel !== '') {
      const c = readCgroupMemory(root, mount, rel);
      if (c !== undefined) cgroups.push(c);
    }
    for (const n of children) walk(rel === '' ? n : `${rel}/${n}`, depth + 1);
  };
  walk('', 0);
  return { timestamp, someAvg10: psiAvg10(psi, 'some'), fullAvg10: psiAvg10(psi, 'full'), memTotal: meminfo(mi, 'MemTotal'), memAvailable: meminfo(mi, 'MemAvailable'), cgroups };
}

/** One cgroup's memory state, or `undefined` when it holds no process or has no memory controller. */
export function readCgroupMemory(root: string, mount: string, path: string): CgroupMemory | undefined {
  const dir = `${mount}/${path}`;
  const procsText = readText(root, `${dir}/cgroup.procs`);
  const current = readLimit(root, `${dir}/memory.current`);
  if (procsText === undefined || current === null) return undefined;
  const pids = procsText.split('\n').filter((l) => l !== '').map(Number);
  if (pids.length === 0) return undefined;
  const events = readText(root, `${dir}/memory.events`) ?? '';
  const count = (k: string): number => Number(new RegExp(`^${k} (\\d+)`, 'm').exec(events)?.[1] ?? 0);
  const procs = pids
    .slice(0, 256)
    .map((pid) => ({ pid, rssBytes: Number(/^VmRSS:\s+(\d+)/m.exec(readText(root, `proc/${pid}/status`) ?? '')?.[1] ?? 0) * 1024 }))
    .sort((a, b) => b.rssBytes - a.rssBytes);
  return {
    path,
    current,
    high: readLimit(root, `${dir}/memory.high`),
    max: readLimit(root, `${dir}/memory.max`),
    someAvg10: psiAvg10(readText(root, `${dir}/memory.pressure`), 'some'),
    limitEvents: count('max') + count('oom_kill'),
    frozen: readText(root, `${dir}/cgroup.freeze`)?.trim() === '1',
    procs,
  };
}
