import type { PolicyScope, TargetKind } from './policy.js';

/** One series of a snapshot: labels, latest value and when it was sampled (ms). */
export interface SnapshotSeries {
  /** Labels (`undefined` or empty for an unlabeled series). */
  readonly labels: Readonly<Record<string, string>> | undefined;
  /** Latest value. */
  readonly value: number;
  /** Time of the latest value (ms). */
  readonly t: number;
}

/** The latest value of every series, grouped by metric name (what a collector tick produced). */
export interface SeriesSnapshot {
  /** The series of one metric (empty when none). */
  series(name: string): readonly SnapshotSeries[];
}

/** A target a selector picked: its labels (`{pid, comm}`, `{cgroup}`, `{device}`, …) and a stable key. */
export interface Target {
  /** `process:1234`, `cgroup:/system.slice/x.service`, `device:sda`. */
  readonly key: string;
  /** The labels that fill the rule's placeholders. */
  readonly labels: Readonly<Record<string, string>>;
  /** The `by` metric's value (the rank). */
  readonly value: number;
}

/** What may never be selected: the system's own pieces and anything the operator lists. */
export interface ProtectionOptions {
  /** Pid of the daemon itself. */
  readonly selfPid?: number;
  /** cgroup of the daemon itself (e.g. `/system.slice/ainkad.service`). */
  readonly selfCgroup?: string;
  /** Extra globs of process names (comm) or cgroup/unit names never selected. */
  readonly protect?: readonly string[];
}

/** The label that names a target of each kind, and the metric that lists targets by default. */
export const targetLabel: Readonly<Record<TargetKind, string>> = { process: 'pid', cgroup: 'cgroup', device: 'device', interface: 'interface', policy: 'policy' };

/** Default `by` metric of each selector kind (lists the targets; ranks them for `top`). */
export const defaultSelectorMetric: Readonly<Record<TargetKind, string>> = {
  process: 'process.cpu_cores',
  cgroup: 'cgroup.memory_current_bytes',
  device: 'disk.read_bytes_per_second',
  interface: 'net.rx_bytes_per_second',
  policy: 'cpufreq.current_hertz',
};

/** Placeholders a rule of a scope may use in metric labels and knob ids. */
export function scopePlaceholders(scope: PolicyScope): readonly string[] {
  switch (scope.kind) {
    case 'host':
      return [];
    case 'cgroup':
      return ['cgroup'];
    case 'process':
      return ['pid'];
    case 'each':
      return scope.each === 'process' ? ['pid', 'comm'] : [targetLabel[scope.each]];
  }
}

/** Process names never selected: init, the SSH daemon, the journal, the D-Bus broker, the daemon itself. */
export const protectedProcessNames: readonly string[] = ['systemd', 'init', 'sshd', 'systemd-journal', 'systemd-journald', 'systemd-logind', 'dbus-daemon', 'dbus-broker', 'ainkad', 'kthreadd'];

/** cgroup leaves (units) never selected; slices (`*.slice`) and the root are never selected either. */
export const protectedUnits: readonly string[] = ['init.scope', 'ssh.service', 'sshd.service', 'systemd-journald.service', 'systemd-logind.service', 'dbus.service', 'dbus-broker.service', 'ainkad.service'];

const globCache = new Map<string, RegExp>();

/** Compile a glob: `*` any run, `?` one character, `|` between alternatives; anchored. */
export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re === undefined) {
    const alts = glob.split('|').map((g) => g.trim().replace(/[.+^${}()[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'));
    re = new RegExp(`^(?:${alts.join('|')})$`);
    globCache.set(glob, re);
  }
  return re;
}

function matchesAny(name: string, globs: readonly string[]): boolean {
  for (const g of globs) if (globToRegExp(g).test(name)) return true;
  return false;
}

/**
 * Why a target may not be selected, or `undefined` when it may. Processes: pid 1 and 2, kernel threads
 * (no resident memory), the daemon, the protected names and the operator's list. cgroups: the root,
 * slices, the daemon's own cgroup, the protected units and the operator's list.
 */
export function protectionOf(kind: TargetKind, labels: Readonly<Record<string, string>>, snapshot: SeriesSnapshot, options: ProtectionOptions): string | undefined {
  const extra = options.protect ?? [];
  if (kind === 'process') {
    const pid = Number(labels.pid);
    const comm = labels.comm ?? '';
    if (!Number.isInteger(pid) || pid <= 2) return 'pid 1 and kthreadd are never touched';
    if (pid === options.selfPid) return 'the daemon itself';
    if (matchesAny(comm, protectedProcessNames) || matchesAny(comm, extra)) return `${comm} is protected`;
    const rss = snapshot.series('process.rss_bytes').find((s) => s.labels?.pid === labels.pid);
    if (rss !== undefined && rss.value === 0) return 'a kernel thread';
    return undefined;
  }
  if (kind === 'cgroup') {
    const path = (labels.cgroup ?? '').replace(/^\/+/, '');
    const leaf = path.slice(path.lastIndexOf('/') + 1);
    if (path === '') return 'the root cgroup';
    if (leaf.endsWith('.slice')) return 'a slice (an aggregate of units)';
    if (options.selfCgroup !== undefined && path === options.selfCgroup.replace(/^\/+/, '')) return 'the daemon\'s own cgroup';
    if (matchesAny(leaf, protectedUnits) || matchesAny(leaf, extra) || matchesAny(path, extra)) return `${leaf} is protected`;
    return undefined;
  }
  const name = labels[targetLabel[kind]] ?? '';
  return matchesAny(name, extra) ? `${name} is protected` : undefined;
}

/**
 * The targets of an `each` scope now: the series of its `by` metric that are fresh (sampled within
 * `staleMs` of `now`), named by the kind's label, matching `match`, not excluded or protected, ranked by
 * value (highest first) and cut to `top`.
 */
export function selectTargets(
  scope: Extract<PolicyScope, { kind: 'each' }>,
  snapshot: SeriesSnapshot,
  now: number,
  options: ProtectionOptions & {
    /** Series older than this are ignored (gone processes, removed devices). Default 30 s. */
    staleMs?: number;
  } = {},
): Target[] {
  const label = targetLabel[scope.each];
  const stale = options.staleMs ?? 30_000;
  const seen = new Map<string, Target>();
  for (const s of snapshot.series(scope.by)) {
    const name = s.labels?.[label];
    if (name === undefined || name === '' || now - s.t > stale || !Number.isFinite(s.value)) continue;
    const display = scope.each === 'process' ? (s.labels?.comm ?? '') : scope.each === 'cgroup' ? name.replace(/^\/+/, '') : name;
    if (scope.match !== undefined && !globToRegExp(scope.match).test(display)) continue;
    if (matchesAny(display, scope.exclude)) continue;
    const labels: Record<string, string> = scope.each === 'process' ? { pid: name, comm: s.labels?.comm ?? '' } : { [label]: name };
    if (protectionOf(scope.each, labels, snapshot, options) !== undefined) continue;
    const key = `${scope.each}:${name}`;
    const prev = seen.get(key);
    if (prev === undefined || s.value > prev.value) seen.set(key, { key, labels, value: s.value });
  }
  // ties by key in code-unit order (localeCompare would load ICU's collation data: ~2 MB of RSS in ainkad)
  const out = [...seen.values()].sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return scope.top === undefined ? out : out.slice(0, scope.top);
}
