/**
 * `@ainka/fleet`: learning across machines from Prometheus. Reads the fleet's history through Prometheus's
 * HTTP API, learns per-series robust baselines (median, MAD) across the hosts of each group (a label such
 * as `role`), flags outlier hosts by robust z-score, and publishes thresholds and policies as files and
 * Kubernetes ConfigMaps that ainkad validates before use.
 *
 * @packageDocumentation
 */
export { FleetError, FleetErrorCode, isFleetError } from './errors.js';
export { learnFleet, learnFromSeries, seriesKey } from './fleetLearner.js';
export type { FleetLearnOptions, FleetModel, FleetQueryOptions, GroupBaseline, HostValue, HostVerdict, SeriesBaseline } from './fleetLearner.js';
export { fillTemplate, kubeName, publishFleet, thresholdsTsv } from './fleetPublisher.js';
export type { PolicyTemplate, PublishedGroup, PublishOptions, PublishResult } from './fleetPublisher.js';
export { PrometheusClient } from './prometheusClient.js';
export type { MetricMetadata, RangeSeries } from './prometheusClient.js';
export { median, robustSpread, robustZ } from './robustStats.js';
export type { RobustSpread } from './robustStats.js';
