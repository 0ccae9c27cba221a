import { describe, expect, it } from 'vitest';
import { ActionGenerator, parsePolicy, RuleEngine } from '../src/index.js';

const policy = parsePolicy(`apiVersion: ainka.dev/v1
kind: Policy
name: plan
mode: enforce
rules:
  - name: pressure-high
    when: psi.memory.some_avg10 > 20
    then:
      - knob: sysctl:vm.watermark_scale_factor
        adjust: {by: 50}
        max: 100
      - knob: sysctl:vm.vfs_cache_pressure
        set: 50
    priority: 80
    cooldown: 1m
  - name: cache-thrash
    when: vm.workingset_refaults_per_second > 1000
    then:
      - knob: sysctl:vm.vfs_cache_pressure
        set: 200
      - knob: sysctl:vm.swappiness
        set: 30
    priority: 40
  - name: noisy-neighbour
    scope: {cgroup: batch.slice}
    when: psi.cpu.some_avg10 > 30
    then:
      - knob: cgroup:{cgroup}:cpu.weight
        set: 50
    mode: advise
  - name: deprioritise-backup
    scope: {process: {comm: restic}}
    when: psi.io.some_avg10 > 40
    then:
      - knob: process:{pid}:ionice
        set: idle
`);

function hits(values: Record<string, number>, now: number, engine = new RuleEngine([policy])) {
  const f = engine.frame();
  f.setAll(values);
  return engine.evaluate(f, now);
}

describe('ActionGenerator', () => {
  const current: Record<string, string> = { 'sysctl:vm.watermark_scale_factor': '70' };
  const gen = () => new ActionGenerator({ read: (k) => current[k], processes: ({ comm }) => (comm === 'restic' ? [4242, 4243] : []) });

  it('orders by priority, keeps one action per knob, resolves scopes and clamps adjustments', () => {
    const plan = gen().generate(hits({ 'psi.memory.some_avg10': 35, 'vm.workingset_refaults_per_second': 5000, 'psi.cpu.some_avg10': 50, 'psi.io.some_avg10': 60 }, 0), 0);
    expect(plan.actions.map((a) => `${a.knob}=${a.value} (${a.reason}, ${a.mode})`)).toEqual([
      'sysctl:vm.watermark_scale_factor=100 (pressure-high, enforce)',
      'sysctl:vm.vfs_cache_pressure=50 (pressure-high, enforce)',
      'cgroup:batch.slice:cpu.weight=50 (noisy-neighbour, advise)',
      'process:4242:ionice=idle (deprioritise-backup, enforce)',
      'process:4243:ionice=idle (deprioritise-backup, enforce)',
      'sysctl:vm.swappiness=30 (cache-thrash, enforce)',
    ]);
    expect(plan.actions[0]?.because).toBe('psi.memory.some_avg10 = 35 > 20');
    expect(plan.suppressed).toEqual([{ rule: 'cache-thrash', knob: 'sysctl:vm.vfs_cache_pressure', why: "yields to rule 'pressure-high' (priority 80 vs 40)" }]);
  });

  it('honours each rule’s cool-down', () => {
    const g = gen();
    const engine = new RuleEngine([policy]);
    const v = { 'psi.memory.some_avg10': 35 };
    expect(g.generate(hits(v, 0, engine), 0).actions).toHaveLength(2);
    const again = g.generate(hits(v, 30_000, engine), 30_000);
    expect(again.actions).toEqual([]);
    expect(again.suppressed[0]?.why).toBe('cooling down for 30 s more');
    expect(g.generate(hits(v, 60_000, engine), 60_000).actions).toHaveLength(2);
  });

  it('explains what it cannot plan', () => {
    const g = new ActionGenerator();
    const plan = g.generate(hits({ 'psi.memory.some_avg10': 35, 'psi.io.some_avg10': 60 }, 0), 0);
    expect(plan.suppressed).toEqual([
      { rule: 'pressure-high', knob: 'sysctl:vm.watermark_scale_factor', why: 'current value unknown, cannot adjust' },
      { rule: 'deprioritise-backup', knob: 'process:{pid}:ionice', why: "no process matches comm 'restic'" },
    ]);
  });
});
