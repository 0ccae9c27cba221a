import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readFileSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EbpfStreams, type BlockSample } from '../src/ebpfStreams.js';
import { skipReason, waitFor } from './kernel.js';

/** A writable directory on a real block device, and that disk's dev_t (MAJOR << 20 | MINOR). */
function blockBackedDir(): { dir: string; dev: number } | undefined {
  for (const candidate of [process.env.AINKA_TEST_BLOCK_DIR, process.cwd(), '/var/tmp', '/tmp'].filter((x): x is string => !!x)) {
    const st = statSync(candidate);
    const major = Number((st.dev >> 8) & 0xfff);
    const minor = Number((st.dev & 0xff) | ((st.dev >> 12) & 0xfff00));
    const sys = `/sys/dev/block/${major}:${minor}`;
    if (!existsSync(sys)) continue; // tmpfs, overlay…
    let disk = realpathSync(sys);
    if (existsSync(join(disk, 'partition'))) disk = dirname(disk);
    const [dmaj, dmin] = readFileSync(join(disk, 'dev'), 'utf8').trim().split(':').map(Number);
    return { dir: candidate, dev: (dmaj! << 20) | dmin! };
  }
  return undefined;
}

const target = skipReason ? undefined : blockBackedDir();
if (!skipReason && !target) console.warn('[@ainka/ebpf] skipping the block test: no writable directory on a block device (set AINKA_TEST_BLOCK_DIR)');

describe.skipIf(skipReason || !target)('block I/O on the real kernel', () => {
  const ebpf = new EbpfStreams({ pollIntervalMs: 100 });
  afterAll(() => ebpf.host.closeAll());

  it('N fsynced writes raise the device histogram count by at least N', async () => {
    const { dir: parent, dev } = target!;
    const dir = mkdtempSync(join(parent, '.ainka-ebpf-block-'));
    let last: BlockSample | undefined;
    const sub = ebpf.blockLatency$.subscribe((s) => (last = s));
    const N = 16;
    try {
      await waitFor(() => last !== undefined);
      const before = count(last!, dev);
      const fd = openSync(join(dir, 'data'), 'w');
      const page = Buffer.alloc(4096, 0x5a);
      for (let i = 0; i < N; i++) {
        writeSync(fd, page, 0, page.length, i * 4096);
        fsyncSync(fd);
      }
      closeSync(fd);
      const ok = await waitFor(() => count(last!, dev) - before >= N);
      expect({ dev: dev.toString(16), before, after: count(last!, dev) }).toMatchObject({ dev: dev.toString(16) });
      expect(ok).toBe(true);
      const ops = last!.total.filter((x) => x.dev === dev).map((x) => x.op);
      expect(ops).toContain('write');
      const writes = last!.total.find((x) => x.dev === dev && x.op === 'write')!;
      expect(writes.sizes.sum).toBeGreaterThanOrEqual(4096);
      expect(last!.inFlight.get(dev) ?? 0).toBeGreaterThanOrEqual(0);
    } finally {
      sub.unsubscribe();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function count(s: BlockSample, dev: number): number {
  return s.total.filter((x) => x.dev === dev && (x.op === 'write' || x.op === 'flush')).reduce((a, x) => a + x.latency.count, 0);
}
