/** The detectors the NAB runner knows, each with its global (corpus-wide) hyper-parameters. */
import { WindowedGaussianDetector, type AnomalyDetectorFactory } from '../../../packages/ml/src/index.js';

export const DETECTORS: Record<string, AnomalyDetectorFactory> = {
  windowedGaussian: () => new WindowedGaussianDetector(),
};
