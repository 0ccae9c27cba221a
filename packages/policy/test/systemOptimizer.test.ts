import { describe, expect, it } from 'vitest';
import { runOptimizer, SystemOptimizer, type OptimizerEvent } from '../src/index.js';

/** Deterministic noise: mulberry32 + Box–Muller. */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

const readAhead = Array.from({ length: 32 }, (_, i) => (i + 1) * 128); // 128 … 4096 kB

describe('SystemOptimizer', () => {
  it('converges near the best read_ahead_kb on a noisy simulated throughput curve', async () => {
    const results: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const noise = gaussian(seed);
      // Throughput (MB/s) peaks at 1536 kB; noise σ = 3 MB/s.
      const throughput = (kb: number) => 400 - 40 * ((kb - 1536) / 512) ** 2 + 3 * noise();
      const opt = new SystemOptimizer({ knob: 'block:sda:read_ahead_kb', candidates: readAhead, initial: 128 });
      let knob = 128;
      const best = await runOptimizer(opt, { apply: async (v) => void (knob = v), measure: async () => throughput(knob) }, 400);
      results.push(best);
      expect(knob).toBe(best);
    }
    console.log(`optimizer: best read_ahead_kb per seed after 400 noisy steps: ${results.join(', ')} (optimum 1536)`);
    for (const best of results) expect(Math.abs(best - 1536)).toBeLessThanOrEqual(256);
  });

  it('never strays further than the trust region from the best-known setting', () => {
    const opt = new SystemOptimizer({ knob: 'k', candidates: readAhead, initial: 2048, trustRadius: 1, maxTrustRadius: 2 });
    const noise = gaussian(9);
    let best = opt.best.value;
    for (let s = 0; s < 200; s++) {
      const v = opt.suggest();
      expect(Math.abs(readAhead.indexOf(v) - readAhead.indexOf(best))).toBeLessThanOrEqual(2);
      opt.observe(v, 100 + noise());
      best = opt.best.value;
    }
  });

  it('rolls back automatically when a setting makes the objective worse than the baseline', async () => {
    const noise = gaussian(7);
    // Any change from the baseline halves the objective.
    const objective = (kb: number) => (kb === 512 ? 100 : 50) + noise();
    const events: OptimizerEvent[] = [];
    const opt = new SystemOptimizer({ knob: 'block:sda:read_ahead_kb', candidates: readAhead, initial: 512 });
    let knob = 512;
    const tried: number[] = [];
    const best = await runOptimizer(opt, { apply: async (v) => void (knob = v), measure: async () => (tried.push(knob), objective(knob)), onEvent: (e) => events.push(e) }, 100);
    expect(best).toBe(512);
    expect(opt.rollbacks).toBe(2);
    expect(opt.banned()).toEqual([384, 640]);
    expect(events.filter((e) => e.type === 'rollback').map((e) => `${e.from} → ${e.to}`)).toEqual(['384 → 512', '640 → 512']);
    // After the rollbacks it stays on the baseline: the worse settings were each tried only minSamples times.
    expect(tried.filter((v) => v !== 512)).toHaveLength(6);
  });
});

describe('SystemOptimizer over words', () => {
  it('picks the congestion control with the best goodput on a lossy simulated link', async () => {
    const noise = gaussian(11);
    const goodput: Record<string, number> = { reno: 40, cubic: 55, bbr: 90 }; // Mbit/s under 2 % random loss
    const opt = new SystemOptimizer<string>({ knob: 'sysctl:net.ipv4.tcp_congestion_control', candidates: ['reno', 'cubic', 'bbr'], initial: 'cubic' });
    let cc = 'cubic';
    const best = await runOptimizer(opt, { apply: async (v) => void (cc = v), measure: async () => (goodput[cc] ?? 0) + 8 * noise() }, 60);
    expect(best).toBe('bbr');
    expect(opt.baseline.value).toBe('cubic');
    expect(() => opt.observe('vegas', 1)).toThrow("'vegas' is not one of the candidates of sysctl:net.ipv4.tcp_congestion_control (reno, cubic, bbr); pass a candidate");
  });
});
