/**
 * Samples waiting for the next history flush, kept as three numbers each (series id, timestamp,
 * value) in one growable `Float64Array` instead of the sample objects: the tick's objects die young
 * (no promotion to the old generation while they wait for the flush) and the flush reads flat memory.
 * Series the database does not know yet get a provisional negative id (`-1 - n`), resolved in the
 * flush's transaction.
 */
export class HistoryBuffer {
  #data = new Float64Array(3 * 1024);
  #length = 0;

  /** Samples buffered. */
  get length(): number {
    return this.#length;
  }

  /** Appends one sample (`ts` already rounded to an integer). */
  push(id: number, ts: number, value: number): void {
    if (3 * (this.#length + 1) > this.#data.length) {
      const next = new Float64Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    const o = 3 * this.#length++;
    this.#data[o] = id;
    this.#data[o + 1] = ts;
    this.#data[o + 2] = value;
  }

  /**
   * Takes the buffered samples, ordered by series then time (so a flush inserts each series' rows
   * together: one B-tree leaf visited once rather than once per tick), and empties the buffer. The
   * returned array is `3 × n` long: id, ts, value per sample.
   */
  drainSorted(): Float64Array {
    const n = this.#length;
    const d = this.#data;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => d[3 * a]! - d[3 * b]! || d[3 * a + 1]! - d[3 * b + 1]! || a - b);
    const out = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      const o = 3 * order[i]!;
      out[3 * i] = d[o]!;
      out[3 * i + 1] = d[o + 1]!;
      out[3 * i + 2] = d[o + 2]!;
    }
    this.#length = 0;
    // give back a buffer grown for a burst once it is mostly unused
    if (this.#data.length > 3 * 65_536 && n < this.#data.length / 12) this.#data = new Float64Array(3 * 1024);
    return out;
  }
}
