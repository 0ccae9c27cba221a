import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDashboardToken, readDashboardToken, tokenMatches } from '../src/dashboardToken.js';
import { DaemonHistory } from '../src/history.js';
import { tempDir } from './harness.js';

describe('the dashboard admin token', () => {
  it('is written 0600, kept across restarts, and replaced when others could read it', () => {
    const dir = tempDir('token');
    const first = ensureDashboardToken(dir);
    expect(first.token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(ensureDashboardToken(dir).token).toBe(first.token);
    expect(readDashboardToken(dir)).toBe(first.token);
    chmodSync(first.path, 0o644);
    const again = ensureDashboardToken(dir);
    expect(again.token).not.toBe(first.token);
    expect(statSync(again.path).mode & 0o777).toBe(0o600);
    writeFileSync(again.path, 'not a token\n', { mode: 0o600 });
    expect(ensureDashboardToken(dir).token).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(again.path, 'utf8')).not.toContain('not a token');
  });

  it('matches only the exact token', () => {
    const t = 'a'.repeat(64);
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(undefined, t)).toBe(false);
    expect(tokenMatches('a'.repeat(63), t)).toBe(false);
    expect(tokenMatches(`${'a'.repeat(63)}b`, t)).toBe(false);
  });
});

describe('history buckets for the dashboard (real SQLite tiers)', () => {
  it('answers hour/day ranges at the tiers resolution and sums a metric across its series', () => {
    const h = new DaemonHistory({ path: join(tempDir('hist'), 'history.db'), retentionMs: 3600_000 });
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
    try {
      for (let i = 0; i < 30 * 60; i += 5) {
        const timestamp = start + i * 1000;
        h.write([
          { name: 'net.rx_bytes_per_second', labels: { device: 'eth0' }, value: 100, unit: 'bytes_per_second', timestamp },
          { name: 'net.rx_bytes_per_second', labels: { device: 'eth1' }, value: 50, unit: 'bytes_per_second', timestamp },
          { name: 'cpu.busy_ratio', value: (i % 120) / 120, unit: 'ratio', timestamp },
        ]);
      }
      h.manager.maintain();
      const to = start + 30 * 60_000;
      const raw = h.buckets('cpu.busy_ratio', to - 3600_000, to, 1000);
      expect(raw.series[0]?.points.length).toBe(360);
      const day = h.buckets('cpu.busy_ratio', to - 86_400_000, to, 60_000);
      expect(day.stepMs).toBe(60_000);
      // Each bucket from the finest tier that holds it: minute buckets from the raw tier for the last 30 min
      // (an older hour-tier bucket may precede them), strictly increasing, never two points at one time.
      const ts = (day.series[0]?.points ?? []).map((p) => p.t);
      expect(ts.slice(-30)).toEqual(Array.from({ length: 30 }, (_, i) => start + i * 60_000));
      for (let i = 1; i < ts.length; i++) expect(ts[i] as number).toBeGreaterThan(ts[i - 1] as number);
      for (const t of ts) expect(t % 60_000).toBe(0);
      expect(day.tiers).toContain('raw');
      const sum = h.buckets('sum(net.rx_bytes_per_second)', to - 3600_000, to, 60_000);
      expect(sum.series).toHaveLength(1);
      expect(sum.series[0]?.points.every((p) => p.value === 150)).toBe(true);
      expect(h.buckets('no.such_metric', to - 3600_000, to, 1000).series).toEqual([]);
    } finally {
      h.close();
    }
  });
});
