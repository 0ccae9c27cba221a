/**
 * `@ainka/telemetry/prometheus`: `PrometheusExporter` (loads prom-client).
 *
 * @packageDocumentation
 */
export type { TelemetryErrorCode } from './errors.js';
export { TelemetryError, malformed } from './errors.js';
export { PrometheusExporter, prometheusName } from './PrometheusExporter.js';
export type { PrometheusExporterOptions } from './PrometheusExporter.js';
