import { BPF_HIST_SLOTS } from '@ainka/protocol';

/** A log2 histogram: slots[i] counts values v with floor(log2(v)) == i (slot 0 also holds 0). */
export interface Log2Histogram {
  /** slots[i] counts values v with floor(log2(v)) == i. */
  readonly slots: readonly number[];
  /** Number of values recorded. */
  readonly count: number;
  /** Sum of the values (ns for latencies, bytes for sizes). */
  readonly sum: number;
}

/** Size of struct ainka_bpf_hist. */
export const HIST_BYTES = BPF_HIST_SLOTS * 8 + 16;

/** An empty histogram. */
export function emptyHistogram(): Log2Histogram {
  return { slots: new Array<number>(BPF_HIST_SLOTS).fill(0), count: 0, sum: 0 };
}

/**
 * Reads `copies` struct ainka_bpf_hist spaced `stride` bytes apart starting at `offset` and sums
 * them (a per-CPU value has one copy per possible CPU).
 */
export function readHistogram(bytes: Uint8Array, offset = 0, copies = 1, stride = HIST_BYTES): Log2Histogram {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const slots = new Array<number>(BPF_HIST_SLOTS).fill(0);
  let count = 0;
  let sum = 0;
  for (let c = 0; c < copies; c++) {
    const base = offset + c * stride;
    for (let i = 0; i < BPF_HIST_SLOTS; i++) slots[i]! += Number(view.getBigUint64(base + i * 8, true));
    count += Number(view.getBigUint64(base + BPF_HIST_SLOTS * 8, true));
    sum += Number(view.getBigUint64(base + BPF_HIST_SLOTS * 8 + 8, true));
  }
  return { slots, count, sum };
}

/** `a - b`, slot by slot (the histogram of an interval from two cumulative ones). */
export function subtractHistogram(a: Log2Histogram, b: Log2Histogram | undefined): Log2Histogram {
  if (!b) return a;
  return { slots: a.slots.map((v, i) => v - (b.slots[i] ?? 0)), count: a.count - b.count, sum: a.sum - b.sum };
}

/**
 * The value below which `p` (0–1) of the samples fall, as the upper bound of the slot that holds
 * it (2^(i+1)); 0 for an empty histogram.
 */
export function histogramPercentile(h: Log2Histogram, p: number): number {
  if (h.count <= 0) return 0;
  const want = Math.max(1, Math.ceil(h.count * Math.min(1, Math.max(0, p))));
  let seen = 0;
  for (let i = 0; i < h.slots.length; i++) {
    seen += h.slots[i]!;
    if (seen >= want) return 2 ** (i + 1);
  }
  return 2 ** h.slots.length;
}
