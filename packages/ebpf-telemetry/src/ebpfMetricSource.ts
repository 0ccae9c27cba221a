import { histogramPercentile, type EbpfHost, type EbpfStreams, type Log2Histogram } from '@ainka/ebpf';
import { ebpfMetricNames, type EbpfMetricName, type MetricSample, type MetricSource, type MetricUnit } from '@ainka/telemetry/collectors';
import { Observable, Subscription, type Subscriber } from 'rxjs';

/**
 * The `@ainka/ebpf` streams {@link ebpfMetricSource} reads, in the order it subscribes to them.
 *
 * @public
 */
export const ebpfMetricStreamNames = Object.freeze(['runQueueLatency$', 'connectLatency$', 'contextSwitches$', 'oomKills$'] as const);

/**
 * One of {@link ebpfMetricStreamNames}.
 *
 * @public
 */
export type EbpfMetricStreamName = (typeof ebpfMetricStreamNames)[number];

/**
 * What {@link ebpfMetricSource} reads: an `EbpfStreams` of `@ainka/ebpf`, or any object with some of its
 * streams (a stream left out is simply not read, e.g. in tests or when a concern is not wanted).
 *
 * @public
 */
export type EbpfMetricStreams = Partial<Pick<EbpfStreams, EbpfMetricStreamName>> & {
  /** The `pollIntervalMs` the streams were made with (read from an `EbpfStreams`); used for the first context-switch rate. */
  readonly pollIntervalMs?: number;
  /** Closed by the source's `close()` (unless `closeHost: false`). */
  readonly host?: Pick<EbpfHost, 'closeAll'>;
};

/**
 * Options of {@link ebpfMetricSource}.
 *
 * @public
 */
export interface EbpfMetricSourceOptions {
  /** The source's id in a `MetricsCollector` / `TelemetryHub` (default `ebpf`). */
  readonly id?: string;
  /**
   * The streams' poll interval in ms, for the first context-switch rate (later rates divide by the time
   * between two samples). Default: `streams.pollIntervalMs`, else 1000.
   */
  readonly intervalMs?: number;
  /**
   * Called, per subscription, once for each stream that fails (e.g. `connectLatency$` when the net object
   * does not load on this kernel); the other streams go on. Only when every stream read has failed does
   * `samples$` itself error (a collector then marks the source unavailable).
   */
  readonly onStreamError?: (stream: EbpfMetricStreamName, err: unknown) => void;
  /** Whether `close()` also closes `streams.host` (every eBPF object it loaded). Default true. */
  readonly closeHost?: boolean;
}

/**
 * A push `MetricSource` of `@ainka/telemetry` over `@ainka/ebpf`'s streams: run-queue and TCP connect
 * latency (p50, p99 and mean of each poll interval, in seconds), context switches per second and one
 * `ebpf.oom_kill_events` sample per OOM kill, named by `ebpfMetricNames` of the telemetry metric catalogue
 * and in its units.
 *
 * `samples$` is cold: each subscription subscribes to the eBPF streams it reads (which attach their
 * programs on the first subscriber and detach them on the last unsubscribe), so a collector's `stop()`
 * detaches the programs and its `start()` attaches them again. A stream that errors is reported to
 * `onStreamError` and dropped; the others go on.
 *
 * @param streams - an `EbpfStreams` (or some of its streams)
 * @param options - id, poll interval, stream-error callback
 * @returns a `MetricSource` for `MetricsCollector` / `TelemetryHub`
 * @example
 * ```ts
 * import { EbpfStreams } from '@ainka/ebpf';
 * import { ebpfMetricSource } from '@ainka/ebpf-telemetry';
 * import { MetricsCollector } from '@ainka/telemetry/collectors';
 *
 * const source = ebpfMetricSource(new EbpfStreams({ pollIntervalMs: 1000 }), {
 *   onStreamError: (stream, err) => console.warn(stream, 'unavailable:', err),
 * });
 * const collector = new MetricsCollector({ sources: [source] });
 * collector.batches$.subscribe((b) => b.samples.forEach((s) => console.log(s.name, s.value)));
 * collector.start();
 * ```
 * @public
 */
export function ebpfMetricSource(streams: EbpfMetricStreams, options: EbpfMetricSourceOptions = {}): MetricSource {
  const intervalMs = options.intervalMs ?? streams.pollIntervalMs ?? 1000;
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs ${intervalMs} is not a positive number of milliseconds; pass the streams' pollIntervalMs (e.g. 1000)`);
  const present = ebpfMetricStreamNames.filter((n) => streams[n] !== undefined);
  const active = new Set<Subscriber<MetricSample>>();
  let closed = false;

  const samples$ = new Observable<MetricSample>((subscriber) => {
    if (closed) {
      subscriber.complete();
      return undefined;
    }
    active.add(subscriber);
    const subs = new Subscription();
    const failed = new Set<EbpfMetricStreamName>();
    const emit = (name: EbpfMetricName, unit: MetricUnit, value: number, timestamp: number): void => {
      if (Number.isFinite(value)) subscriber.next({ name, unit, value, timestamp });
    };
    const hist = (names: typeof ebpfMetricNames.runQueueLatency | typeof ebpfMetricNames.connectLatency, h: Log2Histogram, at: number): void => {
      if (h.count <= 0) return;
      emit(names.p50, 'seconds', histogramPercentile(h, 0.5) / 1e9, at);
      emit(names.p99, 'seconds', histogramPercentile(h, 0.99) / 1e9, at);
      emit(names.mean, 'seconds', h.sum / h.count / 1e9, at);
    };
    const watch = <T>(name: EbpfMetricStreamName, s$: Observable<T> | undefined, next: (v: T) => void): void => {
      if (s$ === undefined || subscriber.closed) return;
      subs.add(
        s$.subscribe({
          next,
          error: (err: unknown) => {
            failed.add(name);
            options.onStreamError?.(name, err);
            if (failed.size === present.length) subscriber.error(err);
          },
        }),
      );
    };
    let lastSwitchAt: number | undefined;
    watch('runQueueLatency$', streams.runQueueLatency$, (s) => hist(ebpfMetricNames.runQueueLatency, s.interval, s.at));
    watch('connectLatency$', streams.connectLatency$, (s) => hist(ebpfMetricNames.connectLatency, s.interval, s.at));
    watch('contextSwitches$', streams.contextSwitches$, (s) => {
      // `interval` counts since the previous emission: divide by the time between the two (a late poll
      // covers more than intervalMs), by the poll interval for the first.
      const ms = lastSwitchAt !== undefined && s.at > lastSwitchAt ? s.at - lastSwitchAt : intervalMs;
      lastSwitchAt = s.at;
      emit(ebpfMetricNames.contextSwitchesPerSecond, 'per_second', (s.interval.total * 1000) / ms, s.at);
    });
    watch('oomKills$', streams.oomKills$, () => emit(ebpfMetricNames.oomKillEvents, 'count', 1, Date.now()));
    if (present.length === 0) subscriber.complete();
    return () => {
      active.delete(subscriber);
      subs.unsubscribe();
    };
  });

  return {
    id: options.id ?? 'ebpf',
    samples$,
    close() {
      if (closed) return;
      closed = true;
      // Completing each subscriber unsubscribes it from the eBPF streams (their programs detach).
      for (const s of [...active]) s.complete();
      if (options.closeHost !== false) streams.host?.closeAll();
    },
  };
}
