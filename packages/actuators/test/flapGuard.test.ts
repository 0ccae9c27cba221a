import { describe, expect, it } from 'vitest';
import { FlapGuard } from '../src/index.js';

function walk(guard: FlapGuard, knob: string, from: number, to: number): number[] {
  const seen: number[] = [];
  let current = from;
  for (let step = 0, now = 0; current !== to && step < 50; step++, now += 3_600_000) {
    const d = guard.admit(knob, String(current), String(to), now, true);
    if (!d.allowed) throw new Error(d.why);
    guard.record(knob, String(current), d.value, now);
    current = Number(d.value);
    seen.push(current);
  }
  return seen;
}

describe('FlapGuard damped steps', () => {
  it('halves on the way down and doubles on the way up', () => {
    expect(walk(new FlapGuard({ reversalDwellMs: 0 }), 'sysctl:vm.swappiness', 60, 10)).toEqual([30, 15, 10]);
    expect(walk(new FlapGuard({ reversalDwellMs: 0 }), 'sysctl:vm.swappiness', 10, 60)).toEqual([20, 40, 60]);
    expect(walk(new FlapGuard({ reversalDwellMs: 0 }), 'sysctl:vm.swappiness', 0, 3)).toEqual([2, 3]);
  });

  it('can be switched off per knob', () => {
    const g = new FlapGuard({}, { 'sysctl:net.core.rmem_max': { maxRelativeStep: 1 } });
    expect(g.admit('sysctl:net.core.rmem_max', '212992', '16777216', 0, true)).toEqual({ allowed: true, value: '16777216', damped: false });
    expect(g.admit('sysctl:vm.swappiness', '60', '10', 0, true)).toEqual({ allowed: true, value: '30', damped: true });
  });

  it('limits systemd restarts through family overrides', () => {
    const g = new FlapGuard({}, { systemd: { minDwellMs: 600_000 } });
    g.record('systemd:nginx.service:restart', 'active', 'restart', 0);
    expect(g.admit('systemd:nginx.service:restart', 'active', 'restart', 300_000, false)).toMatchObject({ allowed: false, retryAt: 600_000 });
  });
});
