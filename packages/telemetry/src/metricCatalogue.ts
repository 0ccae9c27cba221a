import type { MetricUnit } from './metricSample.js';

/**
 * One entry of the metric catalogue: what a metric means and where it comes from.
 *
 * @public
 */
export interface MetricDefinition {
  /** Dot-separated name, e.g. `mem.available_bytes`. */
  readonly name: string;
  /** The unit of the values. */
  readonly unit: MetricUnit;
  /** `counter` = cumulative and monotonic (exported as `_total`); `gauge` = anything else. */
  readonly kind: 'gauge' | 'counter';
  /** The kernel file(s) it is computed from, relative to the root. */
  readonly source: string;
  /** The label names its series carry (empty for a single series). */
  readonly labels: readonly string[];
  /** One sentence, used as Prometheus HELP and in the docs. */
  readonly help: string;
}

/**
 * The names of the metrics derived from `@ainka/ebpf`'s streams (run-queue and TCP connect latency
 * histograms, context switches, OOM kills), as typed constants: a source that turns those streams into
 * samples emits exactly these names, and each one is in {@link metricCatalogue} (unit `seconds` for the
 * latencies, `per_second`, `count`).
 *
 * @example
 * ```ts
 * import { ebpfMetricNames, getMetricDefinition } from '@ainka/telemetry/collectors';
 * getMetricDefinition(ebpfMetricNames.runQueueLatency.p99)?.help; // '99th percentile of run-queue wait'
 * ```
 *
 * @public
 */
export const ebpfMetricNames = Object.freeze({
  /** Run-queue latency (sched_wakeup → sched_switch) per poll interval. */
  runQueueLatency: Object.freeze({
    /** Median run-queue wait over the interval, in seconds. */
    p50: 'sched.runq_latency_p50_seconds',
    /** 99th percentile of run-queue wait over the interval, in seconds. */
    p99: 'sched.runq_latency_p99_seconds',
    /** Mean run-queue wait over the interval, in seconds. */
    mean: 'sched.runq_latency_mean_seconds',
  } as const),
  /** TCP connect latency (SYN_SENT → ESTABLISHED) per poll interval. */
  connectLatency: Object.freeze({
    /** Median TCP connect latency over the interval, in seconds. */
    p50: 'net.tcp.connect_latency_p50_seconds',
    /** 99th percentile of TCP connect latency over the interval, in seconds. */
    p99: 'net.tcp.connect_latency_p99_seconds',
    /** Mean TCP connect latency over the interval, in seconds. */
    mean: 'net.tcp.connect_latency_mean_seconds',
  } as const),
  /** Context switches per second, counted by the sched_switch tracepoint. */
  contextSwitchesPerSecond: 'sched.context_switches_per_second',
  /** One sample of value 1 per OOM kill. */
  oomKillEvents: 'ebpf.oom_kill_events',
} as const);

/**
 * Any one name of {@link ebpfMetricNames}.
 *
 * @public
 */
export type EbpfMetricName =
  | (typeof ebpfMetricNames.runQueueLatency)[keyof typeof ebpfMetricNames.runQueueLatency]
  | (typeof ebpfMetricNames.connectLatency)[keyof typeof ebpfMetricNames.connectLatency]
  | typeof ebpfMetricNames.contextSwitchesPerSecond
  | typeof ebpfMetricNames.oomKillEvents;

type Row = readonly [name: string, unit: MetricUnit, source: string, labels: string, help: string];

const STAT = '/proc/stat';
const MEM = '/proc/meminfo';
const VM = '/proc/vmstat';
const DISK = '/proc/diskstats';
const STATFS = 'statfs(2) of the mounts in /proc/self/mounts';
const NETDEV = '/proc/net/dev';
const SNMP = '/proc/net/snmp';
const CG = '/sys/fs/cgroup (v2, or v1 memory/cpuacct/cpu/blkio)';
const Q = '/sys/block/*/queue/*';
const FREQ = '/sys/devices/system/cpu/cpufreq/policy*/*';
const PROC = '/proc/[pid]/stat';
const EBPF = 'eBPF tracepoints (@ainka/ebpf)';

const cpuRatios: Row[] = (
  [
    ['busy', 'non-idle, non-iowait share of CPU time over the last tick (overall, or per {cpu})'],
    ['user', 'user + nice share of CPU time (guest time included, as the kernel counts it)'],
    ['system', 'kernel (system) share of CPU time'],
    ['iowait', 'share of CPU time idle while I/O was outstanding'],
    ['irq', 'hard + soft interrupt share of CPU time'],
    ['steal', 'share of CPU time stolen by the hypervisor'],
  ] as const
).map(([k, help]): Row => [`cpu.${k}_ratio`, 'ratio', STAT, 'cpu?', help]);

const psi: Row[] = (['cpu', 'memory', 'io'] as const).flatMap((r) =>
  (['some', 'full'] as const).flatMap((k): Row[] => [
    ...(['avg10', 'avg60', 'avg300'] as const).map((w): Row => [
      `psi.${r}.${k}_${w}`,
      'percent',
      `/proc/pressure/${r}`,
      '',
      `share of time ${k === 'some' ? 'at least one task' : 'all non-idle tasks'} stalled on ${r}, ${w.slice(3)} s average`,
    ]),
    [`psi.${r}.${k}_stall_seconds_total`, 'total', `/proc/pressure/${r}`, '', `total time ${k === 'some' ? 'some' : 'all'} tasks stalled on ${r}`],
    [`psi.${r}.${k}_stall_ratio`, 'ratio', `/proc/pressure/${r}`, '', `share of the last tick with ${k === 'some' ? 'some' : 'all'} tasks stalled on ${r}`],
  ]),
);

const rows: readonly Row[] = [
  ...cpuRatios,
  ['cpu.online_count', 'count', STAT, '', 'CPUs online (per-CPU lines in /proc/stat)'],
  ['cpu.procs_running_count', 'count', STAT, '', 'runnable tasks'],
  ['cpu.procs_blocked_count', 'count', STAT, '', 'tasks blocked on I/O'],
  ['cpu.context_switches_total', 'total', STAT, '', 'context switches since boot'],
  ['cpu.context_switches_per_second', 'per_second', STAT, '', 'context switches per second'],
  ['cpu.interrupts_per_second', 'per_second', STAT, '', 'interrupts serviced per second'],
  ['cpu.forks_per_second', 'per_second', STAT, '', 'processes and threads created per second'],

  ['mem.total_bytes', 'bytes', MEM, '', 'usable RAM'],
  ['mem.free_bytes', 'bytes', MEM, '', 'unused RAM'],
  ['mem.available_bytes', 'bytes', MEM, '', 'RAM available for new work without swapping (MemAvailable; estimated before 3.14)'],
  ['mem.buffers_bytes', 'bytes', MEM, '', 'block device buffers'],
  ['mem.cached_bytes', 'bytes', MEM, '', 'page cache'],
  ['mem.swap_total_bytes', 'bytes', MEM, '', 'swap space'],
  ['mem.swap_free_bytes', 'bytes', MEM, '', 'unused swap space'],
  ['mem.dirty_bytes', 'bytes', MEM, '', 'memory waiting to be written back'],
  ['mem.writeback_bytes', 'bytes', MEM, '', 'memory being written back'],
  ['mem.anon_bytes', 'bytes', MEM, '', 'anonymous pages mapped into user space'],
  ['mem.shmem_bytes', 'bytes', MEM, '', 'shared memory and tmpfs'],
  ['mem.slab_reclaimable_bytes', 'bytes', MEM, '', 'reclaimable kernel slab'],
  ['mem.slab_unreclaimable_bytes', 'bytes', MEM, '', 'unreclaimable kernel slab'],
  ['mem.committed_bytes', 'bytes', MEM, '', 'memory committed to allocations (Committed_AS)'],
  ['mem.used_ratio', 'ratio', MEM, '', '1 - MemAvailable / MemTotal'],
  ['swap.used_ratio', 'ratio', MEM, '', 'share of swap in use (absent without swap)'],

  ['vm.page_in_bytes_per_second', 'bytes_per_second', VM, '', 'bytes paged in from block devices (pgpgin)'],
  ['vm.page_out_bytes_per_second', 'bytes_per_second', VM, '', 'bytes paged out to block devices (pgpgout)'],
  ['vm.swap_in_pages_per_second', 'per_second', VM, '', 'pages swapped in (pswpin)'],
  ['vm.swap_out_pages_per_second', 'per_second', VM, '', 'pages swapped out (pswpout)'],
  ['vm.page_faults_per_second', 'per_second', VM, '', 'page faults (pgfault)'],
  ['vm.major_faults_per_second', 'per_second', VM, '', 'major page faults needing I/O (pgmajfault)'],
  ['vm.pages_scanned_per_second', 'per_second', VM, '', 'pages scanned by reclaim (kswapd + direct + khugepaged)'],
  ['vm.direct_reclaim_pages_scanned_per_second', 'per_second', VM, '', 'pages scanned by direct reclaim (allocation latency)'],
  ['vm.pages_reclaimed_per_second', 'per_second', VM, '', 'pages reclaimed (pgsteal)'],
  ['vm.dirtied_bytes_per_second', 'bytes_per_second', VM, '', 'bytes of page cache applications dirtied per second (nr_dirtied): their buffered write rate'],
  ['vm.written_bytes_per_second', 'bytes_per_second', VM, '', 'bytes of dirty page cache written back per second (nr_written)'],
  ['vm.alloc_stalls_per_second', 'per_second', VM, '', 'allocations that stalled in direct reclaim (allocstall)'],
  ['vm.dirty_threshold_bytes', 'bytes', VM, '', 'dirty memory at which writers are throttled, as the kernel computes it now (nr_dirty_threshold)'],
  ['vm.dirty_background_threshold_bytes', 'bytes', VM, '', 'dirty memory at which background writeback starts, as the kernel computes it now (nr_dirty_background_threshold)'],
  ['vm.dirty_limit_used_ratio', 'ratio', VM, '', 'dirty memory / the throttling threshold (nr_dirty / nr_dirty_threshold)'],
  ['vm.workingset_refaults_per_second', 'per_second', VM, '', 'refaults of recently evicted pages (thrashing signal)'],
  ['vm.oom_kills_per_second', 'per_second', VM, '', 'OOM kills per second (kernel >= 4.13)'],
  ['vm.oom_kills_total', 'total', VM, '', 'OOM kills since boot (kernel >= 4.13)'],

  ['load.avg1', 'load', '/proc/loadavg', '', '1-minute load average'],
  ['load.avg5', 'load', '/proc/loadavg', '', '5-minute load average'],
  ['load.avg15', 'load', '/proc/loadavg', '', '15-minute load average'],
  ['load.runnable_count', 'count', '/proc/loadavg', '', 'runnable scheduling entities'],
  ['load.threads_count', 'count', '/proc/loadavg', '', 'existing scheduling entities'],

  ...psi,

  ['fs.size_bytes', 'bytes', STATFS, 'mount,fstype', 'size of the file system'],
  ['fs.avail_bytes', 'bytes', STATFS, 'mount,fstype', 'space free to unprivileged users'],
  ['fs.used_ratio', 'ratio', STATFS, 'mount,fstype', 'space used, of used plus available (as df shows it: the root reserve counts as full)'],
  ['fs.inodes_used_ratio', 'ratio', STATFS, 'mount,fstype', 'inodes used'],
  ['disk.reads_per_second', 'per_second', DISK, 'device', 'completed reads per second'],
  ['disk.writes_per_second', 'per_second', DISK, 'device', 'completed writes per second'],
  ['disk.read_bytes_per_second', 'bytes_per_second', DISK, 'device', 'bytes read per second'],
  ['disk.write_bytes_per_second', 'bytes_per_second', DISK, 'device', 'bytes written per second'],
  ['disk.discard_bytes_per_second', 'bytes_per_second', DISK, 'device', 'bytes discarded per second (kernel >= 4.18)'],
  ['disk.read_request_bytes', 'bytes', DISK, 'device', 'mean size of a completed read over the last tick (large: sequential streams; small: random reads; 0: no reads)'],
  ['disk.write_request_bytes', 'bytes', DISK, 'device', 'mean size of a completed write over the last tick (0: no writes)'],
  ['disk.read_await_seconds', 'seconds', DISK, 'device', 'mean time per completed read over the last tick'],
  ['disk.write_await_seconds', 'seconds', DISK, 'device', 'mean time per completed write over the last tick'],
  ['disk.utilization_ratio', 'ratio', DISK, 'device', 'share of the last tick with I/O in flight'],
  ['disk.queue_length', 'count', DISK, 'device', 'mean number of requests in flight over the last tick'],
  ['disk.in_flight_count', 'count', DISK, 'device', 'requests in flight now'],
  ['disk.reads_total', 'total', DISK, 'device', 'completed reads since boot'],
  ['disk.writes_total', 'total', DISK, 'device', 'completed writes since boot'],
  ['disk.read_bytes_total', 'total', DISK, 'device', 'bytes read since boot'],
  ['disk.write_bytes_total', 'total', DISK, 'device', 'bytes written since boot'],

  ['net.rx_bytes_per_second', 'bytes_per_second', NETDEV, 'interface', 'bytes received per second'],
  ['net.tx_bytes_per_second', 'bytes_per_second', NETDEV, 'interface', 'bytes sent per second'],
  ['net.rx_packets_per_second', 'per_second', NETDEV, 'interface', 'packets received per second'],
  ['net.tx_packets_per_second', 'per_second', NETDEV, 'interface', 'packets sent per second'],
  ['net.rx_errors_per_second', 'per_second', NETDEV, 'interface', 'receive errors per second'],
  ['net.tx_errors_per_second', 'per_second', NETDEV, 'interface', 'transmit errors per second'],
  ['net.rx_drops_per_second', 'per_second', NETDEV, 'interface', 'received packets dropped per second'],
  ['net.tx_drops_per_second', 'per_second', NETDEV, 'interface', 'transmitted packets dropped per second'],
  ['net.rx_bytes_total', 'total', NETDEV, 'interface', 'bytes received since the interface came up'],
  ['net.tx_bytes_total', 'total', NETDEV, 'interface', 'bytes sent since the interface came up'],

  ['net.tcp.retransmits_per_second', 'per_second', SNMP, '', 'TCP segments retransmitted per second'],
  ['net.tcp.retransmits_total', 'total', SNMP, '', 'TCP segments retransmitted since boot'],
  ['net.tcp.retransmit_ratio', 'ratio', SNMP, '', 'retransmitted / sent TCP segments over the last tick'],
  ['net.tcp.out_segments_per_second', 'per_second', SNMP, '', 'TCP segments sent per second'],
  ['net.tcp.goodput_segments_per_second', 'per_second', SNMP, '', 'TCP segments sent per second that were not retransmissions (sent − retransmitted)'],
  ['net.tcp.in_errors_per_second', 'per_second', SNMP, '', 'TCP segments received in error per second'],
  ['net.tcp.active_opens_per_second', 'per_second', SNMP, '', 'outgoing TCP connections per second'],
  ['net.tcp.passive_opens_per_second', 'per_second', SNMP, '', 'accepted TCP connections per second'],
  ['net.tcp.resets_sent_per_second', 'per_second', SNMP, '', 'TCP resets sent per second'],
  ['net.tcp.attempt_fails_per_second', 'per_second', SNMP, '', 'failed TCP connection attempts per second'],
  ['net.tcp.established_count', 'count', SNMP, '', 'TCP connections in ESTABLISHED or CLOSE-WAIT'],
  ['net.udp.in_errors_per_second', 'per_second', SNMP, '', 'UDP receive errors per second'],
  ['net.udp.rcvbuf_errors_per_second', 'per_second', SNMP, '', 'UDP datagrams dropped for a full receive buffer per second'],
  ['net.udp.no_ports_per_second', 'per_second', SNMP, '', 'UDP datagrams to closed ports per second'],
  ['net.ip.in_discards_per_second', 'per_second', SNMP, '', 'IP datagrams discarded on input per second'],

  ['cgroup.cpu_usage_cores', 'cores', CG, 'cgroup', 'CPUs kept busy by the cgroup over the last tick'],
  ['cgroup.cpu_usage_seconds_total', 'total', CG, 'cgroup', 'CPU time consumed by the cgroup'],
  ['cgroup.cpu_throttled_ratio', 'ratio', CG, 'cgroup', 'share of CFS periods in which the cgroup was throttled'],
  ['cgroup.memory_current_bytes', 'bytes', CG, 'cgroup', 'memory charged to the cgroup'],
  ['cgroup.memory_max_bytes', 'bytes', CG, 'cgroup', 'memory limit of the cgroup (absent when unlimited)'],
  ['cgroup.memory_anon_bytes', 'bytes', CG, 'cgroup', 'anonymous memory of the cgroup (v1: rss)'],
  ['cgroup.memory_file_bytes', 'bytes', CG, 'cgroup', 'page cache of the cgroup (v1: cache)'],
  ['cgroup.memory_oom_kills_total', 'total', CG, 'cgroup', 'OOM kills inside the cgroup'],
  ['cgroup.io_read_bytes_per_second', 'bytes_per_second', CG, 'cgroup', 'bytes read by the cgroup per second'],
  ['cgroup.io_write_bytes_per_second', 'bytes_per_second', CG, 'cgroup', 'bytes written by the cgroup per second'],
  ['cgroup.cpu_pressure.some_avg10', 'percent', CG, 'cgroup', 'cgroup CPU pressure (some, 10 s)'],
  ['cgroup.cpu_pressure.full_avg10', 'percent', CG, 'cgroup', 'cgroup CPU pressure (full, 10 s)'],
  ['cgroup.memory_pressure.some_avg10', 'percent', CG, 'cgroup', 'cgroup memory pressure (some, 10 s)'],
  ['cgroup.memory_pressure.full_avg10', 'percent', CG, 'cgroup', 'cgroup memory pressure (full, 10 s)'],
  ['cgroup.io_pressure.some_avg10', 'percent', CG, 'cgroup', 'cgroup I/O pressure (some, 10 s)'],
  ['cgroup.io_pressure.full_avg10', 'percent', CG, 'cgroup', 'cgroup I/O pressure (full, 10 s)'],

  ['block.queue.scheduler_info', 'info', Q, 'device,scheduler', 'active I/O scheduler (value 1; the scheduler is a label)'],
  ['block.queue.nr_requests_count', 'count', Q, 'device', 'request queue depth (nr_requests)'],
  ['block.queue.read_ahead_bytes', 'bytes', Q, 'device', 'read-ahead window'],
  ['block.queue.max_request_bytes', 'bytes', Q, 'device', 'largest request the block layer issues (max_sectors_kb)'],
  ['block.queue.rotational', 'count', Q, 'device', '1 for rotating media, 0 for SSDs'],
  ['block.queue.nomerges', 'count', Q, 'device', 'request merging: 0 on, 1 simple only, 2 off'],
  ['block.queue.wbt_latency_seconds', 'seconds', Q, 'device', 'writeback throttling target latency (0 = off)'],

  ['cpufreq.current_hertz', 'hertz', FREQ, 'policy', 'current frequency of the policy CPUs'],
  ['cpufreq.min_hertz', 'hertz', FREQ, 'policy', 'lowest frequency the governor may pick'],
  ['cpufreq.max_hertz', 'hertz', FREQ, 'policy', 'highest frequency the governor may pick'],
  ['cpufreq.hardware_max_hertz', 'hertz', FREQ, 'policy', 'highest frequency the hardware supports'],
  ['cpufreq.governor_info', 'info', FREQ, 'policy,governor', 'active cpufreq governor (value 1; the governor is a label)'],

  ['process.count', 'count', PROC, '', 'processes (thread group leaders)'],
  ['process.cpu_cores', 'cores', PROC, 'pid,comm', 'CPUs kept busy by the process over the last interval (top N)'],
  ['process.rss_bytes', 'bytes', PROC, 'pid,comm', 'resident memory of the process (top N)'],
  ['process.threads_count', 'count', PROC, 'pid,comm', 'threads of the process (top N)'],
  ['process.major_faults_per_second', 'per_second', PROC, 'pid,comm', 'major page faults of the process per second (top N)'],

  // eBPF (@ainka/ebpf, composed by ainkad when BPF is available): run-queue and connect latency per poll.
  [ebpfMetricNames.runQueueLatency.p50, 'seconds', EBPF, '', 'median time a task waited in the run queue before running (sched_wakeup → sched_switch)'],
  [ebpfMetricNames.runQueueLatency.p99, 'seconds', EBPF, '', '99th percentile of run-queue wait'],
  [ebpfMetricNames.runQueueLatency.mean, 'seconds', EBPF, '', 'mean run-queue wait'],
  [ebpfMetricNames.contextSwitchesPerSecond, 'per_second', EBPF, '', 'context switches per second, counted by the sched_switch tracepoint'],
  [ebpfMetricNames.connectLatency.p50, 'seconds', EBPF, '', 'median TCP connect latency'],
  [ebpfMetricNames.connectLatency.p99, 'seconds', EBPF, '', '99th percentile of TCP connect latency'],
  [ebpfMetricNames.connectLatency.mean, 'seconds', EBPF, '', 'mean TCP connect latency'],
  [ebpfMetricNames.oomKillEvents, 'count', EBPF, '', 'an OOM kill seen by the eBPF tracepoint (1 per event)'],
];

/**
 * Every metric the built-in collectors produce, as data: the contract the policy engine, the daemon
 * and the exporters refer to. Optional labels are written with a `?` in the source but listed plainly here.
 *
 * @public
 */
export const metricCatalogue: readonly MetricDefinition[] = Object.freeze(
  rows.map(([name, unit, source, labels, help]) =>
    Object.freeze({
      name,
      unit,
      kind: unit === 'total' ? ('counter' as const) : ('gauge' as const),
      source,
      labels: Object.freeze(labels === '' ? [] : labels.replace('?', '').split(',').map((l) => l.trim())),
      help,
    }),
  ),
);

const byName = new Map(metricCatalogue.map((d) => [d.name, d]));

/** Looks up a metric by name; `undefined` for metrics not in the catalogue (e.g. merged eBPF streams). @public */
export function getMetricDefinition(name: string): MetricDefinition | undefined {
  return byName.get(name);
}
