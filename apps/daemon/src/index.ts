/**
 * `@ainka/daemon`: `ainkad`, the AINKA daemon. The package's library entry holds what clients need —
 * the local API's types, a client, the default paths and the config schema; the daemon itself is the
 * `ainkad` binary.
 *
 * @packageDocumentation
 */
export type {
  ActionRecord,
  AnomalyRecord,
  ApiMethod,
  ApiRequest,
  ApiResponse,
  CapabilityStatus,
  DaemonCost,
  DashboardAnomalies,
  DashboardDecisions,
  DashboardForecast,
  DashboardHealth,
  DashboardHistory,
  DashboardOverview,
  DashboardSeriesList,
  DashboardWindow,
  EbpfObjectStatus,
  Evidence,
  ForecastResult,
  HealingRecord,
  HealingStatus,
  HistoryPoint,
  HistoryResult,
  LatencySummary,
  LayerStatus,
  OptimizerVerdict,
  PolicySummary,
  PolicyValidation,
  SnapshotResult,
  StatusResult,
  TrialStatus,
} from './api.js';
export { mutatingMethods } from './api.js';
export { DaemonClient } from './client.js';
export { DaemonError, describeError } from './errors.js';
export type { DaemonErrorCode } from './errors.js';
export { defaultPaths } from './paths.js';
export type { DefaultPaths } from './paths.js';
export { parseDuration } from './duration.js';
export type { DurationUnit } from './duration.js';
export { daemonConfigSchema, defaultConfigYaml, loadDaemonConfig, parseDaemonConfig } from './config.js';
export type { DaemonConfig } from './config.js';
export { DaemonHistory, parseSeriesKey } from './history.js';
export type { OpenHistoryOptions } from './history.js';
export type { Decision, LatestSample } from './ruleContext.js';
export { knownMetrics, offlinePolicyStage, PolicyStage } from './policyStage.js';
