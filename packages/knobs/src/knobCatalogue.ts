import type { KnobId, KnobKind } from './knobId.js';

/** What a bounds check may look at: the knob, its current value and sibling files under the root. */
export interface KnobCheckContext {
  /** The knob being checked. */
  readonly knob: KnobId;
  /** The knob's current (normalized) value. */
  readonly current: string;
  /** Read a file relative to the root (e.g. `proc/sys/net/ipv4/tcp_available_congestion_control`); `undefined` when absent. */
  read(path: string): string | undefined;
}

/**
 * One row of the knob table: what the knob is and what values AINKA will ever write to it.
 * `check` returns `undefined` when a value is acceptable, else a sentence naming the problem and the fix.
 */
export interface KnobSpec {
  /** Family of the knob. */
  readonly kind: KnobKind;
  /** Attribute name (`vm.swappiness`, `read_ahead_kb`, `io.max` …). */
  readonly attribute: string;
  /** One-sentence description. */
  readonly description: string;
  /** Human-readable bounds, as printed in the README table. */
  readonly bounds: string;
  /** Missing on some kernels; reading it may fail with `ERR_AINKA_KNOB_UNAVAILABLE`. */
  readonly optional: boolean;
  /** `false` for actions that cannot be undone (systemd restart). */
  readonly reversible: boolean;
  /** Single integer value: anti-flapping may damp the step size. */
  readonly numeric: boolean;
  /** Numeric lower bound when the knob is a plain integer (used by validators of policies). */
  readonly min?: number;
  /** Numeric upper bound when the knob is a plain integer. */
  readonly max?: number;
  /** Accepted words when the knob is a fixed enumeration. */
  readonly choices?: readonly string[];
  /** Check a value; `undefined` when acceptable, else the problem and the fix. */
  check(value: string, ctx: KnobCheckContext): string | undefined;
}

const MiB = 1024 * 1024;

function int(value: string): number | undefined {
  return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

function intRow(
  kind: KnobKind,
  attribute: string,
  description: string,
  min: number,
  max: number,
  extra?: (n: number, ctx: KnobCheckContext) => string | undefined,
  optional = false,
): KnobSpec {
  return {
    kind,
    attribute,
    description,
    bounds: `integer ${min} … ${max}`,
    optional,
    reversible: true,
    numeric: true,
    min,
    max,
    check(value, ctx) {
      const n = int(value);
      if (n === undefined) return `'${value}' is not an integer; write a whole number between ${min} and ${max}`;
      if (n < min || n > max) return `${n} is outside ${min} … ${max}; choose a value in that range`;
      return extra?.(n, ctx);
    },
  };
}

function choiceRow(
  kind: KnobKind,
  attribute: string,
  description: string,
  choices: readonly string[],
  optional = false,
): KnobSpec {
  return {
    kind,
    attribute,
    description,
    bounds: `one of ${choices.join(', ')}`,
    optional,
    reversible: true,
    numeric: false,
    choices,
    check(value) {
      return choices.includes(value) ? undefined : `'${value}' is not one of ${choices.join(', ')}; pick one of those`;
    },
  };
}

/** A knob whose allowed values are listed by the kernel in a file (`[mq-deadline] kyber none`). */
function listedRow(
  kind: KnobKind,
  attribute: string,
  description: string,
  listFile: (ctx: KnobCheckContext) => string,
  forbidden: readonly string[] = [],
): KnobSpec {
  return {
    kind,
    attribute,
    description,
    bounds: `a value the kernel lists as available${forbidden.length ? ` except ${forbidden.join(', ')}` : ''}`,
    optional: false,
    reversible: true,
    numeric: false,
    check(value, ctx) {
      if (forbidden.includes(value)) return `'${value}' is never set by AINKA; choose another value`;
      const path = listFile(ctx);
      const listing = ctx.read(path);
      if (listing === undefined) return undefined; // nothing to check against; the kernel will refuse bad words
      const available = listing.replace(/[[\]]/g, '').split(/\s+/).filter(Boolean);
      return available.includes(value)
        ? undefined
        : `'${value}' is not available on this machine (${path} lists ${available.join(', ')}); pick one of those or load the module that provides it`;
    },
  };
}

/**
 * `net.ipv4.tcp_congestion_control`: an algorithm the kernel lists as available, or one whose module
 * (`tcp_<name>`) the kernel would load on demand (listed in `lib/modules/<release>/modules.dep` or
 * `modules.builtin`), as `bbr` usually is.
 */
function congestionControlRow(): KnobSpec {
  return {
    kind: 'sysctl',
    attribute: 'net.ipv4.tcp_congestion_control',
    description: 'TCP congestion control algorithm of new connections (available, or a tcp_<name> module the kernel loads on demand).',
    bounds: 'an available algorithm or a tcp_<name> module of the running kernel',
    optional: false,
    reversible: true,
    numeric: false,
    check(value, ctx) {
      if (!/^[a-z0-9_]+$/.test(value)) return `'${value}' is not an algorithm name; write e.g. bbr or cubic`;
      const listing = ctx.read('proc/sys/net/ipv4/tcp_available_congestion_control');
      if (listing === undefined) return undefined; // nothing to check against; the kernel refuses unknown names
      const available = listing.split(/\s+/).filter(Boolean);
      if (available.includes(value)) return undefined;
      const release = ctx.read('proc/sys/kernel/osrelease')?.trim();
      if (release !== undefined) {
        const mod = new RegExp(`(^|/)tcp_${value}\\.ko(\\.[a-z]+)?:?`, 'm');
        for (const f of ['modules.dep', 'modules.builtin']) {
          const text = ctx.read(`lib/modules/${release}/${f}`) ?? ctx.read(`usr/lib/modules/${release}/${f}`);
          if (text !== undefined && mod.test(text)) return undefined;
        }
      }
      return `'${value}' is not available on this machine (proc/sys/net/ipv4/tcp_available_congestion_control lists ${available.join(', ')}, and this kernel has no tcp_${value} module); pick one of those or install the module`;
    },
  };
}

function readInt(ctx: KnobCheckContext, path: string): number | undefined {
  const text = ctx.read(path);
  return text === undefined ? undefined : int(text.trim().split(/\s+/)[0] ?? '');
}

function bufferTriple(attribute: string, description: string): KnobSpec {
  const lo = 4096;
  const hi = 256 * MiB;
  return {
    kind: 'sysctl',
    attribute,
    description,
    bounds: `three integers min ≤ default ≤ max, ${lo} ≤ min, max ≤ ${hi}`,
    optional: false,
    reversible: true,
    numeric: false,
    check(value) {
      const parts = value.split(' ').map(int);
      if (parts.length !== 3 || parts.some((p) => p === undefined)) {
        return `'${value}' is not three integers; write 'min default max', e.g. '4096 131072 6291456'`;
      }
      const [min, def, max] = parts as [number, number, number];
      if (min < lo) return `min ${min} is below ${lo}; use at least ${lo}`;
      if (max > hi) return `max ${max} is above ${hi}; use at most ${hi}`;
      if (!(min <= def && def <= max)) return `'${value}' is not ordered min ≤ default ≤ max; never set the max below the min`;
      return undefined;
    },
  };
}

const sysctl: KnobSpec[] = [
  intRow('sysctl', 'vm.swappiness', 'How eagerly anonymous memory is swapped relative to page cache.', 0, 200),
  intRow('sysctl', 'vm.dirty_ratio', 'Percent of memory that may be dirty before writers block; kept above vm.dirty_background_ratio.', 1, 80, (n, ctx) => {
    const bg = readInt(ctx, 'proc/sys/vm/dirty_background_ratio');
    return bg !== undefined && n <= bg ? `${n} is not above vm.dirty_background_ratio (${bg}); keep dirty_ratio above it` : undefined;
  }),
  intRow('sysctl', 'vm.dirty_background_ratio', 'Percent of memory dirty before background writeback starts; kept below vm.dirty_ratio.', 1, 50, (n, ctx) => {
    const fg = readInt(ctx, 'proc/sys/vm/dirty_ratio');
    return fg !== undefined && n >= fg ? `${n} is not below vm.dirty_ratio (${fg}); keep dirty_background_ratio below it` : undefined;
  }),
  intRow('sysctl', 'vm.dirty_bytes', 'Dirty bytes at which writers are throttled (replaces vm.dirty_ratio while set; reverting restores the ratio); kept above vm.dirty_background_bytes.', 32 * MiB, 64 * 1024 * MiB, (n, ctx) => {
    const bg = readInt(ctx, 'proc/sys/vm/dirty_background_bytes');
    return bg !== undefined && bg > 0 && n <= bg ? `${n} is not above vm.dirty_background_bytes (${bg}); keep dirty_bytes above it` : undefined;
  }),
  intRow('sysctl', 'vm.dirty_background_bytes', 'Dirty bytes at which background writeback starts (replaces vm.dirty_background_ratio while set; reverting restores the ratio); kept below vm.dirty_bytes.', 16 * MiB, 32 * 1024 * MiB, (n, ctx) => {
    const fg = readInt(ctx, 'proc/sys/vm/dirty_bytes');
    return fg !== undefined && fg > 0 && n >= fg ? `${n} is not below vm.dirty_bytes (${fg}); keep dirty_background_bytes below it` : undefined;
  }),
  intRow('sysctl', 'vm.dirty_expire_centisecs', 'Age at which dirty data is written back.', 100, 6000),
  intRow('sysctl', 'vm.dirty_writeback_centisecs', 'Interval of the writeback threads (0, which disables them, is refused).', 100, 6000),
  intRow('sysctl', 'vm.vfs_cache_pressure', 'Reclaim pressure on dentry and inode caches (0 risks OOM and is refused).', 10, 1000),
  intRow('sysctl', 'vm.min_free_kbytes', 'Free memory kept for atomic allocations; at most 5 % of MemTotal.', 1024, 4 * 1024 * 1024, (n, ctx) => {
    const meminfo = ctx.read('proc/meminfo');
    const total = meminfo ? int(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? '') : undefined;
    return total !== undefined && n > total * 0.05 ? `${n} kB is above 5 % of MemTotal (${Math.floor(total * 0.05)} kB); choose a smaller value` : undefined;
  }),
  intRow('sysctl', 'vm.watermark_scale_factor', 'Distance between zone watermarks, in 1/10000 of memory.', 10, 1000),
  intRow('sysctl', 'vm.page-cluster', 'Log2 of pages read from swap in one go.', 0, 5),
  choiceRow('sysctl', 'vm.zone_reclaim_mode', 'Reclaim from the local NUMA node before allocating remotely.', ['0', '1']),
  intRow('sysctl', 'net.core.somaxconn', 'Listen backlog limit.', 128, 65535),
  intRow('sysctl', 'net.core.netdev_max_backlog', 'Packets queued on input when the interface receives faster than the kernel processes.', 1000, 262144),
  intRow('sysctl', 'net.core.rmem_max', 'Largest receive buffer a socket may request.', 212992, 256 * MiB),
  intRow('sysctl', 'net.core.wmem_max', 'Largest send buffer a socket may request.', 212992, 256 * MiB),
  intRow('sysctl', 'net.core.rmem_default', 'Default receive buffer; never above net.core.rmem_max.', 4096, 256 * MiB, (n, ctx) => {
    const max = readInt(ctx, 'proc/sys/net/core/rmem_max');
    return max !== undefined && n > max ? `${n} is above net.core.rmem_max (${max}); raise rmem_max first` : undefined;
  }),
  intRow('sysctl', 'net.core.wmem_default', 'Default send buffer; never above net.core.wmem_max.', 4096, 256 * MiB, (n, ctx) => {
    const max = readInt(ctx, 'proc/sys/net/core/wmem_max');
    return max !== undefined && n > max ? `${n} is above net.core.wmem_max (${max}); raise wmem_max first` : undefined;
  }),
  choiceRow('sysctl', 'net.core.default_qdisc', 'Queueing discipline for new interfaces.', ['fq', 'fq_codel', 'cake', 'pfifo_fast']),
  bufferTriple('net.ipv4.tcp_rmem', 'TCP receive buffer min, default and max.'),
  bufferTriple('net.ipv4.tcp_wmem', 'TCP send buffer min, default and max.'),
  congestionControlRow(),
  choiceRow('sysctl', 'net.ipv4.tcp_mtu_probing', 'Packetization-layer path MTU discovery.', ['0', '1', '2']),
  choiceRow('sysctl', 'net.ipv4.tcp_slow_start_after_idle', 'Restart slow start after an idle period.', ['0', '1']),
  intRow('sysctl', 'net.ipv4.tcp_notsent_lowat', 'Unsent bytes a socket may queue before it stops being writable.', 16384, 4294967295),
  choiceRow('sysctl', 'net.ipv4.tcp_fastopen', 'TCP Fast Open (bit 1 client, bit 2 server).', ['0', '1', '2', '3']),
  choiceRow('sysctl', 'net.ipv4.tcp_ecn', 'Explicit congestion notification.', ['0', '1', '2']),
  intRow('sysctl', 'net.ipv4.tcp_max_syn_backlog', 'Half-open connections remembered per listener.', 128, 262144),
  choiceRow('sysctl', 'kernel.sched_autogroup_enabled', 'Group tasks by session for fairness (where present).', ['0', '1'], true),
  choiceRow('sysctl', 'kernel.sched_child_runs_first', 'A forked child runs before its parent (where present).', ['0', '1'], true),
  intRow('sysctl', 'kernel.sched_migration_cost_ns', 'Cache-hot time that discourages migration (pre-5.13 kernels).', 0, 5_000_000, undefined, true),
  intRow('sysctl', 'kernel.sched_min_granularity_ns', 'Minimum CFS slice (pre-5.13 kernels).', 100_000, 30_000_000, undefined, true),
  intRow('sysctl', 'kernel.sched_wakeup_granularity_ns', 'Wake-up preemption granularity (pre-5.13 kernels).', 0, 30_000_000, undefined, true),
  // kernel hardening (compliance remediations); the one-way settings (ptrace_scope 3, unprivileged_bpf_disabled 1, kexec_load_disabled) are never written
  intRow('sysctl', 'kernel.kptr_restrict', 'Hide kernel pointers in /proc and logs (1: from unprivileged users, 2: from everyone).', 0, 2),
  intRow('sysctl', 'kernel.dmesg_restrict', 'Only privileged users may read the kernel log.', 0, 1),
  intRow('sysctl', 'kernel.unprivileged_bpf_disabled', 'Refuse bpf() to unprivileged users (2; 1 is one-way and never written).', 0, 2, (n) => (n === 1 ? '1 cannot be undone until reboot; use 2, which refuses unprivileged BPF and stays reversible' : undefined)),
  intRow('sysctl', 'kernel.yama.ptrace_scope', 'Who may ptrace whom (1: only descendants; 3 is one-way and never written).', 0, 2, undefined, true),
  intRow('sysctl', 'kernel.randomize_va_space', 'Address space layout randomisation (2: full).', 0, 2),
  intRow('sysctl', 'kernel.sysrq', 'Magic SysRq functions allowed (bitmask; 0 disables).', 0, 511),
  intRow('sysctl', 'fs.protected_hardlinks', 'Refuse hard links to files the user does not own.', 0, 1),
  intRow('sysctl', 'fs.protected_symlinks', 'Refuse following symlinks in sticky world-writable directories owned by others.', 0, 1),
  intRow('sysctl', 'fs.suid_dumpable', 'Core dumps of set-uid programs (0: none).', 0, 2),
  intRow('sysctl', 'net.core.bpf_jit_harden', 'Constant blinding in the BPF JIT (2: for everyone).', 0, 2, undefined, true),
  intRow('sysctl', 'net.ipv4.tcp_syncookies', 'SYN cookies when the SYN queue overflows.', 0, 2),
  intRow('sysctl', 'net.ipv4.conf.all.rp_filter', 'Reverse-path filtering on all interfaces (1: strict, 2: loose).', 0, 2),
  intRow('sysctl', 'net.ipv4.conf.default.rp_filter', 'Reverse-path filtering on new interfaces.', 0, 2),
  intRow('sysctl', 'net.ipv4.conf.all.accept_redirects', 'Accept ICMP redirects.', 0, 1),
  intRow('sysctl', 'net.ipv4.conf.default.accept_redirects', 'Accept ICMP redirects on new interfaces.', 0, 1),
  intRow('sysctl', 'net.ipv4.conf.all.send_redirects', 'Send ICMP redirects (only routers should).', 0, 1),
  intRow('sysctl', 'net.ipv4.conf.all.accept_source_route', 'Accept source-routed packets.', 0, 1),
  intRow('sysctl', 'net.ipv4.conf.all.log_martians', 'Log packets with impossible addresses.', 0, 1),
  intRow('sysctl', 'net.ipv6.conf.all.accept_redirects', 'Accept ICMPv6 redirects.', 0, 1, undefined, true),
  choiceRow('sysctl', 'kernel.numa_balancing', 'Automatic NUMA balancing (where present).', ['0', '1'], true),
];

const block: KnobSpec[] = [
  listedRow('block', 'scheduler', 'I/O scheduler of the device queue.', (ctx) => `sys/block/${ctx.knob.target}/queue/scheduler`),
  intRow('block', 'read_ahead_kb', 'Read-ahead window of the device.', 0, 16384),
  intRow('block', 'nr_requests', 'Requests the queue may hold.', 4, 4096),
];

const cpufreq: KnobSpec[] = [
  listedRow('cpufreq', 'scaling_governor', 'Frequency governor of the policy.', (ctx) => `sys/devices/system/cpu/cpufreq/${ctx.knob.target}/scaling_available_governors`, ['userspace']),
  listedRow('cpufreq', 'energy_performance_preference', 'Energy/performance preference hint (EPP).', (ctx) => `sys/devices/system/cpu/cpufreq/${ctx.knob.target}/energy_performance_available_preferences`),
  intRow('cpufreq', 'scaling_min_freq', 'Lowest frequency the governor may pick (kHz); within cpuinfo_min_freq … scaling_max_freq.', 0, 100_000_000, (n, ctx) => {
    const dir = `sys/devices/system/cpu/cpufreq/${ctx.knob.target}`;
    const hwMin = readInt(ctx, `${dir}/cpuinfo_min_freq`);
    const curMax = readInt(ctx, `${dir}/scaling_max_freq`);
    if (hwMin !== undefined && n < hwMin) return `${n} kHz is below cpuinfo_min_freq (${hwMin}); use at least ${hwMin}`;
    if (curMax !== undefined && n > curMax) return `${n} kHz is above scaling_max_freq (${curMax}); never set the min above the max`;
    return undefined;
  }),
  intRow('cpufreq', 'scaling_max_freq', 'Highest frequency the governor may pick (kHz); within scaling_min_freq … cpuinfo_max_freq.', 0, 100_000_000, (n, ctx) => {
    const dir = `sys/devices/system/cpu/cpufreq/${ctx.knob.target}`;
    const hwMax = readInt(ctx, `${dir}/cpuinfo_max_freq`);
    const curMin = readInt(ctx, `${dir}/scaling_min_freq`);
    if (hwMax !== undefined && n > hwMax) return `${n} kHz is above cpuinfo_max_freq (${hwMax}); use at most ${hwMax}`;
    if (curMin !== undefined && n < curMin) return `${n} kHz is below scaling_min_freq (${curMin}); never set the max below the min`;
    return undefined;
  }),
];

const cgroup: KnobSpec[] = [
  intRow('cgroup', 'cpu.weight', 'Proportional CPU share of the cgroup.', 1, 10000),
  {
    kind: 'cgroup',
    attribute: 'cpu.max',
    description: 'CPU bandwidth limit: quota and period in µs.',
    bounds: "'max [period]' or 'quota period', 1000 ≤ period ≤ 1000000, quota ≥ 1000",
    optional: false,
    reversible: true,
    numeric: false,
    check(value) {
      const m = /^(max|\d+)(?: (\d+))?$/.exec(value);
      if (!m) return `'${value}' is not 'max [period]' or 'quota period'; write e.g. '50000 100000'`;
      const period = m[2] === undefined ? 100000 : Number(m[2]);
      if (period < 1000 || period > 1_000_000) return `period ${period} is outside 1000 … 1000000 µs; choose a period in that range`;
      if (m[1] !== 'max' && Number(m[1]) < 1000) return `quota ${m[1]} is below 1000 µs; use at least 1000 or 'max'`;
      return undefined;
    },
  },
  {
    kind: 'cgroup',
    attribute: 'memory.high',
    description: 'Memory throttle limit; never more than 10 % below current usage, never below 16 MiB.',
    bounds: "'max' or bytes ≥ max(16 MiB, memory.current − 10 %)",
    optional: false,
    reversible: true,
    numeric: true,
    min: 16 * MiB,
    check(value, ctx) {
      if (value === 'max') return undefined;
      const n = int(value);
      if (n === undefined) return `'${value}' is not a byte count or 'max'; write e.g. '536870912'`;
      const usage = readInt(ctx, `sys/fs/cgroup/${ctx.knob.target}/memory.current`) ?? 0;
      const floor = Math.max(16 * MiB, Math.floor(usage * 0.9));
      return n < floor
        ? `${n} bytes is below ${floor} (current usage ${usage} minus a 10 % margin, at least 16 MiB); choose at least ${floor} or 'max'`
        : undefined;
    },
  },
  intRow('cgroup', 'io.weight', 'Proportional I/O share of the cgroup (default weight).', 1, 10000),
  intRow('cgroup', 'cgroup.freeze', 'Freeze (1) or thaw (0) every process of the cgroup (cgroup v2; a security response).', 0, 1),
  choiceRow(
    'cgroup',
    'egress',
    'Drop every packet the cgroup sends (a cgroup_skb/egress eBPF program; `blocked-except-loopback` lets 127.0.0.0/8 and ::1 through; a security response).',
    ['allowed', 'blocked', 'blocked-except-loopback'],
  ),
  {
    kind: 'cgroup',
    attribute: 'io.max',
    description: 'Per-device I/O limit line (`io.max[MAJ:MIN]`).',
    bounds: 'rbps/wbps max or ≥ 1 MiB/s, riops/wiops max or ≥ 100',
    optional: false,
    reversible: true,
    numeric: false,
    check(value, ctx) {
      const parts = value.split(' ');
      if (parts[0] !== ctx.knob.key) return `'${value}' must start with the device '${ctx.knob.key}' named in the knob id`;
      for (const part of parts.slice(1)) {
        const m = /^(rbps|wbps|riops|wiops)=(max|\d+)$/.exec(part);
        if (!m) return `'${part}' is not rbps=, wbps=, riops= or wiops= with a number or 'max'; fix that field`;
        if (m[2] === 'max') continue;
        const floor = m[1]?.endsWith('bps') ? MiB : 100;
        if (Number(m[2]) < floor) return `${m[1]}=${m[2]} is below ${floor}; use at least ${floor} or 'max'`;
      }
      return undefined;
    },
  },
];

const proc: KnobSpec[] = [
  intRow('process', 'nice', 'Scheduling niceness of the process (never below −10).', -10, 19),
  choiceRow('process', 'ionice', "I/O class: 'idle', 'none' or 'be/0' … 'be/7' (realtime is refused).", ['idle', 'none', 'be/0', 'be/1', 'be/2', 'be/3', 'be/4', 'be/5', 'be/6', 'be/7']),
  intRow('process', 'oom_score_adj', 'OOM-killer bias; −1000 (never kill) is refused.', -999, 1000),
  choiceRow('process', 'state', "Stop (SIGSTOP) or continue (SIGCONT) the process: 'stopped' or 'running' (a security response).", ['running', 'stopped']),
  {
    kind: 'process',
    attribute: 'kill',
    description: 'Kill the process with SIGKILL (irreversible; a security response).',
    bounds: "value 'kill'",
    optional: false,
    reversible: false,
    numeric: false,
    check(value) {
      return value === 'kill' ? undefined : `'${value}' is not 'kill'; the only value of a kill is 'kill'`;
    },
  },
];

const thp: KnobSpec[] = [
  listedRow('thp', 'enabled', 'Transparent huge pages mode.', () => 'sys/kernel/mm/transparent_hugepage/enabled'),
  listedRow('thp', 'defrag', 'Transparent huge pages defrag policy.', () => 'sys/kernel/mm/transparent_hugepage/defrag'),
];

const systemd: KnobSpec[] = [
  {
    kind: 'systemd',
    attribute: 'restart',
    description: 'Restart a systemd unit through systemctl (irreversible, rate-limited).',
    bounds: "value 'restart'; unit names matching [A-Za-z0-9@._-]+",
    optional: false,
    reversible: false,
    numeric: false,
    check(value, ctx) {
      if (value !== 'restart') return `'${value}' is not 'restart'; the only action on a unit is 'restart'`;
      return /^[A-Za-z0-9@._\\-]+$/.test(ctx.knob.target) ? undefined : `unit '${ctx.knob.target}' has characters systemctl would not accept; name the unit exactly`;
    },
  },
];

const file: KnobSpec[] = [
  {
    kind: 'file',
    attribute: 'content',
    description: 'Content of a configuration file under /etc, restored from a recorded baseline (by hash).',
    bounds: "'sha256:<64 hex>' of a stored blob, or 'absent'; files under etc/ only",
    optional: false,
    reversible: true,
    numeric: false,
    check(value, ctx) {
      if (!/^etc\/[^\0]+$/.test(ctx.knob.target) || ctx.knob.target.split('/').includes('..')) return `'${ctx.knob.target}' is not a file under etc/; only configuration files under /etc are restored`;
      return /^(sha256:[0-9a-f]{64}|absent)$/.test(value) ? undefined : `'${value}' is not 'sha256:<64 hex digits>' or 'absent'; use the hash a baseline recorded`;
    },
  },
];

/**
 * The knob table: every knob AINKA may change, with its bounds. Nothing outside this table is ever written.
 */
export const knobCatalogue: readonly KnobSpec[] = [...sysctl, ...block, ...cpufreq, ...cgroup, ...proc, ...thp, ...systemd, ...file];

const byKey = new Map(knobCatalogue.map((row) => [`${row.kind}:${row.attribute}`, row]));

/** Find the catalogue row for a family and attribute, or `undefined`. */
export function findKnobSpec(kind: KnobKind, attribute: string): KnobSpec | undefined {
  return byKey.get(`${kind}:${attribute}`);
}
