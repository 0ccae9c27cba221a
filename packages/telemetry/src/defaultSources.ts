import { CgroupSource, type CgroupSourceOptions } from './cgroupStats.js';
import type { MetricSource } from './metricSource.js';
import { DiskstatsSource } from './procDiskstats.js';
import { LoadavgSource } from './procLoadavg.js';
import { MeminfoSource } from './procMeminfo.js';
import { NetDevSource, NetSnmpSource } from './procNet.js';
import { PressureSource } from './procPressure.js';
import { ProcessSource, type ProcessSourceOptions } from './procProcesses.js';
import { ProcStatSource } from './procStat.js';
import { VmstatSource } from './procVmstat.js';
import { FilesystemSource } from './statfsMounts.js';
import { BlockQueueSource } from './sysBlockQueue.js';
import { CpufreqSource } from './sysCpufreq.js';

/** Options of {@link createDefaultSources}. @public */
export interface DefaultSourcesOptions {
  /** Root of the file tree (default `/`). */
  readonly root?: string;
  /** Per-process collector options, or `false` to leave it out. */
  readonly processes?: Omit<ProcessSourceOptions, 'root'> | false;
  /** Cgroup collector options, or `false` to leave it out. */
  readonly cgroups?: Omit<CgroupSourceOptions, 'root'> | false;
}

/**
 * Every built-in collector, reading below `root`: /proc/stat, meminfo, vmstat, loadavg, pressure,
 * diskstats, net/dev, net/snmp, cgroups, block queues, cpufreq, file-system space (statfs of the data
 * mounts) and the top-N processes.
 *
 * @public
 */
export function createDefaultSources(options: DefaultSourcesOptions = {}): MetricSource[] {
  const root = options.root ?? '/';
  const sources: MetricSource[] = [
    new ProcStatSource({ root }),
    new MeminfoSource({ root }),
    new VmstatSource({ root }),
    new LoadavgSource({ root }),
    new PressureSource({ root }),
    new DiskstatsSource({ root }),
    new NetDevSource({ root }),
    new NetSnmpSource({ root }),
    new BlockQueueSource({ root }),
    new CpufreqSource({ root }),
    new FilesystemSource({ root }),
  ];
  if (options.cgroups !== false) sources.push(new CgroupSource({ root, ...(options.cgroups ?? {}) }));
  if (options.processes !== false) sources.push(new ProcessSource({ root, ...(options.processes ?? {}) }));
  return sources;
}
