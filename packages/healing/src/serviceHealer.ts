import { HealingError, HealingErrorCode } from './errors.js';
import type { Protection } from './protection.js';

/** A state change of a systemd unit, as the manager reports it (D-Bus `PropertiesChanged`). */
export interface UnitEvent {
  readonly unit: string;
  /** Time of the change (ms). */
  readonly at: number;
  /** `active`, `activating`, `deactivating`, `inactive`, `failed`, `reloading`. */
  readonly activeState: string;
  /** `running`, `exited`, `failed`, `auto-restart`, `dead` … */
  readonly subState?: string;
  /** `Result` of a service: `success`, `exit-code`, `signal`, `core-dump`, `timeout`, `start-limit-hit` … */
  readonly result?: string;
  /** `LoadState`: `masked` means the administrator forbade it. */
  readonly loadState?: string;
  /** `UnitFileState`: `masked`, `enabled`, `disabled` … */
  readonly unitFileState?: string;
}

/** What to do about a unit after an event. */
export type ServiceDecision =
  | { readonly action: 'none'; readonly reason: string }
  | { readonly action: 'restart'; readonly delayMs: number; readonly reason: string }
  | { readonly action: 'give-up'; readonly reason: string; readonly failures: readonly number[] }
  | { readonly action: 'respect'; readonly reason: string };

/** Options of {@link ServiceHealer}. */
export interface ServiceHealerOptions {
  /** Shortest delay before a restart (ms). Default 1000. */
  readonly minDelayMs?: number;
  /** Longest delay before a restart (ms). Default 300 000. */
  readonly maxDelayMs?: number;
  /** A run shorter than this is a quick failure (ms). Default 60 000. */
  readonly healthyRunMs?: number;
  /** This many quick failures within the window is a crash loop. Default 3. */
  readonly crashLoopFailures?: number;
  /** Window of the crash-loop count (ms). Default 600 000. */
  readonly crashLoopWindowMs?: number;
}

interface UnitState {
  startedAt: number | undefined;
  state: string;
  /** Time to failure (ms) of each failed run, with when it failed. */
  failures: { at: number; ttf: number }[];
  stoppedByAdmin: boolean;
  gaveUp: boolean;
}

/** Unit types a restart can bring back; scopes, slices and devices are made by others, not started. */
const RESTARTABLE_KINDS: ReadonlySet<string> = new Set(['service', 'socket', 'mount', 'swap', 'timer', 'path', 'target', 'automount']);

function unitKind(unit: string): string {
  const dot = unit.lastIndexOf('.');
  return dot < 0 ? 'service' : unit.slice(dot + 1);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Decides, from a unit's own history, whether and when to restart a failed service. The delay before a
 * restart is learned: the median time to failure of the unit's recent quick failures (how long it
 * survives a restart), doubled for every further quick failure, clamped to [min, max]. A unit that failed
 * `crashLoopFailures` times within the window, each time sooner than a healthy run, is a crash loop:
 * restarting will not help (a bad config, a missing dependency), so healing gives up and says why.
 * Masked units and units stopped cleanly (by an administrator, or that exited 0) are left alone until
 * they start again (a clean stop is reported only for a unit that has failed before); systemd's own
 * automatic restarts are counted as failures but never doubled. Scopes, slices and devices are never
 * restarted: systemd or their owner creates them.
 */
export class ServiceHealer {
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly healthyRun: number;
  private readonly loopFailures: number;
  private readonly window: number;
  private readonly units = new Map<string, UnitState>();

  /** @throws `HealingError` `ERR_AINKA_HEALING_INVALID_OPTION` for inconsistent delays or counts. */
  constructor(
    private readonly protection: Protection,
    options: ServiceHealerOptions = {},
  ) {
    this.minDelay = options.minDelayMs ?? 1000;
    this.maxDelay = options.maxDelayMs ?? 300_000;
    this.healthyRun = options.healthyRunMs ?? 60_000;
    this.loopFailures = options.crashLoopFailures ?? 3;
    this.window = options.crashLoopWindowMs ?? 600_000;
    if (this.minDelay > this.maxDelay || this.loopFailures < 2) {
      throw new HealingError(HealingErrorCode.invalidOption, 'minDelayMs must not exceed maxDelayMs and crashLoopFailures must be at least 2; fix the service healing options');
    }
  }

  /** The failures (time to failure, ms) remembered for a unit, oldest first. */
  failures(unit: string): readonly number[] {
    return (this.units.get(unit)?.failures ?? []).map((f) => f.ttf);
  }

  /** Feed one state change; returns what to do about the unit. */
  observe(e: UnitEvent): ServiceDecision {
    let u = this.units.get(e.unit);
    if (u === undefined) this.units.set(e.unit, (u = { startedAt: undefined, state: 'unknown', failures: [], stoppedByAdmin: false, gaveUp: false }));
    const previous = u.state;
    u.state = e.activeState;
    if (e.activeState === 'active' && previous !== 'active') {
      u.startedAt ??= e.at;
      u.stoppedByAdmin = false;
      return { action: 'none', reason: `${e.unit} is active` };
    }
    if (e.activeState === 'activating' && e.subState === 'auto-restart') {
      // systemd restarts it itself (Restart=): count the failure, never add a restart of ours.
      this.fail(u, e.at);
      u.startedAt = e.at;
      const loop = this.loop(u, e.at);
      if (loop !== undefined) return this.giveUp(e.unit, u, loop, 'systemd keeps restarting it');
      return { action: 'none', reason: `${e.unit} failed; systemd restarts it itself (Restart=)` };
    }
    if (e.activeState === 'inactive') {
      if (previous === 'active' || previous === 'deactivating') {
        u.stoppedByAdmin = true;
        u.startedAt = undefined;
        const reason = `${e.unit} stopped cleanly (by an administrator or it exited 0): left alone until it starts again`;
        // A clean stop is news only for a unit healing has been watching fail: an SSH session's scope, a
        // oneshot job or a planned restart is routine, and reporting each would bury the real findings.
        return u.failures.length > 0 || u.gaveUp ? { action: 'respect', reason } : { action: 'none', reason };
      }
      return { action: 'none', reason: `${e.unit} is inactive` };
    }
    if (e.activeState !== 'failed' || previous === 'failed') return { action: 'none', reason: `${e.unit} is ${e.activeState}` };
    const kind = unitKind(e.unit);
    if (!RESTARTABLE_KINDS.has(kind)) return { action: 'none', reason: `${e.unit} failed; a ${kind} unit cannot be restarted, left to systemd` };
    this.fail(u, e.at);
    u.startedAt = undefined;
    if (e.loadState === 'masked' || e.unitFileState === 'masked') return { action: 'respect', reason: `${e.unit} is masked: the administrator forbade it, never restarted` };
    if (u.stoppedByAdmin) return { action: 'respect', reason: `${e.unit} was stopped by an administrator: not restarted` };
    const guard = this.protection.unit(e.unit) ? `${e.unit} is protected` : undefined;
    if (guard !== undefined) return { action: 'none', reason: `${guard}: left to systemd's own Restart= logic` };
    if (e.result === 'start-limit-hit') return this.giveUp(e.unit, u, this.quick(u, e.at), `systemd's start limit was hit (${e.result})`);
    const loop = this.loop(u, e.at);
    if (loop !== undefined) return this.giveUp(e.unit, u, loop, 'each restart fails again quickly');
    const quick = this.quick(u, e.at);
    const base = quick.length > 0 ? median(quick) : this.minDelay;
    const delayMs = Math.round(Math.min(this.maxDelay, Math.max(this.minDelay, base * 2 ** Math.max(0, quick.length - 1))));
    return {
      action: 'restart',
      delayMs,
      reason: `${e.unit} failed (${e.result ?? 'failed'}) after ${this.describeRun(u)}; ${quick.length <= 1 ? 'first quick failure' : `${quick.length} quick failures, median time to failure ${(base / 1000).toFixed(1)} s`}: restart in ${(delayMs / 1000).toFixed(1)} s`,
    };
  }

  private describeRun(u: UnitState): string {
    const last = u.failures[u.failures.length - 1];
    return last === undefined || !Number.isFinite(last.ttf) ? 'an unknown time' : `${(last.ttf / 1000).toFixed(1)} s`;
  }

  private fail(u: UnitState, at: number): void {
    u.failures.push({ at, ttf: u.startedAt === undefined ? Number.POSITIVE_INFINITY : at - u.startedAt });
    while (u.failures.length > 50) u.failures.shift();
  }

  /** Times to failure of the quick failures inside the window. */
  private quick(u: UnitState, now: number): number[] {
    return u.failures.filter((f) => now - f.at <= this.window && f.ttf < this.healthyRun).map((f) => f.ttf);
  }

  private loop(u: UnitState, now: number): number[] | undefined {
    const q = this.quick(u, now);
    return q.length >= this.loopFailures ? q : undefined;
  }

  private giveUp(unit: string, u: UnitState, failures: readonly number[], why: string): ServiceDecision {
    u.gaveUp = true;
    return {
      action: 'give-up',
      failures,
      reason: `${unit} is crash-looping (${why}): ${failures.length} failures within ${Math.round(this.window / 60_000)} min, after ${failures.map((f) => `${(f / 1000).toFixed(1)} s`).join(', ')}; not restarted — fix the cause shown in its journal, then start it`,
    };
  }
}
