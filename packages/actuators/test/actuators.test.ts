import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActuatorError, ChangeManager, createActuators, FileActuator, knobCatalogue, parseIoniceOutput, parseKnobId, ProcessActuator, SystemdActuator } from '../src/index.js';
import { machine, makeTree, readTree, removeTrees } from './fixtures/fakeTree.js';

afterAll(removeTrees);

const act = createActuators();

async function roundTrip(root: string, id: string, value: string): Promise<{ before: string; after: string }> {
  const knob = parseKnobId(id);
  const a = act[knob.kind];
  const before = await a.read(root, knob);
  await a.validate(root, knob, value);
  await a.apply(root, knob, value);
  expect(await a.verify(root, knob, value)).toBe(true);
  const after = await a.read(root, knob);
  await a.revert(root, knob, before);
  expect(await a.read(root, knob)).toBe(before);
  return { before, after };
}

async function refusal(root: string, id: string, value: string): Promise<string> {
  const knob = parseKnobId(id);
  try {
    await act[knob.kind].validate(root, knob, value);
  } catch (error) {
    expect(error).toBeInstanceOf(ActuatorError);
    return `${(error as ActuatorError).code}: ${(error as ActuatorError).message}`;
  }
  throw new Error(`expected ${id}=${value} to be refused`);
}

describe('file actuators against a real file tree', () => {
  const root = makeTree(machine);

  it('reads, validates, applies, verifies and reverts every file family', async () => {
    expect(await roundTrip(root, 'sysctl:vm.swappiness', '10')).toEqual({ before: '60', after: '10' });
    expect(await roundTrip(root, 'sysctl:net.ipv4.tcp_rmem', '8192 262144 16777216')).toEqual({ before: '4096 131072 6291456', after: '8192 262144 16777216' });
    expect(await roundTrip(root, 'sysctl:net.ipv4.tcp_congestion_control', 'bbr')).toEqual({ before: 'cubic', after: 'bbr' });
    expect(await roundTrip(root, 'block:sda:read_ahead_kb', '1024')).toEqual({ before: '128', after: '1024' });
    expect((await roundTrip(root, 'block:sda:scheduler', 'none')).before).toBe('mq-deadline');
    expect(await roundTrip(root, 'cpufreq:policy0:scaling_governor', 'performance')).toEqual({ before: 'schedutil', after: 'performance' });
    expect(await roundTrip(root, 'cpufreq:policy0:energy_performance_preference', 'power')).toEqual({ before: 'balance_performance', after: 'power' });
    expect(await roundTrip(root, 'cpufreq:policy0:scaling_max_freq', '2000000')).toEqual({ before: '3600000', after: '2000000' });
    expect(await roundTrip(root, 'cgroup:app.slice:cpu.weight', '200')).toEqual({ before: '100', after: '200' });
    expect(await roundTrip(root, 'cgroup:app.slice:cpu.max', '50000 100000')).toEqual({ before: 'max 100000', after: '50000 100000' });
    expect(await roundTrip(root, 'cgroup:app.slice:memory.high', String(2 * 1024 ** 3))).toEqual({ before: 'max', after: String(2 * 1024 ** 3) });
    expect(await roundTrip(root, 'cgroup:app.slice:io.weight', '300')).toEqual({ before: '100', after: '300' });
    expect(await roundTrip(root, 'cgroup:app.slice:io.max[8:0]', '8:0 rbps=2097152 wbps=max riops=max wiops=max')).toEqual({
      before: '8:0 rbps=max wbps=max riops=max wiops=max',
      after: '8:0 rbps=2097152 wbps=max riops=max wiops=max',
    });
    expect((await roundTrip(root, 'thp:enabled', 'never')).before).toBe('madvise');
  });

  it('refuses values outside the bounds with the problem and the fix', async () => {
    expect(await refusal(root, 'sysctl:vm.swappiness', '500')).toBe("ERR_AINKA_KNOB_OUT_OF_BOUNDS: refusing sysctl:vm.swappiness = '500': 500 is outside 0 … 200; choose a value in that range");
    expect(await refusal(root, 'sysctl:net.ipv4.tcp_rmem', '8192 4096 16777216')).toBe(
      "ERR_AINKA_KNOB_OUT_OF_BOUNDS: refusing sysctl:net.ipv4.tcp_rmem = '8192 4096 16777216': '8192 4096 16777216' is not ordered min ≤ default ≤ max; never set the max below the min",
    );
    expect(await refusal(root, 'sysctl:net.ipv4.tcp_congestion_control', 'vegas')).toContain('proc/sys/net/ipv4/tcp_available_congestion_control lists reno, cubic, bbr');
    expect(await refusal(root, 'sysctl:vm.dirty_ratio', '5')).toContain('is not above vm.dirty_background_ratio (10)');
    expect(await refusal(root, 'sysctl:vm.min_free_kbytes', '1000000')).toContain('above 5 % of MemTotal (400000 kB)');
    expect(await refusal(root, 'cgroup:app.slice:memory.high', String(512 * 1024 ** 2))).toContain('current usage 1073741824 minus a 10 % margin');
    expect(await refusal(root, 'cpufreq:policy0:scaling_min_freq', '100000')).toContain('below cpuinfo_min_freq (400000)');
    expect(await refusal(root, 'cpufreq:policy0:scaling_governor', 'userspace')).toContain('never set by AINKA');
    expect(await refusal(root, 'process:1:oom_score_adj', '-1000')).toContain('outside -999 … 1000');
    expect(await refusal(root, 'sysctl:kernel.sched_migration_cost_ns', '1000')).toContain('ERR_AINKA_KNOB_UNAVAILABLE');
    expect(await refusal(root, 'sysctl:vm.overcommit_memory', '1')).toContain('ERR_AINKA_KNOB_UNKNOWN');
  });

  it('never creates a file that does not exist', async () => {
    const knob = parseKnobId('block:sdz:read_ahead_kb');
    await expect(new FileActuator('block').apply(root, knob, '256')).rejects.toMatchObject({ code: 'ERR_AINKA_KNOB_WRITE_FAILED' });
  });

  it('rejects ids that escape their directory or name no family', () => {
    expect(() => parseKnobId('cgroup:../../etc:cpu.weight')).toThrow(/leaves its directory/);
    expect(() => parseKnobId('proc:vm.swappiness')).toThrow(/no known family/);
  });

  it('has a bounds row for every knob family', () => {
    const kinds = new Set(knobCatalogue.map((k) => k.kind));
    expect([...kinds].sort()).toEqual(['block', 'cgroup', 'cpufreq', 'process', 'sysctl', 'systemd', 'thp', 'file'].sort());
  });
});

describe('process actuator', () => {
  it('changes the niceness and oom_score_adj of a real child process and reverts them', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const pid = child.pid ?? 0;
      // A known starting niceness, whatever the test runner's own (a child inherits it: `nice npm test`).
      setPriority(pid, 3);
      const root = makeTree({ [`proc/${pid}/oom_score_adj`]: '0\n' });
      const a = new ProcessActuator();
      const nice = parseKnobId(`process:${pid}:nice`);
      const before = await a.read(root, nice);
      await a.validate(root, nice, '15');
      await a.apply(root, nice, '15');
      expect(await a.verify(root, nice, '15')).toBe(true);
      const oom = parseKnobId(`process:${pid}:oom_score_adj`);
      await a.apply(root, oom, '500');
      expect(readTree(root, `proc/${pid}/oom_score_adj`)).toBe('500\n');
      await a.revert(root, oom, '0');
      expect(await a.read(root, oom)).toBe('0');
      expect(before).toBe('3');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops a real process (journaled, rolled back to running) and kills one (irreversible)', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    const dir = mkdtempSync(join(tmpdir(), 'ainka-state-'));
    const cm = await ChangeManager.open({ stateDir: dir, mode: 'enforce', flap: false });
    try {
      const pid = child.pid ?? 0;
      const stop = await cm.apply([{ knob: `process:${pid}:state`, value: 'stopped', reason: 'reverse-shell', because: 'test' }]);
      expect(stop.outcomes[0]).toMatchObject({ status: 'applied', before: 'running', after: 'stopped' });
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) T /);
      await cm.rollback(stop.outcomes[0]!.id!);
      expect(await new ProcessActuator().read('/', parseKnobId(`process:${pid}:state`))).toBe('running');
      const kill = await cm.apply([{ knob: `process:${pid}:kill`, value: 'kill', reason: 'crypto-miner', because: 'test' }]);
      expect(kill.outcomes[0]).toMatchObject({ status: 'applied', before: 'alive' });
      const status = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
      expect(status).toBe('SIGKILL');
      await expect(cm.apply([{ knob: `process:${pid}:state`, value: 'paused', reason: 'x', because: 'y' }])).resolves.toMatchObject({ outcomes: [{ status: 'skipped' }] });
    } finally {
      child.kill('SIGKILL');
      await cm.close();
    }
  });

  it('parses ionice output', () => {
    expect(parseIoniceOutput('best-effort: prio 4\n')).toBe('be/4');
    expect(parseIoniceOutput('idle\n')).toBe('idle');
    expect(parseIoniceOutput('none: prio 0\n')).toBe('none');
  });
});

describe('systemd actuator', () => {
  it('restarts a unit through systemctl and verifies it is active', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainka-systemctl-'));
    const log = join(dir, 'calls');
    const fake = join(dir, 'systemctl');
    writeFileSync(fake, `#!/bin/sh\necho "$@" >> ${log}\nif [ "$1" = show ]; then echo active; fi\n`);
    chmodSync(fake, 0o755);
    const a = new SystemdActuator({ systemctl: fake });
    const knob = parseKnobId('systemd:nginx.service:restart');
    await a.validate('/', knob, 'restart');
    await a.apply('/', knob, 'restart');
    expect(await a.verify('/', knob, 'restart')).toBe(true);
    expect(readTree('/', log.slice(1))).toBe('restart nginx.service\nshow --property=ActiveState --value nginx.service\n');
    await expect(a.validate('/', knob, 'stop')).rejects.toMatchObject({ code: 'ERR_AINKA_KNOB_OUT_OF_BOUNDS' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('knobs added for the server pack', () => {
  it('vm.dirty_bytes / dirty_background_bytes: a 0 reads as the ratio in force, and reverting restores the ratio', async () => {
    const root = makeTree({ 'proc/sys/vm/dirty_bytes': '0\n', 'proc/sys/vm/dirty_ratio': '20\n', 'proc/sys/vm/dirty_background_bytes': '0\n', 'proc/sys/vm/dirty_background_ratio': '10\n' });
    const bg = parseKnobId('sysctl:vm.dirty_background_bytes');
    const a = act.sysctl;
    expect(await a.read(root, bg)).toBe('ratio:10');
    await a.validate(root, bg, '67108864');
    await a.apply(root, bg, '67108864');
    expect(await a.read(root, bg)).toBe('67108864');
    await a.revert(root, bg, 'ratio:10');
    expect(readTree(root, 'proc/sys/vm/dirty_background_ratio').trim()).toBe('10');
    expect(await refusal(root, 'sysctl:vm.dirty_bytes', '1048576')).toMatch(/1048576 is outside 33554432 … 68719476736/);
  });

  it('tcp_congestion_control accepts an algorithm whose module the kernel loads on demand', async () => {
    const root = makeTree({
      'proc/sys/net/ipv4/tcp_congestion_control': 'cubic\n',
      'proc/sys/net/ipv4/tcp_available_congestion_control': 'reno cubic\n',
      'proc/sys/kernel/osrelease': '6.1.0-test\n',
      'lib/modules/6.1.0-test/modules.dep': 'kernel/net/ipv4/tcp_bbr.ko.xz:\nkernel/net/ipv4/tcp_vegas.ko.xz:\n',
    });
    const cc = parseKnobId('sysctl:net.ipv4.tcp_congestion_control');
    await act.sysctl.validate(root, cc, 'bbr');
    expect(await refusal(root, 'sysctl:net.ipv4.tcp_congestion_control', 'htcp')).toContain("lists reno, cubic, and this kernel has no tcp_htcp module");
  });
});
