import { decodeRingHeader, ProtocolError, RingHeaderOffset, SAMPLE_METRIC_COUNT, SampleOffset, type KernelSample, type RingHeader } from '@ainka/protocol';
import { AinkaKernelError } from './errors.js';

/** Counters of a {@link RingReader}. */
export interface RingStats {
  /** Samples returned to the caller. */
  readonly consumed: number;
  /** Samples the kernel dropped because the ring was full (`overflows` in the header). */
  readonly kernelOverflows: number;
  /** Samples the kernel produced, including dropped ones (`produced` in the header). */
  readonly produced: number;
  /** Records skipped because the producer overwrote them before they were read (head ran more than a ring ahead). */
  readonly skipped: number;
  /** Records whose seq/seq_end did not match their slot: overwritten while being read. Never returned. */
  readonly torn: number;
  /** Records behind head not yet read. */
  readonly backlog: number;
}

/** Options of a {@link RingReader}. */
export interface RingReaderOptions {
  /** Records read per {@link RingReader.read} call at most (default: the ring capacity). */
  readonly maxBatch?: number;
}

const HEAD = RingHeaderOffset.head / 8;
const TAIL = RingHeaderOffset.tail / 8;
const OVERFLOWS = RingHeaderOffset.overflows / 8;
const PRODUCED = RingHeaderOffset.produced / 8;
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/**
 * The single consumer of the AINKA sample ring (`struct ainka_ring_header` + records), over any
 * ArrayBuffer laid out per the ABI — the zero-copy mmap of `/dev/ainka` in production, a mapped file in
 * tests. `head` is loaded with `Atomics.load` before any record is read and `tail` is published with
 * `Atomics.store` after the records are copied, so the producer never reuses a slot under the reader.
 * Each record is validated seqlock-style: `seq_end` is read first, the body read, `seq` read last
 * (the producer writes them in the opposite order); a record whose numbers do not both equal its
 * position, or whose metric_count exceeds the ABI's, is counted as torn and dropped, never returned.
 * Records are read in place with the ABI's `SampleOffset`s (no copy, no BigInt per metric).
 */
export class RingReader {
  /** The validated header as it was when the reader was created (geometry; counters are live in {@link stats}). */
  readonly header: RingHeader;
  readonly #bytes: Uint8Array;
  readonly #words: BigInt64Array;
  readonly #u32: Uint32Array;
  readonly #view: DataView;
  readonly #i32: Int32Array;
  readonly #maxBatch: number;
  #consumed = 0;
  #skipped = 0;
  #torn = 0;

  /** Validates the header (magic, ABI version, record size, capacity, bounds); throws ERR_AINKA_ABI_MISMATCH or ERR_AINKA_BAD_REPLY. */
  constructor(buffer: ArrayBuffer, options: RingReaderOptions = {}) {
    this.#bytes = new Uint8Array(buffer);
    try {
      this.header = decodeRingHeader(this.#bytes, buffer.byteLength);
    } catch (error) {
      const abi = error instanceof ProtocolError && /ABI version|record size/.test(error.message);
      throw new AinkaKernelError(abi ? 'ERR_AINKA_ABI_MISMATCH' : 'ERR_AINKA_BAD_REPLY', `the sample ring is not usable: ${(error as Error).message}`, { cause: error });
    }
    this.#words = new BigInt64Array(buffer, 0, buffer.byteLength >>> 3);
    this.#u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.#view = new DataView(buffer);
    this.#i32 = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    this.#maxBatch = Math.max(1, Math.min(options.maxBatch ?? this.header.capacity, this.header.capacity));
  }

  /** Current head (records produced), loaded with acquire semantics. */
  head(): bigint {
    return u64(Atomics.load(this.#words, HEAD));
  }

  /** Current tail (records consumed). */
  tail(): bigint {
    return u64(Atomics.load(this.#words, TAIL));
  }

  /**
   * Reads up to `max` records (default the batch size), publishes the new tail, and returns the valid
   * samples in order. Never blocks; returns an empty array when the ring is empty.
   */
  read(max = this.#maxBatch): KernelSample[] {
    const capacity = this.header.capacity;
    const head = this.head();
    const tail0 = this.tail();
    if (head < tail0) {
      // The producer was reset (module reloaded behind the mapping): start over from its head.
      Atomics.store(this.#words, TAIL, head);
      return [];
    }
    let behind = head - tail0;
    if (behind > BigInt(capacity)) {
      // Overwritten before read: skip to the oldest record that can still be intact.
      this.#skipped += Number(behind - BigInt(capacity));
      behind = BigInt(capacity);
    }
    const count = Math.min(Number(behind), Math.max(1, Math.min(max, capacity)));
    const first = head - behind;
    const samples: KernelSample[] = [];
    // Record numbers below 2^53 (285,000 years at 1 kHz) are exact as doubles; the 64-bit words are
    // compared as two 32-bit halves so the loop allocates no BigInt per record.
    const firstNum = Number(first);
    for (let k = 0; k < count; k++) {
      const seq = firstNum + k;
      const sample = this.#readRecord(seq);
      if (sample) samples.push(sample);
      else this.#torn++;
    }
    Atomics.store(this.#words, TAIL, first + BigInt(count));
    this.#consumed += samples.length;
    return samples;
  }

  /** Seqlock read of record `seq`: seq_end, then the body, then seq; undefined when not whole. */
  #readRecord(seq: number): KernelSample | undefined {
    const { dataOffset, recordSize } = this.header;
    const base = (dataOffset + (seq & (this.header.capacity - 1)) * recordSize) >>> 2;
    const u32 = this.#u32;
    const lo = seq >>> 0;
    const hi = Math.floor(seq / 4294967296) >>> 0;
    const end = base + (SampleOffset.seqEnd >>> 2);
    if (Atomics.load(u32, end) !== lo || Atomics.load(u32, end + 1) !== hi) return undefined;
    const metricCount = u32[base + (SampleOffset.metricCount >>> 2)]!;
    const state = u32[base + (SampleOffset.state >>> 2)]!;
    if (metricCount > SAMPLE_METRIC_COUNT) return undefined;
    const timestampNs = this.#view.getBigUint64((base << 2) + SampleOffset.timestampNs, true);
    const metrics = new Array<number>(metricCount);
    const m0 = base + (SampleOffset.metrics >>> 2);
    const i32 = this.#i32;
    for (let i = 0; i < metricCount; i++) metrics[i] = i32[m0 + 2 * i + 1]! * 4294967296 + u32[m0 + 2 * i]!;
    const start = base + (SampleOffset.seq >>> 2);
    if (Atomics.load(u32, start) !== lo || Atomics.load(u32, start + 1) !== hi) return undefined;
    return { seq: BigInt(seq), timestampNs, state, metrics };
  }

  /** Reader and producer counters. */
  stats(): RingStats {
    const head = this.head();
    const tail = this.tail();
    return {
      consumed: this.#consumed,
      kernelOverflows: Number(u64(Atomics.load(this.#words, OVERFLOWS))),
      produced: Number(u64(Atomics.load(this.#words, PRODUCED))),
      skipped: this.#skipped,
      torn: this.#torn,
      backlog: head > tail ? Number(head - tail) : 0,
    };
  }
}
