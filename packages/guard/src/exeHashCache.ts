import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Options of {@link ExeHashCache}. */
export interface ExeHashCacheOptions {
  /** Paths whose hash is kept (default 4096); the least recently used is dropped first. */
  readonly maxEntries?: number;
  /** Bytes hashed from the start of the file (default 1 MiB; the size is hashed too). */
  readonly maxBytes?: number;
}

/** Files whose ctime is younger than this are not cached (see `#hash`). */
const RACY_NS = 2_000_000_000n;

interface Entry {
  /** dev:ino:size:mtime_ns:ctime_ns of the file when it was hashed. */
  readonly key: string;
  readonly hash: string;
}

/**
 * Content hashes of executables, re-computed only when the file changed. The cache key is the file's
 * identity and change stamps from `stat`: device, inode, size, mtime and ctime in nanoseconds. An
 * unprivileged user can set mtime back (`touch -d`) after rewriting a file in place, but not ctime:
 * the kernel sets ctime on every write and every utimes, so any content change changes the key.
 * Bounded (least recently used dropped first). Within one synchronous turn of the event loop the
 * `stat` result of a path is reused (a drain of the security ring delivers many records of the same
 * executable at once): that is the same instant to within microseconds, and is forgotten at the next
 * microtask.
 *
 * @example
 * ```ts
 * const hashes = new ExeHashCache({ maxEntries: 1024 });
 * hashes.hash('/usr/bin/ls'); // reads and hashes the file
 * hashes.hash('/usr/bin/ls'); // stat only
 * ```
 */
export class ExeHashCache {
  readonly #max: number;
  readonly #maxBytes: number;
  /** Map iteration order is insertion order: re-inserting on use makes the first key the least recently used. */
  readonly #entries = new Map<string, Entry>();
  readonly #turn = new Map<string, string>();
  #hashed = 0;

  constructor(options: ExeHashCacheOptions = {}) {
    this.#max = Math.max(1, options.maxEntries ?? 4096);
    this.#maxBytes = options.maxBytes ?? 1 << 20;
  }

  /** Files read and hashed so far (cache misses). */
  get hashed(): number {
    return this.#hashed;
  }

  /** Paths cached. */
  get size(): number {
    return this.#entries.size;
  }

  /** Hash of the file at `path` (16 hex digits of sha256 over its size and first bytes), or `-` when it cannot be read. */
  hash(path: string): string {
    const memo = this.#turn.get(path);
    if (memo !== undefined) return memo;
    const hash = this.#hash(path);
    if (this.#turn.size === 0) queueMicrotask(() => this.#turn.clear());
    this.#turn.set(path, hash);
    return hash;
  }

  #hash(path: string): string {
    try {
      const st = statSync(path, { bigint: true });
      const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
      const cached = this.#entries.get(path);
      if (cached !== undefined) {
        this.#entries.delete(path);
        if (cached.key === key) {
          this.#entries.set(path, cached);
          return cached.hash;
        }
      }
      const size = Number(st.size);
      const fd = openSync(path, 'r');
      let hash: string;
      try {
        const buf = Buffer.allocUnsafe(Math.min(size, this.#maxBytes));
        const n = buf.length > 0 ? readSync(fd, buf, 0, buf.length, 0) : 0;
        hash = createHash('sha256').update(String(size)).update(buf.subarray(0, n)).digest('hex').slice(0, 16);
      } finally {
        closeSync(fd);
      }
      this.#hashed++;
      // "Racy" stamps (git's word): the kernel's timestamps are coarse (a jiffy), so a second in-place
      // write within the same tick as the last one could leave ctime unchanged. A file changed in the
      // last RACY_NS is hashed again on every call until its stamps are old enough to be trusted.
      if (BigInt(Date.now()) * 1_000_000n - st.ctimeNs < RACY_NS) return hash;
      if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
      this.#entries.set(path, { key, hash });
      return hash;
    } catch {
      return '-';
    }
  }
}
