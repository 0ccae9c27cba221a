import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CgroupActuator, createActuators, parseKnobId } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'ainka-cgroup-actuator-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The real egress block (cgroup BPF on the kernel) is tested in @ainka/ebpf (cgroupEgress.kernel.test.ts)
// and through the journal in @ainka/guard (responder.test.ts); this covers the routing and the refusals.
describe('cgroup actuator', () => {
  it('still writes cgroup interface files under the root', async () => {
    mkdirSync(join(root, 'sys/fs/cgroup/app.slice'), { recursive: true });
    writeFileSync(join(root, 'sys/fs/cgroup/app.slice/cpu.weight'), '100\n');
    const a = createActuators().cgroup;
    const knob = parseKnobId('cgroup:app.slice:cpu.weight');
    await a.apply(root, knob, '200');
    expect(readFileSync(join(root, 'sys/fs/cgroup/app.slice/cpu.weight'), 'utf8').trim()).toBe('200');
  });

  it('refuses egress without a backend, naming the fix', async () => {
    await expect(new CgroupActuator().read(root, parseKnobId('cgroup:app.slice:egress'))).rejects.toMatchObject({
      code: 'ERR_AINKA_KNOB_UNAVAILABLE',
      message: expect.stringMatching(/CgroupEgress/),
    });
  });

  it('refuses egress on the root cgroup or a path leaving it, and values outside the three states', async () => {
    const calls: string[] = [];
    const a = new CgroupActuator({ state: () => 'allowed', set: (_r, p, s) => void calls.push(`${p}=${s}`) });
    // parseKnobId refuses '..' already; the actuator checks again for knob objects built by hand
    const up = { ...parseKnobId('cgroup:app.slice:egress'), target: 'app.slice/../..' };
    await expect(a.read(root, up)).rejects.toMatchObject({ code: 'ERR_AINKA_KNOB_UNKNOWN' });
    await expect(a.apply(root, { ...up, target: '/' }, 'blocked')).rejects.toMatchObject({ code: 'ERR_AINKA_KNOB_UNKNOWN' });
    await expect(a.validate(root, parseKnobId('cgroup:app.slice:egress'), 'closed')).rejects.toMatchObject({ code: 'ERR_AINKA_KNOB_OUT_OF_BOUNDS' });
    await a.validate(root, parseKnobId('cgroup:app.slice:egress'), 'blocked-except-loopback');
    await a.revert(root, parseKnobId('cgroup:app.slice:egress'), 'allowed');
    expect(calls).toEqual(['app.slice=allowed']);
  });
});
