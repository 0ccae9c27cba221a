import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { EbpfStreams, type ContextSwitches, type Sampled } from '../src/ebpfStreams.js';
import type { Log2Histogram } from '../src/histogram.js';
import { skipReason, waitFor } from './kernel.js';

/** Two threads handing a token back and forth `rounds` times through futex waits. */
async function pingPong(rounds: number): Promise<void> {
  const sab = new SharedArrayBuffer(4);
  const src = `
    const { workerData } = require('node:worker_threads');
    const a = new Int32Array(workerData.sab);
    const me = workerData.me;
    for (let i = 0; i < workerData.rounds; i++) {
      while (Atomics.load(a, 0) !== me) Atomics.wait(a, 0, 1 - me);
      Atomics.store(a, 0, 1 - me);
      Atomics.notify(a, 0);
    }`;
  const run = (me: number) =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(src, { eval: true, workerData: { sab, me, rounds } });
      w.on('exit', () => resolve());
      w.on('error', reject);
    });
  await Promise.all([run(0), run(1)]);
}

describe.skipIf(skipReason)('scheduler telemetry on the real kernel', () => {
  // ignoreSelf: false so the test's own threads feed the run-queue histogram
  const ebpf = new EbpfStreams({ pollIntervalMs: 100, ignoreSelf: false });
  afterAll(() => ebpf.host.closeAll());

  it('a thread ping-pong raises context switches and run-queue latency samples', async () => {
    let sw: Sampled<ContextSwitches> | undefined;
    let rq: Sampled<Log2Histogram> | undefined;
    const s1 = ebpf.contextSwitches$.subscribe((s) => (sw = s));
    const s2 = ebpf.runQueueLatency$.subscribe((s) => (rq = s));
    try {
      await waitFor(() => sw !== undefined && rq !== undefined);
      const switches0 = sw!.total.total;
      const runq0 = rq!.total.count;
      const ROUNDS = 5000;
      await pingPong(ROUNDS);
      expect(await waitFor(() => sw!.total.total - switches0 >= 2 * ROUNDS)).toBe(true);
      expect(await waitFor(() => rq!.total.count - runq0 >= ROUNDS)).toBe(true);
      expect(sw!.total.perCpu.length).toBeGreaterThanOrEqual(1);
      expect(rq!.total.slots.reduce((a, b) => a + b, 0)).toBe(rq!.total.count);
      expect(ebpf.host.stats().sched?.refs).toBe(2); // two streams share one object
    } finally {
      s1.unsubscribe();
      s2.unsubscribe();
    }
    expect(ebpf.host.stats().sched?.loaded).toBe(false);
  });

  it('accounts CPU time to cgroups', async () => {
    const { firstValueFrom, filter } = await import('rxjs');
    const s = await firstValueFrom(ebpf.cgroupCpuTime$.pipe(filter((x) => x.total.length > 0)));
    expect(s.total[0]!.cpuNs).toBeGreaterThan(0);
    expect(typeof s.total[0]!.cgroupId).toBe('bigint');
  });
});
