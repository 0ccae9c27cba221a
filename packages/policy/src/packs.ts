import { PolicyError, PolicyErrorCode } from './errors.js';
import { parsePolicy } from './parsePolicy.js';
import type { Policy } from './policy.js';
import { SERVER_PACK } from './serverPack.js';

/** Names of the shipped policy packs. */
export type PolicyPackName = 'server' | 'throughput' | 'latency' | 'balanced' | 'powersave' | 'memory-pressure' | 'network-under-loss';

/**
 * The shipped policy packs, as YAML. Metric names follow the `@ainka/telemetry` catalogue; per-device,
 * per-cgroup, per-process and per-cpufreq-policy rules use selectors (`scope: {each: …}`), so no pack
 * names a device. `server` (what ainkad loads by default) says `mode: enforce`: it writes only when the
 * daemon itself runs in enforce mode. The other packs are advisory; set `mode: enforce` in a copy.
 */
export const policyPacks: Readonly<Record<PolicyPackName, string>> = {
  server: SERVER_PACK,
  throughput: `apiVersion: ainka.dev/v1
kind: Policy
name: throughput
description: Favour bulk throughput over latency and power.
tags: [throughput]
rules:
  - name: widen-read-ahead-for-streaming
    description: Large sequential reads with little I/O pressure benefit from a bigger read-ahead window.
    scope: {each: device, exclude: ['loop*', 'ram*', 'zram*']}
    when: disk.read_bytes_per_second{device="{device}"} > 100MiB for 2m and disk.read_request_bytes{device="{device}"} > 32KiB for 2m and psi.io.some_avg10 < 10
    then:
      - knob: block:{device}:read_ahead_kb
        adjust: {factor: 2}
        max: 4096
    cooldown: 10m
  - name: large-tcp-buffers-for-bulk-transfer
    description: Fast, clean links need buffers large enough for their bandwidth-delay product.
    when: net.rx_bytes_per_second > 100MiB for 1m and net.tcp.retransmit_ratio < 0.01
    then:
      - knob: sysctl:net.core.rmem_max
        set: 16777216
      - knob: sysctl:net.ipv4.tcp_rmem
        set: 4096 131072 16777216
    cooldown: 30m
  - name: batch-writeback-under-write-load
    description: Let more dirty data accumulate so writeback issues larger I/O.
    when: disk.write_bytes_per_second > 50MiB for 2m and psi.memory.some_avg10 < 5
    then:
      - knob: sysctl:vm.dirty_background_ratio
        set: 10
      - knob: sysctl:vm.dirty_ratio
        set: 40
    cooldown: 30m
  - name: performance-governor-when-busy
    description: Sustained CPU saturation; stop the governor from ramping down between bursts.
    scope: {each: policy}
    when: cpu.busy_ratio > 0.8 for 2m
    then:
      - knob: cpufreq:{policy}:scaling_governor
        set: performance
    cooldown: 10m
`,
  latency: `apiVersion: ainka.dev/v1
kind: Policy
name: latency
description: Keep tail latency low, at some cost in throughput and power.
tags: [latency]
rules:
  - name: fast-cpu-under-cpu-pressure
    description: Tasks waiting for CPU; run the cores at full speed.
    scope: {each: policy}
    when: psi.cpu.some_avg10 > 10 for 30s
    then:
      - knob: cpufreq:{policy}:energy_performance_preference
        set: performance
    cooldown: 10m
  - name: avoid-thp-compaction-stalls
    description: Direct compaction for huge pages stalls allocations; defer it to kcompactd.
    when: psi.memory.some_avg10 > 5 for 1m and vm.alloc_stalls_per_second > 10
    then:
      - knob: thp:defrag
        set: defer
    cooldown: 30m
  - name: small-unsent-queues
    description: Keep little unsent data in sockets so new writes are not queued behind old ones.
    when: net.tcp.established_count > 100 and net.tcp.retransmit_ratio < 0.02
    then:
      - knob: sysctl:net.ipv4.tcp_notsent_lowat
        set: 131072
      - knob: sysctl:net.ipv4.tcp_slow_start_after_idle
        set: 0
    cooldown: 1h
`,
  balanced: `apiVersion: ainka.dev/v1
kind: Policy
name: balanced
description: Kernel defaults, nudged only when the machine is clearly busy or idle.
tags: [balanced]
rules:
  - name: balance-performance-when-busy
    description: Busy for minutes; lean the energy hint towards performance.
    scope: {each: policy}
    when: cpu.busy_ratio > 0.7 for 5m
    then:
      - knob: cpufreq:{policy}:energy_performance_preference
        set: balance_performance
    cooldown: 15m
  - name: balance-power-when-idle
    description: Mostly idle for minutes; lean the energy hint towards saving power.
    scope: {each: policy}
    when: cpu.busy_ratio < 0.3 for 10m
    then:
      - knob: cpufreq:{policy}:energy_performance_preference
        set: balance_power
    cooldown: 15m
  - name: default-swappiness-when-calm
    description: No memory pressure for half an hour and swap mostly free; return swappiness to the kernel default.
    when: psi.memory.some_avg10 < 1 for 30m and swap.used_ratio < 0.5
    then:
      - knob: sysctl:vm.swappiness
        set: 60
    cooldown: 1h
`,
  powersave: `apiVersion: ainka.dev/v1
kind: Policy
name: powersave
description: Save energy when the machine is mostly idle, give it back when it is busy.
tags: [power]
rules:
  - name: powersave-when-idle
    description: Idle for five minutes; use the powersave governor and the power energy hint.
    scope: {each: policy}
    when: cpu.busy_ratio < 0.2 for 5m
    then:
      - knob: cpufreq:{policy}:scaling_governor
        set: powersave
      - knob: cpufreq:{policy}:energy_performance_preference
        set: power
    cooldown: 15m
  - name: balance-power-when-busy
    description: Busy again; move the energy hint back from power to balance_power.
    scope: {each: policy}
    when: cpu.busy_ratio > 0.6 for 1m
    then:
      - knob: cpufreq:{policy}:energy_performance_preference
        set: balance_power
    cooldown: 5m
  - name: lazy-writeback-when-idle
    description: Wake the disk less often for writeback.
    when: cpu.busy_ratio < 0.2 for 5m and disk.write_bytes_per_second < 1MiB
    then:
      - knob: sysctl:vm.dirty_writeback_centisecs
        set: 1500
      - knob: sysctl:vm.dirty_expire_centisecs
        set: 3000
    cooldown: 1h
`,
  'memory-pressure': `apiVersion: ainka.dev/v1
kind: Policy
name: memory-pressure
description: React to memory pressure early and gently, and undo it when pressure is gone.
tags: [memory]
rules:
  - name: reclaim-earlier-under-pressure
    description: Wake kswapd earlier so allocations do not stall in direct reclaim.
    when: psi.memory.some_avg10 > 20 for 30s
    then:
      - knob: sysctl:vm.watermark_scale_factor
        adjust: {by: 50}
        max: 500
    priority: 60
    cooldown: 5m
  - name: default-watermarks-when-calm
    description: Pressure has been low for ten minutes; return the watermark scale factor to its default.
    when: psi.memory.some_avg10 < 5 for 10m
    then:
      - knob: sysctl:vm.watermark_scale_factor
        set: 10
    cooldown: 30m
  - name: keep-caches-under-pressure
    description: Reclaim dentries and inodes less eagerly when page cache is being refaulted.
    when: vm.workingset_refaults_per_second > 1000 for 1m and psi.memory.some_avg10 > 10
    then:
      - knob: sysctl:vm.vfs_cache_pressure
        set: 50
    cooldown: 30m
  - name: reserve-before-predicted-exhaustion
    description: An anomalous pressure rise with memory forecast to run out soon; keep a larger free reserve.
    when: anomaly(psi.memory.some_avg10) > 0.9 and forecast(mem.available_bytes, 5m) < 256MiB
    then:
      - knob: sysctl:vm.min_free_kbytes
        set: 131072
    priority: 70
    cooldown: 30m
`,
  'network-under-loss': `apiVersion: ainka.dev/v1
kind: Policy
name: network-under-loss
description: On lossy paths, use BBR with fair queueing and probe the path MTU.
tags: [network]
rules:
  - name: bbr-on-lossy-paths
    description: Loss-based congestion control collapses on random loss; BBR does not.
    when: net.tcp.retransmit_ratio > 0.02 for 1m
    then:
      - knob: sysctl:net.core.default_qdisc
        set: fq
      - knob: sysctl:net.ipv4.tcp_congestion_control
        set: bbr
      - knob: sysctl:net.ipv4.tcp_mtu_probing
        set: 1
    cooldown: 30m
  - name: cubic-when-clean
    description: The path has been clean for half an hour; return to the default congestion control.
    when: net.tcp.retransmit_ratio < 0.002 for 30m
    then:
      - knob: sysctl:net.ipv4.tcp_congestion_control
        set: cubic
    cooldown: 1h
`,
};

/** Parse a shipped pack. @throws {@link PolicyError} `ERR_AINKA_POLICY_UNKNOWN_PACK` for an unknown name. */
export function loadPolicyPack(name: PolicyPackName): Policy {
  const text = (policyPacks as Record<string, string>)[name];
  if (text === undefined) {
    throw new PolicyError(PolicyErrorCode.unknownPack, [], `unknown policy pack '${String(name)}'; use one of ${Object.keys(policyPacks).join(', ')}`);
  }
  return parsePolicy(text, { file: `pack:${name}` });
}
