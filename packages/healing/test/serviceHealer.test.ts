import { describe, expect, it } from 'vitest';
import { Protection, ServiceHealer, type UnitEvent } from '../src/index.js';

const ev = (unit: string, at: number, activeState: string, extra: Partial<UnitEvent> = {}): UnitEvent => ({ unit, at, activeState, ...extra });

describe('ServiceHealer', () => {
  it('restarts a unit that died once, after the shortest delay', () => {
    const h = new ServiceHealer(new Protection());
    h.observe(ev('web.service', 0, 'active'));
    const d = h.observe(ev('web.service', 3600_000, 'failed', { result: 'signal' }));
    expect(d).toMatchObject({ action: 'restart', delayMs: 1000 });
    expect(d.reason).toMatch(/failed \(signal\) after 3600\.0 s/);
  });

  it('learns the delay from how long the unit survives, doubles it, then gives up on a crash loop', () => {
    const h = new ServiceHealer(new Protection());
    let t = 0;
    const decisions = [];
    for (let i = 0; i < 3; i++) {
      h.observe(ev('bad.service', t, 'active'));
      t += 5000; // exits 1 after 5 s
      decisions.push(h.observe(ev('bad.service', t, 'failed', { result: 'exit-code' })));
      t += 1000;
    }
    expect(decisions[0]).toMatchObject({ action: 'restart', delayMs: 5000 });
    expect(decisions[1]).toMatchObject({ action: 'restart', delayMs: 10000 });
    expect(decisions[2]?.action).toBe('give-up');
    expect(decisions[2]?.reason).toMatch(/crash-looping.*3 failures.*5\.0 s, 5\.0 s, 5\.0 s/);
    expect(h.failures('bad.service')).toEqual([5000, 5000, 5000]);
  });

  it('counts systemd restarts (Restart=) as failures without adding its own', () => {
    const h = new ServiceHealer(new Protection());
    h.observe(ev('loop.service', 0, 'active'));
    const a = h.observe(ev('loop.service', 2000, 'activating', { subState: 'auto-restart' }));
    expect(a.action).toBe('none');
    h.observe(ev('loop.service', 2100, 'active'));
    h.observe(ev('loop.service', 4000, 'activating', { subState: 'auto-restart' }));
    h.observe(ev('loop.service', 4100, 'active'));
    expect(h.observe(ev('loop.service', 6000, 'activating', { subState: 'auto-restart' })).action).toBe('give-up');
  });

  it('leaves masked, admin-stopped and protected units alone', () => {
    const h = new ServiceHealer(new Protection(['db.service']));
    h.observe(ev('m.service', 0, 'active'));
    expect(h.observe(ev('m.service', 100_000, 'failed', { loadState: 'masked' })).action).toBe('respect');
    h.observe(ev('s.service', 0, 'active'));
    const stop = h.observe(ev('s.service', 100_000, 'inactive', { result: 'success' }));
    expect(stop.action).toBe('none'); // a routine clean stop is not a finding
    expect(stop.reason).toMatch(/stopped cleanly/);
    expect(h.observe(ev('s.service', 100_100, 'failed')).action).toBe('respect');
    h.observe(ev('db.service', 0, 'active'));
    expect(h.observe(ev('db.service', 100_000, 'failed')).reason).toMatch(/protected/);
    // A unit healing saw fail, stopped by hand afterwards: healing says it stands down.
    h.observe(ev('f.service', 0, 'active'));
    expect(h.observe(ev('f.service', 100_000, 'failed')).action).toBe('restart');
    h.observe(ev('f.service', 101_000, 'active'));
    expect(h.observe(ev('f.service', 300_000, 'inactive', { result: 'success' })).action).toBe('respect');
    // Scopes and slices are not restartable: their failure is left to systemd.
    h.observe(ev('session-3.scope', 0, 'active'));
    const scope = h.observe(ev('session-3.scope', 100_000, 'failed'));
    expect(scope.action).toBe('none');
    expect(scope.reason).toMatch(/scope unit cannot be restarted/);
    h.observe(ev('ssh.service', 0, 'active'));
    expect(h.observe(ev('ssh.service', 100_000, 'failed')).action).toBe('none');
  });
});
