import type { KernelEvent, KernelStatus } from '@ainka/ipc';
import { Subject } from 'rxjs';
import { parsePolicy } from '@ainka/policy';
import { describe, expect, it } from 'vitest';
import { ImmediateStage, type KernelDecision, type KernelPort } from '../src/immediateStage.js';
import { createLogger } from '../src/logger.js';

const policy = (mode: 'advise' | 'enforce') =>
  parsePolicy(
    [
      'apiVersion: ainka.dev/v1',
      'kind: Policy',
      'name: host-test',
      `mode: ${mode}`,
      'rules:',
      '  - name: many-runnable',
      '    when: load.runnable_count > 2 for 1s',
      '    then: [{ knob: sysctl:vm.watermark_scale_factor, set: 20 }]',
      '  - name: anomalous',
      '    when: anomaly(cpu.busy_ratio) > 0.9',
      '    then: [{ knob: sysctl:vm.dirty_background_ratio, set: 5 }]',
      '',
    ].join('\n'),
    { file: 'host-test.yaml' },
  );

function fakeKernel() {
  const events$ = new Subject<KernelEvent>();
  const calls: string[] = [];
  let rules = 0;
  const counters = { samples: 10n, ringOverflows: 0n, ruleHits: 0n, actionsApplied: 0n, actionsReverted: 0n, watchdogFires: 0n, evalNsLast: 2_000n, evalNsP99: 45_000n, evalNsMax: 90_000n, tracepointEvents: 0n, heartbeats: 0n };
  const k: KernelPort = {
    events$,
    errors$: new Subject(),
    setMode: (m) => (calls.push(`mode ${String(m)}`), Promise.resolve(0)),
    loadPolicies: (r, o) => (calls.push(`load ${r.length} replace=${String(o?.replace)}`), (rules = r.length), Promise.resolve(r.length)),
    clearPolicies: () => (calls.push('clear'), (rules = 0), Promise.resolve(0)),
    status: () => Promise.resolve({ policyCount: rules, counters } as unknown as KernelStatus),
    close: () => (calls.push('close'), Promise.resolve()),
  };
  return { k, events$, calls, rules: () => rules };
}

describe('the immediate layer (kernel policy cache) against a fake AinkaKernel', () => {
  it('pushes the compilable rules in observe mode, records kernel events with what and why, and clears on close', async () => {
    const f = fakeKernel();
    const decisions: KernelDecision[] = [];
    const stage = ImmediateStage.attach(f.k, { mode: 'advise', log: createLogger('silent'), onDecision: (d) => decisions.push(d) });
    await stage.push([policy('enforce')]);
    expect(f.calls).toEqual(['mode observe', 'load 1 replace=true']);
    expect(stage.ruleCount).toBe(1);

    f.events$.next({ type: 'policy-hit', timestampNs: 1n, ruleId: 1, metricValue: 5n });
    f.events$.next({ type: 'request', timestampNs: 2n, ruleId: 1, requestCode: 1 });
    f.events$.next({ type: 'watchdog', timestampNs: 3n, mode: 0 });
    expect(decisions.map((d) => d.status)).toEqual(['kernel-hit', 'kernel-request', 'kernel-watchdog']);
    const hit = decisions[0] as KernelDecision;
    expect(hit.policy).toBe('host-test');
    expect(hit.rule).toBe('many-runnable');
    expect(hit.evidence).toEqual([{ series: 'load.runnable_count', value: 5, condition: expect.stringContaining('load.runnable_count > 2') as string }]);
    expect(hit.line).toMatch(/^kernel: rule 'many-runnable' of policy host-test held .* because /);
    expect(decisions[1]?.line).toContain('request code 1');

    await stage.poll();
    const s = stage.summary();
    expect(s.count).toBe(1);
    expect(s.p99).toBeCloseTo(0.045);
    expect(s.max).toBeCloseTo(0.09);

    await stage.close();
    expect(f.calls.slice(-2)).toEqual(['clear', 'close']);
    expect(f.rules()).toBe(0);
  });

  it('enforces in the kernel only when the daemon and the policy both say enforce', async () => {
    const f = fakeKernel();
    const stage = ImmediateStage.attach(f.k, { mode: 'enforce', log: createLogger('silent'), onDecision: () => undefined });
    await stage.push([policy('advise')]);
    expect(f.calls).toEqual(['mode observe', 'load 1 replace=true']);
    await stage.push([policy('enforce')]);
    expect(f.calls.slice(2)).toEqual(['mode observe', 'load 1 replace=true', 'mode enforce']);
    await stage.push([]);
    expect(f.calls.slice(-1)).toEqual(['clear']);
    await stage.close();
  });
});
