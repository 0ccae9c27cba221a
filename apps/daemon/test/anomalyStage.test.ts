import { describe, expect, it } from 'vitest';
import { seededRandom } from '@ainka/ml';
import { createAnomalyBank, excludeMatcher, toAnomalyRecord } from '../src/anomalyStage.js';
import { parseDaemonConfig } from '../src/config.js';

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

describe('the anomaly bank ainkad builds from ml.anomaly (the bank itself is tested in @ainka/ml)', () => {
  const settings = parseDaemonConfig({}).ml.anomaly;

  it('uses a calibrated default threshold, not 0.9', () => {
    expect(settings.threshold).toBe(0.99);
  });

  it('opens one anomaly at the onset of a blatant fault with the default settings, reported with the API names', () => {
    const bank = createAnomalyBank(settings);
    const rand = seededRandom(21);
    const start = 2 * 86_400;
    const opened: number[] = [];
    for (let i = 0; i < start + 600; i++) {
      const v = 0.1 + 0.01 * gaussian(rand) + (i >= start && i < start + 120 ? 0.8 : 0);
      if (bank.update('cpu.busy_ratio', 'cpu.busy_ratio', i * 1000, v) !== undefined) opened.push(i);
    }
    expect(opened).toHaveLength(1);
    const record = toAnomalyRecord(bank.all()[0]!);
    expect(record.at).toBe((opened[0] as number) * 1000);
    expect(record.lastAt).toBeGreaterThan(record.at);
    expect(Object.keys(record).sort()).toEqual(['at', 'count', 'expected', 'group', 'groupIndex', 'id', 'lastAt', 'reason', 'score', 'series', 'value']);
  });

  it('the default exclude globs (picomatch) skip counters, per-process and info series and nothing else', () => {
    const excluded = excludeMatcher(settings.exclude);
    expect(excluded).toBeDefined();
    for (const name of ['cpu.context_switches_total', 'psi.cpu.some_stall_seconds_total', 'process.rss_bytes', 'process.cpu_cores', 'x.info']) expect(excluded?.(name), name).toBe(true);
    for (const name of ['cpu.busy_ratio', 'processes.count', 'process', 'block.queue.scheduler_info', 'mem.total_bytes']) expect(excluded?.(name), name).toBe(false);
    const bank = createAnomalyBank(settings);
    bank.update('process.rss_bytes{pid=1}', 'process.rss_bytes', 0, 1);
    bank.update('cpu.busy_ratio', 'cpu.busy_ratio', 0, 1);
    expect(bank.detectorCount).toBe(1);
  });

  it('exclude globs: `*` spans dots, `?` is one character, braces list alternatives; no globs exclude nothing', () => {
    const m = excludeMatcher(['net.*.errors_per_second', 'disk.?o_*', 'vm.{oom,alloc}_*']);
    expect(m?.('net.udp.in.errors_per_second')).toBe(true);
    expect(m?.('disk.io_time_ratio')).toBe(true);
    expect(m?.('disk.iowait')).toBe(false);
    expect(m?.('vm.oom_kills_total')).toBe(true);
    expect(m?.('vm.page_faults_per_second')).toBe(false);
    expect(excludeMatcher([])).toBeUndefined();
  });
});
