import { describe, expect, it } from 'vitest';
import { Protection, leakRemedy, type LeakFinding } from '../src/index.js';

// ainkad may run under any unit name (the systemd guest test runs it as `<tag>-ainkad.service`); its own
// cgroup, read from /proc/self/cgroup, is what makes it untouchable, not the name `ainkad.service`.
const own = 'system.slice/ainka-heal-77-ainkad.service';

describe("Protection of the daemon's own cgroup", () => {
  const p = new Protection([], [], { cgroups: [`/${own}/`] });

  it('refuses its own cgroup, the service owning it, a cgroup inside it and one containing it, naming the reason', () => {
    expect(p.unit('ainka-heal-77-ainkad.service')).toBe(true);
    expect(p.protectedUnits).toContain('ainka-heal-77-ainkad.service');
    expect(p.cgroup(own)).toMatch(/ainka-heal-77-ainkad\.service is protected|ainkad's own cgroup/);
    expect(p.cgroup(`${own}/worker`)).toMatch(/ainka-heal-77-ainkad\.service is protected|inside ainkad's own cgroup/);
    // A process of the daemon's cgroup (not the daemon's pid: a child it started) is refused too.
    expect(p.process(31337, `/${own}`)).toMatch(/ainka-heal-77-ainkad\.service is protected|ainkad's own cgroup/);
  });

  it('refuses by cgroup alone when the daemon is not in a service (a scope, a user session)', () => {
    const scope = 'user.slice/user-0.slice/session-4.scope';
    const q = new Protection([], [], { cgroups: [scope] });
    expect(q.unit('session-4.scope')).toBe(false);
    expect(q.cgroup(scope)).toBe(`${scope} is ainkad's own cgroup`);
    expect(q.cgroup(`${scope}/sub`)).toBe(`${scope}/sub is inside ainkad's own cgroup ${scope}`);
    expect(q.cgroup('user.slice/user-0.slice')).toMatch(/contains ainkad's own cgroup|is a slice/);
    expect(q.process(4321, scope)).toBe(`pid 4321: ${scope} is ainkad's own cgroup`);
    expect(q.process(4321, `${scope}/sub`)).toMatch(/inside ainkad's own cgroup/);
    expect(q.cgroup('user.slice/user-0.slice/session-5.scope')).toBeUndefined();
    expect(q.process(4321, 'user.slice/user-0.slice/session-5.scope')).toBeUndefined();
  });

  it('leaves an unrelated service alone, even one whose name shares a prefix', () => {
    expect(p.unit('web.service')).toBe(false);
    expect(p.cgroup('system.slice/web.service')).toBeUndefined();
    expect(p.cgroup(`${own}x`)).toBeUndefined();
    expect(p.process(4242, 'system.slice/web.service')).toBeUndefined();
    // Without the option, the same unit name is not protected (only `ainkad.service` is, by name).
    expect(new Protection().cgroup(own)).toBeUndefined();
  });

  it('keeps the leak part off the daemon: no restart or throttle of its unit, its cgroup or its processes', () => {
    const cgroupFinding = { key: `cgroup:${own}/memory`, subject: { kind: 'cgroup', cgroup: own, unit: 'ainka-heal-77-ainkad.service' }, resource: 'memory' } as unknown as LeakFinding;
    const processFinding = { key: 'pid:999:1/memory', subject: { kind: 'process', pid: 999, comm: 'node', startTime: '1', cgroup: own, unit: 'ainka-heal-77-ainkad.service' }, resource: 'memory' } as unknown as LeakFinding;
    for (const f of [cgroupFinding, processFinding]) {
      const r = leakRemedy(f, p, 200 * 1024 * 1024);
      expect(r.change, r.note).toBeUndefined();
      expect(r.note).toMatch(/^not touched: .*(ainka-heal-77-ainkad\.service is protected|ainkad's own cgroup)/);
    }
    // The same finding in another service is restarted.
    const other = { ...cgroupFinding, subject: { kind: 'cgroup', cgroup: 'system.slice/web.service', unit: 'web.service' } } as unknown as LeakFinding;
    expect(leakRemedy(other, p, 200 * 1024 * 1024).change).toEqual({ knob: 'systemd:web.service:restart', value: 'restart' });
  });
});
