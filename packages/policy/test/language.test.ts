import { describe, expect, it } from 'vitest';
import { checkPolicy, conditionText, formatIssue, loadPolicyPack, parseCondition, parsePolicy, PolicyError, policyPacks, type PolicyPackName } from '../src/index.js';
import { corpusExpected, corpusInputs } from './fixturesCorpus.js';

describe('malformed policies', () => {
  it('the corpus has one expected message per case', () => {
    expect(corpusExpected.map((e) => e[0])).toEqual(corpusInputs.map((c) => c.name));
  });

  for (const [i, c] of corpusInputs.entries()) {
    it(`${c.name}: reports file, line, path and the fix`, () => {
      const [, code, message] = corpusExpected[i] ?? ['', '', ''];
      let caught: unknown;
      try {
        parsePolicy(c.text, { file: c.file });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PolicyError);
      expect((caught as PolicyError).code).toBe(code);
      expect((caught as PolicyError).message).toBe(message);
    });
  }
});

const yamlPolicy = `apiVersion: ainka.dev/v1
kind: Policy
name: demo
mode: enforce
rules:
  - name: relieve-memory
    when:
      all:
        - psi.memory.some_avg10 > 20 for 30s
        - any: ["mem.available_bytes < 1GiB", "not swap.used_ratio < 0.5"]
    then:
      - knob: sysctl:vm.swappiness
        adjust: {by: -10}
        min: 10
    cooldown: 2m
    priority: 70
    tags: [memory]
  - name: slow-service
    scope: {process: {comm: postgres}}
    mode: advise
    when: anomaly(process.cpu_cores) > 0.95
    then:
      - knob: process:{pid}:nice
        set: 5
`;

const jsonPolicy = JSON.stringify({
  apiVersion: 'ainka.dev/v1',
  kind: 'Policy',
  name: 'demo',
  mode: 'enforce',
  rules: [
    {
      name: 'relieve-memory',
      when: { all: ['psi.memory.some_avg10 > 20 for 30s', { any: ['mem.available_bytes < 1GiB', 'not swap.used_ratio < 0.5'] }] },
      then: [{ knob: 'sysctl:vm.swappiness', adjust: { by: -10 }, min: 10 }],
      cooldown: 120,
      priority: 70,
      tags: ['memory'],
    },
    { name: 'slow-service', scope: { process: { comm: 'postgres' } }, mode: 'advise', when: 'anomaly(process.cpu_cores) > 0.95', then: [{ knob: 'process:{pid}:nice', set: 5 }] },
  ],
});

describe('policy language', () => {
  it('reads YAML and JSON into the same policy', () => {
    const y = parsePolicy(yamlPolicy, { file: 'demo.yaml' });
    const j = parsePolicy(jsonPolicy, { file: 'demo.json' });
    expect({ ...y, file: '' }).toEqual({ ...j, file: '' });
    const rule = y.rules[0];
    expect(rule?.whenText).toBe('psi.memory.some_avg10 > 20 for 30s and (mem.available_bytes < 1073741824 or not swap.used_ratio < 0.5)');
    expect(rule).toMatchObject({ priority: 70, cooldown: 120, mode: 'enforce', scope: { kind: 'host' }, tags: ['memory'] });
    expect(y.rules[1]).toMatchObject({ mode: 'advise', scope: { kind: 'process', comm: 'postgres' }, priority: 50, cooldown: 300 });
  });

  it('defaults to advise mode', () => {
    const p = parsePolicy('apiVersion: ainka.dev/v1\nkind: Policy\nname: x\nrules:\n  - name: a\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n');
    expect(p.mode).toBe('advise');
    expect(p.rules[0]?.mode).toBe('advise');
  });

  it('parses thresholds, rates, durations, hysteresis, anomaly and forecast predicates', () => {
    const cases = [
      'psi.memory.some_avg10 > 20 for 30s',
      'rate(net.tcp.retransmits_total) >= 50 for 1min hysteresis 10',
      'forecast(mem.available_bytes, 5min) < 268435456',
      'cpu.busy_ratio > seasonal p95 * 1.2',
      'disk.read_bytes_per_second{device="sda"} > 104857600',
      'not (a.b > 1 or c.d < 2) and e.f != 3',
    ];
    for (const text of cases) {
      const r = parseCondition(text);
      expect(r.ok, text).toBe(true);
      if (r.ok) expect(conditionText(r.condition)).toBe(text);
    }
  });

  it('reports warnings without refusing the policy', () => {
    const r = checkPolicy(yamlPolicy);
    expect(r.policy).toBeDefined();
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('reports a feedback loop between rules of different priority as a warning, with its location', () => {
    const text = `apiVersion: ainka.dev/v1
kind: Policy
name: loop
rules:
  - name: up
    when: psi.memory.some_avg10 > 20
    then: [{knob: "sysctl:vm.watermark_scale_factor", adjust: {by: 50}, max: 500}]
    priority: 60
  - name: down
    when: psi.memory.some_avg10 <= 20
    then: [{knob: "sysctl:vm.watermark_scale_factor", adjust: {by: -50}, min: 10}]
`;
    const r = checkPolicy(text, { file: 'loop.yaml' });
    expect(r.policy?.name).toBe('loop');
    expect(r.issues.map(formatIssue)).toEqual([
      "loop.yaml:9:5: rules[1]: rules 'up' and 'down' form a feedback loop on sysctl:vm.watermark_scale_factor: each changes metrics the other reads, 'up' raises it by 50 and 'down' lowers it by 50, and no gap separates their conditions; leave a gap between the thresholds (e.g. > 20 vs < 10) or add hysteresis",
    ]);
    expect(r.issues[0]?.severity).toBe('warning');
  });

  it('finds loops through a chain of rules', () => {
    const text = `apiVersion: ainka.dev/v1
kind: Policy
name: chain
rules:
  - name: a
    when: psi.memory.some_avg10 > 20
    then: [{knob: "sysctl:vm.swappiness", set: 10}]
    priority: 60
  - name: b
    when: swap.used_ratio > 0.5
    then: [{knob: "cpufreq:policy0:scaling_governor", set: powersave}]
  - name: c
    when: cpu.busy_ratio > 0.5
    then: [{knob: "sysctl:vm.swappiness", set: 100}]
`;
    expect(checkPolicy(text, { file: 'chain.yaml' }).issues.map(formatIssue)).toEqual([
      "chain.yaml:12:5: rules[2]: rules 'a' and 'c' form a feedback loop on sysctl:vm.swappiness: they move each other's metrics through a chain of rules, 'a' sets it to 10 and 'c' sets it to 100, and no gap separates their conditions; leave a gap between the thresholds (e.g. > 20 vs < 10) or add hysteresis",
    ]);
  });

  it('warns about metric names missing from a given catalogue, with a suggestion', () => {
    const text = 'apiVersion: ainka.dev/v1\nkind: Policy\nname: m\nrules:\n  - name: a\n    when: psi.memory.some_avg01 > 20\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n';
    const r = checkPolicy(text, { file: 'm.yaml', metrics: ['psi.memory.some_avg10', 'cpu.busy_ratio'] });
    expect(r.policy).toBeDefined();
    expect(r.issues.map(formatIssue)).toEqual(["m.yaml:6:11: rules[0].when: metric 'psi.memory.some_avg01' is not in the metric catalogue; did you mean 'psi.memory.some_avg10'?"]);
  });

  it('parses an objective guard, and checks its metric against a given catalogue', () => {
    const text = 'apiVersion: ainka.dev/v1\nkind: Policy\nname: g\nrules:\n  - name: a\n    when: disk.write_await_seconds > 0.05\n    then:\n      - knob: sysctl:vm.dirty_bytes\n        set: 67108864\n        objective: {minimize: disk.write_await_seconds, margin: 0.05, guard: [{maximize: vm.dirtied_bytes_per_secnd}, {minimize: psi.io.some_avg10, margin: 0.1}]}\n';
    const r = checkPolicy(text, { file: 'g.yaml', metrics: ['disk.write_await_seconds', 'vm.dirtied_bytes_per_second', 'psi.io.some_avg10'] });
    expect(r.policy?.rules[0]?.then[0]?.objective?.guards).toEqual([
      { metric: 'vm.dirtied_bytes_per_secnd', goal: 'maximize', margin: 0.05 },
      { metric: 'psi.io.some_avg10', goal: 'minimize', margin: 0.1 },
    ]);
    expect(r.issues.map(formatIssue)).toEqual(["g.yaml:6:11: rules[0].when: metric 'vm.dirtied_bytes_per_secnd' is not in the metric catalogue; did you mean 'vm.dirtied_bytes_per_second'?"]);
  });

  it('accepts the same loop when a gap separates the conditions', () => {
    const text = `apiVersion: ainka.dev/v1
kind: Policy
name: loop
rules:
  - name: up
    when: psi.memory.some_avg10 > 20
    then: [{knob: "sysctl:vm.watermark_scale_factor", adjust: {by: 50}, max: 500}]
  - name: down
    when: psi.memory.some_avg10 < 5 for 10m
    then: [{knob: "sysctl:vm.watermark_scale_factor", adjust: {by: -50}, min: 10}]
`;
    expect(checkPolicy(text).issues).toEqual([]);
  });

  it('ships packs that pass every static check', () => {
    for (const name of Object.keys(policyPacks) as PolicyPackName[]) {
      const r = checkPolicy(policyPacks[name], { file: name });
      expect(r.issues, name).toEqual([]);
      expect(loadPolicyPack(name).name).toBe(name);
    }
    expect(() => loadPolicyPack('turbo' as PolicyPackName)).toThrow(/unknown policy pack 'turbo'; use one of server, throughput, latency/);
  });
});

describe('reason table', () => {
  it('lists every rule of the shipped packs with a sentence', async () => {
    const { reasonTable } = await import('../src/index.js');
    const table = reasonTable((Object.keys(policyPacks) as PolicyPackName[]).map(loadPolicyPack));
    expect(table).toHaveLength(25);
    expect(table[0]?.name).toBe('server/bbr-on-lossy-paths');
    expect(table[6]).toEqual({ id: 7, name: 'throughput/widen-read-ahead-for-streaming', description: 'Large sequential reads with little I/O pressure benefit from a bigger read-ahead window.' });
    for (const r of table) expect(r.description, r.name).toMatch(/^[A-Z].*\.$/);
  });
});
