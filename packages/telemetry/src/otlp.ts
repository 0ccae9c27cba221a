/**
 * `@ainka/telemetry/otlp`: OTLP metrics export.
 *
 * @packageDocumentation
 */
export type { TelemetryErrorCode } from './errors.js';
export { TelemetryError, malformed } from './errors.js';
export { otlpJsonLines, toOtlpJson } from './otlpJson.js';
export type { OtlpAttribute, OtlpDataPoint, OtlpMetric, OtlpMetricsRequest, OtlpOptions } from './otlpJson.js';
