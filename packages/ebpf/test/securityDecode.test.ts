import { BpfEventType, bpfForkStruct, bpfSecCallStruct, bpfSecExecStruct, bpfSyscallMixStruct, decodeBpfRecord, SecCallKind, structCodec } from '@ainka/protocol';
import { describe, expect, it } from 'vitest';
import { decodeBatch, mixBits, toEvent, type SecCallEvent, type SecExecEvent, type SyscallMixEvent } from '../src/events.js';

const argv = Buffer.from('bash\0-c\0id; uname -a\0');
const records = [
  structCodec(bpfSecExecStruct).encode({
    type: BpfEventType.SEC_EXEC,
    size: 448,
    cpu: 1,
    timestamp_ns: 5n,
    pid: 10,
    ppid: 9,
    uid: 1000,
    euid: 0,
    flags: 1 | 8 | 16,
    args_len: argv.length,
    cgroup_id: 77n,
    comm: 'bash',
    filename: '/usr/bin/bash',
    args: [...argv],
  }),
  structCodec(bpfForkStruct).encode({ type: BpfEventType.FORK, size: 48, cpu: 0, timestamp_ns: 6n, pid: 11, ppid: 10, uid: 1000, comm: 'bash' }),
  structCodec(bpfSecCallStruct).encode({
    type: BpfEventType.SEC_CALL,
    size: 280,
    cpu: 0,
    timestamp_ns: 7n,
    pid: 11,
    uid: 0,
    euid: 0,
    call: SecCallKind.MOUNT,
    args: [4096n, 0n, 0n, 0n],
    cgroup_id: 1n,
    comm: 'mount',
    str: '/mnt/x',
    str2: 'tmpfs',
  }),
  structCodec(bpfSyscallMixStruct).encode({ type: BpfEventType.SYSCALL_MIX, size: 104, cpu: 0, timestamp_ns: 8n, pid: 11, bits: [0b101n, 0n, 0n, 1n << 63n, 0n, 0n, 0n, 0n], comm: 'mount' }),
];
const batch = Buffer.concat(records.map((r) => Buffer.from(r)));

describe('security records', () => {
  it('decode to typed events with argv split, flags and the syscall set', () => {
    const { events, errors } = decodeBatch(batch);
    expect(errors).toBe(0);
    expect(events[0] as SecExecEvent).toMatchObject({
      kind: 'secExec',
      argv: ['bash', '-c', 'id; uname -a'],
      stdinInet: true,
      stdoutInet: false,
      parentStdinInet: false,
      parentStdoutInet: true,
      argsTruncated: true,
      euid: 0,
      uid: 1000,
    });
    expect(events[1]).toMatchObject({ kind: 'fork', pid: 11, ppid: 10 });
    expect(events[2] as SecCallEvent).toMatchObject({ kind: 'secCall', call: 'mount', str: '/mnt/x', str2: 'tmpfs', args: [4096n, 0n, 0n, 0n] });
    expect((events[3] as SyscallMixEvent).syscalls).toEqual([0, 2, 255]);
  });

  it('the fast path agrees with the protocol codec', () => {
    const reference = [];
    for (let off = 0; off < batch.length; ) {
      const v = decodeBpfRecord(batch, off);
      reference.push(toEvent(v));
      off += v.size as number;
    }
    expect(decodeBatch(batch).events).toEqual(reference);
  });

  it('the syscall set of a mix record: bits in both 32-bit halves of every word, from 0 to 511', () => {
    const bits = [(1n << 31n) | (1n << 32n), 0xffff_ffff_ffff_ffffn, 0n, 0x8000_0001_8000_0001n, 0n, 1n << 33n, 0n, (1n << 63n) | 1n];
    // bit by bit, as the kernel's bitmap is laid out: syscall nr = 64 * word + bit
    const expected: number[] = [];
    bits.forEach((w, i) => {
      for (let b = 0; b < 64; b++) if ((w >> BigInt(b)) & 1n) expected.push(i * 64 + b);
    });
    expect(expected).toHaveLength(2 + 64 + 4 + 1 + 2);
    const record = Buffer.from(structCodec(bpfSyscallMixStruct).encode({ type: BpfEventType.SYSCALL_MIX, size: 104, cpu: 1, timestamp_ns: 9n, pid: 12, bits, comm: 'x' }));
    expect((decodeBatch(record).events[0] as SyscallMixEvent).syscalls).toEqual(expected);
    expect((toEvent(decodeBpfRecord(record, 0)) as SyscallMixEvent).syscalls).toEqual(expected);
    expect(mixBits(bits)).toEqual(expected);
  });
});
