import { Comparison, decodeKernelRule, KERNEL_RULE_SIZE, KernelMetric, RuleAction, RuleTarget } from '@ainka/protocol';
import { describe, expect, it } from 'vitest';
import { compileKernelRules, loadPolicyPack, parsePolicy, requireKernelRule } from '../src/index.js';

const policy = parsePolicy(`apiVersion: ainka.dev/v1
kind: Policy
name: k
mode: enforce
rules:
  - name: memory-stall
    when: psi.memory.some_avg10 > 20.5 for 30s
    then: [{knob: "sysctl:vm.watermark_scale_factor", set: 100}]
    priority: 70
    cooldown: 2m
  - name: calm-the-batch-job
    when: cpu.busy_ratio >= 0.95
    then: [{knob: "process:4242:nice", set: 10}]
  - name: idle-io-for-backup
    when: psi.io.some_avg10 > 40
    then: [{knob: "process:4243:ionice", set: idle}]
    mode: advise
  - name: low-memory
    when: mem.available_bytes < 256MiB
    then: [{knob: "sysctl:vm.min_free_kbytes", set: 65536}]
  - name: compound
    when: cpu.busy_ratio > 0.9 and load.avg1 > 4
    then: [{knob: "sysctl:vm.swappiness", set: 10}]
  - name: rate-based
    when: rate(net.tcp.retransmits_total) > 100
    then: [{knob: "sysctl:net.ipv4.tcp_mtu_probing", set: 1}]
  - name: not-sampled
    when: net.tcp.retransmit_ratio > 0.1
    then: [{knob: "sysctl:net.ipv4.tcp_mtu_probing", set: 2}]
    priority: 40
`);

describe('kernel policy-cache compilation', () => {
  const { compiled, skipped } = compileKernelRules([policy]);

  it('compiles single comparisons of kernel-sampled metrics, scaling thresholds to kernel units', () => {
    expect(compiled.map((c) => c.rule)).toEqual([
      { id: 1, metric: KernelMetric.PSI_MEM_SOME_AVG10, cmp: Comparison.GT, threshold: 2050, action: RuleAction.REQUEST, arg: 1, target: RuleTarget.NONE, targetPid: 0, forMs: 30_000, cooldownMs: 120_000, priority: 700 },
      { id: 2, metric: KernelMetric.CPU_BUSY_PERMILLE, cmp: Comparison.GE, threshold: 950, action: RuleAction.RENICE, arg: 10, target: RuleTarget.PID, targetPid: 4242, forMs: 0, cooldownMs: 300_000, priority: 500 },
      { id: 3, metric: KernelMetric.PSI_IO_SOME_AVG10, cmp: Comparison.GT, threshold: 4000, action: RuleAction.REPORT, arg: 0, target: RuleTarget.NONE, targetPid: 0, forMs: 0, cooldownMs: 300_000, priority: 500 },
      { id: 4, metric: KernelMetric.MEM_AVAILABLE_KB, cmp: Comparison.LT, threshold: 262144, action: RuleAction.REQUEST, arg: 4, target: RuleTarget.NONE, targetPid: 0, forMs: 0, cooldownMs: 300_000, priority: 500 },
    ]);
  });

  it('keeps everything else in userspace and says why', () => {
    expect(skipped).toEqual([
      { policy: 'k', rule: 'compound', why: 'its condition is not a single comparison' },
      { policy: 'k', rule: 'rate-based', why: 'rate() predicates are evaluated in userspace' },
      { policy: 'k', rule: 'not-sampled', why: 'the kernel does not sample net.tcp.retransmit_ratio' },
    ]);
    expect(() => requireKernelRule('k', policy.rules[4]!, 9)).toThrow(
      "rule 'compound' of policy 'k' cannot run in the kernel: its condition is not a single comparison; leave it to the userspace engine or simplify it to one comparison of a kernel-sampled metric",
    );
  });

  it('round-trips through the protocol encoding', () => {
    for (const c of compiled) {
      expect(c.bytes).toHaveLength(KERNEL_RULE_SIZE);
      expect(decodeKernelRule(c.bytes)).toEqual(c.rule);
    }
  });

  it('rounds non-integer thresholds so the integer comparison is equivalent', () => {
    // psi > 20.5 % with the kernel's hundredths: exactly 2050. busy_ratio > 0.9005 → ‰ 900.5 → "> 900" on integers.
    const p = parsePolicy('apiVersion: ainka.dev/v1\nkind: Policy\nname: r\nrules:\n  - name: a\n    when: cpu.busy_ratio > 0.9005\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n  - name: b\n    when: cpu.busy_ratio < 0.9005\n    then: [{knob: "sysctl:vm.swappiness", set: 20}]\n    priority: 10\n');
    const r = compileKernelRules([p]).compiled.map((c) => [c.rule.cmp, c.rule.threshold]);
    expect(r).toEqual([
      [Comparison.GT, 900],
      [Comparison.LT, 901],
    ]);
  });

  it('compiles the simple rules of the shipped packs', () => {
    const packs = (['memory-pressure', 'latency', 'powersave'] as const).map(loadPolicyPack);
    const out = compileKernelRules(packs);
    // Per-cpufreq-policy rules (`scope: {each: policy}`) are evaluated per target in userspace.
    expect(out.compiled.map((c) => c.source.rule)).toEqual(['reclaim-earlier-under-pressure', 'default-watermarks-when-calm']);
    expect(out.skipped.find((s) => s.rule === 'fast-cpu-under-cpu-pressure')?.why).toBe('rules with a target selector are evaluated per target in userspace');
  });
});
