/**
 * `@ainka/ebpf` — AINKA's CO-RE eBPF programs (built into `bpf/` with a manifest) and typed,
 * shared, ref-counted rxjs streams over them.
 *
 * @packageDocumentation
 */
export { CgroupEgress, cgroup2MountOf, type CgroupEgressOptions, type CgroupEgressState } from './cgroupEgress.js';
export { EbpfError, type EbpfErrorCode } from './errors.js';
export { defaultBpfDir, loadManifest, manifestObject, type Concern, type EbpfManifest, type ManifestObject, type ManifestVariant } from './manifest.js';
export {
  countRecords,
  decodeBatch,
  formatAddress,
  TCP_STATE_NAMES,
  toEvent,
  type BpfEvent,
  type DecodedBatch,
  type ExecEvent,
  type ExitEvent,
  type FileOpenEvent,
  type OomKillEvent,
  type TcpEvent,
  mixBits,
  SEC_CALL_NAMES,
  splitArgs,
  type ForkEvent,
  type SecCallEvent,
  type SecCallKind,
  type SecExecEvent,
  type SyscallMixEvent,
} from './events.js';
export { emptyHistogram, HIST_BYTES, histogramPercentile, readHistogram, subtractHistogram, type Log2Histogram } from './histogram.js';
export { EbpfHost, type ConcernStats, type EbpfHostOptions, type SecurityWatch } from './ebpfHost.js';
export {
  EbpfStreams,
  type BlockIoStats,
  type BlockSample,
  type CgroupCpuTime,
  type ContextSwitches,
  type EbpfStreamsOptions,
  type Sampled,
  type SyscallRates,
  type TcpEndpointSummary,
} from './ebpfStreams.js';
export { probeEbpf, type ConcernProbe, type EbpfProbe, type EbpfProbeOptions } from './probe.js';
