import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { daemonConfigSchema, defaultConfigYaml, parseDaemonConfig } from '../src/config.js';
import { daemonMain, ensureBuilt, tempDir, writeConfig } from './harness.js';

beforeAll(() => ensureBuilt(), 120_000);

describe('ainkad config', () => {
  it('prints a documented default config that parses back to the defaults', () => {
    const r = spawnSync(process.execPath, [daemonMain, '--print-default-config'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('# advise (default)');
    expect(parseDaemonConfig(parse(r.stdout))).toEqual(daemonConfigSchema.parse({}));
    expect(r.stdout).toBe(defaultConfigYaml());
  });

  it('defaults to advise mode with rollback on exit', () => {
    const c = daemonConfigSchema.parse({});
    expect(c.mode).toBe('advise');
    expect(c.actions.rollbackOnExit).toBe(true);
    expect(c.metrics.host).toBe('127.0.0.1');
    expect(c.api.socketMode).toBe('0660');
  });

  it('rejects an unknown or mistyped key naming it, and ainkad exits 78', () => {
    expect(() => parseDaemonConfig({ telemetry: { intervalMs: 'fast' } })).toThrow(/telemetry\.intervalMs/);
    expect(() => parseDaemonConfig({ moed: 'enforce' })).toThrow(/moed|unrecognized/i);
    const dir = tempDir('cfg');
    const cfg = writeConfig(dir, 'mode: sometimes\n');
    const r = spawnSync(process.execPath, [daemonMain, '--config', cfg, '--state-dir', dir], { encoding: 'utf8' });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('mode');
    expect(r.stderr).toContain('ERR_AINKA_DAEMON_CONFIG_INVALID');
  });
});
