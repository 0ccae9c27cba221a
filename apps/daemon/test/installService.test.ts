import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderUnit } from '../src/installService.js';
import { daemonMain, ensureBuilt, tempDir } from './harness.js';

beforeAll(() => ensureBuilt(), 120_000);

describe('ainkad install-service', () => {
  it('writes a hardened unit pointing at this build, and a default config', () => {
    const dir = tempDir('unit');
    const r = spawnSync(process.execPath, [daemonMain, 'install-service', '--unit-dir', join(dir, 'units'), '--config-dir', join(dir, 'etc'), '--no-reload'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const unit = readFileSync(join(dir, 'units', 'ainkad.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${process.execPath} --max-semi-space-size=2 ${daemonMain} --config ${join(dir, 'etc', 'ainkad.yaml')}`);
    // ProtectHome=tmpfs when this checkout lives under /root or /home (bound back read-only; see below)
    expect(unit).toMatch(/^ProtectHome=(yes|tmpfs)$/m);
    for (const opt of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'StateDirectory=ainka', 'RuntimeDirectory=ainka', 'CapabilityBoundingSet=', 'SystemCallFilter=', 'RestrictAddressFamilies=', 'KillSignal=SIGTERM']) {
      expect(unit).toContain(opt);
    }
    // ainkad yields to the workloads it tunes: ceiling, low CPU and I/O share, memory reclaimed before the kill
    for (const opt of ['CPUQuota=25%', 'CPUWeight=10', 'Nice=10', 'IOSchedulingClass=best-effort', 'IOSchedulingPriority=7', 'IOWeight=10', 'MemoryHigh=192M', 'MemoryMax=256M']) {
      expect(unit).toMatch(new RegExp(`^${opt}$`, 'm'));
    }
    const cfg = parse(readFileSync(join(dir, 'etc', 'ainkad.yaml'), 'utf8')) as { mode: string };
    expect(cfg.mode).toBe('advise');
  });

  it('binds a build or a node the hardening would hide back into the unit, read-only', () => {
    // a checkout under /root with its node_modules, and nvm's node: both hidden by ProtectHome=yes
    const root = tempDir('hidden');
    const repo = join('/root', `ainka-unit-test-${process.pid}`);
    mkdirSync(join(repo, 'node_modules'), { recursive: true });
    mkdirSync(join(repo, 'apps', 'daemon', 'node_modules'), { recursive: true });
    try {
      const unit = renderUnit(join(root, 'ainkad.yaml'), { main: join(repo, 'apps', 'daemon', 'dist', 'main.js'), node: '/root/.nvm/versions/node/v20.20.2/bin/node' });
      expect(unit).toMatch(/^ProtectHome=tmpfs$/m);
      expect(unit).toMatch(new RegExp(`^BindReadOnlyPaths=${repo} /root/.nvm/versions/node/v20.20.2$`, 'm'));
      expect(unit).toMatch(/^PrivateTmp=yes$/m);
      // under /tmp: PrivateTmp hides it; ProtectHome stays yes
      const tmpRepo = join('/tmp', `ainka-unit-test-${process.pid}`);
      mkdirSync(join(tmpRepo, 'node_modules'), { recursive: true });
      const tmpUnit = renderUnit(join(root, 'ainkad.yaml'), { main: join(tmpRepo, 'apps', 'daemon', 'dist', 'main.js'), node: '/usr/bin/node' });
      rmSync(tmpRepo, { recursive: true, force: true });
      expect(tmpUnit).toMatch(/^ProtectHome=yes$/m);
      expect(tmpUnit).toMatch(new RegExp(`^BindReadOnlyPaths=${tmpRepo}$`, 'm'));
      // elsewhere nothing is bound
      const plain = renderUnit(join(root, 'ainkad.yaml'), { main: '/opt/ainka/apps/daemon/dist/main.js', node: '/usr/bin/node' });
      expect(plain).not.toMatch(/BindReadOnlyPaths/);
      expect(plain).toMatch(/^ProtectHome=yes$/m);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
