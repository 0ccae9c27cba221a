// Snapshots of every setting a configuration (TuneD, AINKA) could change, and their comparison.
// The lab takes one pristine snapshot before the first configuration and compares after every
// reset: a run refuses to start, or stops, on a dirty state.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readText, sh } from './proc.mjs';

const NET_CORE = ['rmem_default', 'rmem_max', 'wmem_default', 'wmem_max', 'default_qdisc', 'somaxconn', 'busy_read', 'busy_poll', 'netdev_max_backlog', 'optmem_max'];
const QUEUE = ['read_ahead_kb', 'nr_requests', 'scheduler', 'rq_affinity', 'max_sectors_kb', 'wbt_lat_usec', 'nomerges', 'add_random', 'iostats'];
const CGROUP_FILES = ['memory.high', 'memory.max', 'memory.low', 'memory.min', 'memory.swap.max', 'cpu.weight', 'cpu.max', 'cpu.idle', 'io.weight', 'cpuset.cpus'];
/** Volatile or informational files that legitimately change. */
const SKIP = new Set(['/proc/sys/net/ipv4/tcp_available_congestion_control', '/proc/sys/vm/stat_refresh', '/proc/sys/vm/drop_caches', '/proc/sys/vm/compact_memory']);

function readable(path) {
  try {
    const st = statSync(path);
    return st.isFile() && (st.mode & 0o444) !== 0;
  } catch {
    return false;
  }
}

function addDir(snap, dir, filter = () => true) {
  if (!existsSync(dir)) return;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (SKIP.has(p) || !filter(n) || !readable(p)) continue;
    const v = readText(p);
    if (v !== null) snap[p] = v.replace(/\s+/g, ' ');
  }
}

/** Real disks (virtio, SCSI, NVMe), not loop/zram/ram devices. */
export function realDisks() {
  if (!existsSync('/sys/block')) return [];
  return readdirSync('/sys/block').filter((d) => /^(vd|sd|hd|xvd|nvme)/.test(d));
}

/** cgroup v2 directories whose limits we watch: the top-level slices and their direct children. */
function cgroupDirs() {
  const root = '/sys/fs/cgroup';
  if (!existsSync(join(root, 'cgroup.controllers'))) return [];
  const dirs = [];
  for (const n of readdirSync(root)) {
    const p = join(root, n);
    if (!statSync(p).isDirectory()) continue;
    dirs.push(p);
    if (n.endsWith('.slice')) for (const c of readdirSync(p)) if (statSync(join(p, c)).isDirectory()) dirs.push(join(p, c));
  }
  return dirs;
}

/** Nice values of long-lived processes (pid:comm → nice), lab processes excluded. */
function niceValues() {
  const r = sh('ps -eo pid=,ni=,comm=', { allowFail: true });
  const out = {};
  for (const line of r.out.split('\n')) {
    const m = /^\s*(\d+)\s+(-?\d+|-)\s+(.*)$/.exec(line);
    if (!m || /^(lab-|node|fio|iperf3|ps|bash|sh)$/.test(m[3]) || m[3].startsWith('lab-')) continue;
    out[`nice ${m[1]}:${m[3]}`] = m[2];
  }
  return out;
}

/** The current value of every watched setting, as a flat { key: value } object. */
export function snapshot() {
  const snap = {};
  addDir(snap, '/proc/sys/vm');
  addDir(snap, '/proc/sys/kernel', (n) => n.startsWith('sched_') || ['numa_balancing', 'timer_migration', 'nmi_watchdog', 'watchdog'].includes(n));
  addDir(snap, '/proc/sys/net/core', (n) => NET_CORE.includes(n));
  addDir(snap, '/proc/sys/net/ipv4', (n) => n.startsWith('tcp_') && n !== 'tcp_fastopen_key');
  for (const d of realDisks()) addDir(snap, `/sys/block/${d}/queue`, (n) => QUEUE.includes(n));
  addDir(snap, '/sys/kernel/mm/transparent_hugepage', (n) => ['enabled', 'defrag', 'shmem_enabled'].includes(n));
  addDir(snap, '/sys/kernel/debug/sched', (n) => /_ns$|^nr_migrate$|^tunable_scaling$/.test(n));
  if (existsSync('/sys/devices/system/cpu')) {
    for (const c of readdirSync('/sys/devices/system/cpu').filter((n) => /^cpu\d+$/.test(n))) {
      addDir(snap, `/sys/devices/system/cpu/${c}/cpufreq`, (n) => ['scaling_governor', 'energy_performance_preference', 'scaling_min_freq'].includes(n));
    }
  }
  for (const d of cgroupDirs()) addDir(snap, d, (n) => CGROUP_FILES.includes(n));
  try {
    // PM QoS: TuneD's force_latency holds /dev/cpu_dma_latency open with a low value.
    const b = readFileSync('/dev/cpu_dma_latency');
    if (b.length >= 4) snap['/dev/cpu_dma_latency'] = String(b.readInt32LE(0));
  } catch {
    /* not available */
  }
  Object.assign(snap, niceValues());
  return snap;
}

/**
 * Differences between a pristine snapshot and now: [{ key, pristine, now }]. Keys present in only
 * one snapshot (a service's cgroup that came or went, a process that exited) are not differences.
 */
export function diffSnapshots(pristine, now) {
  const out = [];
  for (const [k, v] of Object.entries(pristine)) {
    if (!(k in now)) continue;
    if (now[k] !== v) out.push({ key: k, pristine: v, now: now[k] });
  }
  return out;
}

/**
 * Kernel/Debian defaults a pristine guest must show before the run starts (a guest where TuneD
 * or another tuner already ran fails here, with the value that differs).
 */
export const PRISTINE_EXPECT = {
  '/proc/sys/vm/dirty_ratio': '20',
  '/proc/sys/vm/dirty_background_ratio': '10',
  '/proc/sys/vm/dirty_bytes': '0',
  '/proc/sys/vm/dirty_background_bytes': '0',
  '/proc/sys/vm/swappiness': '60',
  '/proc/sys/vm/watermark_scale_factor': '10',
  '/proc/sys/net/ipv4/tcp_congestion_control': 'cubic',
  '/proc/sys/net/ipv4/tcp_rmem': '4096 131072 6291456',
  '/proc/sys/net/ipv4/tcp_wmem': '4096 16384 4194304',
};

/** Expectation mismatches of a snapshot (plus read_ahead_kb = 128 on every real disk). */
export function pristineProblems(snap) {
  const bad = [];
  for (const [k, v] of Object.entries(PRISTINE_EXPECT)) if (k in snap && snap[k] !== v) bad.push(`${k} = ${snap[k]} (kernel default ${v})`);
  for (const d of realDisks()) {
    const k = `/sys/block/${d}/queue/read_ahead_kb`;
    if (k in snap && snap[k] !== '128') bad.push(`${k} = ${snap[k]} (default 128)`);
  }
  if ('/dev/cpu_dma_latency' in snap && snap['/dev/cpu_dma_latency'] !== '2000000000') bad.push(`/dev/cpu_dma_latency = ${snap['/dev/cpu_dma_latency']} (no PM QoS request: 2000000000)`);
  return bad;
}

/**
 * Writes the pristine value back for every differing sysfs/procfs file (after a dirty reset, so the
 * next configuration starts clean; the dirty reset itself stays recorded as a failure). Returns
 * the keys it could not restore.
 */
export function restorePristine(diffs) {
  const failed = [];
  for (const d of diffs) {
    if (!d.key.startsWith('/')) {
      failed.push(d.key);
      continue;
    }
    try {
      // multi-value files (tcp_rmem) take the values separated by spaces; [bracketed] choices take the bracketed word
      const m = /\[([^\]]+)\]/.exec(d.pristine);
      writeFileSync(d.key, `${m ? m[1] : d.pristine}\n`);
    } catch {
      failed.push(d.key);
    }
  }
  return failed;
}
