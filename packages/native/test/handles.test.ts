import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BpfObject } from '../src/index.js';
import { loadBinding } from '../src/binding.js';

// The addon's raw functions, as a caller that bypasses the TypeScript wrappers would use them.
type Fn = (...args: unknown[]) => unknown;
const raw = loadBinding() as unknown as Record<string, Fn>;
const call = (name: string, ...args: unknown[]): unknown => raw[name]!(...args);

const bpfDir = join(import.meta.dirname, '../../ebpf/bpf');
const processObj = join(bpfDir, 'process.bpf.o');
const syscallObj = join(bpfDir, 'syscall.bpf.o');
const skip =
  process.getuid?.() !== 0 ? 'not root' : !existsSync('/sys/kernel/btf/vmlinux') ? 'no kernel BTF' : !existsSync(processObj) ? `no ${processObj} (make -C ebpf)` : undefined;
if (skip) console.warn(`[@ainka/native] skipping eBPF handle tests: ${skip}`);

const AINKA_IOC_GET_VERSION = 0x8008a701; // _IOR(0xa7, 1, 8 bytes)

describe('handles are type-tagged: one kind passed for another is a TypeError, not a cast', () => {
  it('a netlink handle is refused by the bpf functions, and a bpf-less value by nlClose', () => {
    const nl = call('nlOpen', 16, 0, () => {});
    try {
      expect(() => call('bpfClose', nl)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_BPF_ARG' }));
      expect(() => call('bpfRingDrain', nl)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_BPF_ARG' }));
      expect(() => call('nlClose', {})).toThrow(TypeError);
    } finally {
      call('nlClose', nl);
    }
  });

  it.skipIf(skip)('a ring handle passed to bpfClose or nlSend is refused; the real object still closes', () => {
    const o = call('bpfOpen', processObj);
    for (const p of call('bpfPrograms', o) as { name: string }[]) call('bpfSetAutoload', o, p.name, p.name === 'exec__btf');
    call('bpfLoad', o);
    const ring = call('bpfRingOpen', o, 'events', 5, 65536, () => {});
    expect(() => call('bpfClose', ring)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_BPF_ARG' }));
    expect(() => call('nlSend', ring, new Uint8Array(16))).toThrow(TypeError);
    expect(() => call('bpfRingDrain', o)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_BPF_ARG' }));
    call('bpfRingClose', ring);
    call('bpfClose', o);
  });
});

describe('kdevIoctl passes a buffer of exactly the size the request encodes', () => {
  const fd = openSync('/dev/null', 'r');
  const ioctl = (req: number, arg: unknown): unknown => call('kdevIoctl', fd, req, arg);

  it('refuses a wrong-sized, non-Uint8Array or missing buffer before calling ioctl', () => {
    expect(() => ioctl(AINKA_IOC_GET_VERSION, new Uint8Array(4))).toThrow(/exactly the size/);
    expect(() => ioctl(AINKA_IOC_GET_VERSION, new Uint8Array(64))).toThrow(/exactly the size/);
    expect(() => ioctl(AINKA_IOC_GET_VERSION, null)).toThrow(/exactly the size/);
    expect(() => ioctl(AINKA_IOC_GET_VERSION, new Float64Array(1))).toThrow(/Uint8Array/);
    expect(() => ioctl(AINKA_IOC_GET_VERSION, new Uint32Array(2))).toThrow(/Uint8Array/);
  });

  it('refuses requests of other drivers, whose size field cannot be trusted', () => {
    expect(() => ioctl(0x541b /* FIONREAD */, new Uint8Array(4))).toThrow(/not an \/dev\/ainka ioctl/);
  });

  it('passes a correct request through to the kernel (here: /dev/null does not know it)', () => {
    expect(() => ioctl(AINKA_IOC_GET_VERSION, new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'ENOTTY' }));
    closeSync(fd);
  });
});

describe.skipIf(skip || !existsSync(syscallObj))('bpfIterate runs off the event loop', () => {
  it('returns a promise, and the loop keeps turning while the iterator is read', async () => {
    const obj = BpfObject.open(syscallObj);
    try {
      obj.load();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const pending = obj.iterate('collect_threads');
      expect(pending).toBeInstanceOf(Promise);
      const bytes = await pending;
      clearInterval(timer);
      expect(bytes).toBeGreaterThanOrEqual(0);
      // Closing the object while an iteration is in flight is safe (the work item owns the link).
      const again = obj.iterate('collect_threads');
      obj.close();
      await expect(again).resolves.toBeGreaterThanOrEqual(0);
      expect(ticks).toBeGreaterThanOrEqual(0);
    } finally {
      obj.close();
    }
  });
});
