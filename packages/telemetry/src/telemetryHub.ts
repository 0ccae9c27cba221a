import type { Observable, Subscription } from 'rxjs';
import { EMPTY } from 'rxjs';
import { alertFromDetection, AlertManager } from './alertManager.js';
import { type AlertRule, AlertRuleEngine } from './alertRules.js';
import { createDefaultSources } from './defaultSources.js';
import { HistoryManager, type HistoryOptions } from './historyManager.js';
import { LogAnalyzer, type LogAnalyzerOptions } from './logAnalyzer.js';
import type { Detection } from './logDetectors.js';
import { type MetricLabels, type MetricSample, seriesKey } from './metricSample.js';
import type { MetricSource, SourceStatus } from './metricSource.js';
import { MetricsCollector, type SampleBatch } from './metricsCollector.js';
import { PrometheusExporter } from './prometheusExporter.js';

/** Options of {@link TelemetryHub}. Everything is optional; the defaults touch nothing on disk. @public */
export interface TelemetryHubOptions {
  /** Root of the file tree the default sources read (default `/`). */
  readonly root?: string;
  /** Tick interval in ms (default 1000). */
  readonly intervalMs?: number;
  /** The sources (default: {@link createDefaultSources} under `root`). Add more later with `addSource`. */
  readonly sources?: readonly MetricSource[];
  /** Store samples: an open history, options to open one, or `false` (default). */
  readonly history?: HistoryManager | HistoryOptions | false;
  /** The alert manager (default: one without sinks; add sinks with `hub.alerts.addSink`). */
  readonly alerts?: AlertManager;
  /** Threshold rules evaluated on every tick. */
  readonly rules?: readonly AlertRule[];
  /** Follow kernel/journal logs and raise alerts from detections: an analyzer, its options, or `false` (default). */
  readonly logs?: LogAnalyzer | LogAnalyzerOptions | false;
  /** Keep a Prometheus exporter up to date: an exporter, `true` for a new one, or `false` (default). */
  readonly prometheus?: PrometheusExporter | boolean;
  /** Clocks, for tests. */
  readonly now?: () => number;
  /** Monotonic clock in ms, for tests. */
  readonly monotonic?: () => number;
}

/**
 * The telemetry hub: one tick drives every source; each batch goes to the snapshot, the history,
 * the alert rules and the Prometheus exporter; log detections become alerts.
 *
 * No default instance is exported: a hub reads the machine and may write a database, so the daemon
 * creates it explicitly (`new TelemetryHub({...}).start()`).
 *
 * @example
 * ```ts
 * const hub = new TelemetryHub({ history: { path: '/var/lib/ainka/history.db' } });
 * hub.samples$.subscribe((b) => console.log(b.samples.length, 'samples'));
 * hub.start();
 * ```
 *
 * @public
 */
export class TelemetryHub {
  /** The tick driver and its sources. */
  readonly collector: MetricsCollector;
  /** The history, when configured. */
  readonly history: HistoryManager | undefined;
  /** The alert manager. */
  readonly alerts: AlertManager;
  /** The threshold rules. */
  readonly rules: AlertRuleEngine;
  /** The log analyzer, when configured. */
  readonly logs: LogAnalyzer | undefined;
  /** The Prometheus exporter, when configured. */
  readonly prometheus: PrometheusExporter | undefined;
  /** One batch per tick, after it has been stored and evaluated. */
  readonly samples$: Observable<SampleBatch>;
  /** Log detections (empty without `logs`). */
  readonly detections$: Observable<Detection>;

  private readonly latest = new Map<string, Map<string, MetricSample>>();
  private readonly ownsHistory: boolean;
  private readonly consumerStatus = new Map<string, SourceStatus>();
  private readonly subs: Subscription[] = [];
  private started = false;

  constructor(options: TelemetryHubOptions = {}) {
    this.collector = new MetricsCollector({
      sources: options.sources ?? createDefaultSources({ root: options.root ?? '/' }),
      ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.monotonic === undefined ? {} : { monotonic: options.monotonic }),
    });
    const h = options.history ?? false;
    this.ownsHistory = h !== false && !(h instanceof HistoryManager);
    this.history = h === false ? undefined : h instanceof HistoryManager ? h : new HistoryManager(h);
    this.alerts = options.alerts ?? new AlertManager();
    this.rules = new AlertRuleEngine(this.alerts, options.rules ?? []);
    const l = options.logs ?? false;
    this.logs = l === false ? undefined : l instanceof LogAnalyzer ? l : new LogAnalyzer({ root: options.root ?? '/', ...l });
    const p = options.prometheus ?? false;
    this.prometheus = p === false ? undefined : p === true ? new PrometheusExporter() : p;
    this.samples$ = this.collector.batches$;
    this.detections$ = this.logs?.detections$ ?? EMPTY;
    // Processing is subscribed first, so samples$ subscribers see batches already stored.
    this.subs.push(this.collector.batches$.subscribe((b) => this.process(b)));
    if (this.logs !== undefined) this.subs.push(this.logs.detections$.subscribe((d) => this.alerts.raise(alertFromDetection(d))));
  }

  private process(batch: SampleBatch): void {
    const byName = new Map<string, Map<string, MetricSample>>();
    for (const s of batch.samples) {
      let m = byName.get(s.name);
      if (m === undefined) byName.set(s.name, (m = new Map()));
      m.set(seriesKey(s), s);
    }
    // A source reports the complete set of a metric's series: replace per name.
    for (const [name, m] of byName) this.latest.set(name, m);
    // One failing consumer (disk full, a bad rule) must not stop the others or the tick.
    this.guard('hub.history', () => this.history?.write(batch.samples));
    this.guard('hub.rules', () => this.rules.evaluate(batch.samples));
    if (this.prometheus !== undefined) {
      const p = this.prometheus;
      this.guard('hub.prometheus', () => {
        p.update(batch.samples);
        p.setSourceStatus(this.status());
      });
    }
  }

  private guard(id: string, fn: () => void): void {
    try {
      fn();
      if (this.consumerStatus.has(id)) this.consumerStatus.delete(id);
    } catch (err) {
      const e = err as { message?: unknown; code?: unknown };
      this.consumerStatus.set(id, {
        id,
        available: false,
        reason: String(e.message ?? err),
        code: typeof e.code === 'string' ? e.code : 'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE',
      });
    }
  }

  /** Adds a source (an eBPF stream, the kernel module) while running or not. */
  addSource(source: MetricSource): void {
    this.collector.addSource(source);
  }

  /** Starts ticking (and following logs). Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.collector.start();
    this.logs?.start();
  }

  /** Stops ticking and following logs, and flushes the history. Idempotent. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.collector.stop();
    this.logs?.stop();
    this.guard('hub.history', () => this.history?.flush());
  }

  /** Runs one tick now (also when not started) and returns its batch. */
  collectOnce(): Promise<SampleBatch> {
    return this.collector.collectOnce();
  }

  /** The latest sample of every series. */
  snapshot(): MetricSample[] {
    const out: MetricSample[] = [];
    for (const m of this.latest.values()) for (const s of m.values()) out.push(s);
    return out;
  }

  /** The latest sample of one series (exact labels), if any. */
  get(name: string, labels?: MetricLabels): MetricSample | undefined {
    return this.latest.get(name)?.get(seriesKey({ name, labels }));
  }

  /**
   * Availability of every source and log input, with reasons and fixes, plus `hub.history`,
   * `hub.rules` or `hub.prometheus` entries while one of them is failing.
   */
  status(): SourceStatus[] {
    return [...this.collector.status(), ...(this.logs?.status() ?? []), ...this.consumerStatus.values()];
  }

  /** Stops, closes sources, the log analyzer, the alert manager and (if the hub opened it) the history. */
  async close(): Promise<void> {
    this.stop();
    for (const s of this.subs.splice(0)) s.unsubscribe();
    this.collector.close();
    this.logs?.close();
    await this.alerts.close();
    if (this.ownsHistory) this.history?.close();
  }
}
