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
    description: TCP keeps retransmitting (over 0.5 % of the segments it sends, averaged over a minute, held 30 s) on connections that carry traffic; new connections use BBR, which holds its rate under random loss where loss-based congestion control collapses (bpftune's rule). A ratio, not a segment count, so a slow lossy link qualifies as well as a fast one.
    when: avg(net.tcp.retransmit_ratio, 1m) > 0.005 for 30s and avg(net.tcp.out_segments_per_second, 1m) > 10 for 30s
    then:
      - knob: sysctl:net.ipv4.tcp_congestion_control
        set: bbr
        objective: {maximize: net.tcp.goodput_segments_per_second, window: 5s, windows: 4}
    cooldown: 1h
  - name: larger-read-ahead-for-sequential-streams
    description: A disk is kept busy (I/O in flight over a fifth of every second for 15 s) by large reads (over 32 KiB a request on average, which only sequential streams produce); double its read-ahead, one step per trial up to 4 MiB, while read throughput does not get worse. Whatever the disk's speed; random reads (small requests) never trigger it, and neither does a disk that mostly idles.
    scope: {each: device, exclude: ['loop*', 'ram*', 'zram*', 'sr*']}
    when: disk.utilization_ratio{device="{device}"} > 0.2 for 15s and avg(disk.read_request_bytes{device="{device}"}, 15s) > 32KiB for 15s
    then:
      - knob: block:{device}:read_ahead_kb
        adjust: {factor: 2}
        min: 128
        max: 4096
        objective: {maximize: 'disk.read_bytes_per_second{device="{device}"}', window: 5s, windows: 4}
    cooldown: 2m
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
    description: Dirty page cache fills over half of the kernel's own throttling limit (whatever vm.dirty_ratio or vm.dirty_bytes make it on this machine) while writes wait long; halve the limit (vm.dirty_bytes = 0.5 × the current threshold, at least 32 MiB; the kernel then starts background writeback at half of that), so an fsync does not queue behind a huge flush. Like TuneD's latency-performance (dirty_ratio 20 → 10), but only when the problem is measured, and kept only if write latency does not get worse and the writers do not slow down (the rate at which applications dirty pages is a guard, so a smaller limit that throttles a bulk writer is rolled back).
    when: avg(vm.dirty_limit_used_ratio, 20s) > 0.5 for 10s and avg(disk.write_await_seconds, 20s) > 0.05 for 10s
    then:
      - knob: sysctl:vm.dirty_bytes
        from: {metric: vm.dirty_threshold_bytes, factor: 0.5}
        min: 33554432
        objective:
          minimize: disk.write_await_seconds
          window: 5s
          windows: 4
          guard:
            - maximize: vm.dirtied_bytes_per_second
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
