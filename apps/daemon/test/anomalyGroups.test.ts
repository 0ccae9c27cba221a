import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '@ainka/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyRecord } from '../src/index.js';
import { cliJson, ensureBuilt, eventually, startDaemon, tempDir, writeConfig, type RunningDaemon } from './harness.js';

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * A 1 Hz recording: six quiet series for 8 minutes; then a load starts and four of them leave their
 * level within 6 s of each other (as loopback traffic, context switches and system CPU do when a
 * benign load starts on an idle host); 4 minutes later a fault moves a fifth.
 */
function recording(file: string): void {
  const rand = seededRandom(7);
  const t0 = Date.UTC(2026, 11, 7, 12, 0, 0);
  const load = 480;
  const fault = 720;
  const series = ['cpu.system_ratio', 'net.rx_packets_per_second', 'cpu.context_switches_per_second', 'mem.slab_unreclaimable_bytes', 'cpu.user_ratio', 'mem.cached_bytes'];
  const base = [0.03, 5, 80, 8e6, 0.05, 8e7];
  const noise = [0.003, 0.5, 5, 2e4, 0.005, 2e5];
  const jumpAt = [load, load + 2, load + 4, load + 6, fault, -1];
  const lines: string[] = [];
  for (let i = 0; i < 900; i++) {
    const s = series.map((name, k) => {
      const moved = jumpAt[k]! >= 0 && i >= jumpAt[k]!;
      const v = base[k]! * (moved ? 8 : 1) + noise[k]! * gaussian(rand);
      return [name, null, Math.max(0, v), 'gauge'];
    });
    lines.push(JSON.stringify({ t: t0 + i * 1000, s }));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

let d: RunningDaemon;

beforeAll(async () => {
  ensureBuilt();
  const dir = tempDir('groups');
  const rec = join(dir, 'load-then-fault.jsonl');
  recording(rec);
  const cfg = writeConfig(dir, ['telemetry: { replayTime: recorded }', 'layers: { deepIntervalMs: 60000 }', ''].join('\n'));
  // The recording replays on its own clock, 20× faster than recorded (~45 s; the timeouts leave room for
  // a loaded CI machine).
  d = await startDaemon(dir, ['--config', cfg, '--replay', rec, '--interval', '50']);
}, 120_000);

afterAll(async () => {
  await d?.stop();
});

describe('ainkad groups anomalies that open together into one host-level incident (ml.anomaly.groupSeconds)', () => {
  it('raises one alert for the four series a starting load moves, and a separate one for the fault minutes later', async () => {
    const opened = await eventually(() => {
      const a = d.logs().filter((l) => l.event === 'anomaly').map((l) => l.anomaly as AnomalyRecord);
      return a.some((x) => x.series === 'cpu.user_ratio') ? a : undefined;
    }, 150_000);
    const load = opened.filter((a) => a.series !== 'cpu.user_ratio');
    const fault = opened.find((a) => a.series === 'cpu.user_ratio')!;
    expect(load.length).toBeGreaterThanOrEqual(3);
    expect(new Set(load.map((a) => a.group)).size).toBe(1);
    expect(load[0]!.group).toBe(load[0]!.id);
    expect(fault.group).toBe(fault.id);
    const { alerts } = cliJson<{ alerts: Array<{ name: string; labels: Record<string, string>; summary: string }> }>(['anomalies'], d.socket);
    const anomalyAlerts = alerts.filter((a) => a.name === 'anomaly');
    expect(anomalyAlerts.map((a) => a.labels.series).sort()).toEqual([load[0]!.series, 'cpu.user_ratio'].sort());
    const loadAlert = anomalyAlerts.find((a) => a.labels.series === load[0]!.series)!;
    expect(loadAlert.summary).toContain(`with it ${load.length - 1} more series`);
  }, 200_000);
});
