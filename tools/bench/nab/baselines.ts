/** Reference detectors scored next to `StreamingAnomalyDetector` by `honest.ts`. */
import { EwmaDetector, WindowedGaussianDetector, type AnomalyDetector } from '../../../packages/ml/src/index.js';

export const BASELINES: Record<string, () => AnomalyDetector> = {
  windowedGaussian: () => new WindowedGaussianDetector(),
  ewma: () => new EwmaDetector(),
};
