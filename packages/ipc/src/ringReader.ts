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

/**
 * Reusable columnar storage for {@link RingReader.readInto}: the samples of one drain in typed arrays,
 * so reading allocates nothing per record (what a consumer that aggregates or forwards samples wants).
 * Record `i` of the batch is at index `i` of each column; its metrics are
 * `metrics[i * SAMPLE_METRIC_COUNT + m]` for `m < metricCount[i]`.
 */
export class SampleBatch {
  /** Records the last {@link RingReader.readInto} stored (valid ones only, in order). */
  length = 0;
  /** Records the batch holds at most. */
  readonly capacity: number;
  /** Record numbers (`seq`); exact as doubles below 2^53. */
  readonly seq: Float64Array;
  /** `timestamp_ns` of each record (monotonic ns since boot). */
  readonly timestampNs: BigUint64Array;
  /** {@link SystemState} after each sample. */
  readonly state: Uint32Array;
  /** Metrics present in each record (at most SAMPLE_METRIC_COUNT). */
  readonly metricCount: Uint32Array;
  /** Metric values, SAMPLE_METRIC_COUNT slots per record, indexed by {@link KernelMetric}. */
  readonly metrics: Float64Array;
  /** The timestamps as 32-bit halves (the same memory), written without a BigInt per record. */
  readonly #timestampWords: Uint32Array;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new AinkaKernelError('ERR_AINKA_KERNEL_INVALID_ARGUMENT', `SampleBatch capacity ${capacity} must be a positive integer`);
    this.capacity = capacity;
    this.seq = new Float64Array(capacity);
    this.timestampNs = new BigUint64Array(capacity);
    this.#timestampWords = new Uint32Array(this.timestampNs.buffer);
    this.state = new Uint32Array(capacity);
    this.metricCount = new Uint32Array(capacity);
    this.metrics = new Float64Array(capacity * SAMPLE_METRIC_COUNT);
  }

  /** @internal The 32-bit view of {@link timestampNs}. */
  static words(batch: SampleBatch): Uint32Array {
    return batch.#timestampWords;
  }

  /** Record `i` as a {@link KernelSample} (allocates; for convenience, not for the hot path). */
  sample(i: number): KernelSample {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new AinkaKernelError('ERR_AINKA_KERNEL_INVALID_ARGUMENT', `sample ${i} is outside the batch of ${this.length}`);
    const m0 = i * SAMPLE_METRIC_COUNT;
    return { seq: BigInt(this.seq[i]!), timestampNs: this.timestampNs[i]!, state: this.state[i]!, metrics: Array.from(this.metrics.subarray(m0, m0 + this.metricCount[i]!)) };
  }
}

const HEAD = RingHeaderOffset.head / 8;
const TAIL = RingHeaderOffset.tail / 8;
const OVERFLOWS = RingHeaderOffset.overflows / 8;
const PRODUCED = RingHeaderOffset.produced / 8;
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const TWO32 = 4294967296;
const SEQ = SampleOffset.seq >>> 2;
const SEQ_END = SampleOffset.seqEnd >>> 2;
const STATE = SampleOffset.state >>> 2;
const METRIC_COUNT = SampleOffset.metricCount >>> 2;
const TIMESTAMP = SampleOffset.timestampNs >>> 2;
const METRICS = SampleOffset.metrics >>> 2;

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
  readonly #u64: BigUint64Array;
  readonly #u32: Uint32Array;
  readonly #i32: Int32Array;
  readonly #maxBatch: number;
  /** Header geometry as plain numbers: capacity (a power of two), first record and record size in 32-bit words. */
  readonly #capacity: number;
  readonly #dataWord: number;
  readonly #recordWords: number;
  #consumed = 0;
  #skipped = 0;
  #torn = 0;

  /** Validates the header (magic, ABI version, record size, capacity, bounds); throws ERR_AINKA_KERNEL_ABI_MISMATCH or ERR_AINKA_KERNEL_BAD_REPLY. */
  constructor(buffer: ArrayBuffer, options: RingReaderOptions = {}) {
    this.#bytes = new Uint8Array(buffer);
    try {
      this.header = decodeRingHeader(this.#bytes, buffer.byteLength);
    } catch (error) {
      const abi = error instanceof ProtocolError && /ABI version|record size/.test(error.message);
      throw new AinkaKernelError(abi ? 'ERR_AINKA_KERNEL_ABI_MISMATCH' : 'ERR_AINKA_KERNEL_BAD_REPLY', `the sample ring is not usable: ${(error as Error).message}`, { cause: error });
    }
    this.#words = new BigInt64Array(buffer, 0, buffer.byteLength >>> 3);
    this.#u64 = new BigUint64Array(buffer, 0, buffer.byteLength >>> 3);
    this.#u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.#i32 = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    this.#capacity = this.header.capacity;
    this.#dataWord = this.header.dataOffset >>> 2;
    this.#recordWords = this.header.recordSize >>> 2;
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
   * Claims the records to read now: returns the first record number (exact as a double below 2^53)
   * and how many, after accounting for records the producer overwrote (skipped) or a producer reset.
   * `count` is -1 after a reset (tail already moved to head).
   */
  #claim(max: number): { first: number; count: number } {
    const capacity = this.#capacity;
    const head = this.head();
    const tail0 = this.tail();
    if (head < tail0) {
      // The producer was reset (module reloaded behind the mapping): start over from its head.
      Atomics.store(this.#words, TAIL, head);
      return { first: 0, count: -1 };
    }
    let behind = head - tail0;
    if (behind > BigInt(capacity)) {
      // Overwritten before read: skip to the oldest record that can still be intact.
      this.#skipped += Number(behind - BigInt(capacity));
      behind = BigInt(capacity);
    }
    const count = Math.min(Number(behind), Math.max(1, Math.min(max, capacity)));
    return { first: Number(head - behind), count };
  }

  /** Publishes tail = first + count (after the records were copied). */
  #publish(first: number, count: number): void {
    Atomics.store(this.#words, TAIL, BigInt(first + count));
  }

  /**
   * Reads up to `max` records (default the batch size), publishes the new tail, and returns the valid
   * samples in order. Never blocks; returns an empty array when the ring is empty.
   */
  read(max = this.#maxBatch): KernelSample[] {
    const { first, count } = this.#claim(max);
    if (count <= 0) return [];
    const samples: KernelSample[] = [];
    // Record numbers below 2^53 (285,000 years at 1 kHz) are exact as doubles; the 64-bit words are
    // compared as two 32-bit halves so the loop allocates no BigInt per record but the sample's own.
    for (let seq = first, end = first + count; seq < end; seq++) {
      const sample = this.#readRecord(seq);
      if (sample !== undefined) samples.push(sample);
      else this.#torn++;
    }
    this.#publish(first, count);
    this.#consumed += samples.length;
    return samples;
  }

  /**
   * Like {@link read}, but copies the valid samples into `batch` (reused across calls, nothing
   * allocated per record) instead of returning objects; returns how many it stored (`batch.length`).
   * Reads at most `batch.capacity` records. Torn records are counted and dropped exactly as by read().
   */
  readInto(batch: SampleBatch, max = this.#maxBatch): number {
    batch.length = 0;
    const { first, count } = this.#claim(Math.min(max, batch.capacity));
    if (count <= 0) return 0;
    const u32 = this.#u32;
    const i32 = this.#i32;
    const stamps = SampleBatch.words(batch);
    const seqs = batch.seq;
    const states = batch.state;
    const counts = batch.metricCount;
    const metrics = batch.metrics;
    const mask = this.#capacity - 1;
    let n = 0;
    for (let seq = first, end = first + count; seq < end; seq++) {
      const base = this.#dataWord + (seq & mask) * this.#recordWords;
      const lo = seq >>> 0;
      const hi = (seq / TWO32) >>> 0;
      // seq_end first, the body, seq last (the producer writes them in the opposite order).
      if (Atomics.load(u32, base + SEQ_END) !== lo || Atomics.load(u32, base + SEQ_END + 1) !== hi) {
        this.#torn++;
        continue;
      }
      const metricCount = u32[base + METRIC_COUNT]!;
      if (metricCount > SAMPLE_METRIC_COUNT) {
        this.#torn++;
        continue;
      }
      stamps[2 * n] = u32[base + TIMESTAMP]!;
      stamps[2 * n + 1] = u32[base + TIMESTAMP + 1]!;
      states[n] = u32[base + STATE]!;
      counts[n] = metricCount;
      const m0 = base + METRICS;
      const o0 = n * SAMPLE_METRIC_COUNT;
      for (let i = 0; i < metricCount; i++) metrics[o0 + i] = i32[m0 + 2 * i + 1]! * TWO32 + u32[m0 + 2 * i]!;
      if (Atomics.load(u32, base + SEQ) !== lo || Atomics.load(u32, base + SEQ + 1) !== hi) {
        this.#torn++;
        continue;
      }
      seqs[n++] = seq;
    }
    this.#publish(first, count);
    this.#consumed += n;
    batch.length = n;
    return n;
  }

  /** Seqlock read of record `seq`: seq_end, then the body, then seq; undefined when not whole. */
  #readRecord(seq: number): KernelSample | undefined {
    const base = this.#dataWord + (seq & (this.#capacity - 1)) * this.#recordWords;
    const u32 = this.#u32;
    const lo = seq >>> 0;
    const hi = (seq / TWO32) >>> 0;
    if (Atomics.load(u32, base + SEQ_END) !== lo || Atomics.load(u32, base + SEQ_END + 1) !== hi) return undefined;
    const metricCount = u32[base + METRIC_COUNT]!;
    if (metricCount > SAMPLE_METRIC_COUNT) return undefined;
    const state = u32[base + STATE]!;
    const timestampNs = this.#u64[(base + TIMESTAMP) >>> 1]!;
    // The record number as a BigInt straight from memory (cheaper than BigInt(seq)); read before the
    // final check of seq, which proves the word still held `seq` afterwards (the producer writes seq first).
    const seqBig = this.#u64[(base + SEQ) >>> 1]!;
    const m0 = base + METRICS;
    const i32 = this.#i32;
    const metrics = new Array<number>(metricCount);
    for (let i = 0; i < metricCount; i++) metrics[i] = i32[m0 + 2 * i + 1]! * TWO32 + u32[m0 + 2 * i]!;
    if (Atomics.load(u32, base + SEQ) !== lo || Atomics.load(u32, base + SEQ + 1) !== hi) return undefined;
    return { seq: seqBig, timestampNs, state, metrics };
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
