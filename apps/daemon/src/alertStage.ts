import { AlertManager, LogAnalyzer, alertFromDetection, type Alert, type AlertSink, type Detection, type WindowPoint } from '@ainka/telemetry';
import type { Subscription } from 'rxjs';
import type { AnomalyRecord, CapabilityStatus } from './api.js';
import { parseSeriesKey } from './history.js';

/** Options of {@link AlertStage}. */
export interface AlertStageOptions {
  /** Read `/dev/kmsg` (and the journal) for OOM kills, hung tasks, I/O errors, lockups, segfaults, unit failures. */
  readonly logs: boolean;
  /** Follow `journalctl -o json -f` too. */
  readonly journal: boolean;
  /** Root of the file tree `/dev/kmsg` is read under. */
  readonly root: string;
  /** Where notifications go (the daemon's log). */
  readonly sink: AlertSink;
}

/**
 * Alerts, from `@ainka/telemetry`: kernel-log detections (LogAnalyzer) and the daemon's anomalies both go
 * through one AlertManager (dedup by name + labels, grouping, rate limit, silences), each with its evidence.
 */
export class AlertStage {
  readonly manager: AlertManager;
  private readonly analyzer: LogAnalyzer | undefined;
  private sub: Subscription | undefined;
  private readonly detections: Detection[] = [];

  constructor(o: AlertStageOptions) {
    this.manager = new AlertManager({ sinks: [o.sink], groupWaitMs: 500 });
    this.analyzer = o.logs ? new LogAnalyzer({ root: o.root, journal: o.journal }) : undefined;
  }

  /** Start reading the kernel log; `onError` hears a failure of the log stream (the daemon goes on without it). */
  start(onDetection: (d: Detection, a: Alert) => void, onError: (err: unknown) => void = () => undefined): void {
    if (this.analyzer === undefined) return;
    this.sub = this.analyzer.detections$.subscribe({
      next: (d) => {
        this.detections.push(d);
        if (this.detections.length > 200) this.detections.shift();
        onDetection(d, this.manager.raise(alertFromDetection(d)));
      },
      error: onError,
    });
    this.analyzer.start();
  }

  /** Raise (or refresh) the alert of an anomaly, with the series as evidence. */
  anomaly(a: AnomalyRecord, recent: readonly WindowPoint[]): Alert {
    const { name, labels } = parseSeriesKey(a.series);
    return this.manager.raise({
      name: 'anomaly',
      severity: a.score >= 0.99 ? 'warning' : 'info',
      summary: `${a.series}: ${a.reason}`,
      labels: { series: a.series },
      evidence: { series: [{ name, ...(labels !== undefined ? { labels } : {}), points: recent }], note: a.reason },
      timestamp: a.at,
    });
  }

  /**
   * An anomaly that joined the host-level group another anomaly opened (`a.group` is the leader's id):
   * the leader's alert is refreshed, naming the series that moved with it, instead of a new alert being
   * raised, so a load that moves many series at once is one alert. Refreshing does not notify again.
   */
  anomalyJoined(a: AnomalyRecord, leader: AnomalyRecord, recent: readonly WindowPoint[]): Alert {
    const { name, labels } = parseSeriesKey(a.series);
    const others = a.groupIndex - 1;
    return this.manager.raise({
      name: 'anomaly',
      severity: leader.score >= 0.99 ? 'warning' : 'info',
      summary: `${leader.series}: ${leader.reason}; with it ${others} more series (latest ${a.series})`,
      labels: { series: leader.series },
      evidence: { series: [{ name, ...(labels !== undefined ? { labels } : {}), points: recent }], note: `${a.series}: ${a.reason}` },
      timestamp: a.at,
    });
  }

  /** Firing (and recently resolved) alerts. */
  active(): Alert[] {
    return this.manager.active();
  }

  /** An alert by fingerprint, or the alert of an anomaly's series. */
  find(idOrFingerprint: string): Alert | undefined {
    return this.manager.active().find((a) => a.fingerprint === idOrFingerprint || a.name === idOrFingerprint);
  }

  /** Kernel-log sources (kmsg, journal) and whether they work here. */
  status(): CapabilityStatus[] {
    if (this.analyzer === undefined) return [{ id: 'logs', available: false, reason: 'disabled by config (logs.enabled: false)' }];
    return this.analyzer.status().map((s) => (s.available ? { id: `logs:${s.id}`, available: true } : { id: `logs:${s.id}`, available: false, reason: s.reason ?? 'unknown' }));
  }

  /** Stop reading logs. */
  close(): void {
    this.sub?.unsubscribe();
    this.analyzer?.close();
  }
}
