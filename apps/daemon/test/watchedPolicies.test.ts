import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { offlinePolicyStage } from '../src/policyStage.js';
import { WatchedPolicies } from '../src/watchedPolicies.js';
import { tempDir } from './harness.js';

const policy = (name: string, set: number) =>
  ['apiVersion: ainka.dev/v1', 'kind: Policy', `name: ${name}`, 'rules:', '  - name: r', '    when: mem.dirty_bytes > 1GiB for 30s', '    then:', '      - knob: sysctl:vm.swappiness', `        set: ${set}`, ''].join('\n');

function setup() {
  const dir = join(tempDir('watched'), 'fleet');
  mkdirSync(dir, { recursive: true });
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(JSON.parse(c.toString()) as Record<string, unknown>), cb()) });
  const stage = offlinePolicyStage();
  return { dir, stage, lines, watched: new WatchedPolicies([dir], stage, createLogger('info', sink)) };
}

describe('watched policy directories (fleet ConfigMaps)', () => {
  it('loads a policy only after the local validator accepts it; a refused file is never used', () => {
    const { dir, stage, watched } = setup();
    writeFileSync(join(dir, 'good.yaml'), policy('fleet-good', 10));
    writeFileSync(join(dir, 'bad.yaml'), policy('fleet-bad', 450)); // vm.swappiness is 0 … 200
    mkdirSync(join(dir, '..2026_12_07'), { recursive: true }); // a ConfigMap's own entries are skipped
    writeFileSync(join(dir, '..data'), 'not a policy');
    const scan = watched.scan();
    expect(scan.loaded).toEqual([join(dir, 'good.yaml')]);
    expect(scan.refused.map((r) => r.file)).toEqual([join(dir, 'bad.yaml')]);
    expect(scan.refused[0]?.errors.join('\n')).toMatch(/450 is outside 0 … 200/);
    expect(stage.list().map((p) => p.name)).toEqual(['fleet-good']);
    expect(watched.counts()).toEqual([
      { dir, state: 'loaded', files: 1 },
      { dir, state: 'refused', files: 1 },
    ]);
  });

  it('a refused new version does not replace the valid one in use; a fixed version is loaded on the next scan', () => {
    const { dir, stage, watched, lines } = setup();
    writeFileSync(join(dir, 'p.yaml'), policy('fleet-p', 10));
    watched.scan();
    writeFileSync(join(dir, 'p.yaml'), policy('fleet-p', 999));
    const second = watched.scan();
    expect(second.changed).toEqual([]);
    expect(stage.list().find((p) => p.name === 'fleet-p')).toBeDefined();
    expect(stage.runtime.rule('fleet-p', 'r')?.then[0]).toMatchObject({ set: 10 });
    expect(lines.some((l) => l.event === 'policy-refused' && String(l.msg).includes('its previous version stays in use'))).toBe(true);
    writeFileSync(join(dir, 'p.yaml'), policy('fleet-p', 20));
    expect(watched.scan().changed).toEqual([join(dir, 'p.yaml')]);
    expect(stage.runtime.rule('fleet-p', 'r')?.then[0]).toMatchObject({ set: 20 });
    expect(watched.scan().changed).toEqual([]); // unchanged files are not reloaded
  });
});
