import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeManager, createActuators } from '@ainka/actuators';
import { CgroupEgress, cgroup2MountOf, defaultBpfDir } from '@ainka/ebpf';
import { afterAll, describe, expect, it } from 'vitest';
import type { GuardAlert } from '../src/detector.js';
import { Responder } from '../src/responder.js';
import { event, proc } from './events.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function alert(pid: number, name: string, action: 'kill' | 'stop' | 'freeze' | 'block-egress' | 'block-egress-all', mode: 'advise' | 'enforce'): GuardAlert {
  const e = event({ type: 'exec', proc: proc({ pid, name }) });
  return { id: 1, rule: 'reverse-shell', severity: 'critical', priority: 90, tags: [], summary: 'test', time: Date.now(), event: e, processes: [e.proc], tree: `${name}(${pid})`, wants: { action, mode } };
}

async function changes(mode: 'advise' | 'enforce'): Promise<ChangeManager> {
  const dir = mkdtempSync(join(tmpdir(), 'ainka-responder-'));
  dirs.push(dir);
  return ChangeManager.open({ stateDir: dir, mode, flap: false });
}

describe.skipIf(process.platform !== 'linux')('responses', () => {
  it('are proposed, not acted on, unless both the rule and the responder enforce', async () => {
    const child = spawn('sleep', ['20'], { stdio: 'ignore' });
    await new Promise((r) => child.on('spawn', r));
    const cm = await changes('enforce');
    try {
      const advisory = await new Responder({ changes: cm, allowEnforce: true }).respond(alert(child.pid!, 'sleep', 'kill', 'advise'));
      expect(advisory).toMatchObject({ status: 'proposed', line: expect.stringMatching(/would set process:\d+:kill = kill .*the rule is advisory/) });
      const notAllowed = await new Responder({ changes: cm }).respond(alert(child.pid!, 'sleep', 'kill', 'enforce'));
      expect(notAllowed).toMatchObject({ status: 'proposed', line: expect.stringMatching(/not allowed/) });
      expect(readFileSync(`/proc/${child.pid}/stat`, 'utf8')).not.toMatch(/\) [TZ] /);
    } finally {
      child.kill('SIGKILL');
      await cm.close();
    }
  });

  it('stop is journaled and reversible; kill is journaled', async () => {
    const child = spawn('sleep', ['20'], { stdio: 'ignore' });
    await new Promise((r) => child.on('spawn', r));
    const cm = await changes('enforce');
    try {
      const r = new Responder({ changes: cm, allowEnforce: true });
      const stop = await r.respond(alert(child.pid!, 'sleep', 'stop', 'enforce'));
      expect(stop).toMatchObject({ status: 'applied', action: 'stop' });
      expect(readFileSync(`/proc/${child.pid}/stat`, 'utf8')).toMatch(/\) T /);
      await cm.rollback(stop!.changeId!);
      expect(readFileSync(`/proc/${child.pid}/stat`, 'utf8')).not.toMatch(/\) T /);
      const kill = await r.respond(alert(child.pid!, 'sleep', 'kill', 'enforce'));
      expect(kill).toMatchObject({ status: 'applied' });
      expect(await new Promise((res) => child.on('exit', (_c, s) => res(s)))).toBe('SIGKILL');
      expect(cm.history().map((c) => `${c.reason}:${c.knob}`)).toContain(`reverse-shell:process:${child.pid}:kill`);
    } finally {
      child.kill('SIGKILL');
      await cm.close();
    }
  });

  it('never acts on protected processes: PID 1, kernel threads, itself, sshd by name', async () => {
    const cm = await changes('enforce');
    const r = new Responder({ changes: cm, allowEnforce: true });
    expect(await r.respond(alert(1, 'systemd', 'kill', 'enforce'))).toMatchObject({ status: 'refused' });
    expect(await r.respond(alert(2, 'kthreadd', 'kill', 'enforce'))).toMatchObject({ status: 'refused' });
    expect(await r.respond(alert(process.pid, 'node', 'kill', 'enforce'))).toMatchObject({ status: 'refused', line: expect.stringMatching(/protected/) });
    const child = spawn('sleep', ['20'], { stdio: 'ignore' });
    await new Promise((res) => child.on('spawn', res));
    try {
      expect(await r.respond(alert(child.pid!, 'sshd', 'kill', 'enforce'))).toMatchObject({ status: 'refused', line: expect.stringMatching(/sshd .* is a protected process/) });
      // a kernel thread found by its flags, whatever it is called
      const kworker = readFileSync('/proc/2/task/2/children', 'utf8').trim().split(' ').map(Number)[0];
      if (kworker) expect(r.protectedReason(kworker)).toMatch(/kernel thread/);
      expect(cm.history()).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await cm.close();
    }
  });
});

const cgroup2 = cgroup2MountOf(readFileSync('/proc/self/mountinfo', 'utf8'));
const egressSkip =
  process.getuid?.() !== 0 ? 'not root' : cgroup2 === undefined ? 'no cgroup v2 mount' : !existsSync(join(defaultBpfDir(), 'egress.bpf.o')) ? 'no egress.bpf.o (make -C ebpf)' : undefined;
if (egressSkip) console.warn(`[@ainka/guard] skipping the egress response test: ${egressSkip}`);

describe.skipIf(egressSkip)('block-egress response on the real kernel', () => {
  it("acts on the cgroup of a process that is already gone (found by the event's cgroup id)", async () => {
    const rel = `ainka-responder-gone-${process.pid}`;
    const dir = join(cgroup2!, rel);
    mkdirSync(dir);
    // the parent stays in the cgroup; the child that "connected" has exited by the time the response runs
    const parent = spawn('bash', ['-c', `echo $$ > ${dir}/cgroup.procs && exec sleep 30`], { stdio: 'ignore' });
    await new Promise((r) => parent.on('spawn', r));
    const child = spawnSync('bash', ['-c', `echo $$ > ${dir}/cgroup.procs && echo $$`], { encoding: 'utf8' });
    const gonePid = Number(child.stdout.trim());
    const cgroupId = statSync(dir, { bigint: true }).ino;
    const cm = await changes('enforce');
    const egress = new CgroupEgress();
    const cmEgress = await ChangeManager.open({ stateDir: mkdtempSync(join(tmpdir(), 'ainka-responder-')), mode: 'enforce', flap: false, actuators: createActuators({ egress }) });
    try {
      for (let i = 0; i < 100 && !readFileSync(join(dir, 'cgroup.procs'), 'utf8').includes(String(parent.pid)); i++) await new Promise((r) => setTimeout(r, 10));
      const goneAlert = (chain: boolean): GuardAlert => {
        const a = alert(gonePid, 'ainka-exfil', 'block-egress', 'enforce');
        const p = { ...a.event.proc, cgroupId, ppid: parent.pid! };
        const parentInfo = { ...p, pid: parent.pid!, name: 'bash', ppid: process.pid };
        return { ...a, event: { ...a.event, proc: p }, processes: chain ? [p, parentInfo] : [p] };
      };
      const r = new Responder({ changes: cmEgress, allowEnforce: true });
      expect(r.cgroupOfAlert(goneAlert(true))).toBe(`/${rel}`); // through the living parent
      expect(r.cgroupOfAlert(goneAlert(false))).toBe(`/${rel}`); // by walking the cgroup tree
      const applied = await r.respond(goneAlert(false));
      expect(applied).toMatchObject({ status: 'applied', action: 'block-egress' });
      expect(egress.state('/', rel)).toBe('blocked-except-loopback');
      await cmEgress.rollback(applied!.changeId!);
      expect(egress.state('/', rel)).toBe('allowed');
      // kill and stop of a gone process are still refused; a protected name is refused even when gone
      expect(await r.respond({ ...goneAlert(false), wants: { action: 'kill', mode: 'enforce' } })).toMatchObject({ status: 'refused', line: expect.stringMatching(/is gone/) });
      const sshd = goneAlert(false);
      expect(await r.respond({ ...sshd, event: { ...sshd.event, proc: { ...sshd.event.proc, name: 'sshd' } } })).toMatchObject({ status: 'refused', line: expect.stringMatching(/sshd is a protected process/) });
      // a cgroup that no longer exists is named in the refusal
      const lost = goneAlert(false);
      expect(await r.respond({ ...lost, event: { ...lost.event, proc: { ...lost.event.proc, cgroupId: 1n << 40n } } })).toMatchObject({ status: 'refused', line: expect.stringMatching(/process is gone and its cgroup .* was not found/) });
    } finally {
      parent.kill('SIGKILL');
      await cm.close();
      await cmEgress.close();
      try {
        egress.set('/', rel, 'allowed');
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 100));
      rmdirSync(dir);
    }
  });

  it('is journaled, blocks what the cgroup sends, and rolls back after a daemon restart', async () => {
    const rel = `ainka-responder-egress-${process.pid}`;
    const dir = join(cgroup2!, rel);
    mkdirSync(dir);
    const child = spawn('bash', ['-c', `echo $$ > ${dir}/cgroup.procs && exec sleep 30`], { stdio: 'ignore' });
    await new Promise((r) => child.on('spawn', r));
    const stateDir = mkdtempSync(join(tmpdir(), 'ainka-responder-'));
    dirs.push(stateDir);
    const egress = new CgroupEgress();
    const open = () => ChangeManager.open({ stateDir, mode: 'enforce', flap: false, actuators: createActuators({ egress }) });
    /** A UDP send from a fresh process in the cgroup: fails with EPERM while egress is blocked. */
    const send = () => spawnSync('bash', ['-c', `echo $$ > ${dir}/cgroup.procs && echo x > /dev/udp/127.0.0.1/9 && echo sent`], { encoding: 'utf8' }).stdout.trim();
    let cm = await open();
    try {
      for (let i = 0; i < 100 && !readFileSync(join(dir, 'cgroup.procs'), 'utf8').includes(String(child.pid)); i++) await new Promise((r) => setTimeout(r, 10));
      const advised = await new Responder({ changes: cm, allowEnforce: true }).respond(alert(child.pid!, 'sleep', 'block-egress-all', 'advise'));
      expect(advised).toMatchObject({ status: 'proposed', line: expect.stringContaining(`cgroup:${rel}:egress = blocked`) });
      expect(egress.state('/', rel)).toBe('allowed');
      const applied = await new Responder({ changes: cm, allowEnforce: true }).respond(alert(child.pid!, 'sleep', 'block-egress-all', 'enforce'));
      expect(applied).toMatchObject({ status: 'applied', action: 'block-egress-all' });
      expect(egress.state('/', rel)).toBe('blocked');
      expect(send()).toBe('');
      await cm.close();
      // the daemon restarts: the block is still in force and the journal can still lift it
      cm = await open();
      expect(egress.state('/', rel)).toBe('blocked');
      await cm.rollback(applied!.changeId!);
      expect(egress.state('/', rel)).toBe('allowed');
      expect(send()).toBe('sent');
    } finally {
      child.kill('SIGKILL');
      await cm.close();
      try {
        egress.set('/', rel, 'allowed');
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 100));
      rmdirSync(dir);
    }
  });
});
