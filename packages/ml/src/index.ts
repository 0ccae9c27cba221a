/**
 * `@ainka/ml`: streaming anomaly detection, forecasting and capacity planning for system metrics.
 *
 * @packageDocumentation
 */
export type { AnomalyDetector, AnomalyDetectorFactory, AnomalyExplanation, AnomalyResult } from './detector.js';
export { erfc, normalTail } from './normal.js';
export { WindowedGaussianDetector } from './windowedGaussian.js';
export type { WindowedGaussianOptions } from './windowedGaussian.js';
export { loadNabCorpus, parseNabCsv, parseNabTimestamp, NabCorpusError } from './nabCorpus.js';
export type { NabCorpus, NabSeries, ParsedNabCsv } from './nabCorpus.js';
export { runNabDetector } from './nabRun.js';
export { NAB_PROFILES, scoreNabCorpus, scaledSigmoid, probationaryLength, roundSignificant } from './nabScorer.js';
export type { NabProfile, NabProfileScore, NabScoringInput, NabScoringOptions } from './nabScorer.js';
export { EwmaDetector } from './ewmaDetector.js';
export type { EwmaDetectorOptions } from './ewmaDetector.js';
export { StreamingAnomalyDetector } from './streamingDetector.js';
export type { StreamingDetectorOptions } from './streamingDetector.js';
export { seededRandom } from './random.js';
export { MultivariateAnomalyDetector } from './multivariateDetector.js';
export type { MultivariateAnomalyResult, MultivariateDetectorOptions, MultivariateExplanation } from './multivariateDetector.js';
export { autocorrelation, calendarPeriods, detectSeasonality } from './seasonality.js';
export type { Seasonality } from './seasonality.js';
export { HoltWinters } from './holtWinters.js';
export type { HoltWintersParams } from './holtWinters.js';
export { ArForecaster } from './arForecaster.js';
export { WorkloadPredictor } from './workloadPredictor.js';
export type { ForecastPoint, ForecasterName, WorkloadPredictorOptions } from './workloadPredictor.js';
export { backtestForecaster } from './backtest.js';
export type { BacktestOptions, BacktestResult, OnlineForecaster } from './backtest.js';
export { CapacityPlanner } from './capacityPlanner.js';
export type { CapacityEstimate, CapacityPlannerOptions } from './capacityPlanner.js';
