import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActionStage } from '../src/actionStage.js';
import type { HealingRecord } from '../src/api.js';
import { parseDaemonConfig } from '../src/config.js';
import { HealingStage } from '../src/healingStage.js';
import { createLogger } from '../src/logger.js';
import { eventually, tempDir } from './harness.js';

// The pressure ladder composed by ainkad (HealingStage → ActionStage → @ainka/actuators' ChangeManager),
// on a fake machine: /proc/pressure/memory, /proc/meminfo and cgroup v2 files under a root. Everything
// else is real: the journal, the knob bounds, the writes and their read-back.
const MiB = 1024 * 1024;
const cg = 'system.slice/balloon.service';
const stages: HealingStage[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const s of stages.splice(0)) s.close();
});

function machine(balloonMiB: number) {
  const root = tempDir('heal-pressure');
  const w = (p: string, text: string) => {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  };
  w('sys/fs/cgroup/cgroup.controllers', 'cpu memory pids\n');
  w('proc/pressure/memory', 'some avg10=45.00 avg60=10.00 avg300=2.00 total=1\nfull avg10=30.00 avg60=0.00 avg300=0.00 total=1\n');
  w('proc/meminfo', `MemTotal:        ${2048 * 1024} kB\nMemFree:  1 kB\nMemAvailable:    ${100 * 1024} kB\n`);
  const d = `sys/fs/cgroup/${cg}`;
  w(`${d}/cgroup.procs`, '4242\n');
  w(`${d}/memory.current`, `${balloonMiB * MiB}\n`);
  w(`${d}/memory.high`, 'max\n');
  w(`${d}/memory.max`, 'max\n');
  w(`${d}/memory.events`, 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n');
  w(`${d}/memory.pressure`, 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
  w(`${d}/cgroup.freeze`, '0\n');
  w('proc/4242/status', `Name:\tballoon\nVmRSS:\t${balloonMiB * 1024} kB\n`);
  return { root, w, file: (name: string) => readFileSync(join(root, d, name), 'utf8').trim(), dir: join(root, d) };
}

async function compose(root: string, applyDelayMs?: number) {
  const stateDir = tempDir('heal-pressure-state');
  const config = parseDaemonConfig({
    mode: 'enforce',
    telemetry: { procRoot: root },
    healing: { mode: 'enforce', leaks: { enabled: false }, drift: { enabled: false }, services: { enabled: false }, pressure: { intervalMs: 200, sustainSeconds: 0, stepSeconds: 1 } },
  });
  const actions = await ActionStage.open({ stateDir, root, mode: 'enforce', rollbackOnExit: false, recovery: 'revert', maxPerMinute: 30, log: () => undefined, ...(applyDelayMs !== undefined ? { applyDelayMs } : {}) });
  const stage = new HealingStage({ config, actions, stateDir, log: createLogger('silent') });
  stages.push(stage);
  return { stage, actions };
}

const pressureRecord = (stage: HealingStage): HealingRecord | undefined => stage.all().find((r) => r.key === `pressure:${cg}`);

describe('pressure ladder through the action stage', () => {
  it('does not climb past a step the action stage skipped: it says why and asks again, never freezing unthrottled', async () => {
    const m = machine(1200);
    // memory.high cannot be read or written here (a directory stands in its place): the throttle is refused.
    rmSync(join(m.dir, 'memory.high'));
    mkdirSync(join(m.dir, 'memory.high'));
    const { stage, actions } = await compose(m.root);
    stage.start();
    await eventually(() => (actions.all().some((a) => a.knob.endsWith(':memory.high')) ? true : undefined), 10_000);
    // Four step windows: the old ladder escalated to cgroup.freeze after one, with memory.high never applied.
    const remedies = new Set<string>();
    for (let i = 0; i < 40; i++) {
      remedies.add(pressureRecord(stage)?.remedy ?? '');
      await new Promise((r) => setTimeout(r, 100));
    }
    const knobs = actions.all().map((a) => `${a.status} ${a.knob.split(':').pop()}`);
    expect(knobs.filter((k) => k.endsWith('cgroup.freeze'))).toEqual([]);
    expect(knobs.every((k) => k === 'skipped memory.high')).toBe(true);
    expect(m.file('cgroup.freeze')).toBe('0');
    // The record says why while it waits (between attempts it says it asks again, or waits for the answer).
    const said = [...remedies].find((t) => /the throttle step was not applied \(.*D1 skipped: skip cgroup:system\.slice\/balloon\.service:memory\.high: cannot read/.test(t));
    expect(said, [...remedies].join('\n')).toMatch(/does not climb past a step that is not in force/);
  }, 20_000);

  it('writes memory.high against the usage at the time of the write, so a balloon growing while the stage is busy is still throttled', async () => {
    const m = machine(1200);
    // Every write takes 600 ms (a slow machine): the ladder's throttle is computed while another plan is in flight.
    const { stage, actions } = await compose(m.root, 600);
    m.w('proc/sys/vm/swappiness', '60\n');
    const busy = actions.handle([{ policy: 'test', rule: 'busy', knob: 'sysctl:vm.swappiness', value: '59', mode: 'enforce', because: 'keep the stage busy', evidence: [] }], Date.now(), 0);
    stage.start();
    await new Promise((r) => setTimeout(r, 350)); // the first pressure sample (1200 MiB) is taken and waits
    m.w(`sys/fs/cgroup/${cg}/memory.current`, `${1300 * MiB}\n`); // the balloon grows meanwhile
    await busy;
    const throttle = await eventually(() => actions.all().find((a) => a.knob.endsWith(':memory.high')), 10_000);
    // A target from the 1200 MiB sample is below the knob's floor for 1300 MiB (90 % of usage) and was refused.
    expect(throttle.status, throttle.line).toBe('applied');
    expect(Number(m.file('memory.high'))).toBeGreaterThanOrEqual(Math.floor(1300 * MiB * 0.9));
    // Then the ladder climbs, one verified step later.
    await eventually(() => (m.file('cgroup.freeze') === '1' ? true : undefined), 10_000);
    expect(actions.all().filter((a) => a.knob.includes('balloon')).map((a) => `${a.status} ${a.knob.split(':').pop()}`).reverse()).toEqual(['applied memory.high', 'applied cgroup.freeze']);
  }, 20_000);

  it('gives one target one owner: the leak part defers to the pressure ladder acting on the same unit, and the other way round', async () => {
    const m = machine(1200);
    const { stage, actions } = await compose(m.root);
    const leak = { kind: 'leak' as const, key: `cgroup:${cg}/memory`, summary: `cgroup ${cg} grows memory by 40 MiB/s`, remedy: 'throttle it', evidence: [], target: 'balloon.service', change: { knob: `cgroup:${cg}:memory.high`, value: String(1250 * MiB) } };
    const outcomes: string[] = [];
    const pressure = {
      kind: 'pressure' as const,
      key: `pressure:${cg}`,
      summary: 'memory pressure; culprit balloon.service',
      remedy: 'freeze it',
      evidence: [],
      target: 'balloon.service',
      change: { knob: `cgroup:${cg}:cgroup.freeze`, value: '1' },
      settle: (o: { applied: boolean; reason: string }) => void outcomes.push(`${o.applied} ${o.reason}`),
    };
    await stage.observe('pressure', [pressure]);
    expect(m.file('cgroup.freeze')).toBe('1');
    await stage.observe('leak', [leak]);
    expect(m.file('memory.high')).toBe('max');
    const leakRec = stage.all().find((r) => r.key === leak.key);
    expect(leakRec?.remedy).toMatch(/^deferred: the pressure part \(H1\) owns balloon\.service .*one response per target/);
    expect(leakRec?.actions).toEqual([]);
    expect(actions.all().map((a) => a.knob)).toEqual([`cgroup:${cg}:cgroup.freeze`]);

    // A leak remedy applied first (on another unit) owns that unit for a while: the ladder defers and is told so.
    const other = { ...leak, key: 'cgroup:system.slice/web.service/memory', target: 'web.service', change: { knob: 'cgroup:system.slice/web.service:memory.high', value: String(600 * MiB) } };
    m.w('sys/fs/cgroup/system.slice/web.service/memory.high', 'max\n');
    m.w('sys/fs/cgroup/system.slice/web.service/memory.current', `${620 * MiB}\n`);
    await stage.observe('leak', [other]);
    await stage.observe('pressure', [{ ...pressure, key: 'pressure:system.slice/web.service', target: 'web.service', change: { knob: 'cgroup:system.slice/web.service:memory.high', value: String(560 * MiB) } }]);
    expect(readFileSync(join(m.root, 'sys/fs/cgroup/system.slice/web.service/memory.high'), 'utf8').trim()).toBe(String(600 * MiB));
    expect(outcomes.at(-1)).toMatch(/^false deferred: the leak part \(H\d+\) owns web\.service/);
  }, 20_000);

  it('keeps the leak part off a unit the ladder still holds throttled after the pressure eased (a restart would undo the throttle)', async () => {
    const m = machine(1200);
    m.w(`sys/fs/cgroup/${cg}/cpu.weight`, '100\n');
    const { stage, actions } = await compose(m.root);
    stage.start();
    await eventually(() => (m.file('memory.high') !== 'max' ? true : undefined), 10_000);
    // The throttle worked: the pressure eases before the next step, and the ladder's record resolves.
    m.w('proc/pressure/memory', 'some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1\n');
    m.w('proc/meminfo', `MemTotal:        ${2048 * 1024} kB\nMemFree:  1 kB\nMemAvailable:    ${1500 * 1024} kB\n`);
    await eventually(() => (pressureRecord(stage)?.status === 'resolved' ? true : undefined), 10_000);
    expect(m.file('cgroup.freeze')).toBe('0');
    // Well past every hold window: only the throttle still in force makes the ladder the owner now.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 120_000);
    // (A stand-in change for the leak's restart: the point is whether the stage asks for anything at all.)
    const leak = { kind: 'leak' as const, key: `cgroup:${cg}/memory`, summary: `cgroup ${cg} grows memory by 40 MiB/s`, remedy: 'restart balloon.service', evidence: [], target: 'balloon.service', change: { knob: `cgroup:${cg}:cpu.weight`, value: '50' } };
    await stage.observe('leak', [leak]);
    const rec = stage.all().find((r) => r.key === leak.key);
    expect(rec?.remedy).toMatch(/^deferred: the pressure part \(H1\) owns balloon\.service \(since \d+ s ago; its throttle step is still in force\); one response per target/);
    expect(rec?.actions).toEqual([]);
    expect(m.file('cpu.weight')).toBe('100');
    // Once the throttle is gone (rolled back, or the unit restarted), the ladder holds nothing there: the leak part acts.
    m.w(`sys/fs/cgroup/${cg}/memory.high`, 'max\n');
    await stage.observe('leak', [leak]);
    expect(m.file('cpu.weight')).toBe('50');
    expect(actions.all().filter((a) => a.knob.endsWith(':cpu.weight')).map((a) => a.status)).toEqual(['applied']);
  }, 20_000);
});

describe('action stage cool-down after a refusal', () => {
  it('asks again after the usual cool-down when a moving bound refused the value, 10× later when the knob is missing', async () => {
    const m = machine(1000);
    const actions = await ActionStage.open({ stateDir: tempDir('cooldown-state'), root: m.root, mode: 'enforce', rollbackOnExit: false, recovery: 'revert', maxPerMinute: 30, cooldownMs: 1000, log: () => undefined });
    const decide = (knob: string, value: string) => [{ policy: 'test', rule: 'r', knob, value, mode: 'enforce' as const, because: 'test', evidence: [] }];
    const high = `cgroup:${cg}:memory.high`;
    const [refused] = await actions.handle(decide(high, String(100 * MiB)), 0, 0);
    expect(refused?.status, refused?.line).toBe('skipped');
    expect(refused?.line).toMatch(/below .*choose at least/);
    const missing = 'cgroup:system.slice/gone.service:memory.high';
    const [unavailable] = await actions.handle(decide(missing, String(100 * MiB)), 0, 0);
    expect(unavailable?.status).toBe('skipped');
    // after the cool-down: the refused knob is asked again (and now applied), the missing one is not
    const [again] = await actions.handle(decide(high, String(960 * MiB)), 1001, 0);
    expect(again?.status, again?.line).toBe('applied');
    expect(await actions.handle(decide(missing, String(100 * MiB)), 1001, 0)).toEqual([]);
    expect(await actions.handle(decide(missing, String(100 * MiB)), 10_001, 0)).toHaveLength(1);
    await actions.manager.close();
  });
});
