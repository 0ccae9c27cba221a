/**
 * The @ainka/ipc ring consumer alone, runnable anywhere (no AINKA module): RingReader draining a full
 * ring laid out per the ABI in a regular file mapped shared through @ainka/native (the same mmap path
 * as /dev/ainka), against a hand-written seqlock copy loop over the same mapping in the same run
 * (what the raw C client does: check seq_end, copy the record into one reused buffer, check seq).
 *
 *   TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx tools/bench/ipc/ring.ts
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deviceClose, deviceMmap, deviceMunmap, deviceOpen } from '../../../packages/native/src/index.js';
import { AINKA_ABI_VERSION, RING_DATA_OFFSET, RING_MAGIC, RingHeaderOffset, SAMPLE_METRIC_COUNT, SampleOffset, sampleLayout } from '../../../packages/protocol/src/index.js';
import { RingReader, SampleBatch } from '../../../packages/ipc/src/index.js';

const CAPACITY = Number(process.env.AINKA_BENCH_RING_CAPACITY ?? 4096);
const REPS = Number(process.env.AINKA_BENCH_RING_REPS ?? 200);
const WARMUP = Number(process.env.AINKA_BENCH_RING_WARMUP ?? 20);

const dir = mkdtempSync(join(tmpdir(), 'ainka-ring-bench-'));
const file = join(dir, 'ring');
const size = RING_DATA_OFFSET + CAPACITY * sampleLayout.size;
const fd0 = openSync(file, 'w+');
ftruncateSync(fd0, size);
closeSync(fd0);
const fd = deviceOpen(file, true);
const buffer = deviceMmap(fd, size, 0, true);
deviceClose(fd);
const view = new DataView(buffer);
view.setUint32(RingHeaderOffset.magic, RING_MAGIC, true);
view.setUint32(RingHeaderOffset.abiVersion, AINKA_ABI_VERSION, true);
view.setUint32(RingHeaderOffset.recordSize, sampleLayout.size, true);
view.setUint32(RingHeaderOffset.capacity, CAPACITY, true);
view.setUint32(RingHeaderOffset.dataOffset, RING_DATA_OFFSET, true);
const words = new BigInt64Array(buffer);

/** Fills the ring with records head..head+CAPACITY-1 (the kernel's write order) and publishes head. */
function fill(head: number): void {
  for (let s = head; s < head + CAPACITY; s++) {
    const base = RING_DATA_OFFSET + (s % CAPACITY) * sampleLayout.size;
    view.setBigUint64(base + SampleOffset.seq, BigInt(s), true);
    view.setBigUint64(base + SampleOffset.timestampNs, BigInt(s) * 1_000_000n, true);
    view.setUint32(base + SampleOffset.state, 1, true);
    view.setUint32(base + SampleOffset.metricCount, SAMPLE_METRIC_COUNT, true);
    for (let i = 0; i < SAMPLE_METRIC_COUNT; i++) view.setBigInt64(base + SampleOffset.metrics + i * 8, BigInt(s * (i + 1)), true);
    view.setBigUint64(base + SampleOffset.seqEnd, BigInt(s), true);
  }
  Atomics.store(words, RingHeaderOffset.head / 8, BigInt(head + CAPACITY));
}

/** Baseline: the raw client's loop in JS (seq_end, copy into one reused buffer, seq; publish tail). */
const copy = new Uint32Array(sampleLayout.size / 4);
const u32 = new Uint32Array(buffer);
function baselineDrain(): number {
  const head = Number(Atomics.load(words, RingHeaderOffset.head / 8));
  const tail = Number(Atomics.load(words, RingHeaderOffset.tail / 8));
  let ok = 0;
  for (let s = tail; s < head; s++) {
    const base = (RING_DATA_OFFSET + (s & (CAPACITY - 1)) * sampleLayout.size) >>> 2;
    const end = Atomics.load(u32, base + (SampleOffset.seqEnd >>> 2));
    copy.set(u32.subarray(base, base + copy.length));
    if (end === s && Atomics.load(u32, base + (SampleOffset.seq >>> 2)) === s && copy[SampleOffset.metricCount >>> 2]! <= SAMPLE_METRIC_COUNT) ok++;
  }
  Atomics.store(words, RingHeaderOffset.tail / 8, BigInt(head));
  return ok;
}

function run(label: string, drain: () => number): number {
  let records = 0;
  let ms = 0;
  for (let r = 0; r < REPS + WARMUP; r++) {
    fill(Number(Atomics.load(words, RingHeaderOffset.head / 8)));
    const start = performance.now();
    const n = drain();
    if (r >= WARMUP) {
      ms += performance.now() - start;
      records += n;
    }
    if (n !== CAPACITY) throw new Error(`${label}: read ${n} of ${CAPACITY}`);
  }
  return records / (ms / 1000);
}

const reader = new RingReader(buffer);
const base = run('baseline', baselineDrain);
const ts = run('RingReader.read', () => reader.read().length);
const batch = new SampleBatch(CAPACITY);
const into = run('RingReader.readInto', () => reader.readInto(batch));
if (reader.stats().torn !== 0) throw new Error('torn records in a quiet ring');
deviceMunmap(buffer);
rmSync(dir, { recursive: true, force: true });

const fmt = (n: number): string => `${(n / 1e6).toFixed(2)}M records/s`;
console.log(`\nring consumption, ${REPS} full rings of ${CAPACITY} (after ${WARMUP} warm-up rings)\n`);
console.log('| metric | RingReader | JS seqlock copy loop | ratio (cost) |');
console.log('| --- | --- | --- | --- |');
console.log(`| read() (a KernelSample per record) | ${fmt(ts)} | ${fmt(base)} | ${(base / ts).toFixed(2)}x |`);
console.log(`| readInto(SampleBatch) (columnar, reused) | ${fmt(into)} | ${fmt(base)} | ${(base / into).toFixed(2)}x |`);
console.log('\nreproduce: TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx tools/bench/ipc/ring.ts');
