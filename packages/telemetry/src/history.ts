/**
 * `@ainka/telemetry/history`: `HistoryManager`: tiered SQLite history (loads better-sqlite3).
 *
 * @packageDocumentation
 */
export type { TelemetryErrorCode } from './errors.js';
export { TelemetryError, malformed } from './errors.js';
export { HistoryManager, defaultHistoryTiers } from './historyManager.js';
export type {
  HistoryAggregate,
  HistoryAggregateQuery,
  HistoryOptions,
  HistoryPoint,
  HistoryQuery,
  HistorySeries,
  HistoryStats,
  HistoryTier,
  MaintenanceReport,
  SeriesInfo,
} from './historyManager.js';
