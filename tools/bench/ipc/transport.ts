/**
 * The @ainka/ipc transport alone, runnable anywhere (no AINKA module): CTRL_CMD_GETFAMILY("nlctrl")
 * round trips through GenlConnection (uv_poll socket, sequence matching, ACK handling, timeout timer,
 * promise) against the same round trips from the raw C client (blocking socket), same machine, same run.
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

const conn = new GenlConnection();
for (let i = 0; i < 1000; i++) await conn.resolveFamily('nlctrl');
const t: number[] = [];
for (let i = 0; i < N; i++) {
  const start = performance.now();
  await conn.resolveFamily('nlctrl');
  t.push((performance.now() - start) * 1000);
}
conn.close();
t.sort((a, b) => a - b);
const c = JSON.parse(execFileSync(bin, ['nlctrl', String(N)], { encoding: 'utf8' })) as { p50_us: number; p99_us: number };
rmSync(bin, { force: true });
const p = (q: number): number => t[Math.min(t.length - 1, Math.floor(t.length * q))]!;
console.log(`\nnlctrl GETFAMILY round trip, ${N} sequential requests\n`);
console.log('| metric | GenlConnection | raw C | ratio (TS/C cost) |');
console.log('| --- | --- | --- | --- |');
console.log(`| p50 | ${p(0.5).toFixed(1)} µs | ${c.p50_us.toFixed(1)} µs | ${(p(0.5) / c.p50_us).toFixed(2)}x |`);
console.log(`| p99 | ${p(0.99).toFixed(1)} µs | ${c.p99_us.toFixed(1)} µs | ${(p(0.99) / c.p99_us).toFixed(2)}x |`);
console.log('\nreproduce: TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx tools/bench/ipc/transport.ts');
