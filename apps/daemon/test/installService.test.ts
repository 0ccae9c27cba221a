import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { daemonMain, ensureBuilt, tempDir } from './harness.js';

beforeAll(() => ensureBuilt(), 120_000);

describe('ainkad install-service', () => {
  it('writes a hardened unit pointing at this build, and a default config', () => {
    const dir = tempDir('unit');
    const r = spawnSync(process.execPath, [daemonMain, 'install-service', '--unit-dir', join(dir, 'units'), '--config-dir', join(dir, 'etc'), '--no-reload'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const unit = readFileSync(join(dir, 'units', 'ainkad.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} --max-semi-space-size=2 ${daemonMain} --config ${join(dir, 'etc', 'ainkad.yaml')}`);
    for (const opt of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'StateDirectory=ainka', 'RuntimeDirectory=ainka', 'CapabilityBoundingSet=', 'SystemCallFilter=', 'RestrictAddressFamilies=', 'KillSignal=SIGTERM']) {
      expect(unit).toContain(opt);
    }
    // ainkad yields to the workloads it tunes: ceiling, low CPU and I/O share, memory reclaimed before the kill
    for (const opt of ['CPUQuota=25%', 'CPUWeight=10', 'Nice=10', 'IOSchedulingClass=best-effort', 'IOSchedulingPriority=7', 'IOWeight=10', 'MemoryHigh=192M', 'MemoryMax=256M']) {
      expect(unit).toMatch(new RegExp(`^${opt}$`, 'm'));
    }
    const cfg = parse(readFileSync(join(dir, 'etc', 'ainkad.yaml'), 'utf8')) as { mode: string };
    expect(cfg.mode).toBe('advise');
  });
});
