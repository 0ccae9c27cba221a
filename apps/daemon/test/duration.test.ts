import { isAinkaError } from '@ainka/errors';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDaemonConfig } from '../src/config.js';
import { parseDuration } from '../src/duration.js';
import { daemonMain, ensureBuilt, repo, tempDir, writeConfig } from './harness.js';

describe('parseDuration: one duration parser for ainkad.yaml and the CLIs', () => {
  it('reads single and compound durations into the unit asked for', () => {
    expect(parseDuration('5m', 's')).toBe(300);
    expect(parseDuration('1h30m', 's')).toBe(5400);
    expect(parseDuration('1h 30m', 'm')).toBe(90);
    expect(parseDuration('250ms', 's')).toBe(0.25);
    expect(parseDuration('1.5h', 'ms')).toBe(5_400_000);
    expect(parseDuration('2d', 'h')).toBe(48);
    expect(parseDuration(' 90s ', 'm')).toBe(1.5);
    expect(parseDuration('0s', 'ms')).toBe(0);
  });

  it('takes a bare number (string or number) in the unit asked for', () => {
    expect(parseDuration('90', 's')).toBe(90);
    expect(parseDuration('1000', 'ms')).toBe(1000);
    expect(parseDuration(2.5, 'h')).toBe(2.5);
  });

  it('refuses anything that is not wholly a duration, naming what it was for and the accepted forms', () => {
    for (const bad of ['', 'fast', '5x', '5 parsecs', '5m garbage', 'm5', '-5m', '1h-30m', '5m,', '1e3s']) {
      let caught: unknown;
      try {
        parseDuration(bad, 's', '--range');
      } catch (err) {
        caught = err;
      }
      expect(isAinkaError(caught, 'ERR_AINKA_DAEMON_DURATION_INVALID'), bad).toBe(true);
      expect((caught as Error).message, bad).toMatch(/^--range ".*" .*; write a number with a unit such as 250ms, 90s, 5m, 1h30m or 2d \(a bare number is in seconds\)\.$/);
    }
    expect(() => parseDuration('5 parsecs', 'ms')).toThrow(/unknown unit "parsecs"/);
    expect(() => parseDuration(-1, 's')).toThrow(/non-negative/);
    expect(() => parseDuration(Number.NaN, 's')).toThrow(/finite/);
  });

  it('lets every duration key of ainkad.yaml take units, converted to the key\'s own unit', () => {
    const c = parseDaemonConfig({
      telemetry: { intervalMs: '2s', processes: { intervalMs: '1m' } },
      history: { retentionHours: '1d', flushIntervalMs: 700 },
      actions: { cooldownSeconds: '1h30m', trialCooldownMinutes: '90s' },
      healing: { pressure: { sustainSeconds: '500ms' }, drift: { sysctlIntervalMs: null } },
    });
    expect(c.telemetry.intervalMs).toBe(2000);
    expect(c.telemetry.processes.intervalMs).toBe(60_000);
    expect(c.history.retentionHours).toBe(24);
    expect(c.history.flushIntervalMs).toBe(700); // numbers stay numbers in the key's unit
    expect(c.actions.cooldownSeconds).toBe(5400);
    expect(c.actions.trialCooldownMinutes).toBe(1.5);
    expect(c.healing.pressure.sustainSeconds).toBe(0.5);
    expect(c.healing.drift.sysctlIntervalMs).toBeNull();
  });

  it('names the key and the accepted forms for a duration that does not parse, and still applies the key\'s bounds', () => {
    expect(() => parseDaemonConfig({ history: { flushIntervalMs: '5 parsecs' } })).toThrow(/history\.flushIntervalMs: the duration "5 parsecs" has the unknown unit "parsecs"; write a number with a unit such as 250ms/);
    expect(() => parseDaemonConfig({ telemetry: { intervalMs: '2h' } })).toThrow(/telemetry\.intervalMs: Too big/); // 7,200,000 ms > 60,000
    expect(() => parseDaemonConfig({ telemetry: { intervalMs: '0.5ms' } })).toThrow(/telemetry\.intervalMs/); // not a whole ms
  });

  it('ainkad reads durations with units from its config file and --interval, and exits 78 naming a bad one', () => {
    ensureBuilt();
    const dir = tempDir('duration');
    const bad = writeConfig(dir, 'history:\n  retentionHours: 1 fortnight\n');
    const r = spawnSync(process.execPath, [daemonMain, '--config', bad, '--state-dir', dir], { encoding: 'utf8' });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('history.retentionHours: the duration "1 fortnight" has the unknown unit "fortnight"');
    const flag = spawnSync(process.execPath, [daemonMain, '--state-dir', dir, '--interval', 'soon'], { encoding: 'utf8' });
    expect(flag.status).toBe(78);
    expect(flag.stderr).toContain('telemetry.intervalMs: the duration "soon" is not a duration');
  }, 60_000);

  it('works from the built library entry, ESM and CJS (parse-duration is ESM-only)', async () => {
    ensureBuilt();
    const dist = join(repo, 'apps', 'daemon', 'dist');
    const cjs = createRequire(import.meta.url)(join(dist, 'index.cjs')) as { parseDuration: typeof parseDuration };
    expect(cjs.parseDuration('1h30m', 's')).toBe(5400);
    const esm = (await import(join(dist, 'index.js'))) as { parseDuration: typeof parseDuration };
    expect(esm.parseDuration('1h30m', 's')).toBe(5400);
  }, 60_000);
});
