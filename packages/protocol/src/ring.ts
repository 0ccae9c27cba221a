import { ProtocolError } from './errors.js';
import { AINKA_ABI_VERSION } from './spec/enums.js';
import { RING_MAGIC, ringHeaderStruct, sampleStruct, SAMPLE_METRIC_COUNT } from './spec/structs.js';
import { computeLayout } from './layout.js';

/** Layout of the ring header page. */
export const ringHeaderLayout = computeLayout(ringHeaderStruct);
/** Layout of one ring sample. */
export const sampleLayout = computeLayout(sampleStruct);

const off = (layout: typeof sampleLayout, name: string): number => layout.byName.get(name)!.offset;

/** Byte offsets of the ring header fields, for zero-copy readers (Atomics on a BigInt64Array view). */
export const RingHeaderOffset = {
  /** `magic` (u32, `AINKA_RING_MAGIC`). */
  magic: off(ringHeaderLayout, 'magic'),
  /** `abi_version` (u32). */
  abiVersion: off(ringHeaderLayout, 'abi_version'),
  /** `record_size` (u32). */
  recordSize: off(ringHeaderLayout, 'record_size'),
  /** `capacity` (u32). */
  capacity: off(ringHeaderLayout, 'capacity'),
  /** `data_offset` (u32). */
  dataOffset: off(ringHeaderLayout, 'data_offset'),
  /** `head` (u64, own cache line). */
  head: off(ringHeaderLayout, 'head'),
  /** `tail` (u64, own cache line). */
  tail: off(ringHeaderLayout, 'tail'),
  /** `overflows` (u64). */
  overflows: off(ringHeaderLayout, 'overflows'),
  /** `produced` (u64). */
  produced: off(ringHeaderLayout, 'produced'),
} as const;

/** Byte offsets inside one sample record. */
export const SampleOffset = {
  /** `seq` (u64), written first. */
  seq: off(sampleLayout, 'seq'),
  /** `timestamp_ns` (u64). */
  timestampNs: off(sampleLayout, 'timestamp_ns'),
  /** `state` (u32). */
  state: off(sampleLayout, 'state'),
  /** `metric_count` (u32). */
  metricCount: off(sampleLayout, 'metric_count'),
  /** `metrics` (s64 array indexed by {@link KernelMetric}). */
  metrics: off(sampleLayout, 'metrics'),
  /** `seq_end` (u64), written last. */
  seqEnd: off(sampleLayout, 'seq_end'),
} as const;

/** The ring header, decoded. */
export interface RingHeader {
  /** `AINKA_ABI_VERSION` of the producer. */
  readonly abiVersion: number;
  /** Bytes of one sample record. */
  readonly recordSize: number;
  /** Records in the ring, a power of two. */
  readonly capacity: number;
  /** Offset of record 0 from the start of the mapping, in bytes. */
  readonly dataOffset: number;
  /** Records produced since creation (written by the kernel). */
  readonly head: bigint;
  /** Records consumed since creation (written by userspace). */
  readonly tail: bigint;
  /** Samples dropped because the ring was full. */
  readonly overflows: bigint;
  /** Samples taken, dropped ones included. */
  readonly produced: bigint;
}

/** One decoded sample. */
export interface KernelSample {
  /** Record number (the head value when it was written). */
  readonly seq: bigint;
  /** `ktime_get_ns()` at sampling: monotonic nanoseconds since boot. */
  readonly timestampNs: bigint;
  /** {@link SystemState} after this sample. */
  readonly state: number;
  /** Values indexed by {@link KernelMetric}. */
  readonly metrics: readonly number[];
}

/**
 * Decodes and checks the ring header: magic, ABI version, record size, and a power-of-two capacity
 * whose records fit in `mappedBytes` (when given).
 */
export function decodeRingHeader(bytes: Uint8Array, mappedBytes?: number): RingHeader {
  const what = 'struct ainka_ring_header';
  if (bytes.length < ringHeaderLayout.size) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `need ${ringHeaderLayout.size} bytes, have ${bytes.length}`, { what, offset: 0 });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(RingHeaderOffset.magic, true);
  if (magic !== RING_MAGIC) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `magic is 0x${magic.toString(16)}, expected 0x${RING_MAGIC.toString(16)}: not an AINKA ring`, { what, offset: 0 });
  }
  const abiVersion = view.getUint32(RingHeaderOffset.abiVersion, true);
  if (abiVersion !== AINKA_ABI_VERSION) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `ABI version ${abiVersion}, this library speaks ${AINKA_ABI_VERSION}: install matching @ainka/kmod and @ainka/ipc versions`, {
      what,
      offset: RingHeaderOffset.abiVersion,
    });
  }
  const recordSize = view.getUint32(RingHeaderOffset.recordSize, true);
  if (recordSize !== sampleLayout.size) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `record size ${recordSize}, expected ${sampleLayout.size}`, { what, offset: RingHeaderOffset.recordSize });
  }
  const capacity = view.getUint32(RingHeaderOffset.capacity, true);
  if (capacity === 0 || (capacity & (capacity - 1)) !== 0) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `capacity ${capacity} is not a power of two`, { what, offset: RingHeaderOffset.capacity });
  }
  const dataOffset = view.getUint32(RingHeaderOffset.dataOffset, true);
  if (dataOffset < ringHeaderLayout.size || dataOffset % 8 !== 0) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MISALIGNED', `data offset ${dataOffset} overlaps the header or is not 8-aligned`, { what, offset: RingHeaderOffset.dataOffset });
  }
  if (mappedBytes !== undefined && dataOffset + capacity * recordSize > mappedBytes) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_OVERSIZE', `ring needs ${dataOffset + capacity * recordSize} bytes, mapping has ${mappedBytes}`, { what, offset: RingHeaderOffset.capacity });
  }
  return {
    abiVersion,
    recordSize,
    capacity,
    dataOffset,
    head: view.getBigUint64(RingHeaderOffset.head, true),
    tail: view.getBigUint64(RingHeaderOffset.tail, true),
    overflows: view.getBigUint64(RingHeaderOffset.overflows, true),
    produced: view.getBigUint64(RingHeaderOffset.produced, true),
  };
}

/**
 * Decodes the sample at `offset`. `expectedSeq`, when given, must match both seq and seq_end;
 * a mismatch means the record was torn (overwritten while read) and is reported, never returned.
 */
export function decodeSample(bytes: Uint8Array, offset = 0, expectedSeq?: bigint): KernelSample {
  const what = 'struct ainka_sample';
  if (offset < 0 || bytes.length - offset < sampleLayout.size) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `need ${sampleLayout.size} bytes, have ${Math.max(0, bytes.length - offset)}`, { what, offset });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, sampleLayout.size);
  const seq = view.getBigUint64(SampleOffset.seq, true);
  const seqEnd = view.getBigUint64(SampleOffset.seqEnd, true);
  if (seq !== seqEnd || (expectedSeq !== undefined && seq !== expectedSeq)) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `torn record: seq ${seq}, seq_end ${seqEnd}${expectedSeq === undefined ? '' : `, expected ${expectedSeq}`}`, {
      what,
      offset,
    });
  }
  const count = view.getUint32(SampleOffset.metricCount, true);
  if (count > SAMPLE_METRIC_COUNT) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_OVERSIZE', `metric_count ${count} exceeds ${SAMPLE_METRIC_COUNT}`, { what, offset: offset + SampleOffset.metricCount });
  }
  const metrics: number[] = [];
  for (let i = 0; i < count; i++) metrics.push(Number(view.getBigInt64(SampleOffset.metrics + i * 8, true)));
  return { seq, timestampNs: view.getBigUint64(SampleOffset.timestampNs, true), state: view.getUint32(SampleOffset.state, true), metrics };
}

/** Encodes a sample (for tests and simulators; the kernel is the real producer). */
export function encodeSample(sample: KernelSample): Uint8Array {
  const out = new Uint8Array(sampleLayout.size);
  const view = new DataView(out.buffer);
  view.setBigUint64(SampleOffset.seq, sample.seq, true);
  view.setBigUint64(SampleOffset.timestampNs, sample.timestampNs, true);
  view.setUint32(SampleOffset.state, sample.state, true);
  if (sample.metrics.length > SAMPLE_METRIC_COUNT) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_OVERSIZE', `${sample.metrics.length} metrics, at most ${SAMPLE_METRIC_COUNT}`, { what: 'struct ainka_sample' });
  }
  view.setUint32(SampleOffset.metricCount, sample.metrics.length, true);
  sample.metrics.forEach((m, i) => view.setBigInt64(SampleOffset.metrics + i * 8, BigInt(m), true));
  view.setBigUint64(SampleOffset.seqEnd, sample.seq, true);
  return out;
}
