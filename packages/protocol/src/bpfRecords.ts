import { ProtocolError } from './errors.js';
import {
  BpfEventType,
  bpfEventHdrStruct,
  bpfExecStruct,
  bpfExitStruct,
  bpfFileOpenStruct,
  bpfOomKillStruct,
  bpfTcpStruct,
  bpfSecExecStruct,
  bpfForkStruct,
  bpfSecCallStruct,
  bpfSyscallMixStruct,
} from './spec/bpf.js';
import { structCodec, type StructCodec, type StructValue } from './structCodec.js';

const byType = new Map<number, StructCodec>([
  [BpfEventType.EXEC, structCodec(bpfExecStruct)],
  [BpfEventType.EXIT, structCodec(bpfExitStruct)],
  [BpfEventType.FILE_OPEN, structCodec(bpfFileOpenStruct)],
  [BpfEventType.OOM_KILL, structCodec(bpfOomKillStruct)],
  [BpfEventType.TCP_STATE, structCodec(bpfTcpStruct)],
  [BpfEventType.TCP_RETRANSMIT, structCodec(bpfTcpStruct)],
  [BpfEventType.SEC_EXEC, structCodec(bpfSecExecStruct)],
  [BpfEventType.FORK, structCodec(bpfForkStruct)],
  [BpfEventType.SEC_CALL, structCodec(bpfSecCallStruct)],
  [BpfEventType.SYSCALL_MIX, structCodec(bpfSyscallMixStruct)],
]);
const hdrSize = structCodec(bpfEventHdrStruct).layout.size;

/** Size in bytes of the record of each eBPF event type. */
export function bpfRecordSize(type: number): number | undefined {
  return byType.get(type)?.layout.size;
}

/**
 * Decodes one eBPF ring buffer record at `offset`. The envelope's type must be known and its size
 * must equal the struct size for that type; a truncated record is `ERR_AINKA_PROTOCOL_TRUNCATED`.
 */
export function decodeBpfRecord(bytes: Uint8Array, offset = 0): StructValue {
  if (bytes.length - offset < hdrSize) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `need a ${hdrSize}-byte envelope, have ${Math.max(0, bytes.length - offset)}`, {
      what: 'struct ainka_bpf_event_hdr',
      offset,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, hdrSize);
  const type = view.getUint16(0, true);
  const size = view.getUint16(2, true);
  const codec = byType.get(type);
  if (!codec) throw new ProtocolError('ERR_AINKA_PROTOCOL_UNKNOWN', `event type ${type} is not defined`, { what: 'struct ainka_bpf_event_hdr', offset });
  if (size !== codec.layout.size) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `type ${type} records are ${codec.layout.size} bytes, envelope says ${size}`, {
      what: 'struct ainka_bpf_event_hdr',
      offset: offset + 2,
    });
  }
  return codec.decode(bytes, offset);
}
