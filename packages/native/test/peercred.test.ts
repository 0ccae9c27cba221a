import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPeerCred, isNativeSystemError } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ainka-peercred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fdOf(sock: Socket): number {
  const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('no fd on this socket');
  return fd;
}

/** A Unix server on a temp path; resolves with the server and a function giving the next accepted socket. */
async function unixServer(name: string): Promise<{ server: Server; path: string; accepted: () => Promise<Socket> }> {
  const path = join(dir, name);
  const queue: Socket[] = [];
  const waiting: ((s: Socket) => void)[] = [];
  const server = createServer((s) => {
    const w = waiting.shift();
    if (w) w(s);
    else queue.push(s);
  });
  await new Promise<void>((r) => server.listen(path, () => r()));
  return { server, path, accepted: () => (queue.length > 0 ? Promise.resolve(queue.shift() as Socket) : new Promise((r) => waiting.push(r))) };
}

describe('getPeerCred', () => {
  it('reads this process as the peer of an in-process connection (both ends)', async () => {
    const { server, path, accepted } = await unixServer('self.sock');
    const client = connect(path);
    await new Promise<void>((r) => client.once('connect', () => r()));
    const serverSide = await accepted();
    try {
      const creds = getPeerCred(fdOf(serverSide));
      expect(creds).toEqual({ pid: process.pid, uid: process.getuid?.(), gid: process.getgid?.() });
      // The client end sees the listener's credentials: the same process here.
      expect(getPeerCred(fdOf(client))).toEqual(creds);
    } finally {
      client.destroy();
      serverSide.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('reads another process: the pid of a child that connected', async () => {
    const { server, path, accepted } = await unixServer('child.sock');
    const child = spawn(process.execPath, ['-e', `const s=require('net').connect(${JSON.stringify(path)});s.on('connect',()=>setTimeout(()=>s.end(),5000));s.on('error',()=>{})`], { stdio: 'ignore' });
    const serverSide = await accepted();
    try {
      const creds = getPeerCred(fdOf(serverSide));
      expect(creds.pid).toBe(child.pid);
      expect(creds.uid).toBe(process.getuid?.());
    } finally {
      serverSide.destroy();
      child.kill();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it.skipIf(process.getuid?.() !== 0)('reports the uid and gid a process connected with (nobody, as root)', async () => {
    // nobody must be able to reach the socket: the temp dir is 0700 and the socket follows the umask.
    chmodSync(dir, 0o755);
    const { server, path, accepted } = await unixServer('nobody.sock');
    chmodSync(path, 0o666);
    const child = spawn(process.execPath, ['-e', `const s=require('net').connect(${JSON.stringify(path)});s.on('connect',()=>setTimeout(()=>s.end(),5000));s.on('error',()=>{})`], {
      stdio: 'ignore',
      uid: 65534,
      gid: 65534,
    });
    const serverSide = await accepted();
    try {
      expect(getPeerCred(fdOf(serverSide))).toEqual({ pid: child.pid, uid: 65534, gid: 65534 });
    } finally {
      serverSide.destroy();
      child.kill();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('throws a system error naming getsockopt for a descriptor that is not a socket', () => {
    const fd = openSync('/dev/null', 'r');
    try {
      let err: unknown;
      try {
        getPeerCred(fd);
      } catch (e) {
        err = e;
      }
      expect(isNativeSystemError(err)).toBe(true);
      expect(err).toMatchObject({ code: 'ENOTSOCK', errno: 88, syscall: 'getsockopt' });
      expect((err as Error).message).toBe('getsockopt: Socket operation on non-socket');
    } finally {
      closeSync(fd);
    }
  });

  it('throws a TypeError for a value that is not a file descriptor', () => {
    expect(() => getPeerCred(-1)).toThrow(TypeError);
    expect(() => getPeerCred('3' as unknown as number)).toThrow(/file descriptor/);
  });
});
