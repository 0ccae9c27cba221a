#!/usr/bin/env node
// Decoding syscall-mix records (the security concern's per-process syscall bitmaps, 8 × 64-bit words):
// this build's @ainka/ebpf against another build's, interleaved in one process. CPU per record and bytes
// allocated per record (heap growth over one batch after a full GC, with a young generation large enough that
// no scavenge runs within the batch).
//
// Reproduce: npx nx run @ainka/ebpf:build && node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 tools/bench/ebpf/mixDecode.mjs [<other build>/packages/ebpf/dist/index.js]
import { BpfEventType, bpfSyscallMixStruct, structCodec } from '@ainka/protocol';
import { resolve, join } from 'node:path';
import v8 from 'node:v8';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const builds = [['this build', join(repo, 'packages', 'ebpf', 'dist', 'index.js')]];
if (process.argv[2]) builds.push(['baseline', resolve(process.argv[2])]);
const mods = await Promise.all(builds.map(([, p]) => import(p)));
// a typical mix: a process's syscalls fall in the first few words (read, write, openat, mmap, clone, execve ...)
const rec = (i) =>
  Buffer.from(
    structCodec(bpfSyscallMixStruct).encode({
      type: BpfEventType.SYSCALL_MIX,
      size: 104,
      cpu: 0,
      timestamp_ns: BigInt(i),
      pid: 100 + i,
      bits: [0x0000_0f3f_1fff_f8ffn ^ BigInt(i & 7), 0x0008_0000_2001_8000n, 0n, 0n, 1n << 41n, 0n, 0n, 0n],
      comm: 'worker',
    })
  );
const batch = Buffer.concat(Array.from({ length: 1000 }, (_, i) => rec(i)));
const allocated = () => v8.getHeapStatistics().used_heap_size;
const stats = builds.map(() => ({ us: 0, bytes: 0, n: 0, nb: 0 }));
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
for (let round = 0; round < 40; round++) {
  for (let b = 0; b < mods.length; b++) {
    globalThis.gc?.();
    const a0 = allocated();
    const keep = mods[b].decodeBatch(batch).events;
    stats[b].bytes += allocated() - a0;
    stats[b].nb += keep.length;
    const c0 = cpu();
    let n = 0;
    for (let k = 0; k < 20; k++) n += mods[b].decodeBatch(batch).events.length;
    stats[b].us += cpu() - c0;
    stats[b].n += n;
  }
}
for (const [b, [label, p]] of builds.entries()) {
  const s = stats[b];
  console.log(
    `${label.padEnd(10)} ${((s.us * 1000) / s.n).toFixed(0)} ns CPU and ${
      Number.isNaN(s.bytes) ? '-' : (s.bytes / s.nb).toFixed(0)
    } bytes allocated per record (${s.n} records) ${p}`
  );
}
if (builds.length === 2)
  console.log(`ratio (this / baseline): CPU ${(stats[0].us / stats[1].us).toFixed(2)}x, allocated ${(stats[0].bytes / stats[1].bytes).toFixed(2)}x`);
