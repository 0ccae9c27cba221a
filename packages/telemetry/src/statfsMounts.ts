import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { TelemetryError } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import type { MetricSample } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/** One line of `/proc/self/mounts`. @public */
export interface MountEntry {
  /** What is mounted (`/dev/vda1`, `tmpfs`, …). */
  readonly source: string;
  /** Where (octal escapes such as `\040` decoded). */
  readonly mountPoint: string;
  readonly fsType: string;
  /** Mounted read-only. */
  readonly readOnly: boolean;
}

/** File systems that hold no user data (kernel interfaces, pseudo file systems) or are read-only images. */
const PSEUDO = new Set([
  'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'mqueue', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf',
  'configfs', 'fusectl', 'hugetlbfs', 'autofs', 'binfmt_misc', 'efivarfs', 'nsfs', 'rpc_pipefs', 'ramfs',
  'squashfs', 'iso9660', 'devtmpfs', 'selinuxfs', 'fuse.gvfsd-fuse', 'fuse.portal', 'nfsd',
  // network file systems: statfs(2) on a hung server blocks the caller, and ainkad's tick with it
  'nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', 'glusterfs', 'fuse.sshfs', 'fuse.glusterfs', 'afs', '9p.net',
]);

const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Parses `/proc/self/mounts` (`/dev/vda1 / ext4 rw,relatime 0 0`). @public */
export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 4) continue;
    out.push({ source: unescape(f[0]!), mountPoint: unescape(f[1]!), fsType: f[2]!, readOnly: f[3]!.split(',').includes('ro') });
  }
  return out;
}

/**
 * The mounts worth watching for space: writable, holding data (not proc, sysfs, cgroup, squashfs …),
 * not below /proc or /sys, one mount point per block device (bind mounts repeat it: the shortest path
 * is kept), at most `max`.
 *
 * @public
 */
export function dataMounts(mounts: readonly MountEntry[], max = 32): MountEntry[] {
  const byDevice = new Map<string, MountEntry>();
  const out: MountEntry[] = [];
  for (const m of mounts) {
    if (m.readOnly || PSEUDO.has(m.fsType) || /^\/(proc|sys)(\/|$)/.test(m.mountPoint)) continue;
    if (m.fsType === 'tmpfs' && /^\/dev(\/|$)/.test(m.mountPoint) && m.mountPoint !== '/dev/shm') continue;
    if (m.source.startsWith('/dev/')) {
      const seen = byDevice.get(m.source);
      if (seen !== undefined && seen.mountPoint.length <= m.mountPoint.length) continue;
      if (seen !== undefined) out.splice(out.indexOf(seen), 1);
      byDevice.set(m.source, m);
    }
    out.push(m);
  }
  return out.slice(0, max);
}

/** Options of {@link FilesystemSource}. @public */
export interface FilesystemSourceOptions {
  /** Root of the file tree (default `/`): mounts are read from `<root>/proc/self/mounts`, and statfs(2) asked of `<root>/<mount point>`. */
  readonly root?: string;
  /** Most mounts reported (default 32). */
  readonly maxMounts?: number;
}

/**
 * Space and inodes of the mounted file systems that hold data, from statfs(2): `fs.size_bytes`,
 * `fs.avail_bytes` (free to unprivileged users), `fs.used_ratio` (as df computes it: used over used +
 * available, so the blocks reserved for root count as full) and `fs.inodes_used_ratio`, labelled
 * `mount` and `fstype`. A file system filling up is visible to anomaly detection and to the capacity
 * forecast (`fs.used_ratio` has a 95 % limit) before writes start failing.
 *
 * @public
 */
export class FilesystemSource implements MetricSource {
  readonly id = 'statfs.mounts';
  private readonly root: string;
  private readonly files: KernelFiles;
  private readonly maxMounts: number;

  constructor(options: FilesystemSourceOptions = {}) {
    this.root = options.root ?? '/';
    this.files = new KernelFiles(options.root);
    this.maxMounts = options.maxMounts ?? 32;
  }

  /** Releases the kernel files. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    const mounts = dataMounts(parseMounts(this.files.read('proc/self/mounts')), this.maxMounts);
    const t = ctx.now;
    const out: MetricSample[] = [];
    for (const m of mounts) {
      let s;
      try {
        s = statfsSync(join(this.root, m.mountPoint));
      } catch {
        continue; // unmounted since the list was read, or not reachable from this mount namespace
      }
      if (s.blocks <= 0) continue;
      const labels = { mount: m.mountPoint, fstype: m.fsType };
      const used = s.blocks - s.bfree;
      const usable = used + s.bavail;
      out.push(
        { name: 'fs.size_bytes', unit: 'bytes', value: s.blocks * s.bsize, timestamp: t, labels },
        { name: 'fs.avail_bytes', unit: 'bytes', value: s.bavail * s.bsize, timestamp: t, labels },
        { name: 'fs.used_ratio', unit: 'ratio', value: usable > 0 ? used / usable : 0, timestamp: t, labels },
      );
      if (s.files > 0) out.push({ name: 'fs.inodes_used_ratio', unit: 'ratio', value: (s.files - s.ffree) / s.files, timestamp: t, labels });
    }
    if (mounts.length > 0 && out.length === 0) {
      throw new TelemetryError('ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE', `statfs(2) failed on every mount of ${this.files.path('proc/self/mounts')}; check that the mount points are reachable from ainkad's mount namespace (ProtectSystem/PrivateMounts)`);
    }
    return out;
  }
}
