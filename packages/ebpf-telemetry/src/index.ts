/**
 * `@ainka/ebpf-telemetry` — the bridge between `@ainka/ebpf` and `@ainka/telemetry`: eBPF streams as a
 * telemetry `MetricSource` whose samples carry the metric catalogue's names and units.
 *
 * @packageDocumentation
 */
export { ebpfMetricSource, ebpfMetricStreamNames, type EbpfMetricSourceOptions, type EbpfMetricStreamName, type EbpfMetricStreams } from './ebpfMetricSource.js';
