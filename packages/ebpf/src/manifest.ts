import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AINKA_ABI_VERSION } from '@ainka/protocol';
import type { BpfSlot } from '@ainka/native';
import { EbpfError } from './errors.js';

/** The program objects, one per concern. */
export type Concern = 'process' | 'sched' | 'block' | 'net' | 'syscall';

/** One attachable program of a slot. */
export interface ManifestVariant {
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
  readonly concern: Concern;
  readonly file: string;
  readonly sha256: string;
  readonly doc: string;
  /** Name of the ring buffer map, when the object streams records. */
  readonly ringBuffer: string | null;
  readonly maps: readonly { readonly name: string; readonly type: string }[];
  /** `const volatile` settings that can be written before load. */
  readonly rodata: readonly string[];
  readonly slots: readonly (BpfSlot & { readonly variants: readonly ManifestVariant[] })[];
  /** Programs loaded but not attached: run with BPF_PROG_TEST_RUN or read as an iterator. */
  readonly run: readonly { readonly program: string; readonly section: string; readonly how: 'test_run' | 'iterate'; readonly requires: readonly string[] }[];
  /** Kernel features of the maps. */
  readonly requires: readonly string[];
}

/** `bpf/manifest.json`, written by `ebpf/gen-manifest.mjs` next to the objects. */
export interface EbpfManifest {
  readonly name: string;
  readonly version: string;
  /** AINKA_ABI_VERSION of the records the objects produce. */
  readonly abiVersion: number;
  readonly arch: string;
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
