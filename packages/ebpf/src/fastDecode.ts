import {
  BpfEventType,
  bpfExecStruct,
  bpfExitStruct,
  bpfFileOpenStruct,
  bpfOomKillStruct,
  bpfTcpStruct,
  computeLayout,
  ProtocolError,
  type StructLayout,
} from '@ainka/protocol';
import { formatAddress, TCP_STATE_NAMES, type BpfEvent } from './events.js';

/** Offsets of every field by name, from the ABI layouts (checked against the C header by @ainka/protocol's tests). */
function offsets(layout: StructLayout): Readonly<Record<string, number>> {
  return Object.fromEntries(layout.fields.map((f) => [f.name, f.offset]));
}

const execL = computeLayout(bpfExecStruct);
const exitL = computeLayout(bpfExitStruct);
const openL = computeLayout(bpfFileOpenStruct);
const oomL = computeLayout(bpfOomKillStruct);
const tcpL = computeLayout(bpfTcpStruct);
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
    throw new ProtocolError('ERR_AINKA_TRUNCATED', `need a 16-byte envelope, have ${bytes.length - offset}`, { what: 'struct ainka_bpf_event_hdr', offset });
  }
  const type = view.getUint16(offset, true);
  const size = view.getUint16(offset + 2, true);
  const want = SIZES.get(type);
  if (want === undefined) throw new ProtocolError('ERR_AINKA_UNKNOWN', `event type ${type} is not defined`, { what: 'struct ainka_bpf_event_hdr', offset });
  if (size !== want) throw new ProtocolError('ERR_AINKA_MALFORMED', `type ${type} records are ${want} bytes, envelope says ${size}`, { what: 'struct ainka_bpf_event_hdr', offset: offset + 2 });
  if (bytes.length - offset < size) throw new ProtocolError('ERR_AINKA_TRUNCATED', `need ${size} bytes, have ${bytes.length - offset}`, { what: 'eBPF record', offset });
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
        },
      };
    }
  }
}
