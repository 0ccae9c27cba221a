import type { LeakFinding } from './leakDetector.js';
import type { Protection } from './protection.js';

/** A change healing asks `@ainka/actuators` for: a knob of its catalogue and a value. */
export interface HealingChange {
  /** Knob id (`systemd:x.service:restart`, `cgroup:system.slice/x.service:memory.high`). */
  readonly knob: string;
  /** Value to write. */
  readonly value: string;
}

/** What healing proposes for a finding: a change, or advice only (with the reason no change is possible). */
export interface Remedy {
  /** The change, or `undefined` when only advice can be given. */
  readonly change: HealingChange | undefined;
  /** What the remedy does and why this one, in words. */
  readonly note: string;
}

const PAGE = 4096;

/**
 * Whether a cgroup path carries one of the operator's labels: a label names a cgroup (`system.slice/x.service`),
 * one of its path components (`x.service`), or an ancestor.
 */
export function cgroupMatchesLabel(path: string, labels: readonly string[] | undefined): boolean {
  if (labels === undefined || path === '') return false;
  const parts = path.split('/');
  return labels.some((l) => parts.includes(l) || path === l || path.startsWith(`${l}/`));
}

/**
 * The remedy of a leak, never a kill: restart the owning systemd service when there is one (the service's
 * own restart logic brings it back clean), else throttle the process's cgroup with `memory.high` at its
 * current usage (memory leaks only: reclaim and swap slow the leak down, and the change is reversible);
 * anything else — a protected subject, a descriptor leak outside a service — is advice for a person.
 *
 * @param currentCgroupBytes `memory.current` of the subject's cgroup, for the `memory.high` value.
 */
export function leakRemedy(f: LeakFinding, protection: Protection, currentCgroupBytes: number | null, avoid?: readonly string[]): Remedy {
  const s = f.subject;
  const guard = s.kind === 'process' ? protection.process(s.pid, s.cgroup) : protection.cgroup(s.cgroup);
  if (guard !== undefined) return { change: undefined, note: `not touched: ${guard}` };
  // The operator's avoid label (as oomd's): AINKA does not act on that cgroup by itself, it says what it sees.
  if (cgroupMatchesLabel(s.cgroup, avoid)) return { change: undefined, note: `advice only: ${s.unit ?? s.cgroup} is labelled avoid, so AINKA does not restart or throttle it; restart it by hand if this is a leak` };
  if (s.unit !== undefined && s.unit.endsWith('.service') && !protection.unit(s.unit)) {
    return { change: { knob: `systemd:${s.unit}:restart`, value: 'restart' }, note: `restart ${s.unit}, which owns it (a restart releases what leaked; nothing is killed outside systemd's own stop logic)` };
  }
  if (f.resource === 'memory' && s.cgroup !== '' && currentCgroupBytes !== null && protection.cgroup(s.cgroup) === undefined) {
    const high = Math.ceil(Math.max(currentCgroupBytes, 16 * 1024 * 1024) / PAGE) * PAGE;
    return { change: { knob: `cgroup:${s.cgroup}:memory.high`, value: String(high) }, note: `throttle cgroup ${s.cgroup} with memory.high at its current usage (${(high / 1048576).toFixed(0)} MiB): reclaim slows the leak; roll back to lift it` };
  }
  return { change: undefined, note: s.kind === 'process' ? `advice only: pid ${s.pid} is not in a service AINKA could restart; restart it by hand when convenient` : 'advice only: no reversible remedy for this resource here' };
}
