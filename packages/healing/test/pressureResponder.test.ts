import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PressureResponder, Protection, readPressureSample, type CgroupMemory } from '../src/index.js';

const MiB = 1024 * 1024;

/** A fake machine: /proc/pressure/memory, /proc/meminfo and cgroups with processes (files only; the responder reads them). */
function machine() {
  const root = mkdtempSync(join(tmpdir(), 'ainka-pressure-'));
  const w = (p: string, text: string) => {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  };
  w('sys/fs/cgroup/cgroup.controllers', 'cpu memory pids\n');
  const psi = (some: number) => w('proc/pressure/memory', `some avg10=${some.toFixed(2)} avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1\n`);
  const mem = (availMiB: number) => w('proc/meminfo', `MemTotal:        ${2048 * 1024} kB\nMemFree:  1 kB\nMemAvailable:    ${availMiB * 1024} kB\n`);
  let nextPid = 100;
  const cgroup = (path: string, mib: number, extra: { high?: number; someAvg10?: number } = {}) => {
    const d = `sys/fs/cgroup/${path}`;
    const pid = nextPid++;
    w(`${d}/cgroup.procs`, `${pid}\n`);
    w(`${d}/memory.current`, `${mib * MiB}\n`);
    w(`${d}/memory.high`, extra.high === undefined ? 'max\n' : `${extra.high}\n`);
    w(`${d}/memory.max`, 'max\n');
    w(`${d}/memory.events`, 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n');
    w(`${d}/memory.pressure`, `some avg10=${(extra.someAvg10 ?? 0).toFixed(2)} avg60=0.00 avg300=0.00 total=0\n`);
    w(`${d}/cgroup.freeze`, '0\n');
    w(`proc/${pid}/status`, `Name:\tx\nVmRSS:\t${mib * 1024} kB\n`);
    return pid;
  };
  psi(0);
  mem(1500);
  return { root, w, psi, mem, cgroup, sample: (t: number) => readPressureSample(root, 'sys/fs/cgroup', t) };
}

describe('PressureResponder (oomd-like ladder)', () => {
  it('stays quiet without pressure, then climbs throttle → freeze → (kill not allowed), one step per window, never on a protected unit', () => {
    const m = machine();
    m.cgroup('system.slice/ssh.service', 900); // protected and the largest
    m.cgroup('system.slice/db.service', 700); // protected by configuration
    m.cgroup('system.slice/balloon.service', 400);
    m.cgroup('system.slice/small.service', 8); // below minCgroupBytes
    m.w('sys/fs/cgroup/system.slice/cgroup.procs', ''); // a slice holds no process
    const r = new PressureResponder(new Protection(['db.service']), { sustainMs: 5000, stepMs: 20_000 });
    expect(r.evaluate(m.sample(0))).toBeUndefined();

    m.psi(35);
    m.mem(120);
    const first = r.evaluate(m.sample(1000));
    expect(first?.cgroup).toBe('system.slice/balloon.service');
    expect(first?.change).toBeUndefined(); // not sustained yet
    expect(first?.signals.join('; ')).toMatch(/PSI some avg10 35\.0 %.*MemAvailable 120 MiB/);

    const throttle = r.evaluate(m.sample(7000));
    expect(throttle?.step).toBe('throttle');
    const high = Math.ceil((400 * MiB * 0.95) / 4096) * 4096;
    expect(throttle?.change).toEqual({ knob: 'cgroup:system.slice/balloon.service:memory.high', value: String(high) });
    expect(throttle?.summary).toMatch(/culprit balloon\.service: largest unprotected memory user \(400 MiB\)/);

    // Within the verification window: no new step, whatever the pressure.
    m.w('sys/fs/cgroup/system.slice/balloon.service/memory.high', `${high}\n`);
    const verifying = r.evaluate(m.sample(20_000));
    expect(verifying?.change).toBeUndefined();
    expect(verifying?.remedy).toMatch(/verifying the throttle step/);

    const freeze = r.evaluate(m.sample(28_000));
    expect(freeze?.change).toEqual({ knob: 'cgroup:system.slice/balloon.service:cgroup.freeze', value: '1' });
    m.w('sys/fs/cgroup/system.slice/balloon.service/cgroup.freeze', '1\n');

    const stop = r.evaluate(m.sample(49_000));
    expect(stop?.change).toBeUndefined();
    expect(stop?.remedy).toMatch(/kill not allowed .*stays frozen/);
    expect(r.evaluate(m.sample(80_000))?.change).toBeUndefined();

    // Pressure gone: nothing more is asked for.
    m.psi(1);
    m.mem(900);
    expect(r.evaluate(m.sample(90_000))).toBeUndefined();
  });

  it('kills the largest process of the culprit only when allowKill, prefers `prefer` and avoids `avoid`', () => {
    const m = machine();
    m.cgroup('system.slice/web.service', 600);
    m.cgroup('batch.slice/job.service', 200);
    const big = m.cgroup('system.slice/cache.service', 800);
    m.psi(50);
    const r = new PressureResponder(new Protection(), { sustainMs: 0, stepMs: 1000, allowKill: true, prefer: ['batch.slice'], avoid: ['cache.service'] });
    expect(r.evaluate(m.sample(0))?.cgroup).toBe('batch.slice/job.service');

    const r2 = new PressureResponder(new Protection(), { sustainMs: 0, stepMs: 1000, allowKill: true, avoid: ['system.slice/web.service'] });
    expect(r2.evaluate(m.sample(0))?.cgroup).toBe('system.slice/cache.service');
    m.w('sys/fs/cgroup/system.slice/cache.service/memory.high', `${700 * MiB}\n`); // already under the target: throttle is skipped
    const next = r2.evaluate(m.sample(2000));
    expect(next?.step).toBe('freeze');
    m.w('sys/fs/cgroup/system.slice/cache.service/cgroup.freeze', '1\n');
    const kill = r2.evaluate(m.sample(4000));
    expect(kill?.change).toEqual({ knob: `process:${big}:kill`, value: 'kill' });
    expect(kill?.remedy).toMatch(/cannot be rolled back/);
  });

  it('climbs only past a step that was applied and reads back in force; a refused or undone step is asked for again with the reason', () => {
    const m = machine();
    m.cgroup('system.slice/balloon.service', 1200);
    m.psi(45);
    const r = new PressureResponder(new Protection(), { sustainMs: 0, stepMs: 8000 });
    const throttle = r.evaluate(m.sample(0));
    expect(throttle?.change?.knob).toBe('cgroup:system.slice/balloon.service:memory.high');
    // The action stage skipped it: the ladder stays on throttle, says why, and does not freeze.
    r.settle('system.slice/balloon.service', 'throttle', { applied: false, reason: 'D8 skipped: refusing memory.high below its floor' });
    const held = r.evaluate(m.sample(9000));
    expect(held?.step).toBe('throttle');
    expect(held?.change?.knob).toBe('cgroup:system.slice/balloon.service:memory.high');
    expect(held?.remedy).toMatch(/asked again: D8 skipped: refusing memory\.high below its floor/);
    const early = r.evaluate(m.sample(10_000));
    expect(early?.change).toBeUndefined();
    expect(early?.remedy).toMatch(/waiting for the throttle step to be applied \(memory\.high reads max\)/);
    // No outcome reported and nothing in force after a window: refused for that reason, asked again — never frozen.
    const stale = r.evaluate(m.sample(18_000));
    expect(stale?.step).toBe('throttle');
    expect(stale?.remedy).toMatch(/asked again: not in force 9 s after it was asked for \(memory\.high reads max\)/);
    // Applied and read back: verified, then the next step after a window.
    const high = stale?.change?.value as string;
    r.settle('system.slice/balloon.service', 'throttle', { applied: true, reason: '', value: high });
    m.w('sys/fs/cgroup/system.slice/balloon.service/memory.high', `${high}\n`);
    expect(r.evaluate(m.sample(20_000))?.remedy).toMatch(/verifying the throttle step \(in force for 2 s: memory\.high reads 1140 MiB/);
    // Undone outside the ladder (systemd wrote max back, or the unit restarted): asked again at once, not frozen.
    m.w('sys/fs/cgroup/system.slice/balloon.service/memory.high', 'max\n');
    const undone = r.evaluate(m.sample(27_000));
    expect(undone?.step).toBe('throttle');
    expect(undone?.change?.knob).toBe('cgroup:system.slice/balloon.service:memory.high');
    expect(undone?.remedy).toMatch(/asked again: the throttle step no longer holds \(memory\.high reads max\): undone outside the ladder/);
    m.w('sys/fs/cgroup/system.slice/balloon.service/memory.high', `${undone?.change?.value}\n`);
    expect(r.evaluate(m.sample(28_000))?.change).toBeUndefined();
    expect(r.evaluate(m.sample(36_000))?.change).toEqual({ knob: 'cgroup:system.slice/balloon.service:cgroup.freeze', value: '1' });
  });

  it('says which of its steps still holds on a cgroup (what other parts must not undo), and none once undone', () => {
    const m = machine();
    m.cgroup('system.slice/balloon.service', 1200);
    m.cgroup('system.slice/web.service', 100);
    m.psi(45);
    const r = new PressureResponder(new Protection(), { sustainMs: 0, stepMs: 1000 });
    const at = (t: number, path = 'system.slice/balloon.service') => m.sample(t).cgroups.find((c) => c.path === path) as CgroupMemory;
    expect(r.holding(at(0))).toBeUndefined(); // never acted there
    const throttle = r.evaluate(m.sample(0));
    expect(r.holding(at(0))).toBeUndefined(); // asked, not in force yet
    m.w('sys/fs/cgroup/system.slice/balloon.service/memory.high', `${throttle?.change?.value}\n`);
    r.settle('system.slice/balloon.service', 'throttle', { applied: true, reason: '' });
    expect(r.holding(at(500))).toBe('throttle');
    expect(r.holding(at(500, 'system.slice/web.service'))).toBeUndefined();
    expect(r.evaluate(m.sample(2000))?.change?.knob).toBe('cgroup:system.slice/balloon.service:cgroup.freeze');
    m.w('sys/fs/cgroup/system.slice/balloon.service/cgroup.freeze', '1\n');
    expect(r.holding(at(2500))).toBe('freeze');
    // Thawed by hand: the throttle under it still holds; lifted too (a restart): nothing holds.
    m.w('sys/fs/cgroup/system.slice/balloon.service/cgroup.freeze', '0\n');
    expect(r.holding(at(3000))).toBe('throttle');
    m.w('sys/fs/cgroup/system.slice/balloon.service/memory.high', 'max\n');
    expect(r.holding(at(3000))).toBeUndefined();
  });

  it('never kills an avoid-labelled cgroup, even with allowKill', () => {
    const m = machine();
    m.cgroup('system.slice/cache.service', 800, { high: 100 * MiB });
    m.w('sys/fs/cgroup/system.slice/cache.service/cgroup.freeze', '1\n');
    m.psi(50);
    const r = new PressureResponder(new Protection(), { sustainMs: 0, stepMs: 1000, allowKill: true, avoid: ['cache.service'] });
    const f = r.evaluate(m.sample(0));
    expect(f?.cgroup).toBe('system.slice/cache.service'); // nothing else qualifies
    expect(f?.change).toBeUndefined();
    expect(f?.remedy).toMatch(/kill not allowed: cache\.service is labelled avoid, so it is never killed/);
  });

  it('acts on a cgroup stalling at its own limit when the machine is fine', () => {
    const m = machine();
    m.cgroup('system.slice/quiet.service', 900);
    m.cgroup('system.slice/capped.service', 100, { someAvg10: 60 });
    const r = new PressureResponder(new Protection(), { sustainMs: 0 });
    const f = r.evaluate(m.sample(0));
    expect(f?.cgroup).toBe('system.slice/capped.service');
    expect(f?.signals[0]).toMatch(/memory PSI of system\.slice\/capped\.service some avg10 60\.0 %/);
    expect(f?.change?.knob).toBe('cgroup:system.slice/capped.service:memory.high');
  });

  it('rejects nonsense options with the fix', () => {
    expect(() => new PressureResponder(new Protection(), { someAvg10Percent: 0 })).toThrow(/someAvg10Percent 0 is not in \(0, 100\]/);
    expect(() => new PressureResponder(new Protection(), { minAvailableFraction: 2 })).toThrow(/ERR_AINKA_HEALING_INVALID_OPTION|minAvailableFraction 2/);
  });
});
