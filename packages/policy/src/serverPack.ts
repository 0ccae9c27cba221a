/**
 * The `server` pack: what ainkad loads by default. General rules an operator can accept on any Linux
 * server — each reacts to a measured problem (never to a workload's name) with one bounded, journaled,
 * reversible change, and never touches protected processes or units. Rules that name an `objective` are
 * trials: in enforce mode the daemon measures the objective over repeated windows before and after the
 * change and rolls the change back (cooling the rule down) when it made the objective worse beyond noise.
 */
export const SERVER_PACK = `apiVersion: ainka.dev/v1
kind: Policy
name: server
description: General rules for any Linux server; each answers a measured problem with one bounded, reversible change, kept only when its objective does not get worse.
mode: enforce
tags: [server]
rules:
  - name: bbr-on-lossy-paths
    description: TCP keeps retransmitting on busy connections (random loss, not a full queue); new connections use BBR, which holds its rate under loss where loss-based congestion control collapses (bpftune's rule).
    when: net.tcp.retransmit_ratio > 0.02 for 30s and net.tcp.out_segments_per_second > 200 for 30s
    then:
      - knob: sysctl:net.ipv4.tcp_congestion_control
        set: bbr
        objective: {maximize: net.tcp.goodput_segments_per_second, window: 10s, windows: 4}
    cooldown: 1h
  - name: larger-read-ahead-for-sequential-streams
    description: A disk serves a large stream of big (sequential) reads; double its read-ahead, one step at a time up to 4 MiB, while read throughput improves. Random reads (small requests) never trigger it.
    scope: {each: device, exclude: ['loop*', 'ram*', 'zram*', 'sr*']}
    when: disk.read_bytes_per_second{device="{device}"} > 16MiB for 15s and disk.read_request_bytes{device="{device}"} > 32KiB for 15s
    then:
      - knob: block:{device}:read_ahead_kb
        adjust: {factor: 2}
        min: 128
        max: 4096
        objective: {maximize: 'disk.read_bytes_per_second{device="{device}"}', window: 5s, windows: 4}
    cooldown: 1m
  - name: hold-growing-cgroup-under-memory-pressure
    description: A cgroup grows fast while the machine stalls on memory; hold it at 1.25 × its current use with memory.high so it reclaims its own cold pages instead of stalling everyone (senpai-like). Never on slices, init, sshd, journald, logind, D-Bus or ainkad.
    scope: {each: cgroup}
    when: growth(cgroup.memory_current_bytes{cgroup="{cgroup}"}, 2m) > 20 and cgroup.memory_current_bytes{cgroup="{cgroup}"} > 256MiB and psi.memory.some_avg10 > 5 for 10s
    then:
      - knob: cgroup:{cgroup}:memory.high
        from: {metric: 'cgroup.memory_current_bytes{cgroup="{cgroup}"}', factor: 1.25}
        min: 268435456
        objective: {minimize: psi.memory.some_avg10, window: 5s, windows: 4}
    cooldown: 10m
  - name: deprioritise-cpu-hogs
    description: Tasks wait long for a CPU (run-queue p99, or CPU pressure without eBPF) while a few processes take most of it; lower those processes' priority (nice +5, at most 10) so short, latency-sensitive tasks run first. Never pid 1, kernel threads, sshd, journald or ainkad.
    scope: {each: process, top: 3, by: process.cpu_cores}
    when:
      all:
        - any:
            - sched.runq_latency_p99_seconds > 0.01 for 15s
            - psi.cpu.some_avg10 > 50 for 15s
        - process.cpu_cores{pid="{pid}"} > 0.5 for 15s
    then:
      - knob: process:{pid}:nice
        adjust: {by: 5}
        max: 10
        objective: {minimize: sched.runq_latency_p99_seconds, window: 5s, windows: 4}
    cooldown: 10m
  - name: smaller-writeback-bursts
    description: Much dirty page cache builds up while writes wait long; start background writeback at 64 MiB and throttle writers at 256 MiB, so an fsync does not queue behind a huge flush.
    when: mem.dirty_bytes > 512MiB for 10s and disk.write_await_seconds > 0.05 for 10s
    then:
      - knob: sysctl:vm.dirty_background_bytes
        set: 67108864
      - knob: sysctl:vm.dirty_bytes
        set: 268435456
        objective: {minimize: disk.write_await_seconds, window: 5s, windows: 4}
    cooldown: 30m
  - name: reclaim-earlier-under-memory-pressure
    description: Allocations stall in direct reclaim under memory pressure; widen the watermark gap (+50, at most 300) so kswapd reclaims earlier.
    when: psi.memory.some_avg10 > 20 for 30s and vm.alloc_stalls_per_second > 0 for 30s
    then:
      - knob: sysctl:vm.watermark_scale_factor
        adjust: {by: 50}
        max: 300
        objective: {minimize: vm.alloc_stalls_per_second, window: 10s, windows: 4}
    cooldown: 10m
`;
