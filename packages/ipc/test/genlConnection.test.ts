import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NetlinkSocket } from '@ainka/native';
import { CtrlAttr, CtrlCmd, decodeFamilyReply, encodeAttr, encodeGenl, encodeGetFamily, encodeNlmsg, GENL_ID_CTRL, NlmFlags, NlmsgType } from '@ainka/protocol';
import { AinkaKernelError, GenlConnection } from '../src/index.js';

// Everything here talks to the host kernel's real generic netlink controller (nlctrl), which every
// Linux kernel has: it proves the uv_poll socket, framing, ACK/extack and dump handling for real.
const root = join(import.meta.dirname, '..', '..', '..');

describe('GenlConnection against the kernel generic netlink controller', () => {
  it('resolves nlctrl itself: a CTRL_CMD_GETFAMILY round trip through the uv_poll socket', async () => {
    const conn = new GenlConnection();
    try {
      const family = await conn.resolveFamily('nlctrl');
      expect(family.id).toBe(GENL_ID_CTRL);
      expect(family.name).toBe('nlctrl');
      expect(family.mcastGroups.has('notify')).toBe(true);
      expect(conn.inFlight).toBe(0);
    } finally {
      conn.close();
    }
  });

  it('turns an unknown family into a typed error carrying errno ENOENT', async () => {
    const conn = new GenlConnection();
    try {
      const error = await conn.resolveFamily('ainka-nosuch').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AinkaKernelError);
      expect(error).toMatchObject({ code: 'ERR_AINKA_KERNEL_REJECTED', errno: 2 });
      expect((error as Error).message).toMatch(/ENOENT/);
    } finally {
      conn.close();
    }
  });

  it('surfaces the kernel extack text and the offending attribute of a malformed request', async () => {
    const conn = new GenlConnection();
    try {
      // CTRL_ATTR_FAMILY_ID is a u16; send one byte. The kernel's policy check rejects it with extack.
      const bad = (seq: number): Uint8Array =>
        encodeNlmsg(
          { type: GENL_ID_CTRL, flags: NlmFlags.REQUEST | NlmFlags.ACK, seq, pid: 0 },
          encodeGenl({ cmd: CtrlCmd.GETFAMILY, version: 2 }, encodeAttr(CtrlAttr.FAMILY_ID, new Uint8Array([1]))),
        );
      const error = await conn.request(bad, { name: 'nlctrl getfamily', describeOffset: (_req, offset) => `offset ${offset}` }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AinkaKernelError);
      const e = error as AinkaKernelError;
      expect(e.code).toBe('ERR_AINKA_KERNEL_REJECTED');
      expect(e.errno).toBeGreaterThan(0);
      expect(e.extack).toBeTruthy();
      expect(e.message).toContain(e.extack!);
      expect(e.attribute).toBe('offset 20'); // nlmsghdr (16) + genlmsghdr (4): the first attribute
    } finally {
      conn.close();
    }
  });

  it('collects a multi-part dump until NLMSG_DONE', async () => {
    const conn = new GenlConnection();
    try {
      const dump = (seq: number): Uint8Array =>
        encodeNlmsg({ type: GENL_ID_CTRL, flags: NlmFlags.REQUEST | NlmFlags.DUMP, seq, pid: 0 }, encodeGenl({ cmd: CtrlCmd.GETFAMILY, version: 2 }, new Uint8Array(0)));
      const parts = await conn.request(dump, { name: 'dump families', dump: true });
      const names = parts.map((p) => decodeFamilyReply(p.payload).name);
      expect(names).toContain('nlctrl');
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.every((p) => (p.header.flags & NlmFlags.MULTI) !== 0)).toBe(true);
    } finally {
      conn.close();
    }
  });

  it('times out a request the kernel never answers, and stays usable', async () => {
    const conn = new GenlConnection();
    try {
      // NLMSG_NOOP without NLM_F_ACK: the kernel consumes it silently.
      const silent = (seq: number): Uint8Array => encodeNlmsg({ type: NlmsgType.NOOP, flags: NlmFlags.REQUEST, seq, pid: 0 }, new Uint8Array(0));
      await expect(conn.request(silent, { name: 'noop', timeoutMs: 50 })).rejects.toMatchObject({ code: 'ERR_AINKA_KERNEL_TIMEOUT', syscall: 'noop' });
      expect(conn.inFlight).toBe(0);
      expect((await conn.resolveFamily('nlctrl')).id).toBe(GENL_ID_CTRL);
    } finally {
      conn.close();
    }
  });

  it('matches 300 concurrent requests to their replies by sequence number (several bounded batches)', async () => {
    const conn = new GenlConnection();
    try {
      const names = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 'nlctrl' : `missing-${i}`));
      const results = await Promise.allSettled(names.map((n) => conn.resolveFamily(n)));
      results.forEach((r, i) => {
        if (i % 3 === 0) expect(r.status === 'fulfilled' && r.value.name).toBe('nlctrl');
        else expect(r.status === 'rejected' && (r.reason as AinkaKernelError).errno).toBe(2);
      });
      expect(conn.inFlight).toBe(0);
    } finally {
      conn.close();
    }
  });

  it('surfaces a receive-buffer overrun (ENOBUFS) as ERR_AINKA_KERNEL_OVERRUN on the requests in flight, and recovers', async () => {
    const overruns: AinkaKernelError[] = [];
    const conn = new GenlConnection({ rcvbufBytes: 4096, onSocketError: (e) => overruns.push(e) });
    try {
      // 400 requests are sent synchronously before the loop reads anything: the kernel's replies overflow 4 KiB.
      const results = await Promise.allSettled(Array.from({ length: 400 }, () => conn.resolveFamily('nlctrl')));
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected.length).toBeGreaterThan(0);
      expect([...new Set(rejected.map((r) => (r.reason as AinkaKernelError).code))]).toEqual(["ERR_AINKA_KERNEL_OVERRUN"]);
      expect(conn.overruns).toBeGreaterThan(0);
      expect(overruns[0]).toMatchObject({ code: 'ERR_AINKA_KERNEL_OVERRUN', errno: 105 });
      expect(conn.inFlight).toBe(0);
      expect((await conn.resolveFamily('nlctrl')).id).toBe(GENL_ID_CTRL);
    } finally {
      conn.close();
    }
  });

  it('rejects requests in flight and later ones with ERR_AINKA_KERNEL_CLOSED', async () => {
    const conn = new GenlConnection();
    const silent = (seq: number): Uint8Array => encodeNlmsg({ type: NlmsgType.NOOP, flags: NlmFlags.REQUEST, seq, pid: 0 }, new Uint8Array(0));
    const inFlight = conn.request(silent, { name: 'noop', timeoutMs: 10_000 });
    conn.close();
    await expect(inFlight).rejects.toMatchObject({ code: 'ERR_AINKA_KERNEL_CLOSED' });
    await expect(conn.resolveFamily('nlctrl')).rejects.toMatchObject({ code: 'ERR_AINKA_KERNEL_CLOSED' });
    conn.close();
  });

  it('raw NetlinkSocket: reports its port id, refuses use after close', async () => {
    const received: Uint8Array[] = [];
    const socket = NetlinkSocket.open((errno, datagrams) => {
      expect(errno).toBe(0);
      received.push(...datagrams);
    });
    expect(socket.portId).toBeGreaterThan(0);
    socket.send(encodeGetFamily('nlctrl', 7));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => received.length >= 2 && (clearInterval(poll), resolve()), 1);
    });
    expect(new DataView(received[0]!.buffer, received[0]!.byteOffset).getUint32(12, true)).toBe(socket.portId);
    socket.close();
    expect(socket.closed).toBe(true);
    expect(() => socket.send(new Uint8Array(16))).toThrow(/closed/);
    socket.close();
  });

  it('does not keep the process alive while idle (the socket is unreferenced between requests)', async () => {
    const script = `import { GenlConnection } from '${join(root, 'packages/ipc/src/index.ts')}';
const conn = new GenlConnection();
const f = await conn.resolveFamily('nlctrl');
console.log(f.id); // no close(): the process must still exit on its own`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(killer);
    expect(code).toBe(0);
    expect(out.trim()).toBe(String(GENL_ID_CTRL));
  });
});
