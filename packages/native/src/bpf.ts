import { loadBinding } from './binding.js';
import { BpfError } from './bpfError.js';

declare const handleBrand: unique symbol;
/** Opaque handle of an eBPF object inside the addon. */
type ObjHandle = { readonly [handleBrand]: 'obj' };
/** Opaque handle of a ring buffer consumer inside the addon. */
export type RingHandle = {
  /** Type brand only; the value is an addon External. */
  readonly [handleBrand]: 'ring';
};

/** A program of an eBPF object, as libbpf sees it after open. */
export interface BpfProgramInfo {
  /** Function name, e.g. `exec__btf`. */
  readonly name: string;
  /** ELF section, which names the attach point, e.g. `tp_btf/sched_process_exec`. */
  readonly section: string;
  /** Whether it will be loaded. */
  readonly autoload: boolean;
}

/** Kernel-side identity and run statistics of a loaded program. */
export interface BpfProgramStats {
  /** Kernel program id (as in `bpftool prog show`). */
  readonly id: number;
  /** Total ns spent in the program while statistics were enabled ({@link bpfSystem.enableStats}). */
  readonly runTimeNs: number;
  /** Runs counted while statistics were enabled. */
  readonly runCount: number;
}

/** Geometry of a loaded map. */
export interface BpfMapInfo {
  /** `enum bpf_map_type`. */
  readonly type: number;
  /** Bytes of a key. */
  readonly keySize: number;
  /** Bytes of a value (of one CPU for per-CPU maps). */
  readonly valueSize: number;
  /** Capacity (for ring buffers: bytes). */
  readonly maxEntries: number;
  /** Bytes of one looked-up value: valueSize, or per-CPU maps: round_up(valueSize, 8) × possible CPUs. */
  readonly valueBytes: number;
}

/** Every entry of a map: `count` keys and values, back to back. */
export interface BpfMapDump {
  /** Entries read. */
  readonly count: number;
  /** `count` keys of keySize bytes, back to back. */
  readonly keys: Buffer;
  /** `count` values of valueBytes bytes, back to back. */
  readonly values: Buffer;
}

/** Options of {@link BpfObject.openRing}. */
export interface BpfRingOptions {
  /** Drain period in ms (1–10000, default 5). */
  readonly intervalMs?: number;
  /** Bound of one drain in bytes of records (default 4 MiB). */
  readonly maxBytes?: number;
}

/** `BPF_ANY`, `BPF_NOEXIST`, `BPF_EXIST`. */
export const BpfUpdateFlags = {
  /** Create or replace. */
  ANY: 0,
  /** Create only. */
  NOEXIST: 1,
  /** Replace only. */
  EXIST: 2,
} as const;

interface NativeBpf {
  bpfOpen(path: string): ObjHandle;
  bpfClose(o: ObjHandle): void;
  bpfPrograms(o: ObjHandle): BpfProgramInfo[];
  bpfSetAutoload(o: ObjHandle, prog: string, on: boolean): void;
  bpfSetMaxEntries(o: ObjHandle, map: string, n: number): void;
  bpfSetRodata(o: ObjHandle, name: string, value: Buffer): void;
  bpfLoad(o: ObjHandle): void;
  bpfAttach(o: ObjHandle, prog: string): void;
  bpfProgRun(o: ObjHandle, prog: string): number;
  bpfProgInfo(o: ObjHandle, prog: string): BpfProgramStats;
  bpfIterate(o: ObjHandle, prog: string): Promise<number>;
  bpfEnableStats(): number;
  bpfDisableStats(fd: number): void;
  bpfMapInfo(o: ObjHandle, map: string): BpfMapInfo;
  bpfMapLookup(o: ObjHandle, map: string, key: Buffer): Buffer | null;
  bpfMapUpdate(o: ObjHandle, map: string, key: Buffer, value: Buffer, flags: number): void;
  bpfMapDelete(o: ObjHandle, map: string, key: Buffer): boolean;
  bpfMapDump(o: ObjHandle, map: string): BpfMapDump;
  bpfRingOpen(o: ObjHandle, map: string, intervalMs: number, maxBytes: number, cb: (b: Buffer) => void): RingHandle;
  bpfRingDrain(r: RingHandle): Buffer | null;
  bpfRingAvailable(r: RingHandle): number;
  bpfRingClose(r: RingHandle): void;
  bpfNumPossibleCpus(): number;
  bpfLibbpfVersion(): string;
  bpfProbeMapType(t: number): number;
  bpfProbeProgType(t: number): number;
  bpfSetDebug(on: boolean): void;
  bpfCgroupAttach(o: ObjHandle, prog: string, cgroupDir: string, type: CgroupAttachType): number;
  bpfCgroupQuery(cgroupDir: string, type: CgroupAttachType): BpfCgroupProgram[];
  bpfCgroupDetach(cgroupDir: string, type: CgroupAttachType, id: number): void;
}

/** Where a cgroup_skb program runs: on packets the cgroup sends or receives. */
export type CgroupAttachType = 'egress' | 'ingress';

/** A program attached to a cgroup, as BPF_PROG_QUERY lists it. */
export interface BpfCgroupProgram {
  /** Kernel program id. */
  readonly id: number;
  /** Program name (at most 15 characters; empty when the id could not be read). */
  readonly name: string;
}

let nativeCache: NativeBpf | undefined;
function native(): NativeBpf {
  nativeCache ??= loadBinding() as unknown as NativeBpf;
  return nativeCache;
}

function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw BpfError.from(err);
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A ring buffer consumer: a uv timer drains at most `maxBytes` of records every `intervalMs` and
 * hands them to the callback as one Buffer (records back to back, without libbpf's 8-byte ring
 * headers). Records are submitted with BPF_RB_NO_WAKEUP, so nothing else wakes the consumer.
 */
export class BpfRing {
  #handle: RingHandle | undefined;

  /** @internal */
  constructor(handle: RingHandle) {
    this.#handle = handle;
  }

  /** Drains one bounded batch now (e.g. a last drain before close); null when empty or closed. */
  drain(): Buffer | null {
    return this.#handle ? call(() => native().bpfRingDrain(this.#handle!)) : null;
  }

  /** Bytes produced and not consumed yet (records plus ring headers). */
  available(): number {
    return this.#handle ? call(() => native().bpfRingAvailable(this.#handle!)) : 0;
  }

  /** Stops the timer. Idempotent. */
  close(): void {
    if (!this.#handle) return;
    const h = this.#handle;
    this.#handle = undefined;
    call(() => native().bpfRingClose(h));
  }
}

/**
 * One eBPF object file through libbpf: open → configure (autoload, .rodata, map sizes) → load →
 * attach → maps and rings → close. Closing detaches every program; so does process exit.
 *
 * @example
 * ```ts
 * const obj = BpfObject.open('/path/process.bpf.o');
 * obj.setRodata('ignore_tgid', u32(process.pid));
 * obj.load();
 * obj.attach('exec__btf');
 * const ring = obj.openRing('events', {}, (batch) => console.log(batch.length));
 * ```
 */
export class BpfObject {
  /** Path of the object file. */
  readonly path: string;
  #handle: ObjHandle | undefined;
  #loaded = false;

  private constructor(path: string, handle: ObjHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** Opens (parses, does not load) an object file. */
  static open(path: string): BpfObject {
    return new BpfObject(path, call(() => native().bpfOpen(path)));
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#handle === undefined;
  }

  /** Whether load() succeeded (and close() was not called). */
  get loaded(): boolean {
    return this.#loaded;
  }

  #h(): ObjHandle {
    if (!this.#handle) throw new BpfError('ERR_AINKA_BPF_CLOSED', `${this.path} is closed: open it again`);
    return this.#handle;
  }

  /** The object's programs with their sections and autoload flags. */
  programs(): BpfProgramInfo[] {
    const h = this.#h();
    return call(() => native().bpfPrograms(h));
  }

  /** Chooses whether a program is loaded (before {@link load}). */
  setAutoload(program: string, on: boolean): void {
    const h = this.#h();
    call(() => native().bpfSetAutoload(h, program, on));
  }

  /** Sets a map's max_entries before load (ring buffers: a power-of-two multiple of the page size). */
  setMaxEntries(map: string, n: number): void {
    const h = this.#h();
    call(() => native().bpfSetMaxEntries(h, map, n));
  }

  /** Writes a `const volatile` global (found by name in .rodata's BTF; size must match) before load. */
  setRodata(name: string, value: Uint8Array): void {
    const h = this.#h();
    call(() => native().bpfSetRodata(h, name, toBuffer(value)));
  }

  /** Loads (verifies) every autoload program and creates the maps. */
  load(): void {
    const h = this.#h();
    call(() => native().bpfLoad(h));
    this.#loaded = true;
  }

  /** Attaches one loaded program at its section's attach point; detached on {@link close}. */
  attach(program: string): void {
    const h = this.#h();
    call(() => native().bpfAttach(h, program));
  }

  /**
   * Attaches a loaded cgroup_skb program to a cgroup v2 directory with BPF_PROG_ATTACH and
   * BPF_F_ALLOW_MULTI (other programs on the cgroup keep running). Unlike {@link attach}, the
   * attachment outlives this object and this process: detach it with {@link bpfCgroup.detach}.
   * @returns the kernel program id, which {@link bpfCgroup.detach} takes.
   * @throws BpfError `ERR_AINKA_BPF_CGROUP` naming the fix (not cgroup v2, no CONFIG_CGROUP_BPF, not root, …).
   */
  attachCgroup(program: string, cgroupDir: string, type: CgroupAttachType): number {
    const h = this.#h();
    return call(() => native().bpfCgroupAttach(h, program, cgroupDir, type));
  }

  /** Runs a loaded raw_tp program once with BPF_PROG_TEST_RUN and returns its return value. */
  run(program: string): number {
    const h = this.#h();
    return call(() => native().bpfProgRun(h, program));
  }

  /**
   * Runs a loaded iter/* program once over everything it iterates (read to EOF) on the libuv
   * thread pool, off the event loop; resolves to the bytes it printed.
   */
  async iterate(program: string): Promise<number> {
    const h = this.#h();
    try {
      return await call(() => native().bpfIterate(h, program));
    } catch (err) {
      throw BpfError.from(err);
    }
  }

  /** Kernel id and run statistics of a loaded program (counted only while statistics are enabled). */
  programStats(program: string): BpfProgramStats {
    const h = this.#h();
    return call(() => native().bpfProgInfo(h, program));
  }

  /** Key/value sizes, type and capacity of a loaded map. */
  mapInfo(map: string): BpfMapInfo {
    const h = this.#h();
    return call(() => native().bpfMapInfo(h, map));
  }

  /** Looks a key up; per-CPU maps return one 8-aligned value per possible CPU. Null when absent. */
  lookup(map: string, key: Uint8Array): Buffer | null {
    const h = this.#h();
    return call(() => native().bpfMapLookup(h, map, toBuffer(key)));
  }

  /** Inserts or replaces an entry ({@link BpfUpdateFlags}). */
  update(map: string, key: Uint8Array, value: Uint8Array, flags: number = BpfUpdateFlags.ANY): void {
    const h = this.#h();
    call(() => native().bpfMapUpdate(h, map, toBuffer(key), toBuffer(value), flags));
  }

  /** Deletes an entry; false when it was absent. */
  delete(map: string, key: Uint8Array): boolean {
    const h = this.#h();
    return call(() => native().bpfMapDelete(h, map, toBuffer(key)));
  }

  /** Reads every entry (batch lookup when the kernel has it, else key iteration). */
  dump(map: string): BpfMapDump {
    const h = this.#h();
    return call(() => native().bpfMapDump(h, map));
  }

  /** Starts draining a ring buffer map on a uv timer; `onBatch` gets one Buffer per drain. */
  openRing(map: string, options: BpfRingOptions, onBatch: (batch: Buffer) => void): BpfRing {
    const h = this.#h();
    const intervalMs = options.intervalMs ?? 5;
    const maxBytes = options.maxBytes ?? 4 << 20;
    return new BpfRing(call(() => native().bpfRingOpen(h, map, intervalMs, maxBytes, onBatch)));
  }

  /** Detaches every program, stops the rings, unloads. Idempotent. */
  close(): void {
    if (!this.#handle) return;
    const h = this.#handle;
    this.#handle = undefined;
    this.#loaded = false;
    call(() => native().bpfClose(h));
  }
}

/** Process-wide libbpf facts and probes. */
export const bpfSystem = {
  /** Slots of a per-CPU map value (libbpf_num_possible_cpus). */
  numPossibleCpus: (): number => call(() => native().bpfNumPossibleCpus()),
  /** Version of the libbpf the addon runs with, e.g. `v1.1`. */
  libbpfVersion: (): string => call(() => native().bpfLibbpfVersion()),
  /** libbpf_probe_bpf_map_type: 1 supported, 0 not, negative errno when the probe failed. */
  probeMapType: (type: number): number => call(() => native().bpfProbeMapType(type)),
  /** libbpf_probe_bpf_prog_type: 1 supported, 0 not, negative errno when the probe failed. */
  probeProgType: (type: number): number => call(() => native().bpfProbeProgType(type)),
  /**
   * Turns on the kernel's per-program run time/count accounting (BPF_ENABLE_STATS) until the
   * returned function is called; it costs two clock reads per program run.
   */
  enableStats: (): (() => void) => {
    const fd = call(() => native().bpfEnableStats());
    let open = true;
    return () => {
      if (open) call(() => native().bpfDisableStats(fd));
      open = false;
    };
  },
  /** Copies libbpf's debug output to stderr. */
  setDebug: (on: boolean): void => call(() => native().bpfSetDebug(on)),
} as const;

/** Programs attached to cgroups (BPF_PROG_QUERY / BPF_PROG_DETACH), usable from any process. */
export const bpfCgroup = {
  /** The programs of one attach type on a cgroup v2 directory (its own, not inherited ones). */
  query: (cgroupDir: string, type: CgroupAttachType): BpfCgroupProgram[] => call(() => native().bpfCgroupQuery(cgroupDir, type)),
  /**
   * Detaches the program with kernel id `id` from a cgroup v2 directory (BPF_PROG_DETACH with the
   * program's fd, got by id: works after the process that attached it is gone).
   */
  detach: (cgroupDir: string, type: CgroupAttachType, id: number): void => call(() => native().bpfCgroupDetach(cgroupDir, type, id)),
} as const;

/** A little-endian u32 for {@link BpfObject.setRodata} and map keys. */
export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
