import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bpfSystem, loadWithFallbacks, u32, type BpfVariantFailure } from '@ainka/native';
import { defaultBpfDir, loadManifest, type Concern } from './manifest.js';

/** What one concern can do on this machine. */
export interface ConcernProbe {
  /** Whether this concern loads and attaches here. */
  readonly available: boolean;
  /** slot → program that loads and attaches here. */
  readonly chosen: Readonly<Record<string, string>>;
  /** Optional slots with no working variant. */
  readonly missing: readonly string[];
  /** Variants that failed, with the reason. */
  readonly failures: readonly BpfVariantFailure[];
  /** Why the whole concern is unavailable (with the fix). */
  readonly reason?: string;
  /** Stable code of the failure. */
  readonly code?: string;
}

/** Result of {@link probeEbpf}. */
export interface EbpfProbe {
  /** True when at least one concern works. */
  readonly available: boolean;
  /** The process runs as root. */
  readonly root: boolean;
  /** /sys/kernel/btf/vmlinux is readable (CO-RE needs it). */
  readonly btf: boolean;
  /** Content of /sys/kernel/security/lockdown, or null when there is no lockdown LSM. */
  readonly lockdown: string | null;
  /** libbpf the addon runs with, or null when the addon does not load. */
  readonly libbpf: string | null;
  /** BPF_MAP_TYPE_RINGBUF is supported. */
  readonly ringbuf: boolean;
  /** Release of the running kernel. */
  readonly kernel: string;
  /** Per concern: what loads here, what failed and why. */
  readonly concerns: Readonly<Partial<Record<Concern, ConcernProbe>>>;
  /** Human-readable reasons for whatever is unavailable, each with its fix. */
  readonly reasons: readonly string[];
}

/** Options of {@link probeEbpf}. */
export interface EbpfProbeOptions {
  /** Directory of the .bpf.o files and manifest.json. */
  readonly bpfDir?: string;
  /** Concerns to try (default all in the manifest). */
  readonly concerns?: readonly Concern[];
  /**
   * Load and attach every concern's object to see what works (default true). With `false` only the
   * prerequisites are checked (root, BTF, libbpf, ring buffer support) — no verifier run, which costs
   * seconds of CPU — and `available` means they hold; a consumer that loads the objects anyway (the
   * streams) learns per concern from its own load, so the objects are verified once, not twice.
   */
  readonly load?: boolean;
}

const BPF_MAP_TYPE_RINGBUF = 27;

function readOr(path: string, fallback: string | null): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return fallback;
  }
}

/**
 * Finds out what the eBPF telemetry can do here without throwing: checks root, BTF, lockdown and
 * ring buffer support, then loads and attaches every concern's object (choosing variants exactly
 * as the streams will) and closes it again (or, with `load: false`, only checks the prerequisites).
 * The daemon uses this to degrade cleanly.
 */
export function probeEbpf(options: EbpfProbeOptions = {}): EbpfProbe {
  const reasons: string[] = [];
  const root = process.getuid?.() === 0;
  const btf = existsSync('/sys/kernel/btf/vmlinux');
  const lockdown = readOr('/sys/kernel/security/lockdown', null);
  const kernel = readOr('/proc/sys/kernel/osrelease', 'unknown') ?? 'unknown';
  if (!root) reasons.push('not root: run as root (or with CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)');
  if (!btf) reasons.push('no BTF: /sys/kernel/btf/vmlinux is missing; CO-RE needs a kernel built with CONFIG_DEBUG_INFO_BTF=y');
  if (lockdown && /\[(integrity|confidentiality)\]/.test(lockdown)) reasons.push(`kernel lockdown is active (${lockdown}): it may refuse BPF that reads kernel memory`);

  let libbpf: string | null = null;
  let ringbuf = false;
  try {
    libbpf = bpfSystem.libbpfVersion();
    ringbuf = bpfSystem.probeMapType(BPF_MAP_TYPE_RINGBUF) === 1;
  } catch (err) {
    reasons.push(`the @ainka/native addon does not load: ${(err as Error).message}; rebuild it (npm run build -w @ainka/native) and check libbpf1 is installed`);
  }
  if (libbpf && !ringbuf) reasons.push('BPF_MAP_TYPE_RINGBUF is not supported (Linux < 5.8 or not permitted)');

  const concerns: Partial<Record<Concern, ConcernProbe>> = {};
  if (libbpf && options.load !== false) {
    const dir = options.bpfDir ?? defaultBpfDir();
    let manifest;
    try {
      manifest = loadManifest(dir);
    } catch (err) {
      reasons.push((err as Error).message);
    }
    for (const m of manifest?.objects ?? []) {
      if (options.concerns && !options.concerns.includes(m.concern)) continue;
      try {
        const loaded = loadWithFallbacks({
          path: join(dir, m.file),
          slots: m.slots,
          run: m.run.map((r) => r.program),
          configure: (obj) => {
            if (m.rodata.includes('ignore_tgid')) obj.setRodata('ignore_tgid', u32(process.pid));
          },
        });
        loaded.object.close();
        concerns[m.concern] = { available: true, chosen: loaded.chosen, missing: loaded.missing, failures: loaded.failures };
        for (const slot of loaded.missing) reasons.push(`${m.concern}: '${slot}' is unavailable on this kernel`);
      } catch (err) {
        const e = err as Error & { code?: string };
        concerns[m.concern] = { available: false, chosen: {}, missing: [], failures: [], reason: e.message, code: e.code };
        reasons.push(`${m.concern}: ${e.message}`);
      }
    }
  }
  const available = options.load === false ? root && btf && libbpf !== null && ringbuf : Object.values(concerns).some((c) => c?.available);
  return { available, root, btf, lockdown, libbpf, ringbuf, kernel, concerns, reasons };
}
