/**
 * The @ainka/ipc transport alone, runnable anywhere (no AINKA module): CTRL_CMD_GETFAMILY("nlctrl")
 * round trips through GenlConnection (sequence matching, ACK handling, timeout timer, promise; the reply
 * read right after the send as AinkaKernel does, and, for comparison, when uv_poll reports it) against
 * the same round trips from the raw C client (blocking socket), same machine, same run.
 * What it leaves out is the AINKA attribute codec, which tools/bench/ipc/run.ts includes.
 *
 *   TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx tools/bench/ipc/transport.ts
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GenlConnection } from '../../../packages/ipc/src/index.js';

const N = Number(process.env.AINKA_BENCH_RTT ?? 5000);
const bin = join(tmpdir(), `ainka-raw-client-${process.pid}`);
execFileSync('gcc', ['-O2', '-o', bin, join(import.meta.dirname, 'raw-client.c')], { stdio: 'inherit' });

/** Sequential round trips through one connection, after 1,000 untimed ones; sorted µs. */
async function measure(options: { readAfterSend: boolean }): Promise<number[]> {
  const conn = new GenlConnection(options);
  for (let i = 0; i < 1000; i++) await conn.resolveFamily('nlctrl');
  const t: number[] = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    await conn.resolveFamily('nlctrl');
    t.push((performance.now() - start) * 1000);
  }
  conn.close();
  return t.sort((a, b) => a - b);
}
// Default (the reply is read when the event loop polls the socket) and readAfterSend (what AinkaKernel uses).
const polled = await measure({ readAfterSend: false });
const t = await measure({ readAfterSend: true });
const c = JSON.parse(execFileSync(bin, ['nlctrl', String(N)], { encoding: 'utf8' })) as { p50_us: number; p99_us: number };
rmSync(bin, { force: true });
const at = (xs: readonly number[], q: number): number => xs[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
console.log(`\nnlctrl GETFAMILY round trip, ${N} sequential requests\n`);
console.log('| metric | GenlConnection | raw C | ratio (TS/C cost) |');
console.log('| --- | --- | --- | --- |');
for (const [name, xs] of [['readAfterSend (AinkaKernel)', t], ['polled (default)', polled]] as const) {
  for (const [q, key] of [[0.5, 'p50_us'], [0.99, 'p99_us']] as const) {
    console.log(`| ${name} p${q * 100} | ${at(xs, q).toFixed(1)} µs | ${c[key].toFixed(1)} µs | ${(at(xs, q) / c[key]).toFixed(2)}x |`);
  }
}
console.log('\nreproduce: TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx tools/bench/ipc/transport.ts');
