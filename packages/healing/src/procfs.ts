import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** Read a file under a root; `undefined` when absent or unreadable. */
export function readText(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
}

let kernelBuf = Buffer.allocUnsafe(16 * 1024);

/**
 * Read a kernel (procfs, cgroupfs) file with one `pread` at offset 0 into a shared buffer, growing it
 * when the file fills it: cheaper than `readFileSync`, which stats and reads in fresh 64 KiB chunks when
 * the size is 0, as it is for every procfs file. `undefined` when absent or unreadable.
 */
export function readKernelText(path: string, encoding: 'utf8' | 'latin1'): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    return readKernelFd(fd, encoding);
  } finally {
    closeSync(fd);
  }
}

/**
 * Read a kernel file again from a descriptor kept open (one `pread` at offset 0, as {@link readKernelText}):
 * `undefined` when the read fails (for `/proc/<pid>/…`, ESRCH once the process is gone, even if its pid was
 * reused).
 */
export function readKernelFd(fd: number, encoding: 'utf8' | 'latin1'): string | undefined {
  try {
    for (;;) {
      const buf = kernelBuf;
      const n = readSync(fd, buf, 0, buf.length, 0);
      if (n < buf.length) return buf.toString(encoding, 0, n);
      kernelBuf = Buffer.allocUnsafe(buf.length * 2);
    }
  } catch {
    return undefined;
  }
}

/** Integer value of a single-value file (`max` and absent → `null`). */
export function readLimit(root: string, path: string): number | null {
  const text = readKernelText(join(root, path), 'latin1')?.trim();
  if (text === undefined || text === '' || text === 'max') return null;
  const n = Number(text.split(/\s+/)[0]);
  return Number.isFinite(n) ? n : null;
}

/** What one process uses now. */
export interface ProcessUsage {
  /** Process id. */
  readonly pid: number;
  /** Command name (`/proc/<pid>/stat` field 2). */
  readonly comm: string;
  /** Start time in clock ticks since boot (field 22): with the pid, the process's identity. */
  readonly startTime: string;
  /** Anonymous resident memory (`RssAnon`), bytes: what a heap leak grows. */
  readonly anonBytes: number;
  /** Resident set size (`VmRSS`), bytes. */
  readonly rssBytes: number;
  /** Threads. */
  readonly threads: number;
  /** Open file descriptors (`null` when they cannot be counted). */
  readonly fds: number | null;
  /** Open sockets among them (`null` when not counted). */
  readonly sockets: number | null;
  /** cgroup v2 path (or the `name=systemd` v1 path on hybrid hosts), without the leading `/`. */
  readonly cgroup: string;
  /** `RLIMIT_NOFILE` soft limit (`null` = unlimited/unknown). */
  readonly nofile: number | null;
}

/** Pids of every process under `<root>/proc`. */
export function listPids(root: string): number[] {
  try {
    const out: number[] = [];
    for (const n of readdirSync(join(root, 'proc'))) {
      const c = n.charCodeAt(0);
      if (c >= 48 && c <= 57) out.push(Number(n));
    }
    return out;
  } catch {
    return [];
  }
}

/** The cgroup of a process from `/proc/<pid>/cgroup` text (v2 line, or `name=systemd` on hybrid hosts when v2 says `/`). */
export function parseProcCgroup(text: string): string {
  let v2: string | undefined;
  let systemd: string | undefined;
  for (const line of text.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    if (controllers === '') v2 = path;
    else if (controllers === 'name=systemd') systemd = path;
  }
  const chosen = v2 !== undefined && v2 !== '/' ? v2 : (systemd ?? v2 ?? '/');
  return chosen.replace(/^\/+/, '');
}

/** The soft `Max open files` limit from `/proc/<pid>/limits` text (`null` = unlimited or absent). */
export function parseNofile(limits: string): number | null {
  const key = 'Max open files';
  let i: number;
  if (limits.startsWith(key)) i = key.length;
  else {
    const at = limits.indexOf(`\n${key}`);
    if (at < 0) return null;
    i = at + 1 + key.length;
  }
  const blank = (c: number): boolean => c === 32 || c === 9;
  if (!blank(limits.charCodeAt(i))) return null;
  while (blank(limits.charCodeAt(i))) i++;
  let end = i;
  while (end < limits.length && !blank(limits.charCodeAt(end)) && limits.charCodeAt(end) !== 10) end++;
  const soft = limits.slice(i, end);
  if (soft === '' || soft === 'unlimited') return null;
  const n = Number(soft);
  return Number.isFinite(n) ? n : null;
}

/** What one cgroup (v2) uses now, and its limits. */
export interface CgroupUsage {
  /** Path relative to the cgroup root, without the leading `/`. */
  readonly path: string;
  /** `memory.current`, bytes (`null` without the memory controller). */
  readonly memoryCurrent: number | null;
  /** `anon` of `memory.stat`, bytes: what a leak grows (page cache comes and goes). */
  readonly anonBytes: number | null;
  /** `memory.max` (`null` = max). */
  readonly memoryMax: number | null;
  /** `pids.current`. */
  readonly pidsCurrent: number | null;
  /** `pids.max` (`null` = max). */
  readonly pidsMax: number | null;
}

/** The cgroup v2 mount under a root: `sys/fs/cgroup` (unified) or `sys/fs/cgroup/unified` (hybrid). */
export function cgroupRoot(root: string): string {
  return readText(root, 'sys/fs/cgroup/cgroup.controllers') !== undefined ? 'sys/fs/cgroup' : 'sys/fs/cgroup/unified';
}

/** Read one cgroup's usage (`path` relative to the v2 mount). */
export function readCgroup(root: string, mount: string, path: string): CgroupUsage {
  const dir = path === '' ? mount : `${mount}/${path}`;
  const abs = join(root, dir);
  const stat = readKernelText(`${abs}/memory.stat`, 'latin1');
  const anon = stat === undefined ? undefined : /^anon (\d+)/m.exec(stat)?.[1];
  const current = readKernelText(`${abs}/memory.current`, 'latin1');
  const pids = readKernelText(`${abs}/pids.current`, 'latin1');
  return {
    path,
    memoryCurrent: current === undefined ? null : Number(current.trim()),
    anonBytes: anon === undefined ? null : Number(anon),
    memoryMax: readLimit(root, `${dir}/memory.max`),
    pidsCurrent: pids === undefined ? null : Number(pids.trim()),
    pidsMax: readLimit(root, `${dir}/pids.max`),
  };
}

/** Child cgroups of `path`, breadth-first to `maxDepth` below it (paths relative to the mount). */
export function walkCgroups(root: string, mount: string, maxDepth: number, maxCount: number): string[] {
  const out: string[] = [];
  let level = [''];
  for (let depth = 0; depth < maxDepth && level.length > 0 && out.length < maxCount; depth++) {
    const next: string[] = [];
    for (const parent of level) {
      let names: string[];
      try {
        names = readdirSync(join(root, mount, parent), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name);
      } catch {
        continue;
      }
      for (const n of names) {
        const p = parent === '' ? n : `${parent}/${n}`;
        out.push(p);
        next.push(p);
        if (out.length >= maxCount) break;
      }
    }
    level = next;
  }
  return out;
}

/** `MemAvailable` from `/proc/meminfo`, bytes. */
export function memAvailable(root: string): number | null {
  const m = /^MemAvailable:\s+(\d+)/m.exec(readText(root, 'proc/meminfo') ?? '');
  return m ? Number(m[1]) * 1024 : null;
}

/** System-wide thread headroom: `kernel.threads-max` minus the threads that exist (from `/proc/loadavg`). */
export function threadHeadroom(root: string): { limit: number; used: number } | null {
  const max = readLimit(root, 'proc/sys/kernel/threads-max');
  const m = /\s\d+\/(\d+)\s/.exec(readText(root, 'proc/loadavg') ?? '');
  if (max === null || !m) return null;
  return { limit: max, used: Number(m[1]) };
}
