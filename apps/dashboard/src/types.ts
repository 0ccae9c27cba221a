/**
 * The shapes the dashboard reads from ainkad's HTTP API. They are `@ainka/daemon`'s own API types
 * (imported as types only: nothing of the daemon package reaches the browser bundle), under the names
 * the page uses.
 */
import type {
  ActionRecord,
  AnomalyRecord,
  DashboardDecisions,
  DashboardHealth,
  DashboardHistory,
  DashboardOverview,
  EbpfObjectStatus,
  ForecastResult,
  HistoryPoint,
  LatencySummary,
  OptimizerVerdict,
} from '@ainka/daemon';

export type { Evidence } from '@ainka/daemon';
/** A time-stamped value (`t` in ms since the epoch). */
export type Point = HistoryPoint;
/** An anomaly opened by per-series detection. */
export type Anomaly = AnomalyRecord;
/** A decision: advice, an applied change, a kernel policy-cache event. */
export type Decision = ActionRecord;
/** A verdict of the optimizer on a trial change. */
export type Verdict = OptimizerVerdict;
/** `GET /api/decisions`. */
export type DecisionsResult = DashboardDecisions;
/** A journaled change. */
export type JournalChange = DashboardDecisions['journal'][number];
/** A forecast with its interval. */
export type Forecast = ForecastResult;
/** `GET /api/overview`. */
export type Overview = DashboardOverview;
/** `GET /api/history`. */
export type HistoryBuckets = DashboardHistory;
/** A latency summary of a decision layer. */
export type Latency = LatencySummary;
/** One eBPF object and its counters since ainkad started. */
export type EbpfObject = EbpfObjectStatus;
/** `GET /api/health`. */
export type Health = DashboardHealth;
