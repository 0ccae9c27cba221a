import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiHandlers } from '../src/apiHandlers.js';
import { ApiServer } from '../src/apiServer.js';
import { DaemonClient } from '../src/client.js';
import { parseDaemonConfig } from '../src/config.js';
import { Daemon } from '../src/daemon.js';
import { createLogger } from '../src/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'ainka-tick-yields-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the fast layer yields to the event loop during a large tick', () => {
  it('answers API requests while a tick is being processed (correctness, not timing)', async () => {
    // A recording whose every tick holds 40,000 gauges: far more work than one slice of the fast layer.
    const series = 40_000;
    const tick = (t: number): string => JSON.stringify({ t, s: Array.from({ length: series }, (_, i) => ['test.gauge', { i: String(i) }, (i % 97) + t / 1000, 'ratio']) });
    const replay = join(dir, 'big.jsonl');
    writeFileSync(replay, `${[0, 1000, 2000].map(tick).join('\n')}\n`);
    const config = parseDaemonConfig({
      stateDir: join(dir, 'state'),
      api: { socket: join(dir, 'ainkad.sock') },
      telemetry: { replay, replayLoop: true, intervalMs: 100, ebpf: 'off' },
      kernel: { module: 'off' },
      logs: { enabled: false },
      history: { enabled: false },
      healing: { enabled: false },
      guard: { enabled: 'off' },
    });
    const ticks: { from: number; to: number }[] = [];
    const d = new Daemon(config, createLogger('silent'), { onTick: (b) => ticks.push({ from: b.timestamp, to: Date.now() }) });
    const api = await ApiServer.listen(d.socketPath, 0o600, apiHandlers(d, () => null));
    const answered: number[] = [];
    try {
      await d.start();
      const client = await DaemonClient.connect(d.socketPath);
      try {
        // Requests back to back until one was answered inside a tick (between its sample time and its end;
        // the replay stamps ticks with Date.now(), so the same clock here).
        const inside = (): boolean => answered.some((a) => ticks.some((t) => a > t.from && a < t.to));
        // bounded by time, not by a count of requests: on a loaded machine 500 quick answers fit inside one tick
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline && !(inside() && ticks.length >= 2)) {
          await client.call('status');
          answered.push(Date.now());
        }
      } finally {
        client.close();
      }
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(answered.some((a) => ticks.some((t) => a > t.from && a < t.to))).toBe(true);
      expect(d.tickSlices).toBeGreaterThan(0);
    } finally {
      await api.close();
      await d.stop('test');
    }
  }, 120_000);
});
