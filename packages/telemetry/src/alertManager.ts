import { Subject, type Observable } from 'rxjs';
import { TelemetryError } from './errors.js';
import type { Detection, Severity } from './logDetectors.js';
import type { LogEvent } from './logEvent.js';
import { type MetricLabels, type MetricUnit, seriesKey } from './metricSample.js';

/** A series and the values that raised an alert. @public */
export interface SeriesEvidence {
  /** Metric name. */
  readonly name: string;
  /** Series labels. */
  readonly labels?: MetricLabels;
  /** Unit of the values. */
  readonly unit?: MetricUnit;
  /** The values, oldest first. */
  readonly points: ReadonlyArray<{
    /** When (ms since the epoch). */
    readonly timestamp: number;
    /** The value, in the series' unit. */
    readonly value: number;
  }>;
}

/** What raised an alert: metric values and/or log records. Every alert carries some. @public */
export interface AlertEvidence {
  /** Metric series and their recent values. */
  readonly series?: readonly SeriesEvidence[];
  /** Log records. */
  readonly logs?: readonly LogEvent[];
  /** A short explanation, e.g. `psi.memory.some_avg10 > 20 for 30 s`. */
  readonly note?: string;
}

/** What a producer (rule, detector, caller) passes to {@link AlertManager.raise}. @public */
export interface AlertInput {
  /** Stable alert name, e.g. `oom_kill`, `memory_pressure_high`. */
  readonly name: string;
  /** How bad it is. */
  readonly severity: Severity;
  /** One line for humans. */
  readonly summary: string;
  /** Identify the alert instance together with `name` (dedup key), e.g. `{ device: 'sda' }`. */
  readonly labels?: MetricLabels;
  /** What raised it (required). */
  readonly evidence: AlertEvidence;
  /** When it happened (ms since the epoch). Default: now. */
  readonly timestamp?: number;
}

/** An alert as tracked by the manager. @public */
export interface Alert {
  /** Alert name. */
  readonly name: string;
  /** Highest severity seen while firing. */
  readonly severity: Severity;
  /** Latest summary. */
  readonly summary: string;
  /** Identifying labels. */
  readonly labels: MetricLabels;
  /** `name` + sorted labels: the dedup key. */
  readonly fingerprint: string;
  /** Firing until resolved. */
  readonly status: 'firing' | 'resolved';
  /** First raised, ms since the epoch. */
  readonly startsAt: number;
  /** Last raised, ms since the epoch. */
  readonly lastSeenAt: number;
  /** When it was resolved. */
  readonly endsAt?: number;
  /** How many times it was raised while firing. */
  readonly occurrences: number;
  /** True when a silence matched; silenced alerts are tracked but not sent. */
  readonly silenced: boolean;
  /** Accumulated evidence (the most recent entries, bounded). */
  readonly evidence: AlertEvidence;
}

/** One message to the sinks: the alerts of one group. @public */
export interface AlertNotification {
  /** Values of the `groupBy` labels shared by the alerts. */
  readonly groupLabels: MetricLabels;
  /** The alerts of the group. */
  readonly alerts: readonly Alert[];
  /** Notifications dropped by the rate limit since the previous one that went out. */
  readonly suppressed: number;
  /** When it was sent, ms since the epoch. */
  readonly timestamp: number;
}

/** A destination for notifications. Errors are caught and reported on `errors$`. @public */
export interface AlertSink {
  /** Name used in `errors$`. */
  readonly name: string;
  /** Delivers one notification; may return a promise. */
  send(notification: AlertNotification): void | Promise<void>;
}

/** Silences alerts whose name and labels match, until `endsAt`. @public */
export interface SilenceInput {
  /** Match this alert name (any when omitted). */
  readonly name?: string;
  /** Match alerts carrying at least these labels. */
  readonly labels?: MetricLabels;
  /** ms since the epoch. */
  readonly endsAt: number;
  /** Why, for the audit trail. */
  readonly comment?: string;
}

/** A registered silence. @public */
export interface Silence extends SilenceInput {
  /** Id to pass to `unsilence`. */
  readonly id: string;
  /** When it was created, ms since the epoch. */
  readonly createdAt: number;
}

/** Options of {@link AlertManager}. @public */
export interface AlertManagerOptions {
  /** Where notifications go. */
  readonly sinks?: readonly AlertSink[];
  /** Alerts sharing these label values (plus `name` when listed) are sent together. Default `['name']`. */
  readonly groupBy?: readonly string[];
  /** Wait this long after the first alert of a group to collect more (0 = send on the next microtask). Default 1000 ms. */
  readonly groupWaitMs?: number;
  /** Re-send a still-firing alert at most this often. Default 1 h. */
  readonly repeatIntervalMs?: number;
  /** At most `max` notifications per `perMs`; extra ones are dropped and counted. Default 20 per minute. */
  readonly rateLimit?: {
    /** Notifications allowed per window. */
    readonly max: number;
    /** Window length in ms. */
    readonly perMs: number;
  };
  /** Evidence entries kept per alert. Default 20. */
  readonly maxEvidence?: number;
  /** Clock (ms since the epoch); injectable for tests. */
  readonly now?: () => number;
}

interface MutableAlert {
  name: string;
  severity: Severity;
  summary: string;
  labels: MetricLabels;
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: number;
  lastSeenAt: number;
  endsAt?: number;
  occurrences: number;
  silenced: boolean;
  evidence: AlertEvidence;
  lastSentAt: number;
}

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

function matches(labels: MetricLabels, want: MetricLabels | undefined): boolean {
  return want === undefined || Object.entries(want).every(([k, v]) => labels[k] === v);
}

/** Turns a log {@link Detection} into an alert input (labels from the stable details). @public */
export function alertFromDetection(d: Detection): AlertInput {
  const labels: Record<string, string> = {};
  for (const k of ['device', 'unit', 'comm', 'cpu', 'scope']) {
    const v = d.details[k];
    if (v !== undefined) labels[k] = v;
  }
  return { name: d.kind, severity: d.severity, summary: d.summary, labels, evidence: { logs: [d.event], note: d.summary }, timestamp: d.event.timestamp || undefined };
}

/**
 * Alerts with severity, dedup (by name + labels), grouping, a rate limit, silences and pluggable
 * sinks. Every alert carries its evidence. Sink failures never throw into the producer: they are
 * emitted on `errors$`.
 *
 * @public
 */
export class AlertManager {
  private readonly sinks: AlertSink[];
  private readonly groupBy: readonly string[];
  private readonly groupWaitMs: number;
  private readonly repeatIntervalMs: number;
  private readonly rate: { readonly max: number; readonly perMs: number };
  private readonly maxEvidence: number;
  private readonly nowFn: () => number;
  private readonly alerts = new Map<string, MutableAlert>();
  private readonly silences = new Map<string, Silence>();
  private readonly pending = new Map<string, { labels: MetricLabels; alerts: Map<string, MutableAlert> }>();
  private pendingTimer: NodeJS.Timeout | undefined;
  private microtaskQueued = false;
  private sentAt: number[] = [];
  private suppressed = 0;
  private seq = 0;
  private readonly errorSubject = new Subject<{ sink: string; error: unknown }>();
  private readonly notifications = new Subject<AlertNotification>();
  private inflight: Promise<unknown>[] = [];

  /** Sink failures. */
  readonly errors$: Observable<{
    /** Name of the sink that failed. */
    sink: string;
    /** What it threw or rejected with. */
    error: unknown;
  }> = this.errorSubject.asObservable();
  /** Every notification that went out (after silences and rate limits). */
  readonly notifications$: Observable<AlertNotification> = this.notifications.asObservable();

  constructor(options: AlertManagerOptions = {}) {
    this.sinks = [...(options.sinks ?? [])];
    this.groupBy = options.groupBy ?? ['name'];
    this.groupWaitMs = options.groupWaitMs ?? 1000;
    this.repeatIntervalMs = options.repeatIntervalMs ?? 3_600_000;
    this.rate = options.rateLimit ?? { max: 20, perMs: 60_000 };
    if (!(this.rate.max >= 1 && this.rate.perMs > 0)) {
      throw new TelemetryError('ERR_AINKA_TELEMETRY_INVALID_OPTION', `rateLimit ${JSON.stringify(this.rate)} is invalid: use max >= 1 and perMs > 0.`);
    }
    this.maxEvidence = options.maxEvidence ?? 20;
    this.nowFn = options.now ?? Date.now;
  }

  /** Adds a sink. */
  addSink(sink: AlertSink): void {
    this.sinks.push(sink);
  }

  /**
   * Raises (or refreshes) an alert. A firing alert with the same name and labels is updated, not
   * duplicated; it is sent again only after `repeatIntervalMs` or when its severity rises.
   */
  raise(input: AlertInput): Alert {
    const now = input.timestamp ?? this.nowFn();
    const labels = input.labels ?? {};
    const fingerprint = seriesKey({ name: input.name, labels });
    const existing = this.alerts.get(fingerprint);
    let notify: boolean;
    let a: MutableAlert;
    if (existing !== undefined && existing.status === 'firing') {
      a = existing;
      const escalated = rank[input.severity] > rank[a.severity];
      a.occurrences += 1;
      a.lastSeenAt = Math.max(a.lastSeenAt, now);
      a.summary = input.summary;
      if (escalated) a.severity = input.severity;
      a.evidence = this.mergeEvidence(a.evidence, input.evidence);
      notify = escalated || now - a.lastSentAt >= this.repeatIntervalMs;
    } else {
      a = {
        name: input.name,
        severity: input.severity,
        summary: input.summary,
        labels,
        fingerprint,
        status: 'firing',
        startsAt: now,
        lastSeenAt: now,
        occurrences: 1,
        silenced: false,
        evidence: this.mergeEvidence({}, input.evidence),
        lastSentAt: Number.NEGATIVE_INFINITY,
      };
      this.alerts.set(fingerprint, a);
      notify = true;
    }
    a.silenced = this.isSilenced(a, now);
    if (notify && !a.silenced) this.enqueue(a);
    return this.view(a);
  }

  /** Marks the matching firing alert resolved and notifies (unless silenced). Returns it, if any. */
  resolve(name: string, labels: MetricLabels = {}): Alert | undefined {
    const a = this.alerts.get(seriesKey({ name, labels }));
    if (a === undefined || a.status !== 'firing') return undefined;
    const now = this.nowFn();
    a.status = 'resolved';
    a.endsAt = now;
    a.silenced = this.isSilenced(a, now);
    if (!a.silenced) this.enqueue(a);
    this.alerts.delete(a.fingerprint);
    return this.view(a);
  }

  /** Silences matching alerts until `endsAt`; returns the silence id. */
  silence(input: SilenceInput): string {
    const id = `s${++this.seq}`;
    this.silences.set(id, { ...input, id, createdAt: this.nowFn() });
    return id;
  }

  /** Removes a silence. Returns false when the id is unknown. */
  unsilence(id: string): boolean {
    return this.silences.delete(id);
  }

  /** Silences still in force. */
  activeSilences(): Silence[] {
    const now = this.nowFn();
    return [...this.silences.values()].filter((s) => s.endsAt > now);
  }

  /** Firing alerts (silenced ones included, flagged). */
  active(): Alert[] {
    return [...this.alerts.values()].map((a) => this.view(a));
  }

  private isSilenced(a: MutableAlert, now: number): boolean {
    for (const s of this.silences.values()) {
      if (s.endsAt <= now) continue;
      if ((s.name === undefined || s.name === a.name) && matches(a.labels, s.labels)) return true;
    }
    return false;
  }

  private mergeEvidence(a: AlertEvidence, b: AlertEvidence): AlertEvidence {
    const series = [...(a.series ?? []), ...(b.series ?? [])].slice(-this.maxEvidence);
    const logs = [...(a.logs ?? []), ...(b.logs ?? [])].slice(-this.maxEvidence);
    const note = b.note ?? a.note;
    return { ...(series.length > 0 ? { series } : {}), ...(logs.length > 0 ? { logs } : {}), ...(note === undefined ? {} : { note }) };
  }

  private view(a: MutableAlert): Alert {
    const { lastSentAt: _ignored, ...rest } = a;
    return { ...rest, labels: { ...a.labels } };
  }

  private enqueue(a: MutableAlert): void {
    const groupLabels: Record<string, string> = {};
    for (const k of this.groupBy) {
      const v = k === 'name' ? a.name : a.labels[k];
      if (v !== undefined) groupLabels[k] = v;
    }
    const key = seriesKey({ name: '', labels: groupLabels });
    let g = this.pending.get(key);
    if (g === undefined) {
      g = { labels: groupLabels, alerts: new Map() };
      this.pending.set(key, g);
    }
    g.alerts.set(a.fingerprint, a);
    if (this.groupWaitMs <= 0) {
      if (!this.microtaskQueued) {
        this.microtaskQueued = true;
        queueMicrotask(() => {
          this.microtaskQueued = false;
          void this.flush();
        });
      }
    } else if (this.pendingTimer === undefined) {
      this.pendingTimer = setTimeout(() => {
        this.pendingTimer = undefined;
        void this.flush();
      }, this.groupWaitMs);
      this.pendingTimer.unref();
    }
  }

  /** Sends every pending group now and waits for the sinks. */
  async flush(): Promise<void> {
    if (this.pendingTimer !== undefined) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    const groups = [...this.pending.values()];
    this.pending.clear();
    const now = this.nowFn();
    for (const g of groups) {
      this.sentAt = this.sentAt.filter((t) => now - t < this.rate.perMs);
      if (this.sentAt.length >= this.rate.max) {
        this.suppressed += 1;
        continue;
      }
      this.sentAt.push(now);
      for (const a of g.alerts.values()) a.lastSentAt = now;
      const n: AlertNotification = { groupLabels: g.labels, alerts: [...g.alerts.values()].map((a) => this.view(a)), suppressed: this.suppressed, timestamp: now };
      this.suppressed = 0;
      this.notifications.next(n);
      for (const sink of this.sinks) {
        const p = (async () => {
          try {
            await sink.send(n);
          } catch (error) {
            this.errorSubject.next({ sink: sink.name, error });
          }
        })();
        this.inflight.push(p);
      }
    }
    const all = this.inflight;
    this.inflight = [];
    await Promise.all(all);
  }

  /** Sends what is pending and completes the observables. */
  async close(): Promise<void> {
    await this.flush();
    this.errorSubject.complete();
    this.notifications.complete();
  }
}
