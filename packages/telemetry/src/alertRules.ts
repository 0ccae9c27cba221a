import type { AlertManager } from './alertManager.js';
import type { Severity } from './logDetectors.js';
import { type MetricLabels, type MetricSample, seriesKey } from './metricSample.js';

/** A threshold rule on a metric. @public */
export interface AlertRule {
  /** Alert name, e.g. `memory_pressure_high`. */
  readonly name: string;
  /** Metric name from the catalogue, e.g. `psi.memory.some_avg10`. */
  readonly metric: string;
  /** Only series carrying these labels. */
  readonly labels?: MetricLabels;
  /** Comparison between the value and `threshold`. */
  readonly op: '>' | '>=' | '<' | '<=';
  /** The value compared against. */
  readonly threshold: number;
  /** The condition must hold this long before the alert fires. Default 0. */
  readonly forMs?: number;
  /** Severity of the raised alert. */
  readonly severity: Severity;
  /** Summary; `{value}`, `{threshold}` and `{labels}` are replaced. */
  readonly summary?: string;
  /** How much history goes into the evidence. Default 60 000 ms. */
  readonly evidenceWindowMs?: number;
}

const cmp = (op: AlertRule['op'], v: number, t: number): boolean => (op === '>' ? v > t : op === '>=' ? v >= t : op === '<' ? v < t : v <= t);

/**
 * Evaluates threshold rules on each batch of samples, raising alerts (with the series values as
 * evidence) when a condition has held for `forMs`, and resolving them when it clears.
 *
 * @public
 */
export class AlertRuleEngine {
  private readonly rules: AlertRule[];
  private readonly alerts: AlertManager;
  private readonly recent = new Map<string, Array<{ timestamp: number; value: number }>>();
  private readonly since = new Map<string, number>();
  private readonly firing = new Set<string>();

  constructor(alerts: AlertManager, rules: readonly AlertRule[] = []) {
    this.alerts = alerts;
    this.rules = [...rules];
  }

  /** Adds a rule. */
  add(rule: AlertRule): void {
    this.rules.push(rule);
  }

  /** Feeds one batch (one tick) of samples. */
  evaluate(samples: readonly MetricSample[]): void {
    for (const s of samples) {
      for (const r of this.rules) {
        if (r.metric !== s.name) continue;
        const labels = s.labels ?? {};
        if (r.labels !== undefined && Object.entries(r.labels).some(([k, v]) => labels[k] !== v)) continue;
        const key = `${r.name}\u0000${seriesKey(s)}`;
        const window = r.evidenceWindowMs ?? 60_000;
        const buf = this.recent.get(key) ?? [];
        buf.push({ timestamp: s.timestamp, value: s.value });
        while (buf.length > 0 && (buf[0]?.timestamp ?? 0) < s.timestamp - window) buf.shift();
        this.recent.set(key, buf);
        if (cmp(r.op, s.value, r.threshold)) {
          const start = this.since.get(key) ?? s.timestamp;
          this.since.set(key, start);
          if (s.timestamp - start >= (r.forMs ?? 0)) {
            const labelText = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
            const summary = (r.summary ?? `${r.metric}{labels} is {value} (${r.op} {threshold})`)
              .replaceAll('{value}', String(Math.round(s.value * 1000) / 1000))
              .replaceAll('{threshold}', String(r.threshold))
              .replaceAll('{labels}', labelText === '' ? '' : `{${labelText}}`);
            this.alerts.raise({
              name: r.name,
              severity: r.severity,
              summary,
              labels,
              timestamp: s.timestamp,
              evidence: {
                series: [{ name: s.name, labels, unit: s.unit, points: [...buf] }],
                note: `${r.metric} ${r.op} ${r.threshold}${r.forMs ? ` for ${r.forMs} ms` : ''}`,
              },
            });
            this.firing.add(key);
          }
        } else {
          this.since.delete(key);
          if (this.firing.delete(key)) this.alerts.resolve(r.name, labels);
        }
      }
    }
  }
}
