/**
 * `@ainka/ml`: streaming anomaly detection, forecasting and capacity planning for system metrics.
 *
 * @packageDocumentation
 */
export type { AnomalyAlert, AnomalyDetector, AnomalyDetectorFactory, AnomalyExplanation, AnomalyResult } from './detector.js';
export { AnomalyBank } from './anomalyBank.js';
export type { AnomalyBankOptions, AnomalyIncident } from './anomalyBank.js';
export { normalTail } from './normal.js';
export { MlOptionError } from './options.js';
export { WindowedGaussianDetector } from './windowedGaussian.js';
export type { WindowedGaussianOptions } from './windowedGaussian.js';
export { EwmaDetector } from './ewmaDetector.js';
export type { EwmaDetectorOptions } from './ewmaDetector.js';
export { StreamingAnomalyDetector, StreamingResult, STREAMING_DETECTOR_DEFAULTS } from './streamingDetector.js';
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
