import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CgroupSource,
  counterDelta,
  counterRate,
  cpuUtilisation,
  createDefaultSources,
  CpufreqSource,
  detectCgroupMode,
  diskRates,
  DiskstatsSource,
  getMetricDefinition,
  LoadavgSource,
  MetricsCollector,
  type MetricSample,
  NetDevSource,
  parseDiskstats,
  parseProcStat,
  PressureSource,
  ProcessSource,
  ProcStatSource,
  VmstatSource,
} from '../src/index.js';
import { cleanupTemp, copySnapshot, ctx, find, recorded, tempDir, until, value, writeTree } from './helpers.js';

afterEach(cleanupTemp);

/** Runs sources on t0 then t1 of the recorded tree, one second apart. */
function twoTicks(): MetricSample[] {
  const root = tempDir();
  copySnapshot('t0', root);
  const sources = createDefaultSources({ root, processes: { slices: 1 } });
  for (const s of sources) {
    try {
      s.collect?.(ctx(0));
    } catch {
      /* unavailable on this tree (cpufreq) */
    }
  }
  copySnapshot('t1', root);
  const out: MetricSample[] = [];
  for (const s of sources) {
    try {
      out.push(...(s.collect?.(ctx(1000)) as MetricSample[]));
    } catch {
      /* idem */
    }
  }
  return out;
}

describe('collectors on the recorded 6.18 tree', () => {
  it('compute disk rates from the two snapshots', () => {
    const samples = twoTicks();
    const raw = (snap: 't0' | 't1') => parseDiskstats(readFileSync(join(recorded(snap), 'proc/diskstats'), 'latin1')).find((d) => d.device === 'vda');
    const a = raw('t0');
    const b = raw('t1');
    if (a === undefined || b === undefined) throw new Error('vda missing from fixture');
    expect(value(samples, 'disk.write_bytes_per_second', { device: 'vda' })).toBe((b.sectorsWritten - a.sectorsWritten) * 512);
    expect(value(samples, 'disk.reads_per_second', { device: 'vda' })).toBe(b.reads - a.reads);
    expect(value(samples, 'disk.utilization_ratio', { device: 'vda' })).toBeCloseTo((b.ioMs - a.ioMs) / 1000, 9);
    expect(value(samples, 'disk.write_bytes_per_second', { device: 'vda' })).toBeGreaterThan(1_000_000); // dd ran during the recording
    // loop devices without I/O and partitions are left out by default
    expect(find(samples, 'disk.reads_per_second', { device: 'loop0' })).toBeUndefined();
  });

  it('compute CPU ratios that sum to 1 and per-CPU series', () => {
    const samples = twoTicks();
    const busy = value(samples, 'cpu.busy_ratio');
    const iowait = value(samples, 'cpu.iowait_ratio');
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy + iowait).toBeLessThanOrEqual(1);
    expect(find(samples, 'cpu.busy_ratio', { cpu: '1' })).toBeDefined();
    expect(value(samples, 'cpu.online_count')).toBe(2);
  });

  it('emit only catalogued names with the catalogued unit', () => {
    const samples = twoTicks();
    expect(samples.length).toBeGreaterThan(100);
    for (const s of samples) {
      const def = getMetricDefinition(s.name);
      expect(def, s.name).toBeDefined();
      expect(s.unit, s.name).toBe(def?.unit);
      for (const k of Object.keys(s.labels ?? {})) expect(def?.labels, `${s.name} label ${k}`).toContain(k);
      expect(Number.isFinite(s.value), `${s.name} finite`).toBe(true);
    }
    for (const name of ['psi.memory.some_avg10', 'mem.available_bytes', 'vm.oom_kills_total', 'net.tcp.retransmit_ratio', 'load.avg1', 'block.queue.scheduler_info']) {
      expect(find(samples, name), name).toBeDefined();
    }
  });

  it('read hybrid cgroups through the v1 controllers', () => {
    const root = recorded('t0');
    expect(detectCgroupMode(root)).toBe('hybrid');
    const src = new CgroupSource({ root });
    const s = src.collect(ctx(0));
    expect(value(s, 'cgroup.memory_current_bytes', { cgroup: '/' })).toBeGreaterThan(0);
    expect(s.some((x) => x.labels?.['cgroup']?.startsWith('/process_api/'))).toBe(true);
  });
});

describe('cgroup v2 (tree written in the kernel format)', () => {
  it('reports cpu cores, throttling, memory, io and pressure per cgroup', () => {
    const root = tempDir();
    const tree = (usage: number, throttled: number, periods: number, wbytes: number): Record<string, string> => ({
      'sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io memory pids\n',
      'sys/fs/cgroup/cpu.stat': `usage_usec ${usage * 2}\nuser_usec 1\nsystem_usec 1\n`,
      'sys/fs/cgroup/web.slice/cpu.stat': `usage_usec ${usage}\nuser_usec 1\nsystem_usec 1\nnr_periods ${periods}\nnr_throttled ${throttled}\nthrottled_usec 5\n`,
      'sys/fs/cgroup/web.slice/memory.current': '104857600\n',
      'sys/fs/cgroup/web.slice/memory.max': 'max\n',
      'sys/fs/cgroup/web.slice/memory.stat': 'anon 1000\nfile 2000\nkernel 5\n',
      'sys/fs/cgroup/web.slice/memory.events': 'low 0\nhigh 0\nmax 0\noom 1\noom_kill 1\n',
      'sys/fs/cgroup/web.slice/io.stat': `8:0 rbytes=0 wbytes=${wbytes} rios=0 wios=1 dbytes=0 dios=0\n`,
      'sys/fs/cgroup/web.slice/memory.pressure': 'some avg10=12.50 avg60=1.00 avg300=0.00 total=100\nfull avg10=2.00 avg60=0.00 avg300=0.00 total=10\n',
    });
    writeTree(root, tree(1_000_000, 0, 100, 0));
    const src = new CgroupSource({ root });
    expect(src.mode).toBe('v2');
    src.collect(ctx(0));
    writeTree(root, tree(1_500_000, 25, 200, 4096));
    const s = src.collect(ctx(1000));
    const web = { cgroup: '/web.slice' };
    expect(value(s, 'cgroup.cpu_usage_cores', web)).toBeCloseTo(0.5, 9);
    expect(value(s, 'cgroup.cpu_throttled_ratio', web)).toBeCloseTo(0.25, 9);
    expect(value(s, 'cgroup.io_write_bytes_per_second', web)).toBe(4096);
    expect(value(s, 'cgroup.memory_current_bytes', web)).toBe(104857600);
    expect(find(s, 'cgroup.memory_max_bytes', web)).toBeUndefined(); // "max" = unlimited
    expect(value(s, 'cgroup.memory_oom_kills_total', web)).toBe(1);
    expect(value(s, 'cgroup.memory_pressure.some_avg10', web)).toBe(12.5);
    expect(value(s, 'cgroup.cpu_usage_cores', { cgroup: '/' })).toBeCloseTo(1, 9);
  });
});

describe('/proc/vmstat rates (tree written in the kernel format)', () => {
  it('the write rate applications dirty pages at and the writeback rate, in bytes per second', () => {
    const root = tempDir();
    const vmstat = (dirtied: number, written: number) => ({ 'proc/vmstat': `nr_dirty 100\nnr_dirtied ${dirtied}\nnr_written ${written}\npgfault 10\n` });
    writeTree(root, vmstat(1000, 400));
    const src = new VmstatSource({ root });
    expect(find(src.collect(ctx(0)), 'vm.dirtied_bytes_per_second')).toBeUndefined(); // a rate needs two readings
    writeTree(root, vmstat(1000 + 2 * 2560, 400 + 2 * 512));
    const s = src.collect(ctx(2000));
    src.close();
    expect(value(s, 'vm.dirtied_bytes_per_second')).toBe(2560 * 4096);
    expect(value(s, 'vm.written_bytes_per_second')).toBe(512 * 4096);
    expect(getMetricDefinition('vm.dirtied_bytes_per_second')?.unit).toBe('bytes_per_second');
  });
});

describe('counter wrap and reset', () => {
  it('counterDelta handles 32-bit wrap, 64-bit wrap and resets', () => {
    expect(counterDelta(10, 15)).toBe(5);
    expect(counterDelta(4294967290, 5)).toBe(11); // u32 wrap
    expect(counterDelta(4294967290, 5, 32)).toBe(11);
    expect(counterDelta(2 ** 64 - 4096, 1024, 64)).toBe(5120); // u64 wrap (2^64 - 4096 is exact in a double)
    expect(counterDelta(3_000_000_000, 10)).toBe(1294967306); // still a plausible u32 wrap
    expect(counterDelta(1_000_000, 10)).toBe(10); // reset, not a wrap of 4 billion
    expect(counterRate(0, 500, 500)).toBe(1000);
    expect(counterRate(0, 500, 0)).toBe(0);
  });

  it('disk await and utilisation survive the 32-bit wrap of the millisecond fields', () => {
    const line = (reads: number, readMs: number, ioMs: number): string => `   8 0 sda ${reads} 0 ${reads * 8} ${readMs} 0 0 0 0 0 ${ioMs} ${ioMs}\n`;
    const [a] = parseDiskstats(line(100, 4294967000, 4294967000));
    const [b] = parseDiskstats(line(110, 104, 204));
    if (a === undefined || b === undefined) throw new Error('parse');
    const r = diskRates(a, b, 1000);
    expect(r.readsPerSecond).toBe(10);
    expect(r.readAwaitSeconds).toBeCloseTo(0.04, 9); // (2^32 - 4294967000 + 104) ms / 10 reads
    expect(r.utilisation).toBeCloseTo(0.5, 9);
    expect(r.readBytesPerSecond).toBe(10 * 8 * 512);
  });

  it('a re-created interface (counters reset) gives no negative or huge rate', () => {
    const root = tempDir();
    const dev = (rx: number): string => `Inter-| hdr\n face | hdr\n  eth0: ${rx} 10 0 0 0 0 0 0 ${rx} 10 0 0 0 0 0 0\n`;
    writeTree(root, { 'proc/net/dev': dev(9_000_000) });
    const src = new NetDevSource({ root });
    src.collect(ctx(0));
    writeTree(root, { 'proc/net/dev': dev(5000) });
    const s = src.collect(ctx(1000));
    expect(value(s, 'net.rx_bytes_per_second', { interface: 'eth0' })).toBe(5000);
  });
});

describe('CPU hot-plug', () => {
  const stat = (cpus: Record<string, [number, number]>): string => {
    let busyT = 0;
    let idleT = 0;
    let lines = '';
    for (const [id, [busy, idle]] of Object.entries(cpus)) {
      busyT += busy;
      idleT += idle;
      lines += `cpu${id} ${busy} 0 0 ${idle} 0 0 0 0 0 0\n`;
    }
    return `cpu  ${busyT} 0 0 ${idleT} 0 0 0 0 0 0\n${lines}ctxt 1\n`;
  };

  it('a CPU going offline does not make the overall ratio negative or > 1', () => {
    const a = parseProcStat(stat({ 0: [100, 100], 1: [500, 100] }));
    const b = parseProcStat(stat({ 0: [150, 150] })); // cpu1 offline: the aggregate line drops by 600
    const u = cpuUtilisation(a, b);
    expect(u.total?.busy).toBeCloseTo(0.5, 9);
    expect(u.perCpu.has('1')).toBe(false);
  });

  it('a CPU coming online counts from its second read', () => {
    const root = tempDir();
    writeTree(root, { 'proc/stat': stat({ 0: [100, 100] }) });
    const src = new ProcStatSource({ root });
    src.collect(ctx(0));
    writeTree(root, { 'proc/stat': stat({ 0: [200, 100], 1: [5, 5] }) });
    const s = src.collect(ctx(1000));
    expect(value(s, 'cpu.busy_ratio')).toBe(1);
    expect(find(s, 'cpu.busy_ratio', { cpu: '1' })).toBeUndefined();
    expect(value(s, 'cpu.online_count')).toBe(2);
  });
});

describe('missing and unreadable files', () => {
  it('an empty root makes every source unavailable with a reason, and nothing throws', async () => {
    const root = tempDir();
    const c = new MetricsCollector({ sources: createDefaultSources({ root }) });
    const batch = await c.collectOnce();
    expect(batch.samples).toEqual([]);
    const st = c.status();
    expect(st.length).toBeGreaterThanOrEqual(10);
    const psi = st.find((x) => x.id === 'proc.pressure');
    expect(psi?.available).toBe(false);
    expect(psi?.code).toBe('ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE');
    expect(psi?.reason).toMatch(/psi=1/);
    expect(st.find((x) => x.id === 'sys.cpufreq')?.reason).toMatch(/cpufreq driver/);
    expect(st.find((x) => x.id === 'cgroup')?.reason).toMatch(/mount cgroup2/);
  });

  it('a missing file marks the source unavailable until it appears, then it recovers', async () => {
    const root = tempDir();
    const c = new MetricsCollector({ sources: [new LoadavgSource({ root })] });
    await c.collectOnce();
    expect(c.status()[0]).toMatchObject({ available: false, code: 'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE' });
    writeTree(root, { 'proc/loadavg': '0.50 0.40 0.30 2/100 1234\n' });
    expect(find((await c.collectOnce()).samples, 'load.avg1')?.value).toBe(0.5);
    expect(c.status()[0]?.available).toBe(true);
    // the file stays open between ticks and is re-read at offset 0, as procfs files are
    writeTree(root, { 'proc/loadavg': '0.75 0.40 0.30 2/100 1234\n' });
    expect(find((await c.collectOnce()).samples, 'load.avg1')?.value).toBe(0.75);
    c.close();
  });

  it('PSI missing for one resource still reports the others', () => {
    const root = tempDir();
    writeTree(root, { 'proc/pressure/memory': 'some avg10=1.50 avg60=0.00 avg300=0.00 total=10\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' });
    const s = new PressureSource({ root }).collect(ctx(0));
    expect(value(s, 'psi.memory.some_avg10')).toBe(1.5);
    expect(find(s, 'psi.cpu.some_avg10')).toBeUndefined();
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file is reported as permission denied', async () => {
    const root = tempDir();
    writeTree(root, { 'proc/diskstats': '' });
    chmodSync(join(root, 'proc/diskstats'), 0);
    const c = new MetricsCollector({ sources: [new DiskstatsSource({ root })] });
    await c.collectOnce();
    expect(c.status()[0]?.code).toBe('ERR_AINKA_TELEMETRY_PERMISSION_DENIED');
  });

  it('a malformed file marks only its source unavailable', async () => {
    const root = tempDir();
    copySnapshot('t0', root);
    writeTree(root, { 'proc/loadavg': 'not a loadavg\n' });
    const c = new MetricsCollector({ sources: createDefaultSources({ root }) });
    const b = await c.collectOnce();
    expect(c.status().find((s) => s.id === 'proc.loadavg')?.code).toBe('ERR_AINKA_TELEMETRY_MALFORMED_INPUT');
    expect(find(b.samples, 'mem.available_bytes')).toBeDefined();
  });

  it('cpufreq policies are read when present (tree written in the kernel format)', () => {
    const root = tempDir();
    const p = 'sys/devices/system/cpu/cpufreq/policy0';
    writeTree(root, {
      [`${p}/scaling_cur_freq`]: '2400000\n',
      [`${p}/scaling_min_freq`]: '800000\n',
      [`${p}/scaling_max_freq`]: '3600000\n',
      [`${p}/cpuinfo_max_freq`]: '3600000\n',
      [`${p}/scaling_governor`]: 'schedutil\n',
    });
    const s = new CpufreqSource({ root }).collect(ctx(0));
    expect(value(s, 'cpufreq.current_hertz', { policy: '0' })).toBe(2.4e9);
    expect(find(s, 'cpufreq.governor_info', { policy: '0', governor: 'schedutil' })?.value).toBe(1);
  });
});

describe('the live /proc of the test machine', () => {
  it('every default source that this machine supports produces catalogued samples', async () => {
    let t = 0;
    const c = new MetricsCollector({ sources: createDefaultSources({ processes: { slices: 1 } }), monotonic: () => t });
    await c.collectOnce();
    await new Promise((r) => setTimeout(r, 200));
    t = 200;
    const b = await c.collectOnce();
    for (const id of ['proc.stat', 'proc.meminfo', 'proc.vmstat', 'proc.loadavg', 'proc.diskstats', 'proc.net.dev', 'proc.net.snmp', 'proc.processes']) {
      expect(c.status().find((s) => s.id === id), id).toMatchObject({ available: true });
    }
    for (const s of b.samples) expect(getMetricDefinition(s.name), s.name).toBeDefined();
    const busy = value(b.samples, 'cpu.busy_ratio');
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual(1);
    expect(value(b.samples, 'mem.total_bytes')).toBeGreaterThan(64 * 1024 * 1024);
    const self = b.samples.find((s) => s.name === 'process.rss_bytes' && s.labels?.['pid'] === String(process.pid));
    if (self !== undefined) expect(self.value).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('the process collector ranks by CPU and sees this process burn CPU', () => {
    let t = 0;
    const src = new ProcessSource({ topN: 100_000, slices: 1 });
    src.collect(ctx(t));
    // burn at least 50 ms of CPU (not wall time: the test box may be loaded)
    const start = process.cpuUsage();
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const u = process.cpuUsage(start);
      if (u.user + u.system >= 50_000) break;
    }
    t = 1000;
    const s = src.collect(ctx(t));
    src.close();
    const cpu = s.filter((x) => x.name === 'process.cpu_cores');
    expect(cpu.length).toBeGreaterThan(3);
    for (let i = 1; i < cpu.length; i++) expect(cpu[i - 1]?.value).toBeGreaterThanOrEqual(cpu[i]?.value ?? 0);
    const self = cpu.find((x) => x.labels?.['pid'] === String(process.pid));
    expect(self?.value).toBeGreaterThan(0.02); // >= 5 clock ticks over the 1 s the source believes passed
    expect(value(s, 'process.count')).toBeGreaterThanOrEqual(s.filter((x) => x.name === 'process.rss_bytes').length - 2);
  });
});

describe('the sliced process scan', () => {
  it('reads each process once every `slices` ticks and rates it over that span', () => {
    const root = tempDir();
    const stat = (pid: number, utime: number): string => `${pid} (p${pid}) S 1 ${pid} ${pid} 0 -1 0 0 0 0 0 ${utime} 0 0 0 20 0 1 0 ${pid * 10} 1000 10\n`;
    const write = (u: number): void => {
      const files: Record<string, string> = {};
      for (const pid of [10, 11, 12, 13]) files[`proc/${pid}/stat`] = stat(pid, u * (pid - 9));
      writeTree(root, files);
    };
    const src = new ProcessSource({ root, slices: 2, topN: 10 });
    write(0);
    src.collect(ctx(0)); // even pids
    src.collect(ctx(1000)); // odd pids
    write(100);
    const s2 = src.collect(ctx(2000)); // even pids again: 2 s since their last read
    const cores = (pid: number): number | undefined => find(s2, 'process.cpu_cores', { pid: String(pid) })?.value;
    expect(cores(10)).toBeCloseTo(0.5, 9); // 100 ticks = 1 s of CPU over 2 s
    expect(cores(12)).toBeCloseTo(1.5, 9);
    expect(cores(11)).toBeUndefined(); // not re-read yet
    const s3 = src.collect(ctx(3000));
    expect(find(s3, 'process.cpu_cores', { pid: '13' })?.value).toBeCloseTo(2, 9);
    expect(s3.filter((x) => x.name === 'process.cpu_cores').map((x) => x.labels?.['pid'])).toEqual(['13', '12', '11', '10']);
    expect(value(s3, 'process.count')).toBe(4);
    src.close();
  });
});

describe('MetricsCollector', () => {
  it('runs a source of minIntervalMs = k ticks every k ticks even when ticks jitter around the interval', async () => {
    const times = [0, 1000, 2150, 2990, 4000, 4980, 6100, 6995, 8000, 9010]; // late and early ticks, 1 s apart on average
    let i = 0;
    const ran: number[] = [];
    const c = new MetricsCollector({
      intervalMs: 1000,
      monotonic: () => times[i] as number,
      sources: [
        { id: 'each', minIntervalMs: 1000, collect: (x) => (ran.push(x.monotonicMs), []) },
        { id: 'every2', minIntervalMs: 2000, collect: (x) => [{ name: 'test.two', unit: 'count', value: x.monotonicMs, timestamp: 0 }] },
      ],
    });
    const two: number[] = [];
    for (; i < times.length; i++) for (const s of (await c.collectOnce()).samples) two.push(s.value);
    expect(ran).toEqual(times);
    expect(two).toEqual([0, 2150, 4000, 6100, 8000]);
  });

  it('ticks on its interval, respects minIntervalMs and isolates a throwing source', async () => {
    let calls = 0;
    let slow = 0;
    const c = new MetricsCollector({
      intervalMs: 20,
      sources: [
        { id: 'fast', collect: (x) => [{ name: 'test.fast', unit: 'count', value: ++calls, timestamp: x.now }] },
        { id: 'slow', minIntervalMs: 1_000_000, collect: () => (slow++, []) },
        {
          id: 'broken',
          collect: () => {
            throw new Error('boom');
          },
        },
      ],
    });
    const seen: number[] = [];
    const sub = c.batches$.subscribe((b) => seen.push(b.samples.length));
    c.start();
    await until(() => seen.length >= 3);
    c.stop();
    sub.unsubscribe();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(slow).toBe(1);
    expect(c.status().find((s) => s.id === 'broken')).toMatchObject({ available: false, reason: 'boom' });
    expect(() => c.addSource({ id: 'fast' })).toThrow(/unique id/);
  });
});
