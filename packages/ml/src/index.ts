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
export type { NabCorpus, NabSeries } from './nabCorpus.js';
export { runNabDetector } from './nabRun.js';
export { NAB_PROFILES, scoreNabCorpus, scaledSigmoid, probationaryLength, roundSignificant } from './nabScorer.js';
export type { NabProfile, NabProfileScore, NabScoringInput, NabScoringOptions } from './nabScorer.js';
export { StreamingAnomalyDetector } from './streamingDetector.js';
export type { StreamingDetectorOptions } from './streamingDetector.js';
