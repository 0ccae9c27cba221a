import { existsSync } from 'node:fs';
import { emptyHistogram, type ContextSwitches, type Log2Histogram, type OomKillEvent, type Sampled } from '@ainka/ebpf';
import { getMetricDefinition, MetricsCollector, type MetricSample } from '@ainka/telemetry/collectors';
import { Subject } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { ebpfMetricSource, ebpfMetricStreamNames } from '@ainka/ebpf-telemetry';

/** A log2 histogram of `n` values of about 2^slot ns. */
function histogram(slot: number, n: number): Log2Histogram {
  const slots = emptyHistogram().slots.map((_, i) => (i === slot ? n : 0));
  return { slots, count: n, sum: n * 2 ** slot };
}

function fakeStreams() {
  return {
    runQueueLatency$: new Subject<Sampled<Log2Histogram>>(),
    connectLatency$: new Subject<Sampled<Log2Histogram>>(),
    contextSwitches$: new Subject<Sampled<ContextSwitches>>(),
    oomKills$: new Subject<OomKillEvent>(),
    host: { closeAll: vi.fn() },
  };
}

const switches = (at: number, total: number): Sampled<ContextSwitches> => ({ at, total: { perCpu: [total], total }, interval: { perCpu: [total], total } });

function collect(source: ReturnType<typeof ebpfMetricSource>) {
  const samples: MetricSample[] = [];
  let error: unknown;
  let completed = false;
  const sub = source.samples$?.subscribe({ next: (s) => samples.push(s), error: (e: unknown) => (error = e), complete: () => (completed = true) });
  if (sub === undefined) throw new Error('ebpfMetricSource is a push source: samples$ must be set');
  return { samples, sub, error: () => error, completed: () => completed };
}

describe('ebpfMetricSource: @ainka/ebpf streams as catalogued telemetry samples', () => {
  it('emits only catalogue names, each with its catalogue unit, and converts ns to seconds', () => {
    const s = fakeStreams();
    const source = ebpfMetricSource(s, { intervalMs: 1000 });
    const c = collect(source);
    s.runQueueLatency$.next({ at: 1, total: histogram(20, 10), interval: histogram(20, 10) });
    s.connectLatency$.next({ at: 2, total: histogram(10, 4), interval: histogram(10, 4) });
    s.connectLatency$.next({ at: 3, total: histogram(10, 4), interval: emptyHistogram() }); // nothing measured: no sample
    s.contextSwitches$.next(switches(4, 250));
    s.oomKills$.next({} as OomKillEvent);
    c.sub.unsubscribe();

    expect(c.samples.map((x) => x.name)).toEqual([
      'sched.runq_latency_p50_seconds',
      'sched.runq_latency_p99_seconds',
      'sched.runq_latency_mean_seconds',
      'net.tcp.connect_latency_p50_seconds',
      'net.tcp.connect_latency_p99_seconds',
      'net.tcp.connect_latency_mean_seconds',
      'sched.context_switches_per_second',
      'ebpf.oom_kill_events',
    ]);
    for (const x of c.samples) expect(x.unit, x.name).toBe(getMetricDefinition(x.name)?.unit);
    expect(c.samples.find((x) => x.name === 'sched.runq_latency_mean_seconds')?.value).toBeCloseTo(2 ** 20 / 1e9, 12);
    expect(c.samples.find((x) => x.name === 'sched.runq_latency_p50_seconds')?.timestamp).toBe(1);
    expect(c.samples.find((x) => x.name === 'sched.context_switches_per_second')?.value).toBe(250);
  });

  it('rates context switches over the time between two samples (a late poll is not counted as a faster rate)', () => {
    const s = fakeStreams();
    const c = collect(ebpfMetricSource({ ...s, pollIntervalMs: 500 }));
    s.contextSwitches$.next(switches(10_000, 100)); // first: over the streams' poll interval (500 ms)
    s.contextSwitches$.next(switches(11_000, 300)); // 1000 ms later
    s.contextSwitches$.next(switches(13_000, 300)); // a poll 2 s late
    expect(c.samples.map((x) => x.value)).toEqual([200, 300, 150]);
  });

  it('is cold: subscribes to the eBPF streams only while subscribed, and again after a resubscribe', () => {
    const s = fakeStreams();
    const source = ebpfMetricSource(s);
    expect(ebpfMetricStreamNames.some((n) => s[n].observed)).toBe(false);
    const first = collect(source);
    expect(ebpfMetricStreamNames.every((n) => s[n].observed)).toBe(true);
    first.sub.unsubscribe();
    expect(ebpfMetricStreamNames.some((n) => s[n].observed)).toBe(false); // the programs detach
    const second = collect(source);
    s.runQueueLatency$.next({ at: 5, total: histogram(3, 1), interval: histogram(3, 1) });
    expect(second.samples).toHaveLength(3);
    expect(first.samples).toHaveLength(0);
    second.sub.unsubscribe();
  });

  it('keeps the other streams when one fails, reports it once, and errors only when every stream failed', () => {
    const s = fakeStreams();
    const onStreamError = vi.fn();
    const c = collect(ebpfMetricSource(s, { onStreamError }));
    const netDown = new Error('net.bpf.o does not load');
    s.connectLatency$.error(netDown);
    expect(onStreamError).toHaveBeenCalledExactlyOnceWith('connectLatency$', netDown);
    s.runQueueLatency$.next({ at: 1, total: histogram(10, 1), interval: histogram(10, 1) });
    expect(c.samples).toHaveLength(3);
    expect(c.error()).toBeUndefined();
    s.runQueueLatency$.error(new Error('sched'));
    s.contextSwitches$.error(new Error('sched'));
    expect(c.error()).toBeUndefined();
    const last = new Error('process');
    s.oomKills$.error(last);
    expect(c.error()).toBe(last);
    expect(onStreamError.mock.calls.map(([name]) => name)).toEqual(['connectLatency$', 'runQueueLatency$', 'contextSwitches$', 'oomKills$']);
  });

  it('reads only the streams it is given (a source without the net concern)', () => {
    const s = fakeStreams();
    const c = collect(ebpfMetricSource({ runQueueLatency$: s.runQueueLatency$ }));
    expect(s.connectLatency$.observed).toBe(false);
    const down = new Error('sched');
    s.runQueueLatency$.error(down);
    expect(c.error()).toBe(down); // its one stream failed: the source failed
  });

  it('close() completes its subscribers, detaches the streams and closes the host once (unless closeHost: false)', () => {
    const s = fakeStreams();
    const source = ebpfMetricSource(s, { id: 'bpf' });
    expect(source.id).toBe('bpf');
    const c = collect(source);
    source.close?.();
    source.close?.();
    expect(c.completed()).toBe(true);
    expect(ebpfMetricStreamNames.some((n) => s[n].observed)).toBe(false);
    expect(s.host.closeAll).toHaveBeenCalledTimes(1);
    expect(collect(source).completed()).toBe(true); // closed: a new subscriber completes at once

    const kept = fakeStreams();
    const shared = ebpfMetricSource(kept, { closeHost: false });
    collect(shared);
    shared.close?.();
    expect(kept.host.closeAll).not.toHaveBeenCalled();
  });

  it('rejects a poll interval that is not a positive number, naming the fix', () => {
    expect(() => ebpfMetricSource(fakeStreams(), { intervalMs: 0 })).toThrow(/pollIntervalMs/);
  });

  it('in a MetricsCollector: samples land in the next batch, stop() detaches, start() attaches again, all streams failing marks it unavailable', async () => {
    const s = fakeStreams();
    const collector = new MetricsCollector({ sources: [ebpfMetricSource(s)], intervalMs: 1000 });
    collector.start();
    s.runQueueLatency$.next({ at: 1, total: histogram(12, 2), interval: histogram(12, 2) });
    const batch = await collector.collectOnce();
    expect(batch.samples.map((x) => x.name)).toContain('sched.runq_latency_p99_seconds');
    collector.stop();
    expect(s.runQueueLatency$.observed).toBe(false);
    collector.start();
    expect(s.runQueueLatency$.observed).toBe(true);
    for (const n of ebpfMetricStreamNames) s[n].error(new Error(`${n} failed`));
    expect(collector.status()[0]).toMatchObject({ id: 'ebpf', available: false });
    collector.close();
    expect(s.host.closeAll).toHaveBeenCalledTimes(1);
  });
});

const realSkip =
  process.getuid?.() !== 0
    ? 'not root (loading eBPF needs CAP_BPF)'
    : !existsSync('/sys/kernel/btf/vmlinux')
      ? 'no kernel BTF (/sys/kernel/btf/vmlinux)'
      : !existsSync(new URL('../../ebpf/bpf/manifest.json', import.meta.url))
        ? 'eBPF objects not built (npx nx run @ainka/ebpf:build)'
        : undefined;
if (realSkip) console.warn(`[@ainka/ebpf-telemetry] skipping the real eBPF test: ${realSkip}`);

describe.skipIf(realSkip)('ebpfMetricSource on this kernel', { timeout: 60_000 }, () => {
  it('turns the real run-queue and context-switch streams into catalogue samples, then unloads on close', async () => {
    const { EbpfStreams } = await import('@ainka/ebpf');
    const streams = new EbpfStreams({ pollIntervalMs: 250 });
    const source = ebpfMetricSource({ runQueueLatency$: streams.runQueueLatency$, contextSwitches$: streams.contextSwitches$, pollIntervalMs: streams.pollIntervalMs, host: streams.host });
    const c = collect(source);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(c.samples.some((x) => x.name === 'sched.runq_latency_p99_seconds') && c.samples.some((x) => x.name === 'sched.context_switches_per_second'))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    source.close?.();
    expect(c.error()).toBeUndefined();
    const p99 = c.samples.find((x) => x.name === 'sched.runq_latency_p99_seconds');
    expect(p99?.value).toBeGreaterThan(0);
    expect(p99?.value).toBeLessThan(10); // seconds, not ns
    expect(c.samples.find((x) => x.name === 'sched.context_switches_per_second')?.value).toBeGreaterThan(0);
    expect(c.completed()).toBe(true);
  });
});
