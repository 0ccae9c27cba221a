// A dirty-page burst beside an fsync-ing writer (fio, two jobs on the guest's disk): one job keeps
// writing big buffered blocks (no fsync) over a file larger than the default dirty limits, the
// other writes 4 KiB and fsyncs each write, 20 times a second. Objective: the fsync-ing writer's
// p99 fsync latency.
import { mkdirSync } from 'node:fs';
import { have, sh } from '../lib/proc.mjs';

function fio(d, seconds) {
  mkdirSync(d.workDir, { recursive: true });
  // Absolute file names on the guest's disk (fio's working directory is the repository, on 9p).
  const common = `--ioengine=psync --time_based --runtime=${seconds}`;
  const jobs =
    `--name=burst --filename=${d.workDir}/lab-burst.dat --rw=write --bs=1M --size=${d.burstMb}M ${common} ` +
    `--name=fsync --filename=${d.workDir}/lab-fsync.dat --rw=write --bs=4k --size=16M --fsync=1 --rate_iops=20 ${common}`;
  const r = sh(`fio --output-format=json ${jobs}`, { timeoutMs: (seconds + 300) * 1000 });
  const j = JSON.parse(r.out.slice(r.out.indexOf('{')));
  const job = j.jobs.find((x) => x.jobname === 'fsync');
  const burst = j.jobs.find((x) => x.jobname === 'burst');
  const sync = job.sync ?? {};
  const pct = sync.lat_ns?.percentile ?? {};
  return { p99ms: (pct['99.000000'] ?? NaN) / 1e6, p50ms: (pct['50.000000'] ?? NaN) / 1e6, fsyncs: sync.total_ios ?? sync.lat_ns?.N ?? null, burstMBps: burst.write.bw_bytes / 1e6 };
}

export const writebackScenario = {
  name: 'dirty-burst-fsync',
  title: 'dirty-page burst beside an fsync-ing writer (fio)',
  objectives: [{ key: 'fsyncP99ms', label: 'p99 fsync latency', unit: 'ms', better: 'lower', digits: 1 }],
  cost: 65,
  warmKey: 'wbWarmS',
  tunedProfile: 'latency-performance',
  tunedWhy: 'the TuneD profile that lowers the dirty limits (dirty_ratio 10, dirty_background_ratio 3)',
  reference: 'default writeback settings',
  requires: () => ['fio'].filter((b) => !have(b)),
  setup(d) {
    this.teardown(d);
  },
  async warmup(d) {
    fio(d, d.wbWarmS);
  },
  async measure(d) {
    const r = fio(d, d.wbMeasureS);
    return { values: { fsyncP99ms: r.p99ms }, detail: { p50ms: r.p50ms, fsyncs: r.fsyncs, burstMBps: Math.round(r.burstMBps) } };
  },
  teardown(d) {
    // Deleting the files drops their dirty pages without writing them (a sync here takes minutes under TCG).
    if (d?.workDir) sh(`rm -f ${d.workDir}/lab-burst.dat ${d.workDir}/lab-fsync.dat`, { allowFail: true });
  },
};
