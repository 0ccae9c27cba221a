import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subject, type Observable } from 'rxjs';
import { BpfObject, loadWithFallbacks, u32, type BpfLoaded, type BpfRing, type BpfVariantFailure } from '@ainka/native';
import { BPF_PATH_LEN } from '@ainka/protocol';
import { EbpfError } from './errors.js';
import { decodeBatch, type BpfEvent } from './events.js';
import { defaultBpfDir, loadManifest, manifestObject, type Concern, type EbpfManifest } from './manifest.js';

function checkSecurityWatches(watches: readonly SecurityWatch[]): readonly SecurityWatch[] {
  if (watches.length > 256) throw new EbpfError('ERR_AINKA_EBPF_BAD_CONFIG', `${watches.length} security watches: the trie holds 256; merge paths under a common directory prefix`);
  for (const w of watches) {
    if (!w.path.startsWith('/') || Buffer.byteLength(w.path) >= BPF_PATH_LEN) {
      throw new EbpfError('ERR_AINKA_EBPF_BAD_CONFIG', `security watch '${w.path}' must be an absolute path of 1..${BPF_PATH_LEN - 1} bytes; write e.g. /etc/ or /etc/shadow`);
    }
  }
  return [...watches];
}

/** Default ring buffer size: see {@link EbpfHostOptions.ringBytes}. */
const DEFAULT_RING_BYTES = 256 << 10;

let pageShift: number | undefined;
/** log2 of the kernel's page size (KernelPageSize of this process's first mapping; 12 if unreadable). */
function kernelPageShift(): number {
  if (pageShift === undefined) {
    let kb = 4;
    try {
      const m = /^KernelPageSize:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps', 'utf8'));
      if (m) kb = Number(m[1]);
    } catch {
      /* no procfs: assume 4 KiB */
    }
    pageShift = Math.round(Math.log2(kb * 1024));
  }
  return pageShift;
}

/** Options of an {@link EbpfHost}. */
export interface EbpfHostOptions {
  /** Directory of the .bpf.o files and manifest.json (default: the package's `bpf/`). */
  readonly bpfDir?: string;
  /** Ring buffer drain period in ms (default 10; 5–10 keeps wakeups low and batches small). */
  readonly drainIntervalMs?: number;
  /** Bound of one drain in bytes (default: `ringBytes`, a drain never holds more than the ring). */
  readonly maxBatchBytes?: number;
  /**
   * Ring buffer size in bytes, a power of two ≥ 4096 (default 256 KiB). The consumer maps the data pages
   * twice and they are all resident, so each ring costs twice its size in RSS (the former 4 MiB default:
   * 8 MiB per ring). 256 KiB at the default 10 ms drain absorbs bursts of ~25 MB/s (~200 k records/s);
   * overflows are counted in `kernelDrops`, raise this for flood-style workloads.
   */
  readonly ringBytes?: number;
  /** Never observe this process (default true): its tgid goes to `ignore_tgid`. */
  readonly ignoreSelf?: boolean;
  /** Only this tgid feeds the run-queue histogram and syscall counters (default: all). */
  readonly targetTgid?: number;
  /** Paths whose opens are reported (exact string given to open/openat/openat2). */
  readonly watchPaths?: readonly string[];
  /** Emit every TCP state change, not only connects, closes and retransmits (default false: the cheap setting). */
  readonly allTcpStates?: boolean;
  /** Opens reported by the security object (a longest-prefix trie; at most 256 entries). */
  readonly securityWatches?: readonly SecurityWatch[];
  /** The security object keeps the set of syscalls of each process, sent at its exit (default true). */
  readonly syscallMix?: boolean;
}

/** One entry of the security object's watch trie. */
export interface SecurityWatch {
  /** Absolute path (exact) or directory prefix ending in `/`. */
  readonly path: string;
  /** Match every path starting with `path` (default: `path` ends with `/`). */
  readonly prefix?: boolean;
  /** Report only opens for writing (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC); default false (every open). */
  readonly writesOnly?: boolean;
}

/** Counters of one concern (one eBPF object), since the host started. */
export interface ConcernStats {
  /** The concern's object file in the manifest, e.g. `sched.bpf.o`. */
  readonly file: string;
  /** Whether the object hands records over through a ring buffer (else it only fills maps read on a poll). */
  readonly ringBuffer: boolean;
  /** Whether the object is loaded now. */
  readonly loaded: boolean;
  /** Subscribers holding the object. */
  readonly refs: number;
  /** Batches and records delivered from the ring buffer. */
  readonly batches: number;
  /** Records delivered from the ring buffer. */
  readonly records: number;
  /** Bytes of records delivered. */
  readonly bytes: number;
  /**
   * Records the kernel could not put in the ring (ring full) or aggregation entries that did not fit: the
   * object's `drops` per-CPU counter (`count_drop()` in `ebpf/ainka_bpf.h`), summed over CPUs, read live
   * while the object is loaded and kept across unloads and reloads.
   */
  readonly kernelDrops: number;
  /** Records that could not be decoded. */
  readonly decodeErrors: number;
  /** slot → program used. */
  readonly chosen: Readonly<Record<string, string>>;
  /** Optional slots with no working variant on this kernel. */
  readonly missing: readonly string[];
  /** Variants that were tried and failed here (fentry/kprobe on kernels without them…). */
  readonly failures: readonly BpfVariantFailure[];
}

interface Live {
  loaded: BpfLoaded;
  ring?: BpfRing;
  refs: number;
}

interface Counters {
  file: string;
  ringBuffer: boolean;
  batches: number;
  records: number;
  bytes: number;
  decodeErrors: number;
  kernelDropsClosed: number;
  chosen: Readonly<Record<string, string>>;
  missing: readonly string[];
  failures: readonly BpfVariantFailure[];
}

/**
 * Owns the eBPF objects: one per concern, loaded when the first user acquires it and closed
 * (after a last drain) when the last one releases it. Ring buffer batches are decoded once and
 * fanned out to every stream of the concern.
 */
export class EbpfHost {
  /** The options this host was built with. */
  readonly options: EbpfHostOptions;
  /** Directory of the .bpf.o files and manifest.json. */
  readonly bpfDir: string;
  #manifest: EbpfManifest | undefined;
  readonly #live = new Map<Concern, Live>();
  readonly #events = new Map<Concern, Subject<readonly BpfEvent[]>>();
  readonly #counters = new Map<Concern, Counters>();
  #watchPaths: readonly string[];
  #securityWatches: readonly SecurityWatch[];
  /** Variants that failed on this kernel, never retried by this host. */
  readonly #knownBad = new Map<Concern, Set<string>>();

  constructor(options: EbpfHostOptions = {}) {
    this.options = options;
    this.bpfDir = options.bpfDir ?? defaultBpfDir();
    this.#watchPaths = options.watchPaths ?? [];
    this.#securityWatches = checkSecurityWatches(options.securityWatches ?? []);
  }

  /** The checked manifest (read on first use). */
  get manifest(): EbpfManifest {
    this.#manifest ??= loadManifest(this.bpfDir);
    return this.#manifest;
  }

  /** Decoded ring buffer records of a concern, one array per drain (hot: only while acquired). */
  events(concern: Concern): Observable<readonly BpfEvent[]> {
    return this.#subject(concern).asObservable();
  }

  #subject(concern: Concern): Subject<readonly BpfEvent[]> {
    let s = this.#events.get(concern);
    if (!s) {
      s = new Subject();
      this.#events.set(concern, s);
    }
    return s;
  }

  #count(concern: Concern): Counters {
    let c = this.#counters.get(concern);
    if (!c) {
      c = { file: '', ringBuffer: false, batches: 0, records: 0, bytes: 0, decodeErrors: 0, kernelDropsClosed: 0, chosen: {}, missing: [], failures: [] };
      this.#counters.set(concern, c);
    }
    return c;
  }

  /** Loads and attaches a concern's object on first use; every acquire needs one release. */
  acquire(concern: Concern): BpfObject {
    const live = this.#live.get(concern);
    if (live) {
      live.refs++;
      return live.loaded.object;
    }
    const loaded = this.#load(concern);
    const entry: Live = { loaded, refs: 1 };
    const c = this.#count(concern);
    c.chosen = loaded.chosen;
    c.missing = loaded.missing;
    try {
      const m = manifestObject(this.manifest, concern);
      const ringMap = m.ringBuffer;
      c.file = m.file;
      c.ringBuffer = !!ringMap;
      if (ringMap) {
        entry.ring = loaded.object.openRing(ringMap, { intervalMs: this.options.drainIntervalMs ?? 10, maxBytes: this.options.maxBatchBytes ?? this.options.ringBytes ?? DEFAULT_RING_BYTES }, (batch) =>
          this.#deliver(concern, batch),
        );
      }
      if (concern === 'process') this.#applyWatchList(loaded.object);
      if (concern === 'security') this.#applySecurityWatches(loaded.object);
    } catch (err) {
      entry.ring?.close();
      loaded.object.close();
      throw err;
    }
    this.#live.set(concern, entry);
    return loaded.object;
  }

  /** Drops one reference; the last one drains the ring a final time, detaches and unloads. */
  release(concern: Concern): void {
    const live = this.#live.get(concern);
    if (!live) return;
    if (--live.refs > 0) return;
    this.#live.delete(concern);
    if (live.ring) {
      for (let i = 0; i < 64; i++) {
        const batch = live.ring.drain();
        if (!batch) break;
        this.#deliver(concern, batch);
      }
      live.ring.close();
    }
    this.#count(concern).kernelDropsClosed += this.#kernelDrops(live.loaded.object);
    live.loaded.object.close();
  }

  /** The loaded object of a concern, if acquired. */
  object(concern: Concern): BpfObject | undefined {
    return this.#live.get(concern)?.loaded.object;
  }

  /** Drains a concern's ring now (besides the timer); returns the records delivered. */
  drainNow(concern: Concern): number {
    const ring = this.#live.get(concern)?.ring;
    let total = 0;
    for (let i = 0; ring && i < 64; i++) {
      const batch = ring.drain();
      if (!batch) break;
      total += this.#deliver(concern, batch);
    }
    return total;
  }

  /** Replaces the watch list (applied now if the process object is loaded, and on every load). */
  setWatchPaths(paths: readonly string[]): void {
    for (const p of paths) {
      if (Buffer.byteLength(p) >= BPF_PATH_LEN || p.length === 0) {
        throw new EbpfError('ERR_AINKA_EBPF_BAD_CONFIG', `watch path '${p}' must be 1..${BPF_PATH_LEN - 1} bytes`);
      }
    }
    const wasEmpty = this.#watchPaths.length === 0;
    this.#watchPaths = [...paths];
    const live = this.#live.get('process');
    if (!live) return;
    // the open watch is loaded only with a non-empty list (it hooks every syscall): reload to add or drop it
    if (wasEmpty !== (paths.length === 0)) this.#reload('process');
    else this.#applyWatchList(live.loaded.object);
  }

  /** Closes and loads a concern again with the same references and subscribers (e.g. after a settings change). */
  #reload(concern: Concern): void {
    const live = this.#live.get(concern);
    if (!live) return;
    const refs = live.refs;
    live.refs = 1;
    this.release(concern);
    this.acquire(concern);
    this.#live.get(concern)!.refs = refs;
  }

  /** Replaces the security object's watch trie (applied now if it is loaded, and on every load). */
  setSecurityWatches(watches: readonly SecurityWatch[]): void {
    this.#securityWatches = checkSecurityWatches(watches);
    const live = this.#live.get('security');
    if (live) this.#applySecurityWatches(live.loaded.object);
  }

  /** The security object's watch trie entries, in id order (a record's `watchId` indexes this list). */
  get securityWatches(): readonly SecurityWatch[] {
    return this.#securityWatches;
  }

  #applySecurityWatches(obj: BpfObject): void {
    const keyBytes = 4 + BPF_PATH_LEN;
    const existing = obj.dump('watch_trie');
    for (let i = 0; i < existing.count; i++) obj.delete('watch_trie', existing.keys.subarray(i * keyBytes, (i + 1) * keyBytes));
    this.#securityWatches.forEach((w, i) => {
      const key = Buffer.alloc(keyBytes);
      const len = key.write(w.path, 4, 'utf8');
      const prefix = w.prefix ?? w.path.endsWith('/');
      // an exact path includes its NUL so that it matches that path only
      key.writeUInt32LE((prefix ? len : len + 1) * 8, 0);
      const value = Buffer.alloc(8);
      value.writeUInt32LE(i, 0);
      value.writeUInt32LE(w.writesOnly ? 2 : 1, 4);
      obj.update('watch_trie', key, value);
    });
  }

  /** The current watch list. */
  get watchPaths(): readonly string[] {
    return this.#watchPaths;
  }

  /**
   * Counters per concern (one eBPF object each) that was ever loaded by this host: deliveries, kernel
   * drops, decode errors, variants used. Reading it looks up each loaded object's `drops` map (cheap: one
   * per-CPU array slot), so it may be called at every scrape.
   */
  stats(): Readonly<Partial<Record<Concern, ConcernStats>>> {
    const out: Partial<Record<Concern, ConcernStats>> = {};
    for (const [concern, c] of this.#counters) {
      const live = this.#live.get(concern);
      out[concern] = {
        file: c.file,
        ringBuffer: c.ringBuffer,
        loaded: !!live,
        refs: live?.refs ?? 0,
        batches: c.batches,
        records: c.records,
        bytes: c.bytes,
        kernelDrops: c.kernelDropsClosed + (live ? this.#kernelDrops(live.loaded.object) : 0),
        decodeErrors: c.decodeErrors,
        chosen: c.chosen,
        missing: c.missing,
        failures: c.failures,
      };
    }
    return out;
  }

  /** Releases everything (for shutdown). */
  closeAll(): void {
    for (const [concern, live] of [...this.#live]) {
      live.refs = 1;
      this.release(concern);
    }
  }

  #deliver(concern: Concern, batch: Buffer): number {
    const c = this.#count(concern);
    const decoded = decodeBatch(batch);
    c.batches++;
    c.bytes += batch.length;
    c.records += decoded.events.length;
    c.decodeErrors += decoded.errors;
    if (decoded.events.length) this.#subject(concern).next(decoded.events);
    return decoded.events.length;
  }

  #kernelDrops(obj: BpfObject): number {
    const v = obj.lookup('drops', u32(0));
    if (!v) return 0;
    let total = 0;
    for (let off = 0; off + 8 <= v.length; off += 8) total += Number(v.readBigUInt64LE(off));
    return total;
  }

  #load(concern: Concern): BpfLoaded {
    const m = manifestObject(this.manifest, concern);
    const o = this.options;
    const bad = this.#knownBad.get(concern) ?? new Set<string>();
    this.#knownBad.set(concern, bad);
    // watching opens hooks sys_enter, which sends every syscall of every task through the slow
    // path: load that slot only when there is something to watch
    const skip = concern === 'process' && this.#watchPaths.length === 0 ? (m.slots.find((x) => x.name === 'open')?.variants.map((v) => v.program) ?? []) : [];
    const loaded = loadWithFallbacks({
      exclude: [...bad, ...skip],
      path: join(this.bpfDir, m.file),
      slots: m.slots,
      run: m.run.map((r) => r.program),
      configure: (obj) => {
        const set = (name: string, value: Buffer): void => {
          if (m.rodata.includes(name)) obj.setRodata(name, value);
        };
        if (o.ignoreSelf !== false) set('ignore_tgid', u32(process.pid));
        if (o.targetTgid) set('target_tgid', u32(o.targetTgid));
        set('watch_enabled', Buffer.from([1]));
        set('all_states', Buffer.from([o.allTcpStates === true ? 1 : 0]));
        set('syscall_mix', Buffer.from([o.syscallMix === false ? 0 : 1]));
        set('page_shift', u32(kernelPageShift()));
        if (m.ringBuffer) obj.setMaxEntries(m.ringBuffer, o.ringBytes ?? DEFAULT_RING_BYTES);
      },
    });
    for (const f of loaded.failures) bad.add(f.program);
    const c = this.#count(concern);
    c.failures = [...c.failures, ...loaded.failures];
    return loaded;
  }

  #applyWatchList(obj: BpfObject): void {
    const existing = obj.dump('watch_paths');
    for (let i = 0; i < existing.count; i++) obj.delete('watch_paths', existing.keys.subarray(i * BPF_PATH_LEN, (i + 1) * BPF_PATH_LEN));
    this.#watchPaths.forEach((p, i) => {
      const key = Buffer.alloc(BPF_PATH_LEN);
      key.write(p, 'utf8');
      obj.update('watch_paths', key, u32(i));
    });
  }
}
