import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Detection,
  detectHungTask,
  detectIoError,
  detectLockup,
  detectOomKill,
  detectSegfault,
  detectServiceFailure,
  LogAnalyzer,
  type LogEvent,
  parseJournalEntry,
  parseKmsgRecord,
} from '../src/index.js';
import { cleanupTemp, fixtures, tempDir, until, writeTree } from './helpers.js';

afterEach(cleanupTemp);

const kernel = (message: string): LogEvent => ({ source: 'kmsg', timestamp: 0, level: 3, facility: 0, message });

describe('kmsg and journal parsing', () => {
  it('parses the recorded /dev/kmsg of this machine (real OOM kill and segfault)', () => {
    const text = readFileSync(join(fixtures, '6.18', 'kmsg.txt'), 'utf8');
    const a = new LogAnalyzer({ bootTimeMs: 1_000_000 });
    const events: LogEvent[] = [];
    a.events$.subscribe((e) => events.push(e));
    const found = a.ingestKmsg(text);
    expect(events.length).toBe(35);
    expect(events[0]?.sequence).toBe(0);
    expect(events[0]?.message).toMatch(/^Linux version 6\.18/);
    expect(events[0]?.level).toBe(5);
    const kinds = found.map((d) => d.kind);
    expect(kinds).toContain('oom_kill');
    expect(kinds).toContain('segfault');
    const oom = found.find((d) => d.kind === 'oom_kill');
    expect(oom?.details).toEqual({ pid: '16226', comm: 'python3', scope: 'cgroup' });
    expect(oom?.event.timestamp).toBeCloseTo(1_000_000 + 962_601.219, 3);
    expect(found.find((d) => d.kind === 'segfault')?.details['comm']).toBe('python3');
  });

  it('reads dictionary lines and rejects a record without a prefix', () => {
    const e = parseKmsgRecord('3,1200,5000000,-;sd 0:0:0:0: [sda] tag#0 FAILED\n SUBSYSTEM=scsi\n DEVICE=+scsi:0:0:0:0\n');
    expect(e.fields).toEqual({ SUBSYSTEM: 'scsi', DEVICE: '+scsi:0:0:0:0' });
    expect(e.identifier).toBe('scsi');
    expect(e.level).toBe(3);
    expect(() => parseKmsgRecord('no prefix here')).toThrow(expect.objectContaining({ code: 'ERR_AINKA_TELEMETRY_MALFORMED_INPUT' }));
  });

  it('parses journalctl -o json lines, including byte-array messages', () => {
    const e = parseJournalEntry(
      JSON.stringify({ MESSAGE: 'nginx.service: Failed with result \'exit-code\'.', PRIORITY: '4', __REALTIME_TIMESTAMP: '1700000000123456', _SYSTEMD_UNIT: 'init.scope', UNIT: 'nginx.service', SYSLOG_IDENTIFIER: 'systemd', _TRANSPORT: 'journal' }),
    );
    expect(e?.timestamp).toBeCloseTo(1_700_000_000_123.456, 3);
    expect(e?.level).toBe(4);
    expect(e?.identifier).toBe('systemd');
    const bytes = parseJournalEntry(JSON.stringify({ MESSAGE: [104, 105], PRIORITY: '6' }));
    expect(bytes?.message).toBe('hi');
    expect(parseJournalEntry(JSON.stringify({ PRIORITY: '6' }))).toBeUndefined();
    expect(() => parseJournalEntry('{not json')).toThrow(/one JSON object per line/);
  });
});

// Kernel and systemd message formats (the printk/log format strings of mainline kernels 4.x–6.x and systemd 245+).
describe('detectors', () => {
  const cases: Array<[string, (e: LogEvent) => Detection | undefined, string, Record<string, string>]> = [
    ['Out of memory: Killed process 4242 (stress) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0', detectOomKill, 'oom_kill', { pid: '4242', comm: 'stress', scope: 'system' }],
    ['Out of memory: Kill process 977 (java) score 912 or sacrifice child', detectOomKill, 'oom_kill', { pid: '977', comm: 'java', scope: 'system' }],
    ['INFO: task jbd2/sda1-8:312 blocked for more than 120 seconds.', detectHungTask, 'hung_task', { comm: 'jbd2/sda1-8', pid: '312', seconds: '120' }],
    ['blk_update_request: I/O error, dev sdb, sector 2048 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0', detectIoError, 'io_error', { device: 'sdb', sector: '2048' }],
    ['I/O error, dev nvme0n1, sector 123456 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2', detectIoError, 'io_error', { device: 'nvme0n1', sector: '123456' }],
    ['critical medium error, dev sdc, sector 99 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0', detectIoError, 'io_error', { device: 'sdc', sector: '99' }],
    ['Buffer I/O error on dev sda1, logical block 0, async page read', detectIoError, 'io_error', { device: 'sda1' }],
    ['EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0', detectIoError, 'io_error', { device: 'sda1', filesystem: 'EXT4-fs' }],
    ['watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [kworker/3:1:123]', detectLockup, 'soft_lockup', { cpu: '3', seconds: '22', comm: 'kworker/3:1', pid: '123' }],
    ['Watchdog detected hard LOCKUP on cpu 5', detectLockup, 'hard_lockup', { cpu: '5' }],
    ['a.out[31337]: segfault at 0 ip 000055d5c8a0113d sp 00007ffd1c2e2d40 error 6 in a.out[55d5c8a01000+1000]', detectSegfault, 'segfault', { comm: 'a.out', pid: '31337', address: '0' }],
  ];
  for (const [msg, det, kind, details] of cases) {
    it(`${kind}: ${msg.slice(0, 50)}`, () => {
      const d = det(kernel(msg));
      expect(d?.kind).toBe(kind);
      expect(d?.details).toEqual(details);
      expect(d?.event.message).toBe(msg);
    });
  }

  it('service failures from the journal', () => {
    const ev = (message: string, extra: Partial<LogEvent> = {}): LogEvent => ({ source: 'journal', timestamp: 0, level: 3, facility: 3, message, identifier: 'systemd', ...extra });
    expect(detectServiceFailure(ev("nginx.service: Failed with result 'exit-code'."))?.details).toEqual({ unit: 'nginx.service', result: 'exit-code' });
    expect(detectServiceFailure(ev('Failed to start nginx.service - A high performance web server.'))?.details['unit']).toBe('nginx.service');
    expect(detectServiceFailure(ev('Failed to start A high performance web server.', { fields: { UNIT: 'nginx.service' } }))?.details['unit']).toBe('nginx.service');
    expect(detectServiceFailure(ev('Started nginx.service.'))).toBeUndefined();
  });

  it('ordinary messages raise nothing', () => {
    for (const d of [detectOomKill, detectHungTask, detectIoError, detectLockup, detectSegfault, detectServiceFailure]) {
      expect(d(kernel('EXT4-fs (vda): mounted filesystem with ordered data mode'))).toBeUndefined();
      expect(d(kernel('e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex'))).toBeUndefined();
    }
  });
});

describe('LogAnalyzer inputs', () => {
  it('follows a kmsg file from its end (no replay) and detects new records', async () => {
    const root = tempDir();
    writeTree(root, { 'dev/kmsg': '3,1,1000,-;Out of memory: Killed process 1 (old) total-vm:1kB\n', 'proc/stat': 'cpu  1 1 1 1\nbtime 1700000000\n' });
    const a = new LogAnalyzer({ root, journal: false, pollIntervalMs: 10 });
    const got: Detection[] = [];
    a.detections$.subscribe((d) => got.push(d));
    a.start();
    appendFileSync(join(root, 'dev/kmsg'), '3,2,2000000,-;Out of memory: Killed process 77 (new) total-vm:1kB\n');
    await until(() => got.length > 0);
    a.close();
    expect(got.map((d) => d.details['comm'])).toEqual(['new']);
    expect(got[0]?.event.timestamp).toBe(1_700_000_000_000 + 2000);
    expect(a.status()).toEqual([{ id: 'log.kmsg', available: true }]);
  });

  it('reads a journal command and reports missing inputs with the fix', async () => {
    const root = tempDir();
    const line = JSON.stringify({ MESSAGE: "db.service: Failed with result 'timeout'.", PRIORITY: '3', SYSLOG_IDENTIFIER: 'systemd', _TRANSPORT: 'journal', __REALTIME_TIMESTAMP: '1700000000000000' });
    const a = new LogAnalyzer({ root, journal: { command: process.execPath, args: ['-e', `console.log(${JSON.stringify(line)}); setTimeout(() => {}, 2000)`] } });
    const got: Detection[] = [];
    a.detections$.subscribe((d) => got.push(d));
    a.start();
    await until(() => got.length > 0, 5000);
    const status = a.status();
    a.close();
    expect(got[0]?.details).toEqual({ unit: 'db.service', result: 'timeout' });
    expect(status.find((s) => s.id === 'log.kmsg')).toMatchObject({ available: false, code: 'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE' });

    const b = new LogAnalyzer({ root, kmsg: false, journal: { command: join(root, 'no-such-journalctl') } });
    b.start();
    await until(() => b.status()[0]?.available === false);
    expect(b.status()[0]?.reason).toMatch(/not found: install/);
    b.close();
  });

  it.skipIf(process.getuid?.() !== 0)('opens the real /dev/kmsg as root without replaying old records', async () => {
    const a = new LogAnalyzer({ journal: false, pollIntervalMs: 20 });
    let n = 0;
    a.events$.subscribe(() => n++);
    a.start();
    await new Promise((r) => setTimeout(r, 40));
    a.close();
    expect(a.status()[0]?.available).toBe(true);
    expect(n).toBeLessThan(50); // the hundreds of boot records were skipped
  });
});

describe('file-system errors', () => {
  it('XFS and BTRFS formats', () => {
    expect(detectIoError(kernel('XFS (sdb1): metadata I/O error in "xfs_imap_to_bp" at daddr 0x40 len 32 error 5'))?.details).toEqual({ device: 'sdb1', filesystem: 'XFS' });
    expect(detectIoError(kernel('BTRFS error (device dm-0): bdev /dev/mapper/x errs: wr 1, rd 0, flush 0, corrupt 0, gen 0'))?.details['device']).toBe('dm-0');
  });
});
