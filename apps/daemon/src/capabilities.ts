import type { ConcernStats } from '@ainka/ebpf';
import type { MetricSource } from '@ainka/telemetry';
import type { CapabilityStatus } from './api.js';
import { describeError } from './errors.js';

/** The part of `@ainka/ebpf`'s `EbpfHost.stats()` ainkad reports, per concern. */
export type EbpfStatsByConcern = Readonly<Record<string, Pick<ConcernStats, 'file' | 'ringBuffer' | 'loaded' | 'records' | 'kernelDrops' | 'decodeErrors'> | undefined>>;

/** What the optional kernel paths gave the daemon. */
export interface OptionalPaths {
  readonly kernel: CapabilityStatus;
  readonly ebpf: CapabilityStatus;
  /** Extra telemetry sources (eBPF streams) to add to the hub. */
  readonly sources: readonly MetricSource[];
  /** Per-concern eBPF counters (`EbpfHost.stats()`), when eBPF runs. */
  readonly ebpfStats?: () => EbpfStatsByConcern;
  /** Close whatever was opened. */
  close(): void;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The problems a probe listed, as one line (their texts already name the fix), or undefined when none. */
function problemLine(problems: readonly string[]): string | undefined {
  return problems.length === 0 ? undefined : problems.join('; ').replace(/\s+/g, ' ').trim();
}

async function probeKernel(mode: 'auto' | 'off'): Promise<CapabilityStatus> {
  if (mode === 'off') return { id: 'kernel-module', available: false, reason: 'disabled by config (kernel.module: off)' };
  let ipc: typeof import('@ainka/ipc');
  try {
    // Loaded on demand: @ainka/ipc loads @ainka/native, which a machine without the addon cannot.
    ipc = await import('@ainka/ipc');
  } catch (err) {
    return { id: 'kernel-module', available: false, reason: `@ainka/ipc failed to load (${describeError(err).message})` };
  }
  try {
    const probe = await ipc.AinkaKernel.probe();
    return probe.available
      ? { id: 'kernel-module', available: true }
      : { id: 'kernel-module', available: false, reason: problemLine(probe.problems) ?? 'the ainka module is not loaded (modprobe ainka, or install the DKMS package)' };
  } catch (err) {
    return { id: 'kernel-module', available: false, reason: describeError(err).message.replace(/\s+/g, ' ') };
  }
}

/** Options of {@link probeOptionalPaths}. */
export interface OptionalPathsOptions {
  /** Directory of the eBPF objects and their manifest (default: the ones shipped in `@ainka/ebpf`). */
  readonly ebpfObjects?: string;
  /** Ring buffer bytes of each eBPF object with one (default: `@ainka/ebpf`'s 256 KiB). */
  readonly ebpfRingBytes?: number;
  /** One eBPF stream failed while the others go on (see `ebpfMetricSource` of `@ainka/ebpf-telemetry`). */
  readonly onEbpfStreamError?: (stream: string, err: unknown) => void;
}

async function probeEbpf(mode: 'auto' | 'off', options: OptionalPathsOptions = {}): Promise<{ status: () => CapabilityStatus; sources: MetricSource[]; ebpfStats?: OptionalPaths['ebpfStats']; close: () => void }> {
  const none = (reason: string) => ({ status: () => ({ id: 'ebpf', available: false, reason }), sources: [], close: () => undefined });
  if (mode === 'off') return none('disabled by config (telemetry.ebpf: off)');
  if (!isRoot()) return none('not root: loading eBPF programs needs CAP_BPF and CAP_PERFMON (run as root or via the systemd unit); using procfs telemetry only');
  let ebpf: typeof import('@ainka/ebpf');
  let bridge: typeof import('@ainka/ebpf-telemetry');
  try {
    ebpf = await import('@ainka/ebpf');
  } catch (err) {
    return none(`@ainka/ebpf failed to load (${describeError(err).message})`);
  }
  try {
    // eBPF streams → telemetry samples named by the metric catalogue (loaded only when eBPF can run).
    bridge = await import('@ainka/ebpf-telemetry');
  } catch (err) {
    return none(`@ainka/ebpf-telemetry failed to load (${describeError(err).message})`);
  }
  let probe: ReturnType<typeof ebpf.probeEbpf>;
  try {
    // Prerequisites only (root, BTF, libbpf, ring buffer): the streams load and verify each object once
    // themselves and report a concern that fails (status below). Loading them here too cost seconds of CPU.
    probe = ebpf.probeEbpf({ load: false, ...(options.ebpfObjects !== undefined ? { bpfDir: options.ebpfObjects } : {}) });
  } catch (err) {
    return none(`eBPF probe failed: ${describeError(err).message}`);
  }
  const probeNote = problemLine(probe.reasons);
  if (!probe.available) return none(probeNote ?? 'BPF is not usable on this kernel');
  try {
    const pollMs = 1000;
    // The daemon reads histograms once a second: drain the rings every 100 ms (not 10) and skip TCP
    // state changes it never reads (measured 1.72 -> 1.33 % of a core).
    // One note per failed stream (the source reports a stream per subscription: a restarted collector
    // must not count it twice).
    const failed = new Map<string, string>();
    const streams = new ebpf.EbpfStreams({
      pollIntervalMs: pollMs,
      drainIntervalMs: 100,
      allTcpStates: false,
      ...(options.ebpfObjects !== undefined ? { bpfDir: options.ebpfObjects } : {}),
      ...(options.ebpfRingBytes !== undefined ? { ringBytes: options.ebpfRingBytes } : {}),
    });
    const source = bridge.ebpfMetricSource(streams, {
      onStreamError: (stream, err) => {
        if (failed.has(stream)) return;
        failed.set(stream, `${stream} failed: ${describeError(err).message.replace(/\s+/g, ' ')}`);
        options.onEbpfStreamError?.(stream, err);
      },
    });
    // eBPF is unavailable when every stream the source reads failed to load.
    const streamCount = bridge.ebpfMetricStreamNames.length;
    const status = (): CapabilityStatus => {
      const notes = [...(probeNote !== undefined ? [probeNote] : []), ...failed.values()];
      if (failed.size >= streamCount) return { id: 'ebpf', available: false, reason: `no eBPF object loads here: ${notes.join('; ')}` };
      return { id: 'ebpf', available: true, ...(notes.length > 0 ? { reason: `(partly: ${notes.join('; ')})` } : {}) };
    };
    return { status, sources: [source], ebpfStats: () => streams.host.stats(), close: () => source.close?.() };
  } catch (err) {
    return none(`eBPF sources failed to start: ${describeError(err).message}`);
  }
}

/** Probe the kernel module and eBPF; never throws — what is missing is reported with its reason. */
export async function probeOptionalPaths(kernel: 'auto' | 'off', ebpf: 'auto' | 'off', options: OptionalPathsOptions = {}): Promise<OptionalPaths> {
  const [k, e] = await Promise.all([probeKernel(kernel), probeEbpf(ebpf, options)]);
  return {
    kernel: k,
    // A getter: a stream that fails later (partial eBPF) shows up in the status.
    get ebpf() {
      return e.status();
    },
    sources: e.sources,
    ...(e.ebpfStats !== undefined ? { ebpfStats: e.ebpfStats } : {}),
    close: e.close,
  };
}
