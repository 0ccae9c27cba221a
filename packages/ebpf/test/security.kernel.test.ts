import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EbpfStreams } from '../src/ebpfStreams.js';
import type { BpfEvent, FileOpenEvent, SecCallEvent, SecExecEvent, SyscallMixEvent, TcpEvent } from '../src/events.js';
import { skipReason, waitFor } from './kernel.js';

/** Runs a short python3 program and resolves with its pid once it has exited. */
function py(code: string, args: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

describe.skipIf(skipReason)('security events on the real kernel', () => {
  const dir = mkdtempSync('/tmp/ainka-ebpf-sec-');
  const secret = join(dir, 'secret.key');
  const guarded = join(dir, 'guarded') + '/';
  mkdirSync(guarded);
  writeFileSync(secret, 'k');
  const ebpf = new EbpfStreams({
    drainIntervalMs: 5,
    securityWatches: [{ path: secret }, { path: guarded, writesOnly: true }],
  });
  const seen: BpfEvent[] = [];
  let sub: { unsubscribe(): void } | undefined;
  beforeAll(() => {
    sub = ebpf.securityEvents$.subscribe((e) => seen.push(e));
  });
  afterAll(() => {
    sub?.unsubscribe();
    ebpf.host.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });
  const find = <T extends BpfEvent>(pred: (e: BpfEvent) => boolean): T | undefined => seen.find(pred) as T | undefined;

  it('loads every mandatory slot with tracepoints only', () => {
    const st = ebpf.host.stats().security!;
    expect(st.loaded).toBe(true);
    for (const slot of ['exec', 'fork', 'exit', 'sock', 'sys']) expect(Object.keys(st.chosen)).toContain(slot);
    for (const program of Object.values(st.chosen)) expect(program).toMatch(/__(btf|raw)$/);
  });

  it('reports exec with the full argv, fork with the parent, and the syscall mix at exit', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 0.01; exit 0', 'argument with spaces'], { stdio: 'ignore' });
    await new Promise((r) => child.on('exit', r));
    const pid = child.pid!;
    expect(await waitFor(() => seen.some((e) => e.kind === 'exit' && e.pid === pid))).toBe(true);
    const exec = find<SecExecEvent>((e) => e.kind === 'secExec' && e.pid === pid)!;
    expect(exec).toMatchObject({ ppid: process.pid, uid: 0, euid: 0, filename: '/bin/sh', argv: ['/bin/sh', '-c', 'sleep 0.01; exit 0', 'argument with spaces'], stdinInet: false });
    // sh forks sleep (unless it execs it in place: then the exec is of the same pid)
    const sleepExec = find<SecExecEvent>((e) => e.kind === 'secExec' && e.filename.endsWith('sleep') && (e.ppid === pid || e.pid === pid))!;
    expect(sleepExec.argv).toEqual(['sleep', '0.01']);
    if (sleepExec.pid !== pid) expect(find((e) => e.kind === 'fork' && e.pid === sleepExec.pid && e.ppid === pid)).toBeDefined();
    const mix = find<SyscallMixEvent>((e) => e.kind === 'syscallMix' && e.pid === pid)!;
    // execve (59) and exit_group (231) on x86-64 are in every process's mix
    if (process.arch === 'x64') expect(mix.syscalls).toEqual(expect.arrayContaining([59, 231]));
    expect(mix.syscalls.length).toBeGreaterThan(5);
  });

  it('flags a shell whose stdin and stdout are a TCP socket (reverse shell shape)', async () => {
    const pid = await py(
      `import socket, os
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
c = socket.create_connection(l.getsockname())
a, _ = l.accept()
if os.fork() == 0:
    os.dup2(c.fileno(), 0); os.dup2(c.fileno(), 1)
    os.execv('/bin/sh', ['sh', '-c', 'exit 0'])
os.wait()`,
    );
    expect(await waitFor(() => seen.some((e) => e.kind === 'secExec' && e.ppid === pid && e.filename === '/bin/sh'))).toBe(true);
    const sh = find<SecExecEvent>((e) => e.kind === 'secExec' && e.ppid === pid && e.filename === '/bin/sh')!;
    expect(sh).toMatchObject({ stdinInet: true, stdoutInet: true });
    const listen = find<TcpEvent>((e) => e.kind === 'tcpState' && e.pid === pid && e.newState === 'LISTEN')!;
    expect(listen.saddr).toBe('127.0.0.1');
    expect(listen.sport).toBeGreaterThan(0);
    const connect = find<TcpEvent>((e) => e.kind === 'tcpState' && e.pid === pid && e.newState === 'SYN_SENT')!;
    expect(connect.dport).toBe(listen.sport);
  });

  it('reports reads of an exact watch and writes (not reads) below a prefix watch', async () => {
    const pid = await py(
      `import sys
open(sys.argv[1]).read()
open(sys.argv[2] + 'new.conf', 'w').write('x')
open(sys.argv[2] + 'new.conf').read()`,
      [secret, guarded],
    );
    expect(await waitFor(() => seen.some((e) => e.kind === 'fileOpen' && e.pid === pid && e.filename.endsWith('new.conf')))).toBe(true);
    const opens = seen.filter((e): e is FileOpenEvent => e.kind === 'fileOpen' && e.pid === pid);
    expect(opens.map((e) => [e.filename, e.watchId])).toEqual([
      [secret, 0],
      [`${guarded}new.conf`, 1],
    ]);
    expect(opens[1]!.flags & 3).toBe(1);
  });

  it('reports ptrace attach, module load attempts, setuid, capset and mount', async () => {
    const target = spawn('sleep', ['5'], { stdio: 'ignore' });
    await new Promise((r) => target.on('spawn', r));
    const mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    const pid = await py(
      `import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace(16, int(sys.argv[1]), 0, 0)
fd = os.open('/dev/null', os.O_RDONLY)
libc.syscall(313, fd, b'', 0)
libc.mount(b'none', sys.argv[2].encode(), b'tmpfs', 0, None)
libc.umount(sys.argv[2].encode())
if os.fork() == 0:
    os.setuid(65534)
    os._exit(0)
os.wait()`,
      [String(target.pid), mnt],
    );
    spawnSync('setpriv', ['--inh-caps=-all', 'true']);
    target.kill();
    const calls = (): SecCallEvent[] => seen.filter((e): e is SecCallEvent => e.kind === 'secCall');
    expect(await waitFor(() => calls().some((e) => e.call === 'capset'))).toBe(true);
    const mine = calls().filter((e) => e.pid === pid);
    expect(mine.find((e) => e.call === 'ptrace')).toMatchObject({ args: [16n, BigInt(target.pid!), 0n, 0n] });
    expect(mine.find((e) => e.call === 'finitModule')).toBeDefined();
    expect(mine.find((e) => e.call === 'mount')).toMatchObject({ str: mnt, str2: 'tmpfs' });
    const setuid = calls().find((e) => e.call === 'setuid' && e.args[0] === 65534n);
    expect(setuid).toBeDefined();
    expect(seen.some((e) => e.kind === 'fork' && e.pid === setuid!.pid && e.ppid === pid)).toBe(true);
    expect(ebpf.host.stats().security).toMatchObject({ decodeErrors: 0, kernelDrops: 0 });
  });
});
