import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { ChangeManager } from '@ainka/actuators';
import type { GuardAlert, ResponseOutcome } from './detector.js';

/** Options of {@link Responder}. */
export interface ResponderOptions {
  /**
   * Journals and applies the responses (`process:<pid>:kill`, `process:<pid>:state`,
   * `cgroup:<path>:cgroup.freeze`, `cgroup:<path>:egress`; the last needs actuators built with
   * `createActuators({ egress: new CgroupEgress() })`).
   */
  readonly changes?: ChangeManager;
  /** Let rules with `mode: enforce` act (default false: every response is proposed only). */
  readonly allowEnforce?: boolean;
  /** Command names never acted on (added to the built-in list). */
  readonly protectedNames?: readonly string[];
  /** Pids never acted on (added to PID 1, kthreadd and this process). */
  readonly protectedPids?: readonly number[];
  /** Responses applied per minute at most (default 10); beyond, they are proposed only. */
  readonly maxPerMinute?: number;
  /** Root holding `proc/` and `sys/fs/cgroup` (default `/`). */
  readonly root?: string;
  /** Clock in ms (default Date.now). */
  readonly now?: () => number;
}

/** Processes a response never touches, by command name. */
export const PROTECTED_NAMES: readonly string[] = ['systemd', 'init', 'kthreadd', 'sshd', 'sshd-session', 'systemd-journal', 'systemd-journald', 'journald', 'ainkad', 'systemd-logind', 'dbus-daemon', 'agetty', 'login'];

/** cgroups a freeze never touches. */
const PROTECTED_CGROUPS = [/^\/?$/, /init\.scope/, /sshd\.service/, /systemd-journald\.service/, /ainkad\.service/, /dbus\.service/, /systemd-logind\.service/, /^\/system\.slice\/?$/, /^\/user\.slice\/?$/];

const PF_KTHREAD = 0x00200000;

/**
 * Carries out the responses rules ask for — kill the process, stop it (SIGSTOP), freeze its cgroup
 * — through the actuators' change journal, so every action is logged with the rule as its reason
 * and reversible actions can be rolled back (even after a restart). Advisory unless both the rule
 * says `mode: enforce` and the responder allows enforcing; never on protected processes (PID 1,
 * kernel threads, this daemon and its ancestors, sshd, journald, …); rate-limited.
 */
export class Responder {
  readonly #o: ResponderOptions;
  readonly #root: string;
  readonly #names: Set<string>;
  readonly #pids: Set<number>;
  readonly #now: () => number;
  readonly #applied: number[] = [];

  constructor(options: ResponderOptions = {}) {
    this.#o = options;
    this.#root = options.root ?? '/';
    this.#names = new Set([...PROTECTED_NAMES, ...(options.protectedNames ?? [])]);
    this.#pids = new Set([0, 1, 2, process.pid, process.ppid, ...(options.protectedPids ?? [])]);
    this.#now = options.now ?? Date.now;
  }

  /** Why acting on `pid` is not allowed, or undefined when it is. */
  protectedReason(pid: number, name?: string): string | undefined {
    if (this.#pids.has(pid)) return `pid ${pid} is protected (init, kthreadd, or AINKA itself)`;
    const stat = read(this.#root, `proc/${pid}/stat`);
    if (stat === undefined) return `process ${pid} is gone`;
    const close = stat.lastIndexOf(')');
    const comm = name ?? stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const flags = Number(fields[6]);
    if ((flags & PF_KTHREAD) !== 0 || Number(fields[1]) === 2) return `${comm} (${pid}) is a kernel thread`;
    const realComm = stat.slice(stat.indexOf('(') + 1, close);
    if (this.#names.has(comm) || this.#names.has(realComm)) return `${realComm} (${pid}) is a protected process`;
    return undefined;
  }

  /** The cgroup v2 path of a process (`/system.slice/x.service`), or undefined. */
  cgroupOf(pid: number): string | undefined {
    const text = read(this.#root, `proc/${pid}/cgroup`);
    const line = text?.split('\n').find((l) => l.startsWith('0::'));
    return line?.slice(3);
  }

  /**
   * The cgroup v2 path of the process an alert is about: read from /proc while it runs; once it is
   * gone, the cgroup its event was recorded in (the eBPF cgroup id is the cgroup directory's inode),
   * found through a living process of the alert's chain in the same cgroup, else by a bounded walk of
   * the cgroup v2 mount. Undefined when neither finds it (the cgroup was removed too).
   */
  cgroupOfAlert(alert: GuardAlert): string | undefined {
    const { pid, cgroupId } = alert.event.proc;
    const live = this.cgroupOf(pid);
    if (live !== undefined || cgroupId === 0n) return live;
    for (const p of alert.processes) {
      if (p.pid === pid) continue;
      const cg = this.cgroupOf(p.pid);
      if (cg !== undefined && this.#cgroupIno(cg) === cgroupId) return cg;
    }
    return this.#findCgroup(cgroupId);
  }

  #cgroupIno(cg: string): bigint | undefined {
    for (const mount of ['sys/fs/cgroup', 'sys/fs/cgroup/unified']) {
      try {
        const st = statSync(join(this.#root, mount, cg), { bigint: true });
        if (st.isDirectory()) return st.ino;
      } catch {
        /* not under this mount */
      }
    }
    return undefined;
  }

  /** Breadth-first search of the cgroup v2 tree for a directory with inode `id` (at most 8 levels, 20,000 directories). */
  #findCgroup(id: bigint): string | undefined {
    const mount = ['sys/fs/cgroup', 'sys/fs/cgroup/unified'].find((m) => read(this.#root, `${m}/cgroup.procs`) !== undefined);
    if (mount === undefined) return undefined;
    let level = [''];
    let seen = 0;
    for (let depth = 0; depth < 8 && level.length > 0 && seen < 20_000; depth++) {
      const next: string[] = [];
      for (const cg of level) {
        let entries: Dirent[];
        try {
          entries = readdirSync(join(this.#root, mount, cg), { withFileTypes: true });
        } catch {
          continue;
        }
        for (const e of entries) {
          if (!e.isDirectory()) continue;
          const child = `${cg}/${e.name}`;
          if (++seen > 20_000) break;
          if (this.#cgroupIno(child) === id) return child;
          next.push(child);
        }
      }
      level = next;
    }
    return undefined;
  }

  /** Pids of a cgroup v2 path (read where cgroup2 is mounted: /sys/fs/cgroup, or …/unified on hybrid hosts). */
  #members(cg: string): number[] {
    for (const mount of ['sys/fs/cgroup', 'sys/fs/cgroup/unified']) {
      const text = read(this.#root, `${mount}${cg}/cgroup.procs`);
      if (text !== undefined) return text.split('\n').filter(Boolean).map(Number);
    }
    return [];
  }

  /** Carries out (or proposes) the response an alert asks for. */
  async respond(alert: GuardAlert): Promise<ResponseOutcome | undefined> {
    const want = alert.wants;
    if (!want) return undefined;
    const { pid, name } = alert.event.proc;
    const target = `${name} (${pid})`;
    const onCgroup = want.action === 'freeze' || want.action === 'block-egress' || want.action === 'block-egress-all';
    const refused = this.protectedReason(pid, name);
    // A cgroup outlives the process that raised the alert (a connect from a short-lived child, a curl
    // that has finished): a cgroup response still applies to a gone process, never to a protected name.
    const gone = refused !== undefined && refused.endsWith('is gone');
    if (refused && !(onCgroup && gone)) return { action: want.action, status: 'refused', line: `not ${verb(want.action)} ${target}: ${refused}` };
    if (gone && this.#names.has(name)) return { action: want.action, status: 'refused', line: `not ${verb(want.action)} ${target}: ${name} is a protected process` };
    let knob: string;
    let value: string;
    if (onCgroup) {
      const doing = want.action === 'freeze' ? 'freezing' : 'blocking the egress of';
      const cg = this.cgroupOfAlert(alert);
      if (!cg) return { action: want.action, status: 'refused', line: `cannot act on the cgroup of ${target}: ${gone ? `the process is gone and its cgroup (id ${alert.event.proc.cgroupId}) was not found under the cgroup v2 mount` : `no cgroup v2 path in /proc/${pid}/cgroup`}` };
      if (PROTECTED_CGROUPS.some((r) => r.test(cg))) return { action: want.action, status: 'refused', line: `not ${doing} ${cg}: it holds system services (init, sshd, journald, AINKA) or is a top-level slice` };
      const members = this.#members(cg);
      const shielded = members.map((m) => [m, this.protectedReason(m)] as const).find(([, r]) => r !== undefined && !r.endsWith('is gone'));
      if (shielded) return { action: want.action, status: 'refused', line: `not ${doing} ${cg}: ${shielded[1]}` };
      knob = `cgroup:${cg.replace(/^\//, '')}:${want.action === 'freeze' ? 'cgroup.freeze' : 'egress'}`;
      value = want.action === 'freeze' ? '1' : want.action === 'block-egress' ? 'blocked-except-loopback' : 'blocked';
    } else if (want.action === 'stop') {
      knob = `process:${pid}:state`;
      value = 'stopped';
    } else {
      knob = `process:${pid}:kill`;
      value = 'kill';
    }
    const enforce = want.mode === 'enforce' && this.#o.allowEnforce === true && this.#o.changes !== undefined;
    if (!enforce) {
      const why = want.mode !== 'enforce' ? 'the rule is advisory' : this.#o.allowEnforce ? 'no change journal is configured' : 'enforcing responses is not allowed (guard.responses: enforce)';
      return { action: want.action, status: 'proposed', line: `would set ${knob} = ${value} (${verb(want.action)} ${target}); ${why}` };
    }
    const now = this.#now();
    while (this.#applied.length > 0 && this.#applied[0]! < now - 60_000) this.#applied.shift();
    if (this.#applied.length >= (this.#o.maxPerMinute ?? 10)) {
      return { action: want.action, status: 'proposed', line: `would set ${knob} = ${value}; the response rate limit (${this.#o.maxPerMinute ?? 10}/min) is reached` };
    }
    const r = await this.#o.changes!.apply([{ knob, value, reason: alert.rule, because: alert.summary, mode: 'enforce' }]);
    const o = r.outcomes[0]!;
    if (o.status === 'applied') this.#applied.push(now);
    return {
      action: want.action,
      status: o.status === 'applied' ? 'applied' : o.status === 'proposed' ? 'proposed' : 'failed',
      line: o.line,
      ...(o.id !== undefined ? { changeId: o.id } : {}),
    };
  }
}

function verb(action: string): string {
  if (action === 'block-egress' || action === 'block-egress-all') return 'blocking the egress of the cgroup of';
  return action === 'kill' ? 'killing' : action === 'stop' ? 'stopping' : 'freezing the cgroup of';
}

function read(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
}
