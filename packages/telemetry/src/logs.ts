/**
 * `@ainka/telemetry/logs`: kernel log and journal parsing and detectors, `LogAnalyzer`.
 *
 * @packageDocumentation
 */
export type { TelemetryErrorCode } from './errors.js';
export { TelemetryError, malformed } from './errors.js';
export { parseKmsgRecord, parseJournalEntry } from './logEvent.js';
export type { LogEvent } from './logEvent.js';
export {
  defaultLogDetectors,
  detectHungTask,
  detectIoError,
  detectLockup,
  detectOomKill,
  detectSegfault,
  detectServiceFailure,
} from './logDetectors.js';
export type { Detection, DetectionKind, LogDetector, Severity } from './logDetectors.js';
export { LogAnalyzer } from './logAnalyzer.js';
export type { LogAnalyzerOptions } from './logAnalyzer.js';
