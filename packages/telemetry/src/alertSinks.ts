import { TelemetryError } from './errors.js';
import type { AlertNotification, AlertSink } from './alertManager.js';

/** The subset of `console` the log sink uses. @public */
export interface AlertLogger {
  /** Resolutions and info alerts. */
  info(message: string): void;
  /** Warnings and rate-limit notes. */
  warn(message: string): void;
  /** Critical alerts. */
  error(message: string): void;
}

/**
 * A sink writing one human-readable line per alert to a logger (`console` by default): critical →
 * `error`, warning → `warn`, info and resolutions → `info`.
 *
 * @public
 */
export function logSink(logger: AlertLogger = console): AlertSink {
  return {
    name: 'log',
    send(n: AlertNotification): void {
      for (const a of n.alerts) {
        const labels = Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(' ');
        const line = `[ainka] ${a.status === 'resolved' ? 'RESOLVED' : a.severity.toUpperCase()} ${a.name}${labels === '' ? '' : ` {${labels}}`}: ${a.summary}${a.occurrences > 1 ? ` (x${a.occurrences})` : ''}`;
        if (a.status === 'resolved' || a.severity === 'info') logger.info(line);
        else if (a.severity === 'warning') logger.warn(line);
        else logger.error(line);
      }
      if (n.suppressed > 0) logger.warn(`[ainka] ${n.suppressed} alert notification(s) dropped by the rate limit`);
    },
  };
}

/** A writable that takes strings (`process.stdout`, a file stream). @public */
export interface LineWriter {
  /** Writes one chunk (a JSON line). */
  write(chunk: string): unknown;
}

/**
 * A sink writing each notification as one JSON line (`{"type":"ainka.alert", …}`) to stdout or any
 * writer.
 *
 * @public
 */
export function stdoutJsonSink(out: LineWriter = process.stdout): AlertSink {
  return {
    name: 'stdout-json',
    send(n: AlertNotification): void {
      out.write(`${JSON.stringify({ type: 'ainka.alert', ...n })}\n`);
    },
  };
}

/** Options of {@link webhookSink}. @public */
export interface WebhookSinkOptions {
  /** Extra headers, e.g. an authorization token. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Give up after this long. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** The fetch implementation (default: the global one of Node >= 18). */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * A sink POSTing each notification as JSON to a URL. A non-2xx answer or a timeout rejects with
 * `ERR_AINKA_TELEMETRY_WEBHOOK_FAILED` (reported on the manager's `errors$`).
 *
 * @public
 */
export function webhookSink(url: string, options: WebhookSinkOptions = {}): AlertSink {
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    name: `webhook ${url}`,
    async send(n: AlertNotification): Promise<void> {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
          body: JSON.stringify(n),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
      } catch (err) {
        throw new TelemetryError('ERR_AINKA_TELEMETRY_WEBHOOK_FAILED', `POST ${url} failed (${String((err as Error).message)}): check that the receiver is up and reachable.`, { cause: err });
      }
      if (!res.ok) {
        throw new TelemetryError('ERR_AINKA_TELEMETRY_WEBHOOK_FAILED', `POST ${url} answered ${res.status} ${res.statusText}: check the receiver's URL and credentials.`);
      }
    },
  };
}
