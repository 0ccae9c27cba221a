/**
 * @ainka/ipc benchmarks against the real module, each as a ratio to a raw C client (raw-client.c,
 * compiled here with gcc -O2) measured in the same run on the same kernel:
 *
 *   - netlink round trip (get-status, ACKed): p50 and p99
 *   - time to push 1,000 rules (4 x policy-load of 250 with replace; the cache holds 256)
 *   - ring consumption: records/s while draining a full ring (seqlock-checked copy per record), through
 *     AinkaKernel.drainSamples (a KernelSample object per record) and through RingReader.readInto
 *     (columnar SampleBatch reused across drains, what the C client's reused struct corresponds to)
 *
 * Needs the module (it insmods $AINKA_KMOD when it is not loaded). In the QEMU guest, from the repo root:
 *
 *   node tools/testbed/testbed.mjs run -- TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx tools/bench/ipc/run.ts
 *
 * TCG makes absolute numbers slow; the ratios are what to compare.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Comparison, KernelMetric, RuleAction, RuleTarget, type KernelRule } from '../../../packages/protocol/src/index.js';
import { AinkaDevice, AinkaKernel, RingReader, SampleBatch } from '../../../packages/ipc/src/index.js';

const here = import.meta.dirname;
const RTT_N = Number(process.env.AINKA_BENCH_RTT ?? 2000);
const RULE_REPS = Number(process.env.AINKA_BENCH_RULE_REPS ?? 20);
const RING_REPS = Number(process.env.AINKA_BENCH_RING_REPS ?? 10);
/** Untimed rounds first, so V8 has optimised the code being measured (TCG makes that slow). */
const WARMUP = 3;

function ensureModule(): boolean {
  if (existsSync('/sys/module/ainka')) return false;
  const kmod = process.env.AINKA_KMOD;
  if (!kmod) throw new Error('the ainka module is not loaded and AINKA_KMOD is unset: run through tools/testbed or insmod it first');
  execFileSync('insmod', [kmod, 'watchdog_timeout_ms=0'], { stdio: 'inherit' });
  return true;
}

function raw(mode: string, count: number, bin: string): Record<string, number> {
  return JSON.parse(execFileSync(bin, [mode, String(count)], { encoding: 'utf8' }).trim()) as Record<string, number>;
}

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const median = (xs: number[]): number => pct([...xs].sort((a, b) => a - b), 0.5);

const rules = (batch: number): KernelRule[] =>
  Array.from({ length: 250 }, (_, i) => ({
    id: batch * 250 + i + 1,
    metric: KernelMetric.RUNNABLE,
    cmp: Comparison.GT,
    threshold: 1_000_000,
    action: RuleAction.REPORT,
    arg: 0,
    target: RuleTarget.NONE,
    targetPid: 0,
    forMs: 0,
    cooldownMs: 0,
    priority: 0,
  }));

async function main(): Promise<void> {
  const loaded = ensureModule();
  const bin = join(tmpdir(), `ainka-raw-client-${process.pid}`);
  execFileSync('gcc', ['-O2', '-o', bin, join(here, 'raw-client.c')], { stdio: 'inherit' });
  const kernel = await AinkaKernel.open({ heartbeat: false, requestTimeoutMs: 30_000 });
  try {
    const { sampleIntervalMs } = await kernel.status();
    // --- netlink round trip
    for (let i = 0; i < 300; i++) await kernel.status(); // warm-up (JIT)
    const t: number[] = [];
    for (let i = 0; i < RTT_N; i++) {
      const start = performance.now();
      await kernel.status();
      t.push((performance.now() - start) * 1000);
    }
    t.sort((a, b) => a - b);
    const cRtt = raw('rtt', RTT_N, bin);

    // --- 1,000 rules
    const ruleTimes: number[] = [];
    const batches = [0, 1, 2, 3].map(rules);
    for (let r = 0; r < RULE_REPS + WARMUP; r++) {
      const start = performance.now();
      for (const b of batches) await kernel.loadPolicies(b, { replace: true });
      if (r >= WARMUP) ruleTimes.push(performance.now() - start);
    }
    const cRules = raw('rules', RULE_REPS, bin);
    await kernel.clearPolicies();

    // --- ring consumption (sampler at 1 ms so the ring fills quickly)
    await kernel.setConfig({ sampleIntervalMs: 1 });
    const capacity = kernel.device!.ringInfo().capacity;
    let records = 0;
    let busyMs = 0;
    for (let r = 0; r < RING_REPS + WARMUP; r++) {
      kernel.drainSamples();
      while (kernel.ringStats()!.backlog < capacity) await new Promise((res) => setTimeout(res, 5));
      const start = performance.now();
      const n = kernel.drainSamples(capacity).length;
      if (r >= WARMUP) {
        records += n;
        busyMs += performance.now() - start;
      }
    }
    const tsRing = records / (busyMs / 1000);
    let torn = kernel.ringStats()!.torn;
    // The same drains into a reused columnar batch, through a second mapping of the same ring.
    const mapping = kernel.device!.mapRing();
    const reader = new RingReader(mapping);
    const batch = new SampleBatch(capacity);
    let intoRecords = 0;
    let intoMs = 0;
    try {
      for (let r = 0; r < RING_REPS + WARMUP; r++) {
        reader.readInto(batch);
        while (reader.stats().backlog < capacity) await new Promise((res) => setTimeout(res, 5));
        const start = performance.now();
        const n = reader.readInto(batch, capacity);
        if (r >= WARMUP) {
          intoRecords += n;
          intoMs += performance.now() - start;
        }
      }
      torn += reader.stats().torn;
    } finally {
      AinkaDevice.unmap(mapping);
    }
    const tsInto = intoRecords / (intoMs / 1000);
    const cRing = raw('ring', RING_REPS, bin);
    await kernel.setConfig({ sampleIntervalMs });

    const rows: [string, number, number, string, boolean][] = [
      ['netlink round trip p50', t[Math.floor(t.length / 2)]!, cRtt.p50_us!, 'µs', false],
      ['netlink round trip p99', pct(t, 0.99), cRtt.p99_us!, 'µs', false],
      ['push 1,000 rules (4 x 250)', median(ruleTimes), cRules.median_ms!, 'ms', false],
      ['ring consumption (drainSamples, objects)', tsRing, cRing.per_s!, 'records/s', true],
      ['ring consumption (readInto, columnar)', tsInto, cRing.per_s!, 'records/s', true],
    ];
    console.log(`\n@ainka/ipc vs raw C client, same kernel, same run (${RTT_N} round trips, ${RULE_REPS} rule pushes, ${RING_REPS} full rings of ${capacity}; TS after ${WARMUP} untimed warm-up rounds)\n`);
    console.log('| metric | @ainka/ipc | raw C | ratio (TS/C cost) |');
    console.log('| --- | --- | --- | --- |');
    for (const [name, ts, c, unit, higherIsBetter] of rows) {
      const ratio = higherIsBetter ? c / ts : ts / c;
      console.log(`| ${name} | ${ts.toFixed(1)} ${unit} | ${c.toFixed(1)} ${unit} | ${ratio.toFixed(2)}x |`);
    }
    console.log(`\ntorn records: TS ${torn}, C ${cRing.torn}. Ratios are cost ratios: 1.00x = as fast as C, 2.00x = twice the cost.`);
    console.log('reproduce: node tools/testbed/testbed.mjs run -- TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx tools/bench/ipc/run.ts');
  } finally {
    await kernel.close();
    rmSync(bin, { force: true });
    if (loaded) execFileSync('rmmod', ['ainka']);
  }
}

await main();
