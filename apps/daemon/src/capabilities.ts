import type { MetricSource } from '@ainka/telemetry';
import type { CapabilityStatus } from './api.js';
import { ebpfMetricSource } from './ebpfSource.js';
import { describeError } from './errors.js';

/** What the optional kernel paths gave the daemon. */
export interface OptionalPaths {
  readonly kernel: CapabilityStatus;
  readonly ebpf: CapabilityStatus;
  /** Extra telemetry sources (eBPF streams) to add to the hub. */
  readonly sources: readonly MetricSource[];
  /** Per-concern eBPF counters (`EbpfHost.stats()`), when eBPF runs. */
  readonly ebpfStats?: () => Readonly<Record<string, { readonly kernelDrops: number; readonly decodeErrors: number } | undefined>>;
  /** Close whatever was opened. */
  close(): void;
}

type Module = Readonly<Record<string, unknown>>;

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Read a probe result of unknown shape: `{ available | loaded | ok: boolean, reason | message?: string }` or a boolean. */
function readProbe(r: unknown): { ok: boolean; reason?: string } {
  if (typeof r === 'boolean') return { ok: r };
  if (r !== null && typeof r === 'object') {
    const o = r as Record<string, unknown>;
    const ok = [o.available, o.loaded, o.ok, o.present].find((v) => typeof v === 'boolean');
    let reason = [o.reason, o.message, o.why].find((v) => typeof v === 'string') as string | undefined;
    const list = [o.problems, o.reasons].find((v) => Array.isArray(v) && v.length > 0) as unknown[] | undefined;
    if (reason === undefined && list !== undefined) reason = list.map(String).join('; ');
    if (reason !== undefined) reason = reason.replace(/\s+/g, ' ').trim();
    return reason === undefined ? { ok: ok === true } : { ok: ok === true, reason };
  }
  return { ok: false, reason: 'the probe returned nothing usable' };
}

async function probeKernel(mode: 'auto' | 'off'): Promise<CapabilityStatus> {
  if (mode === 'off') return { id: 'kernel-module', available: false, reason: 'disabled by config (kernel.module: off)' };
  let mod: Module;
  try {
    mod = (await import('@ainka/ipc')) as Module;
  } catch (err) {
    return { id: 'kernel-module', available: false, reason: `@ainka/ipc failed to load (${describeError(err).message})` };
  }
  const K = mod.AinkaKernel as { probe?: () => unknown } | undefined;
  const probe = K?.probe ?? (mod.probeKernel as (() => unknown) | undefined);
  if (typeof probe !== 'function') {
    return { id: 'kernel-module', available: false, reason: '@ainka/ipc exports no AinkaKernel.probe() yet: the immediate (kernel policy cache) layer is off' };
  }
  try {
    const r = readProbe(await probe.call(K));
    return r.ok
      ? { id: 'kernel-module', available: true }
      : { id: 'kernel-module', available: false, reason: r.reason ?? 'the ainka module is not loaded (modprobe ainka, or install the DKMS package)' };
  } catch (err) {
    return { id: 'kernel-module', available: false, reason: describeError(err).message.replace(/\s+/g, ' ') };
  }
}

/** Options of {@link probeOptionalPaths}. */
export interface OptionalPathsOptions {
  /** Directory of the eBPF objects and their manifest (default: the ones shipped in `@ainka/ebpf`). */
  readonly ebpfObjects?: string;
  /** One eBPF stream failed while the others go on (see `ebpfMetricSource`). */
  readonly onEbpfStreamError?: (stream: string, err: unknown) => void;
}

/** The streams `ebpfMetricSource` reads (eBPF is unavailable when every one of them failed to load). */
const EBPF_STREAMS = ['runQueueLatency$', 'connectLatency$', 'contextSwitches$', 'oomKills$'] as const;

async function probeEbpf(mode: 'auto' | 'off', options: OptionalPathsOptions = {}): Promise<{ status: () => CapabilityStatus; sources: MetricSource[]; ebpfStats?: OptionalPaths['ebpfStats']; close: () => void }> {
  const none = (reason: string) => ({ status: () => ({ id: 'ebpf', available: false, reason }), sources: [], close: () => undefined });
  if (mode === 'off') return none('disabled by config (telemetry.ebpf: off)');
  if (!isRoot()) return none('not root: loading eBPF programs needs CAP_BPF and CAP_PERFMON (run as root or via the systemd unit); using procfs telemetry only');
  let mod: Module;
  try {
    mod = (await import('@ainka/ebpf')) as Module;
  } catch (err) {
    return none(`@ainka/ebpf failed to load (${describeError(err).message})`);
  }
  const probe = mod.probeEbpf as ((o?: { bpfDir?: string; load?: boolean }) => unknown) | undefined;
  if (typeof probe !== 'function') return none('@ainka/ebpf exports no probeEbpf() yet; using procfs telemetry only');
  let r: { ok: boolean; reason?: string };
  try {
    // Prerequisites only (root, BTF, libbpf, ring buffer): the streams load and verify each object once
    // themselves and report a concern that fails (status below). Loading them here too cost seconds of CPU.
    r = readProbe(await probe({ load: false, ...(options.ebpfObjects !== undefined ? { bpfDir: options.ebpfObjects } : {}) }));
  } catch (err) {
    return none(`eBPF probe failed: ${describeError(err).message}`);
  }
  if (!r.ok) return none(r.reason ?? 'BPF is not usable on this kernel');
  const make = (mod.createEbpfSources ?? mod.ebpfSources) as (() => unknown) | undefined;
  try {
    if (typeof make === 'function') {
      const made = await make();
      const sources = (Array.isArray(made) ? made : []) as MetricSource[];
      const status: CapabilityStatus = { id: 'ebpf', available: sources.length > 0 };
      return { status: () => status, sources, close: () => sources.forEach((s) => s.close?.()) };
    }
    // No ready-made MetricSource in @ainka/ebpf: adapt its EbpfStreams here (composition only).
    const Streams = mod.EbpfStreams as
      | (new (o: { pollIntervalMs: number; drainIntervalMs?: number; allTcpStates?: boolean; bpfDir?: string }) => Parameters<typeof ebpfMetricSource>[0])
      | undefined;
    const pct = mod.histogramPercentile as Parameters<typeof ebpfMetricSource>[1] | undefined;
    if (Streams === undefined || pct === undefined) return none('eBPF works here, but @ainka/ebpf exports neither createEbpfSources() nor EbpfStreams; using procfs telemetry only');
    const pollMs = 1000;
    // The daemon reads histograms once a second: drain the rings every 100 ms (not 10) and skip TCP
    // state changes it never reads (measured 1.72 -> 1.33 % of a core).
    const failed: string[] = [];
    const streams = new Streams({ pollIntervalMs: pollMs, drainIntervalMs: 100, allTcpStates: false, ...(options.ebpfObjects !== undefined ? { bpfDir: options.ebpfObjects } : {}) });
    const source = ebpfMetricSource(streams, pct, pollMs, {
      onStreamError: (stream, err) => {
        failed.push(`${stream} failed: ${describeError(err).message.replace(/\s+/g, ' ')}`);
        options.onEbpfStreamError?.(stream, err);
      },
    });
    const streamCount = EBPF_STREAMS.filter((n) => (streams as unknown as Record<string, unknown>)[n] !== undefined).length;
    const status = (): CapabilityStatus => {
      const notes = [...(r.reason !== undefined ? [r.reason] : []), ...failed];
      if (failed.length >= streamCount) return { id: 'ebpf', available: false, reason: `no eBPF object loads here: ${notes.join('; ')}` };
      return { id: 'ebpf', available: true, ...(notes.length > 0 ? { reason: `(partly: ${notes.join('; ')})` } : {}) };
    };
    return { status, sources: [source], ebpfStats: () => streams.host?.stats?.() ?? {}, close: () => source.close?.() };
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
