import { emptyHistogram, histogramPercentile, type ContextSwitches, type Log2Histogram, type OomKillEvent, type Sampled } from '@ainka/ebpf';
import { getMetricDefinition, type MetricSample } from '@ainka/telemetry';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ebpfMetricSource } from '../src/ebpfSource.js';

/** A log2 histogram of `n` values of about 2^slot ns. */
function histogram(slot: number, n: number): Log2Histogram {
  const h = emptyHistogram();
  const slots = [...h.slots];
  slots[slot] = n;
  return { slots, count: n, sum: n * 2 ** slot };
}

describe('ebpfMetricSource: @ainka/ebpf streams as catalogued telemetry samples', () => {
  it('emits only catalogue names, each with its catalogue unit, and converts ns to seconds', () => {
    const runQueueLatency$ = new Subject<Sampled<Log2Histogram>>();
    const connectLatency$ = new Subject<Sampled<Log2Histogram>>();
    const contextSwitches$ = new Subject<Sampled<ContextSwitches>>();
    const oomKills$ = new Subject<OomKillEvent>();
    const source = ebpfMetricSource({ runQueueLatency$, connectLatency$, contextSwitches$, oomKills$ }, histogramPercentile, 1000);
    const samples: MetricSample[] = [];
    const samples$ = source.samples$;
    if (samples$ === undefined) throw new Error('ebpfMetricSource is a push source: samples$ must be set');
    const sub = samples$.subscribe((s) => samples.push(s));
    runQueueLatency$.next({ at: 1, total: histogram(20, 10), interval: histogram(20, 10) });
    connectLatency$.next({ at: 2, total: histogram(10, 4), interval: histogram(10, 4) });
    connectLatency$.next({ at: 3, total: histogram(10, 4), interval: emptyHistogram() }); // nothing measured: no sample
    contextSwitches$.next({ at: 4, total: { perCpu: [500], total: 500 }, interval: { perCpu: [250], total: 250 } });
    oomKills$.next({} as OomKillEvent);
    sub.unsubscribe();
    source.close?.();

    expect(samples.map((s) => s.name)).toEqual([
      'sched.runq_latency_p50_seconds',
      'sched.runq_latency_p99_seconds',
      'sched.runq_latency_mean_seconds',
      'net.tcp.connect_latency_p50_seconds',
      'net.tcp.connect_latency_p99_seconds',
      'net.tcp.connect_latency_mean_seconds',
      'sched.context_switches_per_second',
      'ebpf.oom_kill_events',
    ]);
    for (const s of samples) expect(s.unit, s.name).toBe(getMetricDefinition(s.name)?.unit);
    expect(samples.find((s) => s.name === 'sched.runq_latency_mean_seconds')?.value).toBeCloseTo(2 ** 20 / 1e9, 12);
    expect(samples.find((s) => s.name === 'sched.context_switches_per_second')?.value).toBe(250);
  });
});
