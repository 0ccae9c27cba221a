import { describe, expect, it } from 'vitest';
import { MultivariateAnomalyDetector, seededRandom } from '../src/index.js';

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

describe('MultivariateAnomalyDetector', () => {
  const metrics = ['cpu', 'mem', 'io', 'net'];

  function feed(seed: number, n: number, d: MultivariateAnomalyDetector): void {
    const rand = seededRandom(seed);
    for (let i = 0; i < n; i++) {
      const load = rand() < 0.5 ? 20 : 70; // two regimes: idle and busy
      d.update(i * 1000, [load + gaussian(rand), 40 + gaussian(rand), load / 2 + gaussian(rand), 10 + gaussian(rand)]);
    }
  }

  it('scores normal vectors low and names the metric that broke away', () => {
    const d = new MultivariateAnomalyDetector({ metrics, seed: 7 });
    feed(11, 1500, d);
    const normal = d.update(1_500_000, [70, 40, 35, 10]);
    expect(normal.score).toBeLessThan(0.6);
    const odd = d.update(1_501_000, { cpu: 70, mem: 40, io: 35, net: 40 });
    expect(odd.score).toBeGreaterThan(0.95);
    expect(odd.explanation.top[0]).toBe('net');
    expect(odd.contributions.net).toBeGreaterThan(0.8);
    expect(odd.explanation.reason).toMatch(/net/);
  });

  it('flags a combination never seen even when each metric is within its own range', () => {
    const d = new MultivariateAnomalyDetector({ metrics, seed: 7 });
    const rand = seededRandom(12);
    for (let i = 0; i < 1500; i++) {
      const load = rand() < 0.5 ? 20 : 70; // every metric follows the regime
      d.update(i * 1000, [load + gaussian(rand), 30 + load / 4 + gaussian(rand), load / 2 + gaussian(rand), 5 + load / 5 + gaussian(rand)]);
    }
    // Busy cpu, memory and network with idle-level io: each value is usual on its own, the mix is not.
    const r = d.update(1_500_000, [70, 47.5, 10, 19]);
    expect(r.distanceRatio).toBeGreaterThan(2);
    expect(r.explanation.top).toContain('io');
  });

  it('gives identical results for the same seed', () => {
    const a = new MultivariateAnomalyDetector({ metrics, seed: 3 });
    const b = new MultivariateAnomalyDetector({ metrics, seed: 3 });
    feed(5, 800, a);
    feed(5, 800, b);
    expect(a.update(0, [1, 2, 3, 4])).toEqual(b.update(0, [1, 2, 3, 4]));
  });

  it('rejects vectors of the wrong length with a message naming the metrics', () => {
    const d = new MultivariateAnomalyDetector({ metrics });
    expect(() => d.update(0, [1, 2])).toThrow(/cpu, mem, io, net/);
  });
});
