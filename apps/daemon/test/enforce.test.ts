import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord, StatusResult } from '../src/index.js';
import { cli, cliJson, ensureBuilt, eventually, fixture, journal, startDaemon, tempDir, writeConfig } from './harness.js';

/** A file tree with the knobs the writeback rule touches, at the kernel's defaults. */
function fakeRoot(dir: string): string {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'proc', 'sys', 'vm'), { recursive: true });
  writeFileSync(join(root, 'proc', 'sys', 'vm', 'dirty_background_ratio'), '10\n');
  writeFileSync(join(root, 'proc', 'sys', 'vm', 'dirty_ratio'), '20\n');
  return root;
}

const knobFile = (root: string) => join(root, 'proc', 'sys', 'vm', 'dirty_background_ratio');

function enforceConfig(dir: string, root: string, rollbackOnExit: boolean): string {
  const policy = join(dir, 'wb.yaml');
  writeFileSync(
    policy,
    [
      'apiVersion: ainka.dev/v1',
      'kind: Policy',
      'name: writeback-enforce',
      'mode: enforce',
      'rules:',
      '  - name: writeback-pressure',
      '    description: Lots of dirty page cache; start background writeback earlier.',
      '    when: mem.dirty_bytes > 256MiB for 1s',
      '    then:',
      '      - knob: sysctl:vm.dirty_background_ratio',
      '        set: 5',
      '',
    ].join('\n'),
  );
  return writeConfig(
    dir,
    [
      'mode: enforce',
      `root: ${JSON.stringify(root)}`,
      'policy:',
      '  packs: []',
      `  files: [${JSON.stringify(policy)}]`,
      `actions: { rollbackOnExit: ${rollbackOnExit} }`,
      'ml: { anomaly: { enabled: false } }',
      '',
    ].join('\n'),
  );
}

beforeAll(() => ensureBuilt(), 120_000);

describe('ainkad in enforce mode against a file-tree root', () => {
  it('applies the action, journals it, and rolls it back on request', async () => {
    const dir = tempDir('enforce');
    const root = fakeRoot(dir);
    const d = await startDaemon(dir, ['--config', enforceConfig(dir, root, false), '--replay', fixture, '--interval', '150']);
    try {
      const line = await d.waitFor((l) => l.event === 'action' && (l.action as ActionRecord).status === 'applied');
      const a = line.action as ActionRecord;
      expect(a.knob).toBe('sysctl:vm.dirty_background_ratio');
      expect(a.before).toBe('10');
      expect(readFileSync(knobFile(root), 'utf8').trim()).toBe('5');
      expect(String(line.msg)).toMatch(/^reason 'writeback-pressure' on knob sysctl:vm\.dirty_background_ratio: 10 → 5, because mem\.dirty_bytes = \d+ > 268435456 for 1 s/);
      expect(journal(d.stateDir).some((r) => r.type === 'commit')).toBe(true);
      const explained = cliJson<{ kind: string; action: ActionRecord }>(['explain', a.id], d.socket);
      expect(explained.action.changeId).toBe(a.changeId);
      const rb = cli(['rollback', '--all'], d.socket);
      expect(rb.code).toBe(0);
      expect(rb.stdout).toMatch(/rollback/);
      expect(readFileSync(knobFile(root), 'utf8').trim()).toBe('10');
    } finally {
      await d.stop();
    }
  });

  it('rolls its changes back on SIGTERM when rollbackOnExit is on', async () => {
    const dir = tempDir('exit');
    const root = fakeRoot(dir);
    const d = await startDaemon(dir, ['--config', enforceConfig(dir, root, true), '--replay', fixture, '--interval', '150']);
    await d.waitFor((l) => l.event === 'action' && (l.action as ActionRecord).status === 'applied');
    expect(readFileSync(knobFile(root), 'utf8').trim()).toBe('5');
    expect(await d.stop('SIGTERM')).toBe(0);
    expect(readFileSync(knobFile(root), 'utf8').trim()).toBe('10');
  });

  it('recovers from the journal after kill -9 in the middle of an action', async () => {
    const dir = tempDir('kill9');
    const root = fakeRoot(dir);
    const cfg = enforceConfig(dir, root, false);
    const d = await startDaemon(dir, ['--config', cfg, '--replay', fixture, '--interval', '150'], { AINKA_TEST_APPLY_DELAY_MS: '3000' });
    // The batch is journaled ('begin') before the (delayed) write: kill it there.
    await eventually(() => (journal(d.stateDir).some((r) => r.type === 'begin') ? true : undefined), 20_000, 50);
    d.proc.kill('SIGKILL');
    await new Promise((r) => d.proc.once('exit', r));
    const before = journal(d.stateDir);
    expect(before.some((r) => r.type === 'commit')).toBe(false);
    const value = readFileSync(knobFile(root), 'utf8').trim();
    expect(['10', '5']).toContain(value);
    // Restart in advise mode on the live machine: recovery runs before anything else.
    const again = await startDaemon(dir, ['--state-dir', d.stateDir, '--mode', 'advise', '--root', root, '--interval', '500']);
    try {
      const s = cliJson<StatusResult>(['status'], again.socket);
      expect(s.recovery.reverted.length).toBe(1);
      expect(readFileSync(knobFile(root), 'utf8').trim()).toBe('10');
      expect(journal(d.stateDir).some((r) => r.type === 'abort')).toBe(true);
      await again.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('recovered from the journal'));
    } finally {
      await again.stop();
    }
  });
});
