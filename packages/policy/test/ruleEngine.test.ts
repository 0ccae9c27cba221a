import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConditionInterpreter, parsePolicy, RuleEngine, ThresholdManager, type Comparison, type ComparisonOp, type Condition, type Policy } from '../src/index.js';

function policyOf(...whens: string[]): Policy {
  const rules = whens.map((w, i) => `  - name: r${i}\n    when: ${JSON.stringify(w)}\n    then: [{knob: "sysctl:vm.swappiness", set: ${10 + i}}]\n    priority: ${i}\n`).join('');
  return parsePolicy(`apiVersion: ainka.dev/v1\nkind: Policy\nname: t\nrules:\n${rules}`);
}

function run(engine: RuleEngine, steps: readonly [number, Record<string, number>][]): string[][] {
  const f = engine.frame();
  return steps.map(([t, values]) => {
    f.clear();
    f.setAll(values);
    return engine.evaluate(f, t).map((h) => h.rule.name);
  });
}

describe('compiled rules', () => {
  it('"for 30 s" fires only after the condition held 30 s without a break', () => {
    const e = new RuleEngine([policyOf('psi.memory.some_avg10 > 20 for 30s')]);
    const p = (v: number) => ({ 'psi.memory.some_avg10': v });
    expect(run(e, [[0, p(25)], [10_000, p(30)], [20_000, p(10)], [30_000, p(25)], [50_000, p(25)], [60_000, p(25)], [70_000, p(25)]])).toEqual([[], [], [], [], [], ['r0'], ['r0']]);
  });

  it('rates are per second between evaluations and skip missing samples', () => {
    const e = new RuleEngine([policyOf('rate(net.tcp.retransmits_total) > 100')]);
    const r = (v: number) => ({ 'net.tcp.retransmits_total': v });
    expect(run(e, [[0, r(0)], [1000, r(50)], [2000, {}], [3000, r(500)], [4000, r(600)]])).toEqual([[], [], [], ['r0'], []]);
  });

  it('hysteresis keeps a rule on until the metric falls back past the band', () => {
    const e = new RuleEngine([policyOf('cpu.busy_ratio > 0.8 hysteresis 0.1')]);
    const c = (v: number) => ({ 'cpu.busy_ratio': v });
    expect(run(e, [[0, c(0.75)], [1, c(0.85)], [2, c(0.75)], [3, c(0.71)], [4, c(0.69)], [5, c(0.75)]])).toEqual([[], ['r0'], ['r0'], ['r0'], [], []]);
  });

  it('missing metrics make comparisons false (even !=)', () => {
    const e = new RuleEngine([policyOf('a.b != 1'), policyOf('not a.b > 1')]);
    expect(run(e, [[0, {}]])).toEqual([['r0']]); // only `not (missing > 1)` holds; `missing != 1` does not
  });

  it('reads anomaly scores and forecasts from the evaluation context', () => {
    const e = new RuleEngine([policyOf('anomaly(psi.memory.some_avg10) > 0.9 and forecast(mem.available_bytes, 5m) < 256MiB')]);
    const f = e.frame();
    const ctx = (score: number, left: number) => ({ anomalyScore: (m: string) => (m === 'psi.memory.some_avg10' ? score : undefined), forecast: (m: string, h: number) => (m === 'mem.available_bytes' && h === 300 ? left : undefined) });
    expect(e.evaluate(f, 0, ctx(0.95, 100 * 2 ** 20)).map((h) => h.rule.name)).toEqual(['r0']);
    expect(e.evaluate(f, 1, ctx(0.5, 100 * 2 ** 20))).toEqual([]);
    expect(e.evaluate(f, 2, {})).toEqual([]);
    const [hit] = e.evaluate(f, 3, ctx(0.99, 2 ** 27));
    expect(hit?.evidence.map((x) => `${x.subject}=${x.value}`)).toEqual(['anomaly(psi.memory.some_avg10)=0.99', 'forecast(mem.available_bytes, 5min)=134217728']);
  });

  it('gives the evidence that made a rule fire', () => {
    const e = new RuleEngine([policyOf('psi.memory.some_avg10 > 20 for 30s and (mem.available_bytes < 1GiB or swap.used_ratio > 0.5)')]);
    const f = e.frame();
    f.setAll({ 'psi.memory.some_avg10': 31.5, 'mem.available_bytes': 2 ** 31, 'swap.used_ratio': 0.7 });
    e.evaluate(f, 0);
    const [hit] = e.evaluate(f, 30_000);
    expect(hit?.evidence).toEqual([
      { subject: 'psi.memory.some_avg10', value: 31.5, op: '>', threshold: 20, for: 30, negated: false },
      { subject: 'swap.used_ratio', value: 0.7, op: '>', threshold: 0.5, for: 0, negated: false },
    ]);
  });

  it('uses learned dynamic thresholds once the baseline has enough samples', () => {
    const thresholds = new ThresholdManager({ minSamples: 10 });
    const e = new RuleEngine([policyOf('cpu.busy_ratio > p90 * 1.1')], { thresholds });
    const f = e.frame();
    f.set('cpu.busy_ratio', 0.9);
    expect(e.evaluate(f, 0)).toEqual([]); // no baseline yet: threshold NaN
    for (let i = 0; i < 100; i++) {
      f.set('cpu.busy_ratio', (i % 10) / 20); // 0 … 0.45
      e.learn(f, i * 1000);
    }
    f.set('cpu.busy_ratio', 0.6);
    const [hit] = e.evaluate(f, 200_000);
    // p90 of the baseline is 0.405; × 1.1 = 0.4455. The published value moves only in 5 % steps (threshold hysteresis).
    const published = hit?.evidence[0]?.threshold ?? 0;
    expect(Math.abs(published - 0.4455) / 0.4455).toBeLessThan(0.05);
    f.set('cpu.busy_ratio', 0.4);
    expect(e.evaluate(f, 201_000)).toEqual([]);
  });
});

// Random conditions over three metrics, checked against the interpreter on random metric sequences.
const metrics = ['m.a', 'm.b', 'm.c'];
const ops: ComparisonOp[] = ['>', '>=', '<', '<=', '==', '!='];
const leaf: fc.Arbitrary<Condition> = fc
  .record({
    metric: fc.constantFrom(...metrics),
    kind: fc.constantFrom('metric', 'metric', 'rate', 'anomaly'),
    op: fc.constantFrom(...ops),
    value: fc.integer({ min: -2, max: 6 }),
    for: fc.constantFrom(0, 0, 2, 5),
    hysteresis: fc.constantFrom(0, 0, 1),
  })
  .map(
    (r): Comparison => ({
      kind: 'compare',
      subject: r.kind === 'metric' ? { kind: 'metric', metric: r.metric } : r.kind === 'rate' ? { kind: 'rate', metric: r.metric } : { kind: 'anomaly', metric: r.metric },
      op: r.op,
      threshold: { kind: 'value', value: r.value },
      for: r.for,
      hysteresis: r.hysteresis,
    }),
  );
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant('all' as const), of: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('any' as const), of: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('not' as const), of: tie('c') }),
  ),
})).c;
const sample = fc.record({ 'm.a': fc.option(fc.integer({ min: 0, max: 5 })), 'm.b': fc.option(fc.integer({ min: 0, max: 5 })), 'm.c': fc.option(fc.integer({ min: 0, max: 5 })) });

describe('compiled rules agree with the reference interpreter', () => {
  it('on random conditions and random metric histories', () => {
    fc.assert(
      fc.property(condition, fc.array(sample, { minLength: 1, maxLength: 12 }), (cond, history) => {
        const policy: Policy = {
          name: 'p',
          description: '',
          mode: 'advise',
          tags: [],
          file: '',
          rules: [{ name: 'r', description: '', when: cond, whenText: '', then: [], priority: 50, cooldown: 0, mode: 'advise', scope: { kind: 'host' }, tags: [] }],
        };
        const engine = new RuleEngine([policy]);
        const interp = new ConditionInterpreter();
        const f = engine.frame();
        history.forEach((s, i) => {
          f.clear();
          const values = new Map<string, number>();
          for (const [k, v] of Object.entries(s)) if (v !== null) values.set(k, v);
          f.setAll(values);
          const ctx = { anomalyScore: (m: string) => (values.has(m) ? (values.get(m) ?? 0) / 5 : undefined) };
          const now = i * 1000;
          const compiled = engine.decide(f, now, ctx)[0];
          const reference = interp.evaluate(cond, (m) => values.get(m), now, ctx);
          expect(compiled).toBe(reference);
        });
      }),
      { numRuns: 400 },
    );
  });
});
