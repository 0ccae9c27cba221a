import { describe, expect, it } from 'vitest';
import { ThresholdManager } from '../src/index.js';

describe('ThresholdManager', () => {
  const spec = { metric: 'cpu.busy_ratio', quantile: 0.95, factor: 1, seasonal: false };

  it('publishes nothing until it has enough samples, then the quantile', () => {
    const m = new ThresholdManager({ minSamples: 20 });
    const cell = m.cell(spec);
    for (let i = 0; i < 19; i++) m.observe('cpu.busy_ratio', i / 100, i);
    m.refresh();
    expect(cell.value).toBeNaN();
    for (let i = 19; i < 101; i++) m.observe('cpu.busy_ratio', i / 100, i);
    m.refresh();
    expect(cell.value).toBeCloseTo(0.95, 5);
  });

  it('keeps one baseline per hour of day for seasonal thresholds', () => {
    const m = new ThresholdManager({ minSamples: 5 });
    const hour = 3_600_000;
    for (let day = 0; day < 10; day++) {
      m.observe('net.rx_bytes_per_second', 1000, day * 24 * hour + 3 * hour); // quiet at 03:00
      m.observe('net.rx_bytes_per_second', 90_000, day * 24 * hour + 14 * hour); // busy at 14:00
    }
    const s = { metric: 'net.rx_bytes_per_second', quantile: 0.5, factor: 2, seasonal: true };
    expect(m.compute(s, 3 * hour)).toBe(2000);
    expect(m.compute(s, 14 * hour)).toBe(180_000);
  });

  it('moves a published threshold only past the relative-change band (threshold hysteresis)', () => {
    const m = new ThresholdManager({ minSamples: 1, window: 4, minRelativeChange: 0.1 });
    const cell = m.cell({ ...spec, quantile: 1 });
    m.observe('cpu.busy_ratio', 0.5, 0);
    m.refresh();
    expect(cell.value).toBe(0.5);
    m.observe('cpu.busy_ratio', 0.52, 1);
    m.refresh();
    expect(cell.value).toBe(0.5);
    m.observe('cpu.busy_ratio', 0.6, 2);
    m.refresh();
    expect(cell.value).toBe(0.6);
  });
});
