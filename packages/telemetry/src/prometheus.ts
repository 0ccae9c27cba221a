/**
 * `@ainka/telemetry/prometheus`: `PrometheusExporter` (loads prom-client).
 *
 * @packageDocumentation
 */
export type { TelemetryErrorCode } from './errors.js';
export { TelemetryError, malformed } from './errors.js';
export { PrometheusExporter, prometheusName } from './prometheusExporter.js';
export type { PrometheusExporterOptions } from './prometheusExporter.js';
