/**
 * The guard's block-egress response, end to end in ainkad on the real kernel: a rule with
 * `response: {action: block-egress, mode: enforce}` and `guard.responses: enforce` makes ainkad attach
 * the cgroup BPF program to the cgroup of the process that raised it; what that process sends off the
 * host is dropped, the rest of the machine is not touched, the alert names the journaled change, and
 * `ainka rollback` of that change lets the process talk again. Also: with `guard.responses: advise`
 * the same rule only proposes.
 *
 * The offender is a copy of bash named `ainka-exfil` (so the rule matches its command name and no other
 * program of the host) moved into a cgroup of its own; it makes one TCP connect (the event the rule
 * sees), then sends a UDP datagram to the host's own address every 300 ms and prints whether the send
 * was allowed (a datagram dropped by the egress program fails with EPERM at once).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { CgroupEgress, cgroup2MountOf } from '@ainka/ebpf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ebpfSkipReason, ensureBuilt, eventually, journal, startDaemon, tempDir, writeConfig, type RunningDaemon } from './harness.js';

const mount = process.platform === 'linux' ? cgroup2MountOf(readFileSync('/proc/self/mountinfo', 'utf8')) : undefined;
const hostIp = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
const bash = ['/bin/bash', '/usr/bin/bash'].find((b) => existsSync(b));
const skip =
  ebpfSkipReason(['egress.bpf.o', 'security.bpf.o']) ??
  (mount === undefined ? 'no cgroup v2 hierarchy mounted' : hostIp === undefined ? 'no non-loopback IPv4 address' : bash === undefined ? 'no bash' : undefined);
if (skip) console.warn(`[@ainka/daemon] skipping the guard block-egress e2e test: ${skip}`);

interface AlertRecord {
  readonly id: string;
  readonly rule: string;
  readonly summary: string;
  readonly response?: { readonly action: string; readonly status: string; readonly line: string; readonly changeId?: number };
}
interface AlertsResult {
  readonly guard: { readonly available: boolean; readonly reason?: string };
  readonly alerts: readonly AlertRecord[];
}

const RULES = `apiVersion: ainka.dev/v1
kind: DetectionRules
name: e2e-egress
rules:
  - name: e2e-exfil-connect
    description: The test's offender connects out; block what its cgroup sends.
    when: event.type == connect and proc.name == ainka-exfil and not net.loopback
    output: '{proc.exe} connected to {net.raddr}:{net.rport}'
    severity: critical
    priority: 90
    cooldown: 0
    response:
      action: block-egress
      mode: enforce
`;

/** The offender: one TCP connect, then a UDP send every 300 ms, each printed as `udp=ok` or `udp=fail`. */
function offenderScript(cgroupDir: string, ip: string, port: number): string {
  return `echo $$ > ${cgroupDir}/cgroup.procs || exit 9
(exec 3<>/dev/tcp/${ip}/${port}) 2>/dev/null && echo tcp=ok || echo tcp=fail
while :; do
  (echo x > /dev/udp/${ip}/${port}) 2>/dev/null && echo udp=ok || echo udp=fail
  sleep 0.3
done`;
}

class Offender {
  readonly proc: ChildProcess;
  private out = '';
  constructor(exe: string, script: string) {
    this.proc = spawn(exe, ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.setEncoding('utf8').on('data', (c: string) => (this.out += c));
  }
  /** Waits for `n` fresh `udp=` results after now; returns them. */
  async nextSends(n: number, timeoutMs = 30_000): Promise<string[]> {
    const from = this.out.length;
    return eventually(() => {
      const got = [...this.out.slice(from).matchAll(/udp=(\w+)/g)].map((m) => m[1] as string);
      return got.length >= n ? got.slice(0, n) : undefined;
    }, timeoutMs, 100);
  }
  get text(): string {
    return this.out;
  }
  /** Waits until a send after now comes back `want`. */
  async until(want: 'ok' | 'fail', timeoutMs = 30_000): Promise<void> {
    const from = this.out.length;
    await eventually(() => (this.out.slice(from).includes(`udp=${want}`) ? true : undefined), timeoutMs, 100);
  }
}

/** The changes of the daemon's journal (`begin` records). */
function changesIn(d: RunningDaemon): { id: number; knob: string; after: string; reason: string; reversible: boolean }[] {
  return journal(d.stateDir)
    .filter((r) => r.type === 'begin')
    .flatMap((r) => r.changes as { id: number; knob: string; after: string; reason: string; reversible: boolean }[]);
}

function sendFromHere(ip: string, port: number): Promise<'ok' | 'fail'> {
  return new Promise((res) => {
    const s = createSocket('udp4');
    s.send('x', port, ip, (err) => {
      s.close();
      res(err ? 'fail' : 'ok');
    });
  });
}

describe.skipIf(skip)('ainkad blocks the egress of an offender when a rule enforces it', { timeout: 240_000 }, () => {
  // unique per run: a pid is reused, and a cgroup left by a killed run must not stop the next one
  const rel = `ainka-guard-egress-e2e-${process.pid}-${Date.now().toString(36)}`;
  const cgroupDir = join(mount ?? '/', rel);
  let dir = '';
  let exe = '';
  let server: Server;
  let port = 0;

  const start = async (responses: 'advise' | 'enforce'): Promise<RunningDaemon> => {
    const sub = join(dir, responses);
    mkdirSync(sub, { recursive: true });
    const rules = join(sub, 'rules.yaml');
    writeFileSync(rules, RULES);
    // enforce mode with no policy pack and healing advisory: the only change ainkad may make is the response
    const config = writeConfig(
      sub,
      `mode: enforce\npolicy:\n  packs: []\nkernel:\n  module: off\nml:\n  anomaly:\n    enabled: false\nlogs:\n  journal: false\nguard:\n  enabled: auto\n  responses: ${responses}\n  rules: [${JSON.stringify(rules)}]\nactions:\n  rollbackOnExit: true\n`,
    );
    const d = await startDaemon(sub, ['--config', config], {}, 90_000);
    await eventually(() => {
      const r = alertsOf(d);
      if (!r.guard.available && r.guard.reason !== undefined && !/start/i.test(r.guard.reason)) throw new Error(`guard unavailable: ${r.guard.reason}`);
      return r.guard.available ? true : undefined;
    }, 120_000, 500);
    return d;
  };

  /** `ainka alerts --json` (it exits 1 while there is a critical alert, as documented, and still prints them). */
  const alertsOf = (d: RunningDaemon): AlertsResult => {
    const r = cli(['--json', 'alerts'], d.socket);
    if (r.code !== 0 && r.code !== 1) throw new Error(`ainka alerts exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as AlertsResult;
  };
  const alertOf = (d: RunningDaemon): Promise<AlertRecord> => eventually(() => alertsOf(d).alerts.find((a) => a.rule === 'e2e-exfil-connect' && a.response !== undefined), 60_000, 300);

  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('guard-egress');
    exe = join(dir, 'ainka-exfil');
    copyFileSync(bash!, exe);
    mkdirSync(cgroupDir);
    server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    port = (server.address() as { port: number }).port;
  }, 60_000);

  afterAll(async () => {
    server?.close();
    try {
      new CgroupEgress().set('/', rel, 'allowed');
    } catch {
      /* never attached, or already lifted */
    }
    // kill what is left in the cgroup, then remove it once the kernel has let the processes go
    for (let attempt = 0; attempt < 50 && existsSync(cgroupDir); attempt++) {
      try {
        for (const pid of readFileSync(join(cgroupDir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
        rmdirSync(cgroupDir);
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  it('advise: the alert proposes the block and nothing is dropped', async () => {
    const d = await start('advise');
    const offender = new Offender(exe, offenderScript(cgroupDir, hostIp!, port));
    try {
      const alert = await alertOf(d);
      expect(alert.response, alert.response?.line).toMatchObject({ action: 'block-egress', status: 'proposed' });
      expect(alert.response?.line).toMatch(new RegExp(`would set cgroup:${rel}:egress = blocked-except-loopback .*enforcing responses is not allowed`));
      expect(await offender.nextSends(3)).toEqual(['ok', 'ok', 'ok']);
      expect(changesIn(d).filter((c) => c.knob.endsWith(':egress'))).toEqual([]);
    } finally {
      offender.proc.kill('SIGKILL');
      await d.stop();
    }
  });

  it('enforce: the offender is cut off, the host is not, and ainka rollback lets it talk again', async () => {
    const d = await start('enforce');
    const offender = new Offender(exe, offenderScript(cgroupDir, hostIp!, port));
    try {
      const alert = await alertOf(d);
      expect(alert.response, `${alert.response?.line}\n${offender.text}`).toMatchObject({ action: 'block-egress', status: 'applied' });
      const changeId = alert.response?.changeId;
      expect(changeId).toBeGreaterThan(0);
      expect(new CgroupEgress().state('/', rel)).toBe('blocked-except-loopback');
      // once blocked, every send of the offender fails; a process outside its cgroup still sends
      await offender.until('fail');
      expect(await offender.nextSends(3)).toEqual(['fail', 'fail', 'fail']);
      expect(await sendFromHere(hostIp!, port)).toBe('ok');
      const change = changesIn(d).find((c) => c.knob === `cgroup:${rel}:egress`);
      expect(change).toMatchObject({ id: changeId, after: 'blocked-except-loopback', reason: 'e2e-exfil-connect', reversible: true });
      // the operator lifts it with the CLI, by the journal id the alert gave
      const r = cli(['rollback', String(changeId)], d.socket);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(new CgroupEgress().state('/', rel)).toBe('allowed');
      await offender.until('ok');
      expect(await offender.nextSends(3)).toEqual(['ok', 'ok', 'ok']);
    } finally {
      offender.proc.kill('SIGKILL');
      await d.stop();
    }
  });
});
