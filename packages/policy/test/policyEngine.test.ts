import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { loadPolicyPack, PolicyEngine } from '../src/index.js';

describe('PolicyEngine', () => {
  it('turns a stream of samples into plans', async () => {
    const engine = new PolicyEngine([loadPolicyPack('network-under-loss')]);
    const samples = [0, 30_000, 60_000, 90_000].map((at) => ({ at, values: { 'net.tcp.retransmit_ratio': 0.05 } }));
    const decisions = await lastValueFrom(engine.decisions(from(samples)).pipe(toArray()));
    expect(decisions.map((d) => d.plan.actions.map((a) => `${a.knob}=${a.value}`))).toEqual([
      [],
      [],
      ['sysctl:net.core.default_qdisc=fq', 'sysctl:net.ipv4.tcp_congestion_control=bbr', 'sysctl:net.ipv4.tcp_mtu_probing=1'],
      [],
    ]);
    expect(decisions[2]?.plan.actions[0]?.because).toBe('net.tcp.retransmit_ratio = 0.05 > 0.02 for 60 s');
    expect(decisions[3]?.plan.suppressed[0]?.why).toBe('cooling down for 1770 s more');
  });
});
