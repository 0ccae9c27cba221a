import type { EbpfHost, EbpfStreams, histogramPercentile, Log2Histogram } from '@ainka/ebpf';
import { ebpfMetricNames, type EbpfMetricName, type MetricSample, type MetricSource } from '@ainka/telemetry';
import { defer, Subject, type Observable, type Subscription } from 'rxjs';

/**
 * The streams of `@ainka/ebpf`'s `EbpfStreams` this source reads (its own types; each may be absent, and
 * the host is only closed and asked for its per-concern counters).
 */
export type EbpfMetricStreams = Partial<Pick<EbpfStreams, 'runQueueLatency$' | 'connectLatency$' | 'contextSwitches$' | 'oomKills$'>> & {
  readonly host?: Pick<EbpfHost, 'closeAll' | 'stats'>;
};

/** Options of {@link ebpfMetricSource}. */
export interface EbpfSourceOptions {
  /** Called once per stream that fails (e.g. `connectLatency$` when the net object cannot load here); the other streams go on. */
  readonly onStreamError?: (stream: string, err: unknown) => void;
}

/**
 * A push `MetricSource` over `@ainka/ebpf`'s streams: run-queue and TCP connect latency (p50, p99, mean),
 * context switches per second and OOM kills, as samples named by `@ainka/telemetry`'s `ebpfMetricNames`
 * (all in its metric catalogue). `percentile` is `@ainka/ebpf`'s `histogramPercentile`, passed in so this
 * module loads no native code until eBPF is known to work.
 */
export function ebpfMetricSource(
  streams: EbpfMetricStreams,
  percentile: typeof histogramPercentile,
  pollMs: number,
  options: EbpfSourceOptions = {},
): MetricSource {
  const out = new Subject<MetricSample>();
  const subs: Subscription[] = [];
  const emit = (name: EbpfMetricName, unit: MetricSample['unit'], value: number, timestamp: number) => {
    if (Number.isFinite(value)) out.next({ name, unit, value, timestamp });
  };
  const hist = (names: typeof ebpfMetricNames.runQueueLatency | typeof ebpfMetricNames.connectLatency, h: Log2Histogram, at: number) => {
    if (h.count <= 0) return;
    emit(names.p50, 'seconds', percentile(h, 0.5) / 1e9, at);
    emit(names.p99, 'seconds', percentile(h, 0.99) / 1e9, at);
    emit(names.mean, 'seconds', h.sum / h.count / 1e9, at);
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
    watch('runQueueLatency$', streams.runQueueLatency$, (s) => hist(ebpfMetricNames.runQueueLatency, s.interval, s.at));
    watch('connectLatency$', streams.connectLatency$, (s) => hist(ebpfMetricNames.connectLatency, s.interval, s.at));
    watch('contextSwitches$', streams.contextSwitches$, (s) => emit(ebpfMetricNames.contextSwitchesPerSecond, 'per_second', (s.interval.total * 1000) / pollMs, s.at));
    watch('oomKills$', streams.oomKills$, () => emit(ebpfMetricNames.oomKillEvents, 'count', 1, Date.now()));
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
