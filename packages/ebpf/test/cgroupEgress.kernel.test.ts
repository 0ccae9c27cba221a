import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpfCgroup } from '@ainka/native';
import { CgroupEgress, cgroup2MountOf } from '../src/cgroupEgress.js';
import { defaultBpfDir } from '../src/manifest.js';
import { skipReason } from './kernel.js';

const mount = cgroup2MountOf(readFileSync('/proc/self/mountinfo', 'utf8'));
const hostIp = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
const bash = ['/bin/bash', '/usr/bin/bash'].find((b) => existsSync(b));
const why =
  skipReason ??
  (mount === undefined ? 'no cgroup v2 hierarchy mounted' : undefined) ??
  (!existsSync(join(defaultBpfDir(), 'egress.bpf.o')) ? 'no egress.bpf.o: run make -C ebpf' : undefined) ??
  (hostIp === undefined ? 'no non-loopback IPv4 address' : undefined) ??
  (bash === undefined ? 'no bash' : undefined);
if (why) console.warn(`[@ainka/ebpf] skipping the cgroup egress test: ${why}`);

/**
 * Runs bash inside the cgroup: moves itself in, then tries a TCP connect (a dropped SYN is retried,
 * so a blocked connect times out: 3 s here) and a UDP send (a dropped datagram fails with EPERM).
 */
function tryFromCgroup(dir: string, ip: string, port: number): { tcp: string; udp: string } {
  const script = `echo $$ > ${dir}/cgroup.procs || exit 9
timeout 3 bash -c 'exec 3<>/dev/tcp/${ip}/${port}' 2>/dev/null && echo tcp=ok || echo tcp=fail
(echo x > /dev/udp/${ip}/${port}) 2>/dev/null && echo udp=ok || echo udp=fail`;
  const r = spawnSync(bash!, ['-c', script], { encoding: 'utf8', timeout: 15_000 });
  if (r.status === 9) throw new Error(`could not move bash into ${dir}: ${r.stderr}`);
  return { tcp: /tcp=(\w+)/.exec(r.stdout)?.[1] ?? r.stdout, udp: /udp=(\w+)/.exec(r.stdout)?.[1] ?? r.stdout };
}

describe.skipIf(why)('cgroup egress block on the real kernel', () => {
  const rel = `ainka-egress-test-${process.pid}`;
  const dir = join(mount ?? '/', rel);
  const egress = new CgroupEgress();
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    mkdirSync(dir);
    server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server?.close();
    try {
      egress.set('/', rel, 'allowed');
    } catch {
      /* best effort */
    }
    try {
      rmdirSync(dir);
    } catch {
      /* processes may linger for a moment */
    }
  });

  it('attach → connect/send from a process in the cgroup fail → detach → they work again', () => {
    expect(tryFromCgroup(dir, hostIp!, port)).toEqual({ tcp: 'ok', udp: 'ok' });
    const id = egress.set('/', rel, 'blocked');
    expect(id).toBeGreaterThan(0);
    expect(egress.state('/', rel)).toBe('blocked');
    expect(bpfCgroup.query(dir, 'egress').map((p) => p.name)).toContain('ainka_egress');
    expect(tryFromCgroup(dir, hostIp!, port)).toEqual({ tcp: 'fail', udp: 'fail' });
    expect(tryFromCgroup(dir, '127.0.0.1', port)).toEqual({ tcp: 'fail', udp: 'fail' });
    // a process outside the cgroup is not affected
    expect(execFileSync(bash!, ['-c', `(exec 3<>/dev/tcp/${hostIp}/${port}) && echo ok`], { encoding: 'utf8' }).trim()).toBe('ok');
    egress.set('/', rel, 'allowed');
    expect(egress.state('/', rel)).toBe('allowed');
    expect(bpfCgroup.query(dir, 'egress')).toEqual([]);
    expect(tryFromCgroup(dir, hostIp!, port)).toEqual({ tcp: 'ok', udp: 'ok' });
  });

  it('blocked-except-loopback lets 127.0.0.1 through and drops the rest', () => {
    egress.set('/', rel, 'blocked-except-loopback');
    expect(egress.state('/', rel)).toBe('blocked-except-loopback');
    expect(tryFromCgroup(dir, '127.0.0.1', port)).toEqual({ tcp: 'ok', udp: 'ok' });
    expect(tryFromCgroup(dir, hostIp!, port)).toEqual({ tcp: 'fail', udp: 'fail' });
    // switching state replaces the program instead of stacking a second one
    egress.set('/', rel, 'blocked');
    expect(bpfCgroup.query(dir, 'egress').map((p) => p.name)).toEqual(['ainka_egress']);
    egress.set('/', rel, 'allowed');
    expect(tryFromCgroup(dir, hostIp!, port).tcp).toBe('ok');
  });

  it('a block set by a process that has exited is still in force and can be lifted (daemon restart)', () => {
    const entry = join(import.meta.dirname, '..', 'dist', 'index.js');
    const code = `import { CgroupEgress } from ${JSON.stringify(entry)}; new CgroupEgress().set('/', ${JSON.stringify(rel)}, 'blocked');`;
    execFileSync(process.execPath, ['--input-type=module', '-e', code]);
    expect(egress.state('/', rel)).toBe('blocked');
    expect(tryFromCgroup(dir, hostIp!, port).tcp).toBe('fail');
    egress.set('/', rel, 'allowed');
    expect(tryFromCgroup(dir, hostIp!, port).tcp).toBe('ok');
  });

  it('names the fix for a directory outside cgroup v2 and refuses bad arguments', () => {
    const v1 = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/memory'].find((d) => existsSync(d) && d !== mount);
    if (v1) expect(() => bpfCgroup.query(v1, 'egress')).toThrow(/cgroup v2|cgroup2/);
    expect(() => bpfCgroup.query(join(dir, 'missing'), 'egress')).toThrow(/ENOENT.*cgroup v2/);
    expect(() => bpfCgroup.query('relative/dir', 'egress')).toThrow(/absolute/);
    expect(() => bpfCgroup.query(dir, 'sideways' as 'egress')).toThrow(/'egress' or 'ingress'/);
    expect(() => bpfCgroup.detach(dir, 'egress', 0)).toThrow(/program id/);
    expect(() => egress.set('/', '../etc', 'blocked')).toThrow(/'\.\.'/);
  });
});
