/**
 * `@ainka/telemetry/alerts`: `AlertManager`, alert rules and sinks.
 *
 * @packageDocumentation
 */
export type { TelemetryErrorCode } from './errors.js';
export { TelemetryError, malformed } from './errors.js';
export { AlertManager, alertFromDetection } from './alertManager.js';
export type {
  Alert,
  AlertEvidence,
  AlertInput,
  AlertManagerOptions,
  AlertNotification,
  AlertSink,
  SeriesEvidence,
  Silence,
  SilenceInput,
} from './alertManager.js';
export { logSink, stdoutJsonSink, webhookSink } from './alertSinks.js';
export type { AlertLogger, LineWriter, WebhookSinkOptions } from './alertSinks.js';
export { AlertRuleEngine } from './alertRules.js';
export type { AlertRule } from './alertRules.js';
