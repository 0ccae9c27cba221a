import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AINKA_ABI_VERSION } from '@ainka/protocol';
import type { BpfSlot } from '@ainka/native';
import { EbpfError } from './errors.js';

/** The program objects, one per concern. */
export type Concern = 'process' | 'sched' | 'block' | 'net' | 'syscall' | 'security';

/** One attachable program of a slot. */
export interface ManifestVariant {
  /** Program (function) name. */
  readonly program: string;
  /** ELF section, e.g. `tp_btf/sched_switch`. */
  readonly section: string;
  /** `tp_btf`, `raw_tp`, … */
  readonly kind: string;
  /** Tracepoint or function name. */
  readonly attachPoint: string;
  /** Kernel features this variant needs. */
  readonly requires: readonly string[];
}

/** One object file in the manifest. */
export interface ManifestObject {
  /** The concern this object serves. */
  readonly concern: Concern;
  /** File name next to the manifest. */
  readonly file: string;
  /** SHA-256 of the object file. */
  readonly sha256: string;
  /** What the object does. */
  readonly doc: string;
  /** Name of the ring buffer map, when the object streams records. */
  readonly ringBuffer: string | null;
  /** Its maps with their types. */
  readonly maps: readonly {
    /** Map name. */
    readonly name: string;
    /** Map type, e.g. `ringbuf`, `percpu_array`. */
    readonly type: string;
  }[];
  /** `const volatile` settings that can be written before load. */
  readonly rodata: readonly string[];
  /** Program slots, each with its variants best first. */
  readonly slots: readonly (BpfSlot & {
    /** Variants in the order the loader tries them. */
    readonly variants: readonly ManifestVariant[];
  })[];
  /** Programs loaded but not attached: run with BPF_PROG_TEST_RUN or read as an iterator. */
  readonly run: readonly {
    /** Program name. */
    readonly program: string;
    /** ELF section. */
    readonly section: string;
    /** `test_run`: BPF_PROG_TEST_RUN; `iterate`: an iterator read to EOF. */
    readonly how: 'test_run' | 'iterate';
    /** Kernel features it needs. */
    readonly requires: readonly string[];
  }[];
  /** Kernel features of the maps. */
  readonly requires: readonly string[];
}

/** `bpf/manifest.json`, written by `ebpf/gen-manifest.mjs` next to the objects. */
export interface EbpfManifest {
  /** Package name. */
  readonly name: string;
  /** Version of the @ainka/ebpf package that built the objects. */
  readonly version: string;
  /** AINKA_ABI_VERSION of the records the objects produce. */
  readonly abiVersion: number;
  /** Node.js arch the objects were built on (BPF objects are arch specific through pt_regs). */
  readonly arch: string;
  /** One entry per program object. */
  readonly objects: readonly ManifestObject[];
}

/** Directory of the built objects: `AINKA_EBPF_DIR`, else `<package>/bpf`. */
export function defaultBpfDir(): string {
  if (process.env.AINKA_EBPF_DIR) return process.env.AINKA_EBPF_DIR;
  // ESM: import.meta.url; the CJS build has no import.meta.url (esbuild empties it), so __dirname
  const url = (import.meta as { url?: string }).url;
  const here = url ? dirname(fileURLToPath(url)) : __dirname;
  return join(here, '..', 'bpf');
}

/**
 * Reads and checks the manifest: it must exist (build with `make -C ebpf`) and its ABI version
 * must be the one this `@ainka/protocol` decodes.
 */
export function loadManifest(dir: string = defaultBpfDir()): EbpfManifest {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) {
    throw new EbpfError('ERR_AINKA_EBPF_NO_MANIFEST', `${file} does not exist: build the eBPF objects with \`make -C ebpf\` (or npm run build -w @ainka/ebpf)`);
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as EbpfManifest;
  if (manifest.abiVersion !== AINKA_ABI_VERSION) {
    throw new EbpfError(
      'ERR_AINKA_EBPF_ABI_MISMATCH',
      `${file} was built for ABI ${manifest.abiVersion} but @ainka/protocol decodes ABI ${AINKA_ABI_VERSION}: rebuild the objects (make -C ebpf)`,
    );
  }
  return manifest;
}

/** The manifest entry of a concern. */
export function manifestObject(manifest: EbpfManifest, concern: Concern): ManifestObject {
  const o = manifest.objects.find((x) => x.concern === concern);
  if (!o) throw new EbpfError('ERR_AINKA_EBPF_UNKNOWN_CONCERN', `the manifest has no '${concern}' object: rebuild with make -C ebpf`);
  return o;
}
