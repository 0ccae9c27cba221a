import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { deviceMunmap } from '@ainka/native';
import { RING_MAGIC, RingHeaderOffset, type KernelSample } from '@ainka/protocol';
import { AinkaKernelError, RingReader, SampleBatch } from '../src/index.js';
import { createRingFile, expectedMetrics, mapRingFile, RingProducer } from './fixtures/ringFile.js';

const dir = mkdtempSync(join(tmpdir(), 'ainka-ring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const root = join(import.meta.dirname, '..', '..', '..');

function checkWhole(samples: readonly KernelSample[]): void {
  for (const s of samples) expect(s.metrics).toEqual(expectedMetrics(s.seq));
}

describe('RingReader over a real shared mapping laid out per the ABI', () => {
  let file: string;
  let size: number;
  beforeEach((ctx) => {
    file = join(dir, `${ctx.task.id}.ring`);
    size = createRingFile(file, 16);
  });

  it('reads samples in order and publishes tail in the shared header', () => {
    const map = mapRingFile(file, size);
    const producer = new RingProducer(map.buffer);
    const reader = new RingReader(map.buffer);
    for (let i = 0; i < 5; i++) producer.produce(BigInt(i * 10));
    const samples = reader.read();
    expect(samples.map((s) => s.seq)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(samples.map((s) => s.timestampNs)).toEqual([0n, 10n, 20n, 30n, 40n]);
    checkWhole(samples);
    // A second, independent mapping of the same file sees the consumer's tail: the memory is shared.
    const other = mapRingFile(file, size);
    expect(new DataView(other.buffer).getBigUint64(RingHeaderOffset.tail, true)).toBe(5n);
    expect(reader.read()).toEqual([]);
    expect(reader.stats()).toMatchObject({ consumed: 5, torn: 0, skipped: 0, backlog: 0, produced: 5 });
  });

  it('respects the batch bound and leaves the rest for the next read', () => {
    const map = mapRingFile(file, size);
    const producer = new RingProducer(map.buffer);
    const reader = new RingReader(map.buffer, { maxBatch: 4 });
    for (let i = 0; i < 10; i++) producer.produce();
    expect(reader.read().length).toBe(4);
    expect(reader.stats().backlog).toBe(6);
    expect(reader.read(3).map((s) => s.seq)).toEqual([4n, 5n, 6n]);
    expect(reader.read().map((s) => s.seq)).toEqual([7n, 8n, 9n]);
  });

  it('wraps around the ring many times without losing or reordering records', () => {
    const map = mapRingFile(file, size);
    const producer = new RingProducer(map.buffer);
    const reader = new RingReader(map.buffer);
    const seen: bigint[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 11; i++) producer.produce();
      seen.push(...reader.read().map((s) => s.seq));
    }
    expect(seen).toEqual(Array.from({ length: 220 }, (_, i) => BigInt(i)));
  });

  it('a reader that falls behind sees the kernel overflow count, never corrupted data', () => {
    const map = mapRingFile(file, size);
    const producer = new RingProducer(map.buffer);
    const reader = new RingReader(map.buffer);
    let dropped = 0;
    for (let i = 0; i < 50; i++) if (!producer.produce()) dropped++;
    expect(dropped).toBe(34);
    const samples = reader.read();
    expect(samples.map((s) => s.seq)).toEqual(Array.from({ length: 16 }, (_, i) => BigInt(i)));
    checkWhole(samples);
    expect(reader.stats()).toMatchObject({ consumed: 16, kernelOverflows: 34, produced: 50, torn: 0 });
  });

  it('skips and counts records a producer overwrote before they were read', () => {
    const map = mapRingFile(file, size);
    const producer = new RingProducer(map.buffer, true);
    const reader = new RingReader(map.buffer);
    for (let i = 0; i < 40; i++) producer.produce();
    const samples = reader.read();
    expect(samples.map((s) => s.seq)).toEqual(Array.from({ length: 16 }, (_, i) => BigInt(24 + i)));
    checkWhole(samples);
    expect(reader.stats()).toMatchObject({ skipped: 24, torn: 0 });
  });

  it('drops and counts a torn record (seq_end not yet written) instead of returning it', () => {
    const map = mapRingFile(file, size);
    const producer = new RingProducer(map.buffer);
    const reader = new RingReader(map.buffer);
    producer.produce();
    producer.writeRecord(1n, 0n, 0n); // body written, seq_end still stale: a writer caught mid-record
    producer.setHead(2n);
    producer.produce();
    const samples = reader.read();
    expect(samples.map((s) => s.seq)).toEqual([0n, 2n]);
    expect(reader.stats().torn).toBe(1);
  });

  it('drops a record whose slot holds another lap (seq of a different position)', () => {
    const map = mapRingFile(file, size);
    const producer = new RingProducer(map.buffer);
    const reader = new RingReader(map.buffer);
    producer.writeRecord(16n); // slot 0 holds record 16 while head says record 0 is next
    producer.setHead(1n);
    expect(reader.read()).toEqual([]);
    expect(reader.stats().torn).toBe(1);
  });

  it('refuses a mapping that is not an AINKA ring, naming the reason', () => {
    const map = mapRingFile(file, size);
    new DataView(map.buffer).setUint32(RingHeaderOffset.magic, RING_MAGIC + 1, true);
    expect(() => new RingReader(map.buffer)).toThrow(AinkaKernelError);
    expect(() => new RingReader(map.buffer)).toThrow(/not an AINKA ring/);
    new DataView(map.buffer).setUint32(RingHeaderOffset.magic, RING_MAGIC, true);
    new DataView(map.buffer).setUint32(RingHeaderOffset.abiVersion, 99, true);
    expect(() => new RingReader(map.buffer)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_KERNEL_ABI_MISMATCH' }));
  });

  it('munmap detaches the buffer so no view can reach the unmapped pages', () => {
    const map = mapRingFile(file, size);
    const view = new Uint8Array(map.buffer);
    expect(view.length).toBe(size);
    expect(deviceMunmap(map.buffer)).toBe(true);
    expect(map.buffer.byteLength).toBe(0);
    expect(view.length).toBe(0);
    expect(deviceMunmap(map.buffer)).toBe(false);
  });

  it('readInto copies the same samples into a reused SampleBatch, with the same torn accounting', () => {
    const map = mapRingFile(file, size);
    const producer = new RingProducer(map.buffer);
    const reader = new RingReader(map.buffer);
    const batch = new SampleBatch(16);
    producer.produce(7n);
    producer.writeRecord(1n, 0n, 0n); // torn: seq_end stale
    producer.setHead(2n);
    producer.produce(9n);
    expect(reader.readInto(batch)).toBe(2);
    expect(batch.length).toBe(2);
    expect([batch.sample(0), batch.sample(1)]).toEqual([
      { seq: 0n, timestampNs: 7n, state: 1, metrics: expectedMetrics(0n) },
      { seq: 2n, timestampNs: 9n, state: 1, metrics: expectedMetrics(2n) },
    ]);
    expect(reader.stats()).toMatchObject({ consumed: 2, torn: 1, backlog: 0 });
    expect(reader.readInto(batch)).toBe(0);
    expect(() => batch.sample(0)).toThrow(AinkaKernelError);
    for (let i = 0; i < 20; i++) producer.produce();
    expect(reader.readInto(new SampleBatch(4))).toBe(4); // bounded by the batch capacity
    expect(reader.stats().backlog).toBe(12); // 16 fit (the ring is full), 4 read
  });

  it('collecting an unmapped buffer never unmaps a later mapping the kernel placed at the same address', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let first: ArrayBuffer | undefined = mapRingFile(file, size).buffer;
    expect(deviceMunmap(first)).toBe(true);
    first = undefined;
    const second = mapRingFile(file, size).buffer; // usually at the address just released
    const reader = new RingReader(second);
    for (let i = 0; i < 10; i++) {
      gc(); // the first buffer's finalizer runs here or on the next turn
      await new Promise((r) => setTimeout(r, 5));
    }
    new RingProducer(second).produce(3n);
    expect(reader.read().map((s) => s.timestampNs)).toEqual([3n]); // still mapped: no SIGSEGV
    expect(deviceMunmap(second)).toBe(true);
  });

  async function raceChild(count: number, overwrite: boolean, into = false): Promise<{ samples: KernelSample[]; reader: RingReader }> {
    const map = mapRingFile(file, size);
    const reader = new RingReader(map.buffer);
    const samples: KernelSample[] = [];
    const batch = new SampleBatch(16);
    const drain = (): void => {
      if (!into) samples.push(...reader.read());
      else for (let i = 0, n = reader.readInto(batch); i < n; i++) samples.push(batch.sample(i));
    };
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'ringProducer.mts'), file, String(size), String(count), overwrite ? '1' : '0'], {
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setInterval(drain, 1);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(timer);
    drain();
    expect(code).toBe(0);
    return { samples, reader };
  }

  it('races a producer in another process: in order, whole, and every sample accounted for', async () => {
    const { samples, reader } = await raceChild(20_000, false);
    const stats = reader.stats();
    expect(stats.produced).toBe(20_000);
    expect(stats.torn).toBe(0);
    expect(stats.consumed + stats.kernelOverflows).toBe(20_000);
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.seq).toBe(samples[i - 1]!.seq + 1n);
    checkWhole(samples);
  });

  it('races an overwriting producer in another process through readInto: never stores a torn record', async () => {
    const { samples, reader } = await raceChild(20_000, true, true);
    const stats = reader.stats();
    expect(stats.consumed + stats.skipped + stats.torn).toBe(20_000);
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.seq > samples[i - 1]!.seq).toBe(true);
    checkWhole(samples);
  });

  it('races an overwriting producer in another process: never returns a torn record', async () => {
    const { samples, reader } = await raceChild(20_000, true);
    const stats = reader.stats();
    expect(stats.consumed + stats.skipped + stats.torn).toBe(20_000);
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.seq > samples[i - 1]!.seq).toBe(true);
    checkWhole(samples);
  });
});
