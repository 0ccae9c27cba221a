import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FilesystemSource, dataMounts, parseMounts } from '../src/index.js';
import { cleanupTemp, tempDir, writeTree } from './helpers.js';

afterAll(cleanupTemp);
const ctx = { now: 1_000, monotonicMs: 1_000 };

describe('file-system space (statfs of the data mounts)', () => {
  it('keeps the mounts that hold data: one per device, the shortest path, no pseudo or read-only file systems', () => {
    const mounts = parseMounts(
      [
        '/dev/vda1 / ext4 rw,relatime 0 0',
        'proc /proc proc rw,nosuid 0 0',
        'sysfs /sys sysfs rw 0 0',
        'tmpfs /sys/fs/cgroup tmpfs ro,nosuid 0 0',
        'tmpfs /run tmpfs rw,nosuid 0 0',
        'devtmpfs /dev devtmpfs rw 0 0',
        'tmpfs /dev/shm tmpfs rw 0 0',
        '/dev/vda1 /var/lib/docker/bind ext4 rw 0 0',
        '/dev/loop0 /snap/core/1 squashfs ro 0 0',
        '/dev/vdb1 /srv/my\\040data xfs rw 0 0',
        '/dev/vdc1 /mnt/backup ext4 ro 0 0',
        'nas:/export /mnt/nas nfs4 rw,relatime 0 0',
        '//srv/share /mnt/share cifs rw 0 0',
      ].join('\n'),
    );
    expect(dataMounts(mounts).map((m) => `${m.mountPoint} ${m.fsType}`)).toEqual(['/ ext4', '/run tmpfs', '/dev/shm tmpfs', '/srv/my data xfs']);
  });

  it('reports size, space free to users, used ratio as df computes it, and inodes, per mount, from a root path', () => {
    const root = tempDir();
    mkdirSync(join(root, 'data'));
    writeTree(root, { 'proc/self/mounts': '/dev/vda1 /data ext4 rw 0 0\nproc /proc proc rw 0 0\n' });
    const samples = new FilesystemSource({ root }).collect(ctx);
    const s = statfsSync(join(root, 'data'));
    const of = (name: string): number | undefined => samples.find((x) => x.name === name)?.value;
    expect(samples.every((x) => x.labels?.mount === '/data' && x.labels.fstype === 'ext4')).toBe(true);
    expect(of('fs.size_bytes')).toBe(s.blocks * s.bsize);
    expect(of('fs.avail_bytes')).toBe(s.bavail * s.bsize);
    expect(of('fs.used_ratio')).toBeCloseTo((s.blocks - s.bfree) / (s.blocks - s.bfree + s.bavail), 3);
    expect(of('fs.inodes_used_ratio')).toBeCloseTo((s.files - s.ffree) / s.files, 3);
  });

  it('names the file it could not read', () => {
    expect(() => new FilesystemSource({ root: tempDir() }).collect(ctx)).toThrow(/proc\/self\/mounts/);
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!root)('sees a real file system fill up: a 16 MiB tmpfs from empty to 15 MiB written', () => {
    const dir = tempDir('ainka-statfs-');
    const mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'ainka-test', mnt], { encoding: 'utf8' });
    expect(mounted.status, mounted.stderr).toBe(0);
    try {
      const source = new FilesystemSource();
      const used = (): number | undefined => source.collect(ctx).find((x) => x.name === 'fs.used_ratio' && x.labels?.mount === mnt)?.value;
      const before = used();
      expect(before).toBeLessThan(0.05);
      writeFileSync(join(mnt, 'fill'), Buffer.alloc(15 << 20, 1));
      expect(used()).toBeGreaterThan(0.9);
      expect(source.collect(ctx).find((x) => x.name === 'fs.size_bytes' && x.labels?.mount === mnt)?.value).toBe(16 << 20);
    } finally {
      execFileSync('umount', [mnt]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
