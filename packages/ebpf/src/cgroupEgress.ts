import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bpfCgroup, BpfObject } from '@ainka/native';
import { EbpfError } from './errors.js';
import { defaultBpfDir } from './manifest.js';

/** The egress state of a cgroup, as `cgroup:<path>:egress` knobs name it. */
export type CgroupEgressState = 'allowed' | 'blocked' | 'blocked-except-loopback';

/** The programs of `egress.bpf.o`, by the state they put a cgroup in. */
const PROGRAM: Record<Exclude<CgroupEgressState, 'allowed'>, string> = {
  blocked: 'ainka_egress',
  'blocked-except-loopback': 'ainka_egress_lo',
};
const STATE_OF = new Map<string, CgroupEgressState>(Object.entries(PROGRAM).map(([s, p]) => [p, s as CgroupEgressState]));

/** Options of {@link CgroupEgress}. */
export interface CgroupEgressOptions {
  /** Directory of `egress.bpf.o` (default: the package's `bpf/`). */
  readonly bpfDir?: string;
  /** Mount point of the cgroup v2 hierarchy (default: found in `/proc/self/mountinfo`). */
  readonly cgroupMount?: string;
}

/** The mount point of the cgroup v2 hierarchy in a `/proc/<pid>/mountinfo` text, or undefined. */
export function cgroup2MountOf(mountinfo: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    if (line.slice(sep + 3).split(' ')[0] === 'cgroup2') return line.split(' ')[4]?.replace(/\\040/g, ' ');
  }
  return undefined;
}

/**
 * Blocks what a cgroup sends with a cgroup_skb/egress program (`ebpf/egress.bpf.c`) attached to
 * its cgroup v2 directory with BPF_F_ALLOW_MULTI, so it covers every process in the cgroup and its
 * children and leaves other programs on the cgroup alone. The attachment lives in the kernel, not
 * in this process: {@link state} finds it again by program name and {@link set} detaches it by
 * id, from this process or a later one (a daemon restart keeps the block and can still lift it).
 *
 * @example
 * ```ts
 * const egress = new CgroupEgress();
 * egress.set('/', 'system.slice/suspect.service', 'blocked-except-loopback');
 * egress.state('/', 'system.slice/suspect.service'); // 'blocked-except-loopback'
 * egress.set('/', 'system.slice/suspect.service', 'allowed');
 * ```
 */
export class CgroupEgress {
  readonly #bpfDir: string;
  readonly #mount: string | undefined;

  constructor(options: CgroupEgressOptions = {}) {
    this.#bpfDir = options.bpfDir ?? defaultBpfDir();
    this.#mount = options.cgroupMount;
  }

  /** The cgroup v2 directory of `path` (relative to the cgroup v2 root) under `root`. */
  directory(root: string, path: string): string {
    const rel = path.replace(/^\/+/, '');
    if (rel.split('/').some((p) => p === '..')) {
      throw new EbpfError('ERR_AINKA_EBPF_BAD_CONFIG', `cgroup path '${path}' contains '..': pass a path below the cgroup v2 root, as in /proc/<pid>/cgroup's 0:: line`);
    }
    let mount = this.#mount;
    if (mount === undefined) {
      mount = cgroup2MountOf(readFileSync('/proc/self/mountinfo', 'utf8'));
      if (mount === undefined) {
        throw new EbpfError('ERR_AINKA_EBPF_BAD_CONFIG', 'no cgroup v2 hierarchy is mounted (no cgroup2 line in /proc/self/mountinfo): mount it (mount -t cgroup2 none /sys/fs/cgroup/unified) to block egress per cgroup');
      }
    }
    return join(root, mount, rel);
  }

  /** `allowed`, or the block an AINKA egress program on the cgroup enforces. */
  state(root: string, path: string): CgroupEgressState {
    const dir = this.directory(root, path);
    const ours = bpfCgroup.query(dir, 'egress').map((p) => STATE_OF.get(p.name)).filter((s) => s !== undefined);
    return ours[0] ?? 'allowed';
  }

  /**
   * Puts the cgroup in `state`: detaches every AINKA egress program on it, then (unless `allowed`)
   * loads and attaches the program of the state. Returns the attached program id (0 for `allowed`).
   */
  set(root: string, path: string, state: CgroupEgressState): number {
    if (state !== 'allowed' && !(state in PROGRAM)) {
      throw new EbpfError('ERR_AINKA_EBPF_BAD_CONFIG', `egress state '${String(state)}' is not allowed, blocked or blocked-except-loopback`);
    }
    const dir = this.directory(root, path);
    const before = bpfCgroup.query(dir, 'egress').filter((p) => STATE_OF.has(p.name));
    let id = 0;
    if (state !== 'allowed') {
      if (before.length === 1 && STATE_OF.get(before[0]!.name) === state) return before[0]!.id;
      id = this.#attach(dir, PROGRAM[state]);
    }
    for (const p of before) bpfCgroup.detach(dir, 'egress', p.id);
    return id;
  }

  #attach(dir: string, program: string): number {
    const file = join(this.#bpfDir, 'egress.bpf.o');
    if (!existsSync(file)) throw new EbpfError('ERR_AINKA_EBPF_NO_MANIFEST', `${file} does not exist: build the eBPF objects with \`make -C ebpf\``);
    const obj = BpfObject.open(file);
    try {
      for (const p of obj.programs()) obj.setAutoload(p.name, p.name === program);
      obj.load();
      // attached with BPF_PROG_ATTACH: the kernel keeps the program after this object is closed
      return obj.attachCgroup(program, dir, 'egress');
    } finally {
      obj.close();
    }
  }
}
