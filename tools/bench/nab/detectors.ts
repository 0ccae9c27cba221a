/** The detectors the NAB runner knows, each with its global (corpus-wide) hyper-parameters. */
import {
  EwmaDetector,
  StreamingAnomalyDetector,
  WindowedGaussianDetector,
  type AnomalyDetectorFactory,
} from '../../../packages/ml/src/index.js';

export const DETECTORS: Record<string, AnomalyDetectorFactory> = {
  ainka: () => new StreamingAnomalyDetector(),
  windowedGaussian: () => new WindowedGaussianDetector(),
  ewma: () => new EwmaDetector(),
};
