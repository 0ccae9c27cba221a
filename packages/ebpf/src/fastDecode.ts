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

function cstr(bytes: Uint8Array, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && bytes[end] !== 0) end++;
  if (end === start) return '';
  // ASCII fast path: comm and most paths
  let ascii = true;
  for (let i = start; i < end; i++) if (bytes[i]! > 0x7f) ascii = false;
  return ascii ? String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]) : utf8.decode(bytes.subarray(start, end));
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
  const u32 = (o: number): number => view.getUint32(offset + o, true);
  const s32 = (o: number): number => view.getInt32(offset + o, true);
  const u64 = (o: number): bigint => view.getBigUint64(offset + o, true);
  const cpu = u32(4);
  const timestampNs = u64(8);
  switch (type) {
    case BpfEventType.EXEC:
      return {
        size,
        event: {
          kind: 'exec',
          cpu,
          timestampNs,
          pid: u32(X['pid']!),
          ppid: u32(X['ppid']!),
          uid: u32(X['uid']!),
          cgroupId: u64(X['cgroup_id']!),
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
          pid: u32(E['pid']!),
          ppid: u32(E['ppid']!),
          uid: u32(E['uid']!),
          exitCode: s32(E['exit_code']!),
          cgroupId: u64(E['cgroup_id']!),
          durationNs: u64(E['duration_ns']!),
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
          pid: u32(F['pid']!),
          uid: u32(F['uid']!),
          flags: s32(F['flags']!),
          watchId: u32(F['watch_id']!),
          cgroupId: u64(F['cgroup_id']!),
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
          pid: u32(O['pid']!),
          uid: u32(O['uid']!),
          totalVmKb: u64(O['total_vm_kb']!),
          anonRssKb: u64(O['anon_rss_kb']!),
          oomScoreAdj: s32(O['oom_score_adj']!),
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
          pid: u32(T['pid']!),
          ipVersion,
          saddr: formatAddress(Array.from(bytes.subarray(sa, sa + 16)), ipVersion),
          sport: view.getUint16(offset + T['sport']!, true),
          daddr: formatAddress(Array.from(bytes.subarray(da, da + 16)), ipVersion),
          dport: view.getUint16(offset + T['dport']!, true),
          oldState: TCP_STATE_NAMES[oldS] ?? String(oldS),
          newState: TCP_STATE_NAMES[newS] ?? String(newS),
          connectLatencyNs: u64(T['connect_latency_ns']!),
          comm: cstr(bytes, offset + T['comm']!, 16),
        },
      };
    }
  }
}
