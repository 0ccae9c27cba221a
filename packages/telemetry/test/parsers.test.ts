import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dirtyLimitSamples,
  parseBlkioServiceBytes,
  parseDiskstats,
  parseFlatKeyed,
  parseIoStat,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseNetSnmp,
  parsePressure,
  parseProcessStat,
  parseProcStat,
  parseScheduler,
  parseVmstat,
  TelemetryError,
  vmCounters,
} from '../src/index.js';
import { fixtures, recorded } from './helpers.js';

const read = (rel: string): string => readFileSync(join(recorded('t0'), rel), 'latin1');

function expectMalformed(fn: () => unknown, fileInMessage: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TelemetryError);
    expect((err as TelemetryError).code).toBe('ERR_AINKA_TELEMETRY_MALFORMED_INPUT');
    expect((err as TelemetryError).message).toContain(fileInMessage);
    return;
  }
  throw new Error('expected a malformed-input error');
}

describe('parsers read the recorded 6.18 files', () => {
  it('/proc/stat: aggregate and per-CPU lines, ctxt and procs', () => {
    const s = parseProcStat(read('proc/stat'));
    expect([...s.cpus.keys()]).toEqual(['0', '1']);
    const sumUser = [...s.cpus.values()].reduce((a, c) => a + c.user, 0);
    expect(Math.abs(s.total.user - sumUser)).toBeLessThanOrEqual(2);
    expect(s.contextSwitches).toBeGreaterThan(0);
    expect(s.procsRunning).toBeGreaterThanOrEqual(1);
    expect(s.bootTime).toBeGreaterThan(1_600_000_000);
  });

  it('/proc/meminfo: kB fields become bytes, unit-less fields stay', () => {
    const m = parseMeminfo(read('proc/meminfo'));
    const raw = /MemTotal:\s+(\d+) kB/.exec(read('proc/meminfo'));
    expect(m.get('MemTotal')).toBe(Number(raw?.[1]) * 1024);
    expect(m.get('MemAvailable')).toBeLessThanOrEqual(m.get('MemTotal') ?? 0);
    expect(m.has('HugePages_Total')).toBe(true);
    expect(m.get('HugePages_Total')).toBeLessThan(1_000_000);
  });

  it('/proc/vmstat: every line, normalised reclaim counters', () => {
    const m = parseVmstat(read('proc/vmstat'));
    expect(m.size).toBeGreaterThan(100);
    const c = vmCounters(m);
    expect(c['pgfault']).toBe(m.get('pgfault'));
    expect(c['oomKill']).toBe(m.get('oom_kill'));
    expect(c['pgscan']).toBe((m.get('pgscan_kswapd') ?? 0) + (m.get('pgscan_direct') ?? 0) + (m.get('pgscan_khugepaged') ?? 0) + (m.get('pgscan_proactive') ?? 0));
  });

  it('/proc/loadavg', () => {
    const l = parseLoadavg(read('proc/loadavg'));
    expect(l.threads).toBeGreaterThan(l.runnable);
    expect(l.avg1).toBeGreaterThanOrEqual(0);
  });

  it('/proc/pressure/*: some and full lines', () => {
    for (const r of ['cpu', 'memory', 'io']) {
      const p = parsePressure(read(`proc/pressure/${r}`));
      expect(p.some.avg10).toBeGreaterThanOrEqual(0);
      expect(p.some.avg10).toBeLessThanOrEqual(100);
      expect(p.full).toBeDefined();
    }
  });

  it('/proc/diskstats: 20-field lines of 6.x, with discard and flush counters', () => {
    const d = parseDiskstats(read('proc/diskstats'));
    const vda = d.find((x) => x.device === 'vda');
    expect(vda?.major).toBe(254);
    expect(vda?.reads).toBe(42070);
    expect(vda?.sectorsWritten).toBe(4888032);
    expect(vda?.flushes).toBe(5565);
    expect(vda?.discards).toBe(11397);
  });

  it('/proc/net/dev and /proc/net/snmp', () => {
    const devs = parseNetDev(read('proc/net/dev'));
    expect(devs.map((d) => d.interface)).toContain('lo');
    const lo = devs.find((d) => d.interface === 'lo');
    expect(lo?.rxBytes).toBe(lo?.txBytes); // loopback: what is sent is received
    const snmp = parseNetSnmp(read('proc/net/snmp'));
    expect(snmp.get('Tcp')?.get('MaxConn')).toBe(-1);
    expect(snmp.get('Tcp')?.has('RetransSegs')).toBe(true);
    expect(snmp.get('Udp')?.has('RcvbufErrors')).toBe(true);
  });

  it('cgroup v1 files (this machine runs the hybrid layout)', () => {
    const stat = parseFlatKeyed(read('sys/fs/cgroup/memory/memory.stat'), 'memory.stat');
    expect(stat.get('rss')).toBeGreaterThanOrEqual(0);
    const oom = parseFlatKeyed(read('sys/fs/cgroup/memory/memory.oom_control'), 'memory.oom_control');
    expect(oom.has('oom_kill')).toBe(true);
    const cpu = parseFlatKeyed(read('sys/fs/cgroup/cpu/cpu.stat'), 'cpu.stat');
    expect(cpu.has('nr_throttled')).toBe(true);
    expect(parseBlkioServiceBytes(read('sys/fs/cgroup/blkio/blkio.throttle.io_service_bytes'), 'blkio')).toEqual({ read: 0, write: 0 });
  });

  it('/sys/block/*/queue/scheduler: the bracketed entry is active', () => {
    expect(parseScheduler(read('sys/block/vda/queue/scheduler')).active).toBe('mq-deadline');
    expect(parseScheduler('none\n')).toEqual({ active: 'none', available: ['none'] });
  });

  it('/proc/<pid>/stat: pid 1', () => {
    const s = parseProcessStat(read('proc/1/stat'));
    expect(s.pid).toBe(1);
    expect(s.ppid).toBe(0);
    expect(s.numThreads).toBeGreaterThanOrEqual(1);
  });
});

describe('parsers tolerate other kernel versions', () => {
  it('/proc/stat of a 2.6.24 kernel (no steal/guest columns) reads missing columns as 0', () => {
    const s = parseProcStat('cpu  10 0 5 100 1 0 0\ncpu0 10 0 5 100 1 0 0\nctxt 7\n');
    expect(s.total.steal).toBe(0);
    expect(s.total.guestNice).toBe(0);
    expect(s.cpus.get('0')?.iowait).toBe(1);
  });

  it('/proc/diskstats of a 4.14 kernel (11 counters) and a 2.6 partition line', () => {
    const d = parseDiskstats('   8       0 sda 100 0 800 50 10 0 80 5 0 40 55\n   8       1 sda1 90 720 10 80\n');
    expect(d).toHaveLength(1);
    expect(d[0]?.discards).toBeUndefined();
    expect(d[0]?.ioMs).toBe(40);
  });

  it('/proc/pressure/cpu of a 5.4 kernel has no full line', () => {
    const p = parsePressure('some avg10=1.00 avg60=2.00 avg300=3.00 total=42\n');
    expect(p.full).toBeUndefined();
    expect(p.some.totalUs).toBe(42);
  });

  it('/proc/vmstat of a 4.4 kernel sums zone-suffixed reclaim counters', () => {
    const m = parseVmstat('pgscan_kswapd_dma 1\npgscan_kswapd_normal 10\npgscan_direct_normal 5\npgscan_direct_throttle 99\nallocstall 3\n');
    const c = vmCounters(m);
    expect(c['pgscan']).toBe(16);
    expect(c['pgscanDirect']).toBe(5);
    expect(c['allocstall']).toBe(3);
    expect(c['oomKill']).toBeUndefined();
  });

  it('/proc/vmstat: the dirty limits in bytes and the share of the limit in use', () => {
    const m = parseVmstat('nr_dirty 22500\nnr_dirty_threshold 90000\nnr_dirty_background_threshold 45000\n');
    const byName = new Map(dirtyLimitSamples(m, 1).map((s) => [s.name, s.value]));
    expect(byName.get('vm.dirty_threshold_bytes')).toBe(90000 * 4096);
    expect(byName.get('vm.dirty_background_threshold_bytes')).toBe(45000 * 4096);
    expect(byName.get('vm.dirty_limit_used_ratio')).toBe(0.25);
    // A kernel without the thresholds (or a zero limit) yields nothing rather than a division by zero.
    expect(dirtyLimitSamples(parseVmstat('nr_dirty 5\nnr_dirty_threshold 0\n'), 1)).toEqual([]);
  });

  it('cgroup v2 io.stat with several devices', () => {
    const m = parseIoStat('8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n253:0 rbytes=1 wbytes=2 rios=1 wios=1\n', 'io.stat');
    expect(m.get('8:0')?.get('wbytes')).toBe(8192);
    expect(m.get('253:0')?.get('rbytes')).toBe(1);
  });

  it('/proc/<pid>/stat without splitting the line gives what splitting it gives', () => {
    // the reference: split the fields after the last ')' (the parser before it stopped allocating a split per line)
    const bySplit = (text: string): number[] => {
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ', 23);
      return [1, 7, 9, 11, 12, 17, 19, 20, 21].map((i) => Number(f[i]));
    };
    const fields = (text: string): number[] => {
      const s = parseProcessStat(text);
      return [s.ppid, s.minorFaults, s.majorFaults, s.utime, s.stime, s.numThreads, s.startTime, s.vsizeBytes, s.rssPages];
    };
    const live = readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .flatMap((pid) => {
        try {
          return [readFileSync(`/proc/${pid}/stat`, 'latin1')];
        } catch {
          return [];
        }
      });
    const edge = [
      '42 (a) S 1 42 42 0 -1 4194560 10 0 3 0 7 8 0 0 20 0 2 0 1234 18446744073709551615 50', // huge vsize, no newline
      '42 (a) S 1 42 42 0 -1 4194560 10 0 3 0 7 8 0 0 20 0 2 0 1234 1000000 50\n', // the last field ends the line
      '42 (a) S 1 42 42 0 -1 4194560 10 0 3 0 7 8 0 0 -2 0 2 0 1234 1000000 123456789012345678 0 0', // more than 15 digits
    ];
    for (const text of [...live, ...edge]) expect(fields(text), text).toEqual(bySplit(text));
    expect(live.length).toBeGreaterThan(0);
    expect(parseProcessStat(edge[0] as string).state).toBe('S');
    expectMalformed(() => parseProcessStat('42 (a) S 1 42 42 0 -1 4194560 10 0 3 0 x 8 0 0 20 0 2 0 1234 1000000 50'), '/proc/<pid>/stat:1');
    expectMalformed(() => parseProcessStat('42 (a) S 1 42 42 0 -1 4194560 10 0 3 0 7 8 0 0 20 0 2 0 1234 1000000'), '/proc/<pid>/stat:1');
  });

  it('a command name with spaces and parentheses', () => {
    const s = parseProcessStat('42 (my (odd) prog) S 1 42 42 0 -1 4194560 10 0 3 0 7 8 0 0 20 0 2 0 1234 1000000 50 18446744073709551615');
    expect(s.comm).toBe('my (odd) prog');
    expect(s.utime).toBe(7);
    expect(s.rssPages).toBe(50);
  });
});

describe('parsers reject malformed input with the file and line', () => {
  it('each parser', () => {
    expectMalformed(() => parseProcStat('intr 1\n', '/x/stat'), '/x/stat:1');
    expectMalformed(() => parseProcStat('cpu  1 2 3 x\n', '/x/stat'), '/x/stat:1');
    expectMalformed(() => parseMeminfo('MemTotal: lots\n', '/x/meminfo'), '/x/meminfo:1');
    expectMalformed(() => parseVmstat('nr_free_pages 1\nbogus\n', '/x/vmstat'), '/x/vmstat:2');
    expectMalformed(() => parseLoadavg('0.1 0.2\n', '/x/loadavg'), '/x/loadavg:1');
    expectMalformed(() => parsePressure('some avg10=1\n', '/x/psi'), '/x/psi:1');
    expectMalformed(() => parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 10 -11\n', '/x/diskstats'), '/x/diskstats:1');
    expectMalformed(() => parseNetDev('h\nh\n eth0 1 2 3\n', '/x/dev'), '/x/dev:3');
    expectMalformed(() => parseNetSnmp('Tcp: A B\nUdp: 1 2\n', '/x/snmp'), '/x/snmp:2');
    expectMalformed(() => parseIoStat('sda rbytes=1\n', '/x/io.stat'), '/x/io.stat:1');
    expectMalformed(() => parseProcessStat('garbage', '/x/pid/stat'), '/x/pid/stat:1');
  });
});

// Every recorded kernel (this machine's 6.18; the Debian 6.1 guest's once recorded with
// scripts/record-fixtures.mjs) must parse with the same invariants.
const kernels = readdirSync(fixtures).filter((k) => existsSync(join(fixtures, k, 't0', 'proc', 'stat')));

describe.each(kernels)('every recorded file of kernel %s parses', (kernel) => {
  const root = join(fixtures, kernel, 't0');
  const txt = (rel: string): string => readFileSync(join(root, rel), 'latin1');

  it('procfs', () => {
    const stat = parseProcStat(txt('proc/stat'));
    expect(stat.cpus.size).toBeGreaterThan(0);
    expect(parseMeminfo(txt('proc/meminfo')).get('MemTotal')).toBeGreaterThan(0);
    expect(parseVmstat(txt('proc/vmstat')).size).toBeGreaterThan(50);
    expect(parseLoadavg(txt('proc/loadavg')).threads).toBeGreaterThan(0);
    // One device per non-empty line (the diskless QEMU guest of the 6.1 fixtures has none).
    const diskLines = txt('proc/diskstats').split('\n').filter((l) => l.trim() !== '').length;
    expect(parseDiskstats(txt('proc/diskstats')).length).toBe(diskLines);
    expect(parseNetDev(txt('proc/net/dev')).some((d) => d.interface === 'lo')).toBe(true);
    expect(parseNetSnmp(txt('proc/net/snmp')).has('Tcp')).toBe(true);
    for (const r of ['cpu', 'memory', 'io']) {
      if (existsSync(join(root, 'proc/pressure', r))) expect(parsePressure(txt(`proc/pressure/${r}`)).some.avg10).toBeGreaterThanOrEqual(0);
    }
    for (const pid of readdirSync(join(root, 'proc')).filter((n) => /^\d+$/.test(n))) {
      expect(parseProcessStat(txt(`proc/${pid}/stat`)).pid).toBe(Number(pid));
    }
  });
});
