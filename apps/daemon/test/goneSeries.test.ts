import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StatusResult } from '../src/index.js';
import { cliJson, ensureBuilt, eventually, startDaemon, tempDir, writeConfig } from './harness.js';

beforeAll(() => ensureBuilt(), 120_000);

/**
 * A recording (on its own clock, 10 s a tick) where 15 short-lived processes and their 15 transient units
 * report for the first 100 s and only one machine series lasts the whole 23 minutes.
 */
function recording(dir: string): string {
  const lines: string[] = [];
  const t0 = 1_700_000_000_000;
  for (let i = 0; i < 140; i++) {
    const s: unknown[] = [['cpu.busy_ratio', null, 0.2 + 0.01 * (i % 3), 'ratio']];
    if (i < 10) {
      for (let pid = 100; pid < 115; pid++) s.push(['process.rss_bytes', { pid: String(pid), comm: 'job' }, 1e6 + i, 'bytes']);
      for (let n = 0; n < 15; n++) s.push(['cgroup.memory_current_bytes', { cgroup: `system.slice/run-job${n}.scope` }, 2e6 + i, 'bytes']);
    }
    lines.push(JSON.stringify({ t: t0 + i * 10_000, s }));
  }
  const p = join(dir, 'churn.jsonl');
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

describe('ainkad forgets series that are gone', () => {
  it('drops the windows and detectors of processes and units that stopped reporting 10 minutes ago', async () => {
    const dir = tempDir('gone');
    const config = writeConfig(
      dir,
      [
        `telemetry: { replay: ${JSON.stringify(recording(dir))}, replayTime: recorded, ebpf: off }`,
        'policy: { packs: [] }',
        'history: { enabled: false }',
        '',
      ].join('\n'),
    );
    const d = await startDaemon(dir, ['--config', config, '--interval', '100']);
    try {
      // until the forgetting pass of tick 128: 31 series with a window, 16 with a detector (process.* is excluded)
      const early = await eventually(() => {
        const s = cliJson<StatusResult>(['status'], d.socket);
        return s.ticks >= 10 && s.ticks < 120 ? s : undefined;
      }, 15_000, 50);
      expect(early.series).toBe(31);
      expect(early.detectors).toBe(16);
      // after the recording (the last forgetting pass at tick 128, 1,190 s after the processes stopped)
      const late = await eventually(() => {
        const s = cliJson<StatusResult>(['status'], d.socket);
        return s.ticks >= 135 ? s : undefined;
      }, 30_000);
      expect(late.series).toBe(1);
      expect(late.detectors).toBe(1);
    } finally {
      await d.stop();
    }
  }, 60_000);
});
