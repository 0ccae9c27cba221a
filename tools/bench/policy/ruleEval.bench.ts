// Rule-evaluation benchmark for @ainka/policy: compiled rules vs the reference interpreter, same run.
// Reproduce: cd /work/main && npx tsx tools/bench/policy/ruleEval.bench.ts
import { ConditionInterpreter, loadPolicyPack, parsePolicy, policyPacks, RuleEngine, type Policy, type PolicyPackName } from '../../../packages/policy/src/index.ts';

const metrics = ['psi.memory.some_avg10', 'psi.cpu.some_avg10', 'psi.io.some_avg10', 'cpu.busy_ratio', 'mem.available_bytes', 'net.tcp.retransmit_ratio', 'disk.read_bytes_per_second', 'load.avg1'];
const ops = ['>', '<', '>=', '<='];

/** 200 synthetic rules of the shapes policies use: single comparisons, conjunctions, durations, rates. */
function synthetic(n: number): Policy {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const cmp = () => `${pick(metrics)} ${pick(ops)} ${Math.round(rnd() * 100)}`;
  const rules: string[] = [];
  for (let i = 0; i < n; i++) {
    const shape = i % 4;
    const when = shape === 0 ? cmp() : shape === 1 ? `${cmp()} and ${cmp()}` : shape === 2 ? `${cmp()} for 30s` : `rate(${pick(metrics)}) > 5 or (${cmp()} and not ${cmp()})`;
    rules.push(`  - name: r${i}\n    when: ${JSON.stringify(when)}\n    then: [{knob: "sysctl:vm.swappiness", set: ${i % 200}}]\n    priority: ${i % 100}\n`);
  }
  // Synthetic rules conflict freely; skip the static checks that would reject them.
  return parsePolicy(`apiVersion: ainka.dev/v1\nkind: Policy\nname: synthetic\nrules:\n${rules.join('')}`, { staticChecks: false });
}

function main(): void {
  const packs = (Object.keys(policyPacks) as PolicyPackName[]).map(loadPolicyPack);
  const policies: Policy[] = [...packs, synthetic(200)];
  const engine = new RuleEngine(policies);
  const rules = policies.flatMap((p) => p.rules);
  const frames = Array.from({ length: 64 }, (_, k) => {
    const values = new Map<string, number>();
    metrics.forEach((m, j) => values.set(m, ((k * 7 + j * 13) % 100) + 0.5));
    return values;
  });
  const frame = engine.frame();
  const out: boolean[] = [];

  const runCompiled = (iterations: number): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      const values = frames[i & 63] as Map<string, number>;
      for (const [m, v] of values) frame.set(m, v);
      engine.decide(frame, i * 1000, {}, out);
    }
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const interp = new ConditionInterpreter();
  const runInterpreted = (iterations: number): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      const values = frames[i & 63] as Map<string, number>;
      const lookup = (m: string) => values.get(m);
      for (let r = 0; r < rules.length; r++) out[r] = interp.evaluate((rules[r] as (typeof rules)[number]).when, lookup, i * 1000);
    }
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const runWithEvidence = (iterations: number): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      const values = frames[i & 63] as Map<string, number>;
      for (const [m, v] of values) frame.set(m, v);
      engine.evaluate(frame, i * 1000);
    }
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };

  // Warm up, then measure each for ~1 s worth of iterations.
  for (let w = 0; w < 3; w++) {
    runCompiled(3000);
    runInterpreted(300);
    runWithEvidence(750);
  }
  // Five interleaved rounds; report the median of each (the machine is shared, so single runs are noisy).
  const iters = 20_000;
  const n = engine.size;
  const rounds = { compiled: [] as number[], evidence: [] as number[], interpreted: [] as number[] };
  for (let r = 0; r < 5; r++) {
    rounds.compiled.push((iters * n) / runCompiled(iters));
    rounds.interpreted.push(((iters / 10) * n) / runInterpreted(iters / 10));
    rounds.evidence.push(((iters / 4) * n) / runWithEvidence(iters / 4));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const fmt = (xs: number[]) => `${(median(xs) / 1e6).toFixed(2)} M decisions/s (min ${(Math.min(...xs) / 1e6).toFixed(2)}, max ${(Math.max(...xs) / 1e6).toFixed(2)})`;
  const compiledRate = median(rounds.compiled);
  console.log(`rules: ${n} (6 shipped packs + 200 synthetic), metrics per frame: ${metrics.length}, node ${process.version}, median of 5 rounds`);
  console.log(`compiled    (decide)        : ${fmt(rounds.compiled)}`);
  console.log(`compiled    (with evidence) : ${fmt(rounds.evidence)}`);
  console.log(`interpreted (baseline)      : ${fmt(rounds.interpreted)}`);
  console.log(`ratio compiled / interpreted: ${(compiledRate / median(rounds.interpreted)).toFixed(1)}×`);
  console.log(`target ≥ 1 M decisions/s: ${compiledRate >= 1e6 ? 'met' : 'NOT met'} (seed floor 10 k/s)`);
  console.log('reproduce: cd /work/main && npx tsx tools/bench/policy/ruleEval.bench.ts');
}

main();
