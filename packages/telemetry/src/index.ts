/**
 * `@ainka/telemetry`: the AINKA telemetry hub — procfs/sysfs/cgroup collectors, SQLite history,
 * kernel log analysis, alerts and exporters.
 *
 * @packageDocumentation
 */
export * from './collectors.js';
export * from './history.js';
export * from './logs.js';
export * from './alerts.js';
export * from './prometheus.js';
export * from './otlp.js';
export { TelemetryHub } from './telemetryHub.js';
export type { TelemetryHubOptions } from './telemetryHub.js';
