import { decodeRingHeader, decodeSample, ProtocolError, RingHeaderOffset, SampleOffset, type KernelSample, type RingHeader } from '@ainka/protocol';
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
 * Each record is validated seqlock-style: `seq_end` is read first, the body copied, `seq` read last
 * (the producer writes them in the opposite order); a record whose numbers do not both equal its
 * position is counted as torn and dropped, never returned.
 */
export class RingReader {
  readonly header: RingHeader;
  readonly #bytes: Uint8Array;
  readonly #words: BigInt64Array;
  readonly #maxBatch: number;
  readonly #mask: bigint;
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
    this.#maxBatch = Math.max(1, Math.min(options.maxBatch ?? this.header.capacity, this.header.capacity));
    this.#mask = BigInt(this.header.capacity - 1);
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
    const capacity = BigInt(this.header.capacity);
    const head = this.head();
    let tail = this.tail();
    if (head < tail) {
      // The producer was reset (module reloaded behind the mapping): start over from its head.
      Atomics.store(this.#words, TAIL, head);
      return [];
    }
    if (head - tail > capacity) {
      // Overwritten before read: skip to the oldest record that can still be intact.
      this.#skipped += Number(head - capacity - tail);
      tail = head - capacity;
    }
    const end = head - tail > BigInt(max) ? tail + BigInt(max) : head;
    const samples: KernelSample[] = [];
    const { dataOffset, recordSize } = this.header;
    for (let seq = tail; seq < end; seq++) {
      const offset = dataOffset + Number(seq & this.#mask) * recordSize;
      const seqEnd = u64(Atomics.load(this.#words, (offset + SampleOffset.seqEnd) >>> 3));
      const copy = this.#bytes.slice(offset, offset + recordSize);
      const seqStart = u64(Atomics.load(this.#words, (offset + SampleOffset.seq) >>> 3));
      if (seqEnd !== seq || seqStart !== seq) {
        this.#torn++;
        continue;
      }
      try {
        samples.push(decodeSample(copy, 0, seq));
      } catch {
        this.#torn++;
      }
    }
    Atomics.store(this.#words, TAIL, end);
    this.#consumed += samples.length;
    return samples;
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
