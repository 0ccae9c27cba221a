import { performance } from 'node:perf_hooks';
import { exhaustMap, from, Subject, type Observable, type Subscription, timer } from 'rxjs';
import { TelemetryError } from './errors.js';
import type { MetricSample } from './metricSample.js';
import type { CollectContext, MetricSource, SourceStatus } from './metricSource.js';

/** The samples of one tick. @public */
export interface SampleBatch {
  /** Wall-clock time of the tick (ms since the epoch). */
  readonly timestamp: number;
  /** Pulled samples of this tick, plus pushed samples that arrived since the previous tick. */
  readonly samples: readonly MetricSample[];
  /** Wall time the pull sources took, in milliseconds. */
  readonly durationMs: number;
}

/** Options of {@link MetricsCollector}. @public */
export interface MetricsCollectorOptions {
  /** The sources to drive. */
  readonly sources: readonly MetricSource[];
  /** Tick interval in milliseconds (default 1000). */
  readonly intervalMs?: number;
  /** Wall clock (ms since the epoch); injectable for tests. */
  readonly now?: () => number;
  /** Monotonic clock in ms; injectable for tests. */
  readonly monotonic?: () => number;
  /**
   * Called with every batch right after it is emitted on {@link MetricsCollector.batches$}, and awaited:
   * the next tick does not start before the returned promise settles. A consumer that processes a batch
   * in slices (yielding to the event loop between them) is thus never overlapped by the next tick, just as
   * a synchronous `batches$` subscriber is not. It must handle its own errors: a rejection is reported like
   * an error thrown by a subscriber.
   */
  readonly consumer?: (batch: SampleBatch) => void | Promise<void>;
  /**
   * Yield to the event loop (`setImmediate`) between pull sources, so I/O that is waiting (a socket
   * server's requests) is served in the middle of a tick instead of after it. Default false.
   */
  readonly yieldBetweenSources?: boolean;
}

/** Resolves after the event loop has served pending I/O (a macrotask turn). */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Entry {
  source: MetricSource;
  lastRunMs: number;
  status: SourceStatus;
  pushSub?: Subscription;
}

function describe(err: unknown): { reason: string; code: string } {
  if (err instanceof TelemetryError) return { reason: err.message, code: err.code };
  const e = err as { message?: unknown; code?: unknown } | undefined;
  return { reason: String(e?.message ?? err), code: typeof e?.code === 'string' ? e.code : 'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE' };
}

/**
 * Drives every source from one tick (rxjs `timer`), isolates their failures, and emits one
 * {@link SampleBatch} per tick. A tick that is still running when the next is due is not overlapped
 * (the next tick is skipped).
 *
 * @public
 */
export class MetricsCollector {
  /** Tick interval in milliseconds. */
  readonly intervalMs: number;
  private readonly entries: Entry[] = [];
  private readonly out = new Subject<SampleBatch>();
  private readonly nowFn: () => number;
  private readonly monoFn: () => number;
  private pushed: MetricSample[] = [];
  private tickSub: Subscription | undefined;
  private readonly consumer: ((batch: SampleBatch) => void | Promise<void>) | undefined;
  private readonly yieldBetween: boolean;

  /** One batch per tick. */
  readonly batches$: Observable<SampleBatch> = this.out.asObservable();

  constructor(options: MetricsCollectorOptions) {
    const interval = options.intervalMs ?? 1000;
    if (!(interval >= 10)) {
      throw new TelemetryError('ERR_AINKA_TELEMETRY_INVALID_OPTION', `intervalMs ${interval} is too small: use at least 10 ms (default 1000).`);
    }
    this.intervalMs = interval;
    this.nowFn = options.now ?? Date.now;
    this.monoFn = options.monotonic ?? (() => performance.now());
    this.consumer = options.consumer;
    this.yieldBetween = options.yieldBetweenSources ?? false;
    for (const s of options.sources) this.addSource(s);
  }

  /** Adds a source (e.g. an eBPF stream) while running or not. Ids must be unique. */
  addSource(source: MetricSource): void {
    if (this.entries.some((e) => e.source.id === source.id)) {
      throw new TelemetryError('ERR_AINKA_TELEMETRY_INVALID_OPTION', `a source with id "${source.id}" is already registered: give each source a unique id.`);
    }
    const entry: Entry = { source, lastRunMs: Number.NEGATIVE_INFINITY, status: { id: source.id, available: true } };
    this.entries.push(entry);
    if (this.tickSub !== undefined) this.subscribePush(entry);
  }

  /** Removes a source and closes it. Returns false when no source has this id. */
  removeSource(id: string): boolean {
    const i = this.entries.findIndex((e) => e.source.id === id);
    if (i < 0) return false;
    const [e] = this.entries.splice(i, 1);
    e?.pushSub?.unsubscribe();
    e?.source.close?.();
    return true;
  }

  /** The availability of every source, with the reason and fix for those that failed. */
  status(): SourceStatus[] {
    return this.entries.map((e) => e.status);
  }

  private subscribePush(entry: Entry): void {
    const s$ = entry.source.samples$;
    if (s$ === undefined || entry.pushSub !== undefined) return;
    entry.pushSub = s$.subscribe({
      next: (s) => {
        this.pushed.push(s);
      },
      error: (err: unknown) => {
        entry.status = { id: entry.source.id, available: false, ...describe(err) };
        entry.pushSub = undefined;
      },
    });
  }

  /**
   * Runs one tick now: every due pull source, plus the pushed samples gathered since the last tick.
   * Also emits the batch on {@link MetricsCollector.batches$}, then awaits the `consumer` option's call.
   */
  async collectOnce(): Promise<SampleBatch> {
    const ctx: CollectContext = { now: this.nowFn(), monotonicMs: this.monoFn() };
    const start = performance.now();
    const samples: MetricSample[] = this.pushed;
    this.pushed = [];
    let ran = false;
    for (const e of this.entries) {
      const collect = e.source.collect;
      if (collect === undefined) continue;
      const min = e.source.minIntervalMs ?? 0;
      // Half a tick of slack: a tick that fires a little early (the one after a late tick) must not
      // push a source with minIntervalMs = k ticks to k + 1 ticks, which dropped one sample in k.
      if (min > 0 && ctx.monotonicMs - e.lastRunMs < min - this.intervalMs / 2) continue;
      e.lastRunMs = ctx.monotonicMs;
      if (this.yieldBetween && ran) await yieldToLoop();
      ran = true;
      try {
        let r = collect.call(e.source, ctx);
        if (!Array.isArray(r)) r = await r;
        for (const s of r) samples.push(s);
        e.status = { id: e.source.id, available: true, lastSampleCount: r.length };
      } catch (err) {
        e.status = { id: e.source.id, available: false, ...describe(err) };
      }
    }
    const batch: SampleBatch = { timestamp: ctx.now, samples, durationMs: performance.now() - start };
    this.out.next(batch);
    if (this.consumer !== undefined) await this.consumer(batch);
    return batch;
  }

  /** Starts ticking (first tick immediately). Idempotent. */
  start(): void {
    if (this.tickSub !== undefined) return;
    for (const e of this.entries) this.subscribePush(e);
    this.tickSub = timer(0, this.intervalMs)
      .pipe(exhaustMap(() => from(this.collectOnce())))
      .subscribe();
  }

  /** Stops ticking and unsubscribes from push sources. Idempotent; sources stay registered. */
  stop(): void {
    this.tickSub?.unsubscribe();
    this.tickSub = undefined;
    for (const e of this.entries) {
      e.pushSub?.unsubscribe();
      e.pushSub = undefined;
    }
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.tickSub !== undefined;
  }

  /** Stops, closes every source and completes `batches$`. */
  close(): void {
    this.stop();
    for (const e of this.entries) e.source.close?.();
    this.out.complete();
  }
}
