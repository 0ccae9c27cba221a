import {
  BpfEventType,
  bpfExecStruct,
  bpfExitStruct,
  bpfFileOpenStruct,
  bpfOomKillStruct,
  bpfTcpStruct,
  bpfSecExecStruct,
  bpfForkStruct,
  bpfSecCallStruct,
  bpfSyscallMixStruct,
  computeLayout,
  ProtocolError,
  type StructLayout,
} from '@ainka/protocol';
import { formatAddress, pushBits32, SEC_CALL_NAMES, splitArgs, TCP_STATE_NAMES, type BpfEvent } from './events.js';

/** Offsets of every field by name, from the ABI layouts (checked against the C header by @ainka/protocol's tests). */
function offsets(layout: StructLayout): Readonly<Record<string, number>> {
  return Object.fromEntries(layout.fields.map((f) => [f.name, f.offset]));
}

const execL = computeLayout(bpfExecStruct);
const exitL = computeLayout(bpfExitStruct);
const openL = computeLayout(bpfFileOpenStruct);
const oomL = computeLayout(bpfOomKillStruct);
const tcpL = computeLayout(bpfTcpStruct);
const secExecL = computeLayout(bpfSecExecStruct);
const forkL = computeLayout(bpfForkStruct);
const secCallL = computeLayout(bpfSecCallStruct);
const mixL = computeLayout(bpfSyscallMixStruct);
const SX = offsets(secExecL);
const FK = offsets(forkL);
const SC = offsets(secCallL);
const MX = offsets(mixL);
const X = offsets(execL);
const E = offsets(exitL);
const F = offsets(openL);
const O = offsets(oomL);
const T = offsets(tcpL);
const SIZES = new Map<number, number>([
  [BpfEventType.EXEC, execL.size],
  [BpfEventType.EXIT, exitL.size],
  [BpfEventType.FILE_OPEN, openL.size],
  [BpfEventType.OOM_KILL, oomL.size],
  [BpfEventType.TCP_STATE, tcpL.size],
  [BpfEventType.TCP_RETRANSMIT, tcpL.size],
  [BpfEventType.SEC_EXEC, secExecL.size],
  [BpfEventType.FORK, forkL.size],
  [BpfEventType.SEC_CALL, secCallL.size],
  [BpfEventType.SYSCALL_MIX, mixL.size],
]);

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A NUL-terminated string of at most `len` bytes; short ASCII (comm, most paths) without TextDecoder. */
function cstr(bytes: Uint8Array, start: number, len: number): string {
  const stop = start + len;
  let out = '';
  for (let i = start; i < stop; i++) {
    const b = bytes[i]!;
    if (b === 0) return out;
    if (b > 0x7f) {
      let end = i;
      while (end < stop && bytes[end] !== 0) end++;
      return utf8.decode(bytes.subarray(start, end));
    }
    out += String.fromCharCode(b);
  }
  return out;
}

/**
 * Decodes one record at `offset` straight from the ABI offsets (the hot path of the streams).
 * Checks the envelope like `decodeBpfRecord` (known type, size equal to the struct's, whole
 * record present) but does not re-check reserved bytes. Returns the event and its size.
 */
export function decodeRecordFast(bytes: Uint8Array, view: DataView, offset: number): { event: BpfEvent; size: number } {
  if (bytes.length - offset < 16) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `need a 16-byte envelope, have ${bytes.length - offset}`, { what: 'struct ainka_bpf_event_hdr', offset });
  }
  const type = view.getUint16(offset, true);
  const size = view.getUint16(offset + 2, true);
  const want = SIZES.get(type);
  if (want === undefined) throw new ProtocolError('ERR_AINKA_PROTOCOL_UNKNOWN', `event type ${type} is not defined`, { what: 'struct ainka_bpf_event_hdr', offset });
  if (size !== want) throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `type ${type} records are ${want} bytes, envelope says ${size}`, { what: 'struct ainka_bpf_event_hdr', offset: offset + 2 });
  if (bytes.length - offset < size) throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `need ${size} bytes, have ${bytes.length - offset}`, { what: 'eBPF record', offset });
  const cpu = view.getUint32(offset + 4, true);
  const timestampNs = view.getBigUint64(offset + 8, true);
  switch (type) {
    case BpfEventType.EXEC:
      return {
        size,
        event: {
          kind: 'exec',
          cpu,
          timestampNs,
          pid: view.getUint32(offset + X['pid']!, true),
          ppid: view.getUint32(offset + X['ppid']!, true),
          uid: view.getUint32(offset + X['uid']!, true),
          cgroupId: view.getBigUint64(offset + X['cgroup_id']!, true),
          comm: cstr(bytes, offset + X['comm']!, 16),
          filename: cstr(bytes, offset + X['filename']!, 128),
        },
      };
    case BpfEventType.EXIT:
      return {
        size,
        event: {
          kind: 'exit',
          cpu,
          timestampNs,
          pid: view.getUint32(offset + E['pid']!, true),
          ppid: view.getUint32(offset + E['ppid']!, true),
          uid: view.getUint32(offset + E['uid']!, true),
          exitCode: view.getInt32(offset + E['exit_code']!, true),
          cgroupId: view.getBigUint64(offset + E['cgroup_id']!, true),
          durationNs: view.getBigUint64(offset + E['duration_ns']!, true),
          comm: cstr(bytes, offset + E['comm']!, 16),
        },
      };
    case BpfEventType.FILE_OPEN:
      return {
        size,
        event: {
          kind: 'fileOpen',
          cpu,
          timestampNs,
          pid: view.getUint32(offset + F['pid']!, true),
          uid: view.getUint32(offset + F['uid']!, true),
          flags: view.getInt32(offset + F['flags']!, true),
          watchId: view.getUint32(offset + F['watch_id']!, true),
          cgroupId: view.getBigUint64(offset + F['cgroup_id']!, true),
          comm: cstr(bytes, offset + F['comm']!, 16),
          filename: cstr(bytes, offset + F['filename']!, 128),
        },
      };
    case BpfEventType.OOM_KILL:
      return {
        size,
        event: {
          kind: 'oomKill',
          cpu,
          timestampNs,
          pid: view.getUint32(offset + O['pid']!, true),
          uid: view.getUint32(offset + O['uid']!, true),
          totalVmKb: view.getBigUint64(offset + O['total_vm_kb']!, true),
          anonRssKb: view.getBigUint64(offset + O['anon_rss_kb']!, true),
          oomScoreAdj: view.getInt32(offset + O['oom_score_adj']!, true),
          comm: cstr(bytes, offset + O['comm']!, 16),
        },
      };
    case BpfEventType.SEC_EXEC: {
      const flags = view.getUint32(offset + SX['flags']!, true);
      const argsLen = Math.min(view.getUint32(offset + SX['args_len']!, true), 256);
      const a = offset + SX['args']!;
      return {
        size,
        event: {
          kind: 'secExec',
          cpu,
          timestampNs,
          pid: view.getUint32(offset + SX['pid']!, true),
          ppid: view.getUint32(offset + SX['ppid']!, true),
          uid: view.getUint32(offset + SX['uid']!, true),
          euid: view.getUint32(offset + SX['euid']!, true),
          stdinInet: (flags & 1) !== 0,
          stdoutInet: (flags & 2) !== 0,
          parentStdinInet: (flags & 4) !== 0,
          parentStdoutInet: (flags & 8) !== 0,
          argsTruncated: (flags & 16) !== 0,
          argv: splitArgs(bytes.subarray(a, a + argsLen)),
          cgroupId: view.getBigUint64(offset + SX['cgroup_id']!, true),
          comm: cstr(bytes, offset + SX['comm']!, 16),
          filename: cstr(bytes, offset + SX['filename']!, 128),
        },
      };
    }
    case BpfEventType.FORK:
      return {
        size,
        event: {
          kind: 'fork',
          cpu,
          timestampNs,
          pid: view.getUint32(offset + FK['pid']!, true),
          ppid: view.getUint32(offset + FK['ppid']!, true),
          uid: view.getUint32(offset + FK['uid']!, true),
          comm: cstr(bytes, offset + FK['comm']!, 16),
        },
      };
    case BpfEventType.SEC_CALL: {
      const a = offset + SC['args']!;
      return {
        size,
        event: {
          kind: 'secCall',
          cpu,
          timestampNs,
          call: SEC_CALL_NAMES[view.getUint32(offset + SC['call']!, true)] ?? 'ptrace',
          pid: view.getUint32(offset + SC['pid']!, true),
          uid: view.getUint32(offset + SC['uid']!, true),
          euid: view.getUint32(offset + SC['euid']!, true),
          args: [view.getBigUint64(a, true), view.getBigUint64(a + 8, true), view.getBigUint64(a + 16, true), view.getBigUint64(a + 24, true)],
          cgroupId: view.getBigUint64(offset + SC['cgroup_id']!, true),
          comm: cstr(bytes, offset + SC['comm']!, 16),
          str: cstr(bytes, offset + SC['str']!, 128),
          str2: cstr(bytes, offset + SC['str2']!, 64),
        },
      };
    }
    case BpfEventType.SYSCALL_MIX: {
      // eight little-endian 64-bit words read as sixteen 32-bit halves, low half first (no BigInt per record)
      const w = offset + MX['bits']!;
      const syscalls: number[] = [];
      for (let i = 0; i < 16; i++) pushBits32(syscalls, view.getUint32(w + i * 4, true), i * 32);
      return {
        size,
        event: { kind: 'syscallMix', cpu, timestampNs, pid: view.getUint32(offset + MX['pid']!, true), syscalls, comm: cstr(bytes, offset + MX['comm']!, 16) },
      };
    }
    default: {
      const ipVersion = view.getUint16(offset + T['family']!, true) === 10 ? 6 : 4;
      const sa = offset + T['saddr']!;
      const da = offset + T['daddr']!;
      const oldS = bytes[offset + T['old_state']!]!;
      const newS = bytes[offset + T['new_state']!]!;
      return {
        size,
        event: {
          kind: type === BpfEventType.TCP_RETRANSMIT ? 'tcpRetransmit' : 'tcpState',
          cpu,
          timestampNs,
          pid: view.getUint32(offset + T['pid']!, true),
          ipVersion,
          saddr: formatAddress(Array.from(bytes.subarray(sa, sa + 16)), ipVersion),
          sport: view.getUint16(offset + T['sport']!, true),
          daddr: formatAddress(Array.from(bytes.subarray(da, da + 16)), ipVersion),
          dport: view.getUint16(offset + T['dport']!, true),
          oldState: TCP_STATE_NAMES[oldS] ?? String(oldS),
          newState: TCP_STATE_NAMES[newS] ?? String(newS),
          connectLatencyNs: view.getBigUint64(offset + T['connect_latency_ns']!, true),
          comm: cstr(bytes, offset + T['comm']!, 16),
          cgroupId: view.getBigUint64(offset + T['cgroup_id']!, true),
        },
      };
    }
  }
}
