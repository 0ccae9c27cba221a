/** Units that healing never restarts, throttles, freezes or kills, whatever the configuration says. */
export const alwaysProtectedUnits: readonly string[] = [
  'ainkad.service',
  'ssh.service',
  'sshd.service',
  'systemd-journald.service',
  'systemd-logind.service',
  'dbus.service',
  'init.scope',
  '-.slice',
];

/**
 * Decides what healing may touch. A cgroup is protected when any component of its path is a protected
 * unit (so `system.slice/ssh.service/…` is), and slices are never targets (acting on a slice would act on
 * every unit under it, protected ones included). PID 1 and the daemon's own pid are always protected, and so
 * are the daemon's own cgroups when given (whatever its unit is called), with the service that owns them.
 */
export class Protection {
  private readonly units: ReadonlySet<string>;
  private readonly pids: ReadonlySet<number>;
  private readonly cgroups: readonly string[];

  /**
   * @param extraUnits more unit names to protect (configuration), added to {@link alwaysProtectedUnits}.
   * @param extraPids more pids to protect; PID 1 and `process.pid` are always protected.
   * @param options.cgroups cgroup paths (relative to the cgroup root) never acted on, nor any cgroup that
   *   contains them or lies inside them: the daemon's own cgroup, whatever its unit is called. The systemd
   *   service owning such a cgroup is protected too (a restart of it would restart the daemon).
   */
  constructor(extraUnits: readonly string[] = [], extraPids: readonly number[] = [], options: { readonly cgroups?: readonly string[] } = {}) {
    this.cgroups = (options.cgroups ?? []).map((c) => c.replace(/^\/+|\/+$/g, '')).filter((c) => c !== '');
    const owners = this.cgroups.map((c) => unitOfCgroup(c)).filter((u): u is string => u !== undefined && u.endsWith('.service'));
    this.units = new Set([...alwaysProtectedUnits, ...extraUnits, ...owners]);
    this.pids = new Set([1, process.pid, ...extraPids]);
  }

  /** The protected unit names. */
  get protectedUnits(): readonly string[] {
    return [...this.units];
  }

  /** Is this unit protected? */
  unit(unit: string): boolean {
    return this.units.has(unit);
  }

  /** Is this cgroup (path relative to the cgroup root, without a leading `/`) off limits? Names the reason, or `undefined` when allowed. */
  cgroup(path: string): string | undefined {
    const clean = path.replace(/^\/+|\/+$/g, '');
    if (clean === '') return 'the root cgroup is never a target';
    const parts = clean.split('/');
    const hit = parts.find((p) => this.units.has(p));
    if (hit !== undefined) return `${hit} is protected`;
    const own = this.ownCgroup(clean, true);
    if (own !== undefined) return own;
    if ((parts[parts.length - 1] ?? '').endsWith('.slice')) return `${parts[parts.length - 1]} is a slice: acting on it would act on every unit under it`;
    return undefined;
  }

  /** Is this process off limits (PID 1, the daemon, or in a protected cgroup)? Names the reason, or `undefined`. */
  process(pid: number, cgroup: string | undefined): string | undefined {
    if (pid === 1) return 'PID 1 is never touched';
    if (this.pids.has(pid)) return `pid ${pid} is protected`;
    if (cgroup !== undefined) {
      const clean = cgroup.replace(/^\/+|\/+$/g, '');
      const hit = clean.split('/').find((p) => this.units.has(p));
      if (hit !== undefined) return `${hit} is protected`;
      const own = this.ownCgroup(clean, false);
      if (own !== undefined) return `pid ${pid}: ${own}`;
    }
    return undefined;
  }

  /** Why a cgroup is the daemon's own (or inside it, or, with `ancestors`, contains it); `undefined` when unrelated. */
  private ownCgroup(clean: string, ancestors: boolean): string | undefined {
    for (const c of this.cgroups) {
      if (c === clean) return `${clean} is ainkad's own cgroup`;
      if (clean.startsWith(`${c}/`)) return `${clean} is inside ainkad's own cgroup ${c}`;
      if (ancestors && c.startsWith(`${clean}/`)) return `${clean} contains ainkad's own cgroup ${c}`;
    }
    return undefined;
  }
}

/** The systemd unit that owns a cgroup of the system manager (`system.slice/nginx.service/…` → `nginx.service`); `undefined` in user managers or outside units. */
export function unitOfCgroup(path: string): string | undefined {
  const parts = path.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.some((p) => /^user@\d+\.service$/.test(p))) return undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i] as string;
    if (p.endsWith('.service') || p.endsWith('.scope')) {
      // The outermost unit below the slices owns it (a service's sub-cgroups belong to the service).
      let j = i;
      while (j > 0 && /\.(service|scope)$/.test(parts[j - 1] as string)) j--;
      return parts[j];
    }
  }
  return undefined;
}
