/**
 * `@ainka/telemetry/collectors`: the procfs/sysfs/cgroup collectors and their parsers, the metric catalogue, `MetricsCollector`, `SeriesWindows` (the recent points of every series, in memory). Loads no native module and not prom-client.
 *
 * @packageDocumentation
 */
export { TelemetryError, malformed } from './errors.js';
export type { TelemetryErrorCode } from './errors.js';
export { seriesKey, SeriesLabels } from './metricSample.js';
export type { MetricLabels, MetricSample, MetricUnit } from './metricSample.js';
export type { CollectContext, MetricSource, SourceStatus } from './metricSource.js';
export { metricCatalogue, getMetricDefinition, ebpfMetricNames } from './metricCatalogue.js';
export type { EbpfMetricName, MetricDefinition } from './metricCatalogue.js';
export { KernelFiles } from './kernelFile.js';
export { counterDelta, counterRate } from './counters.js';
export { MetricsCollector } from './metricsCollector.js';
export { SeriesWindows } from './seriesWindows.js';
export type { WindowPoint } from './seriesWindows.js';
export type { MetricsCollectorOptions, SampleBatch } from './metricsCollector.js';
export { createDefaultSources } from './defaultSources.js';
export type { DefaultSourcesOptions } from './defaultSources.js';
export { ProcStatSource, parseProcStat, cpuUtilisation } from './procStat.js';
export type { CpuTimes, CpuUtilisation, ProcStat, ProcStatSourceOptions } from './procStat.js';
export { MeminfoSource, parseMeminfo } from './procMeminfo.js';
export { VmstatSource, dirtyLimitSamples, parseVmstat, vmCounters } from './procVmstat.js';
export { LoadavgSource, parseLoadavg } from './procLoadavg.js';
export { FilesystemSource, dataMounts, parseMounts } from './statfsMounts.js';
export type { FilesystemSourceOptions, MountEntry } from './statfsMounts.js';
export type { Loadavg } from './procLoadavg.js';
export { PressureSource, parsePressure } from './procPressure.js';
export type { Pressure, PressureLine } from './procPressure.js';
export { DiskstatsSource, parseDiskstats, diskRates } from './procDiskstats.js';
export type { DiskCounters, DiskRates, DiskstatsSourceOptions } from './procDiskstats.js';
export { NetDevSource, NetSnmpSource, parseNetDev, parseNetSnmp } from './procNet.js';
export type { NetDevCounters } from './procNet.js';
export {
  CgroupSource,
  detectCgroupMode,
  parseBlkioServiceBytes,
  parseFlatKeyed,
  parseIoStat,
} from './cgroupStats.js';
export type { CgroupMode, CgroupSourceOptions } from './cgroupStats.js';
export { BlockQueueSource, parseScheduler } from './sysBlockQueue.js';
export { CpufreqSource } from './sysCpufreq.js';
export { ProcessSource, parseProcessStat } from './procProcesses.js';
export type { ProcessSourceOptions, ProcessStat } from './procProcesses.js';
