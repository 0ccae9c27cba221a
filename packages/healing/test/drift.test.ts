import { mkdirSync, mkdtempSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore, checkDrift, parseBaseline, recordBaseline } from '../src/index.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'ainka-drift-'));
  const w = (p: string, text: string) => {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  };
  w('proc/sys/vm/swappiness', '60\n');
  w('proc/sys/net/ipv4/ip_forward', '0\n');
  w('proc/modules', 'ext4 1 0 - Live 0x0\nnf_tables 2 0 - Live 0x0\n');
  w('proc/self/mounts', '/dev/vda1 / ext4 rw,relatime,errors=remount-ro 0 0\nproc /proc proc rw 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev 0 0\n');
  w('etc/hosts', '127.0.0.1 localhost\n');
  w('etc/sysctl.d/99-local.conf', '# local\n');
  mkdirSync(join(root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  symlinkSync('/lib/systemd/system/ssh.service', join(root, 'etc/systemd/system/multi-user.target.wants/ssh.service'));
  return root;
}

describe('baseline and drift', () => {
  it('records sysctls, files, modules, mounts and enabled units, and finds nothing on an unchanged machine', () => {
    const root = tree();
    const blobs = new BlobStore(join(root, 'state/blobs'));
    const b = recordBaseline(root, { sysctls: ['vm.swappiness', 'net.ipv4.ip_forward'], files: ['/etc/hosts', '/etc/sysctl.d/*'], enforce: ['sysctl:vm.swappiness'] }, blobs);
    const ids = b.items.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining(['sysctl:vm.swappiness', 'file:/etc/hosts', 'file:/etc/sysctl.d/99-local.conf', 'module:nf_tables', 'mount:/', 'mount:/tmp', 'unit:ssh.service']));
    expect(ids).not.toContain('mount:/proc');
    expect(b.items.find((i) => i.id === 'sysctl:vm.swappiness')?.enforce).toBe(true);
    expect(b.items.find((i) => i.id === 'mount:/')?.value).toBe('ext4 /dev/vda1 errors=remount-ro,rw');
    expect(checkDrift(root, parseBaseline(JSON.stringify(b)), { blobs })).toEqual([]);
  });

  it('shows each drift with the old and new value, a diff for files, and who when it can tell', () => {
    const root = tree();
    const blobs = new BlobStore(join(root, 'state/blobs'));
    const b = recordBaseline(root, { sysctls: ['vm.swappiness', 'net.ipv4.ip_forward'], files: ['/etc/hosts'] }, blobs);
    writeFileSync(join(root, 'proc/sys/vm/swappiness'), '10\n');
    writeFileSync(join(root, 'etc/sysctl.d/10-tune.conf'), 'vm.swappiness = 10\n');
    writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n10.0.0.66 mirror.example\n');
    writeFileSync(join(root, 'proc/modules'), 'ext4 1 0 - Live 0x0\nnbd 2 0 - Live 0x0\n');
    writeFileSync(join(root, 'proc/self/mounts'), '/dev/vda1 / ext4 ro,relatime 0 0\n');
    unlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants/ssh.service'));
    const who = (_r: string, i: { id: string; observed: string }) => (i.id === 'sysctl:vm.swappiness' ? `/etc/sysctl.d/10-tune.conf sets ${i.observed}` : undefined);
    const drift = checkDrift(root, b, { blobs, who });
    const by = new Map(drift.map((d) => [d.id, d]));
    expect(by.get('sysctl:vm.swappiness')).toMatchObject({ expected: '60', observed: '10', who: '/etc/sysctl.d/10-tune.conf sets 10' });
    expect(by.get('file:/etc/hosts')?.diff).toBe('+ 10.0.0.66 mirror.example');
    expect(by.get('file:/etc/hosts')?.who).toMatch(/^modified \d{4}-/);
    expect(by.get('module:nf_tables')).toMatchObject({ expected: 'loaded', observed: 'absent' });
    expect(by.get('module:nbd')).toMatchObject({ expected: 'absent', observed: 'loaded' });
    expect(by.get('mount:/')?.observed).toBe('ext4 /dev/vda1 ro');
    expect(by.get('mount:/tmp')?.observed).toBe('absent');
    expect(by.get('unit:ssh.service')).toMatchObject({ expected: 'enabled', observed: 'absent' });
    expect(by.has('sysctl:net.ipv4.ip_forward')).toBe(false);
    // A sysctls-only check (every tick) reads no file.
    expect(checkDrift(root, b, { kinds: ['sysctl'] }).map((d) => d.id)).toEqual(['sysctl:vm.swappiness']);
  });

  it('refuses to enforce what it did not record, and a file that is not a baseline', () => {
    const root = tree();
    expect(() => recordBaseline(root, { sysctls: ['vm.swappiness'], enforce: ['sysctl:vm.dirty_ratio'] })).toThrow(/cannot enforce sysctl:vm.dirty_ratio/);
    expect(() => parseBaseline('{"version":2}')).toThrow(/not an AINKA baseline/);
  });
});
