import type { MetricSample, MetricSource } from '@ainka/telemetry';
import { defer, Subject, type Observable, type Subscription } from 'rxjs';

/** The subset of `@ainka/ebpf`'s EbpfStreams this adapter reads (kept structural, so API moves cost little). */
interface HistogramLike {
  readonly count: number;
  readonly sum: number;
}
interface StreamsLike {
  readonly runQueueLatency$?: Observable<{ readonly at: number; readonly interval: HistogramLike }>;
  readonly connectLatency$?: Observable<{ readonly at: number; readonly interval: HistogramLike }>;
  readonly contextSwitches$?: Observable<{ readonly at: number; readonly interval: { readonly total: number } }>;
  readonly oomKills$?: Observable<unknown>;
  readonly host?: { closeAll?(): void; stats?(): Readonly<Record<string, { readonly kernelDrops: number; readonly decodeErrors: number } | undefined>> };
}

/** Options of {@link ebpfMetricSource}. */
export interface EbpfSourceOptions {
  /** Called once per stream that fails (e.g. `connectLatency$` when the net object cannot load here); the other streams go on. */
  readonly onStreamError?: (stream: string, err: unknown) => void;
}

/**
 * A push `MetricSource` over `@ainka/ebpf`'s streams: run-queue latency (p50/p99 and mean), TCP connect
 * latency p99, context switches per second and OOM kills, as samples named like the procfs ones.
 */
export function ebpfMetricSource(
  streams: StreamsLike,
  percentile: (h: HistogramLike, p: number) => number,
  pollMs: number,
  options: EbpfSourceOptions = {},
): MetricSource {
  const out = new Subject<MetricSample>();
  const subs: Subscription[] = [];
  const emit = (name: string, unit: MetricSample['unit'], value: number, timestamp: number) => {
    if (Number.isFinite(value)) out.next({ name, unit, value, timestamp });
  };
  const hist = (prefix: string, h: HistogramLike, at: number) => {
    if (h.count <= 0) return;
    emit(`${prefix}_p50_seconds`, 'seconds', percentile(h, 0.5) / 1e9, at);
    emit(`${prefix}_p99_seconds`, 'seconds', percentile(h, 0.99) / 1e9, at);
    emit(`${prefix}_mean_seconds`, 'seconds', h.sum / h.count / 1e9, at);
  };
  let started = false;
  const failed = new Set<string>();
  const streamNames = (['runQueueLatency$', 'connectLatency$', 'contextSwitches$', 'oomKills$'] as const).filter((n) => streams[n] !== undefined);
  /**
   * One eBPF stream failed (its object did not load on this kernel, a map read failed): the others go on.
   * Only when every stream has failed does the source itself fail (the collector then marks it unavailable).
   */
  const onError = (stream: string) => (err: unknown) => {
    failed.add(stream);
    options.onStreamError?.(stream, err);
    if (failed.size === streamNames.length) out.error(err);
  };
  const start = () => {
    if (started) return;
    started = true;
    const watch = <T>(name: (typeof streamNames)[number], s$: Observable<T> | undefined, next: (v: T) => void) => {
      if (s$ !== undefined) subs.push(s$.subscribe({ next, error: onError(name) }));
    };
    watch('runQueueLatency$', streams.runQueueLatency$, (s) => hist('sched.runq_latency', s.interval, s.at));
    watch('connectLatency$', streams.connectLatency$, (s) => hist('net.tcp.connect_latency', s.interval, s.at));
    watch('contextSwitches$', streams.contextSwitches$, (s) => emit('sched.context_switches_per_second', 'per_second', (s.interval.total * 1000) / pollMs, s.at));
    watch('oomKills$', streams.oomKills$, () => emit('ebpf.oom_kill_events', 'count', 1, Date.now()));
  };
  return {
    id: 'ebpf',
    // The programs are attached on the first subscription (the collector's start), not before.
    samples$: defer(() => {
      start();
      return out.asObservable();
    }),
    close() {
      for (const s of subs) s.unsubscribe();
      out.complete();
      streams.host?.closeAll?.();
    },
  };
}
