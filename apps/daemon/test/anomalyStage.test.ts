import { describe, expect, it } from 'vitest';
import { seededRandom } from '@ainka/ml';
import { AnomalyStage, anomalyDetectorFactory } from '../src/anomalyStage.js';
import { parseDaemonConfig } from '../src/config.js';

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

describe('AnomalyStage with the daemon defaults (calibrated threshold, alert state)', () => {
  const settings = parseDaemonConfig({}).ml.anomaly;

  it('uses a calibrated default threshold, not 0.9', () => {
    expect(settings.threshold).toBe(0.99);
  });

  it('opens one anomaly at the onset of a blatant 1 Hz fault, holds it for the incident, then closes it', () => {
    const stage = new AnomalyStage({ factory: anomalyDetectorFactory(settings), threshold: settings.threshold, maxSeries: 10, exclude: [] });
    const rand = seededRandom(21);
    const start = 2 * 86_400; // two days of 1 Hz history
    const opened: number[] = [];
    let activeDuringFault = 0;
    let scoreDuringFault = Infinity;
    for (let i = 0; i < start + 600; i++) {
      const fault = i >= start && i < start + 120;
      const v = 0.1 + 0.01 * gaussian(rand) + (fault ? 0.8 : 0);
      if (stage.update('cpu.busy_ratio', 'cpu.busy_ratio', i * 1000, v) !== undefined) opened.push(i);
      if (fault && i >= start + 10) {
        if (stage.isActive('cpu.busy_ratio')) activeDuringFault++;
        scoreDuringFault = Math.min(scoreDuringFault, stage.score('cpu.busy_ratio') ?? 0);
      }
    }
    expect(opened).toHaveLength(1);
    expect((opened[0] as number) - start).toBeLessThanOrEqual(10);
    // Not a one-tick spike: the anomaly and its score hold for the whole incident.
    expect(activeDuringFault).toBe(110);
    expect(scoreDuringFault).toBeGreaterThanOrEqual(settings.threshold);
    expect(stage.isActive('cpu.busy_ratio')).toBe(false);
    expect(stage.all()).toHaveLength(1);
  });
});
