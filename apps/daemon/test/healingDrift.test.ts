import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HealingRecord, StatusResult } from '../src/index.js';
import { cli, cliJson, ensureBuilt, eventually, journal, startDaemon, tempDir, writeConfig } from './harness.js';

beforeAll(() => ensureBuilt(), 120_000);

/** A file tree standing for / : two sysctls and two files under /etc. */
function fakeRoot(dir: string): string {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'proc/sys/vm'), { recursive: true });
  mkdirSync(join(root, 'etc/sysctl.d'), { recursive: true });
  writeFileSync(join(root, 'proc/sys/vm/swappiness'), '60\n');
  writeFileSync(join(root, 'proc/sys/vm/dirty_ratio'), '20\n');
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n');
  writeFileSync(join(root, 'etc/motd'), 'hello\n');
  return root;
}

describe('ainkad drift healing (file-tree root)', () => {
  it('records a baseline, shows drift with who and a diff, restores only enforce items, and rolls the restore back', async () => {
    const dir = tempDir('drift');
    const root = fakeRoot(dir);
    const cfg = writeConfig(
      dir,
      [
        'mode: enforce',
        `root: ${JSON.stringify(root)}`,
        'policy: { builtin: false, packs: [] }',
        'ml: { anomaly: { enabled: false } }',
        'history: { enabled: false }',
        'logs: { enabled: false }',
        'kernel: { module: off }',
        `telemetry: { procRoot: ${JSON.stringify(root)}, ebpf: off, processes: { enabled: false }, cgroups: { enabled: false } }`,
        'actions: { rollbackOnExit: false }',
        'healing: { mode: enforce, leaks: { enabled: false }, drift: { fullIntervalMs: 1000 } }',
        '',
      ].join('\n'),
    );
    const d = await startDaemon(dir, ['--config', cfg]);
    try {
      const rec = cli(['baseline', 'record', '--sysctl', 'vm.swappiness', 'vm.dirty_ratio', '--file', '/etc/hosts', '/etc/motd', '--enforce', 'sysctl:vm.swappiness', 'file:/etc/hosts'], d.socket);
      expect(rec.code, rec.stderr).toBe(0);
      expect(rec.stdout).toMatch(/recorded \d+ items .*enforced: sysctl:vm.swappiness, file:\/etc\/hosts/);
      expect(cli(['baseline', 'diff'], d.socket).stdout).toMatch(/no drift/);
      // Someone drifts four items; a sysctl.d file explains one of them.
      writeFileSync(join(root, 'etc/sysctl.d/90-tune.conf'), 'vm.dirty_ratio = 40\n');
      writeFileSync(join(root, 'proc/sys/vm/dirty_ratio'), '40\n');
      writeFileSync(join(root, 'proc/sys/vm/swappiness'), '10\n');
      writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n10.6.6.6 updates.example\n');
      writeFileSync(join(root, 'etc/motd'), 'bye\n');
      // Enforced items come back; the others are shown, never changed.
      await eventually(() => (readFileSync(join(root, 'proc/sys/vm/swappiness'), 'utf8').trim() === '60' ? true : undefined), 15_000);
      await eventually(() => (readFileSync(join(root, 'etc/hosts'), 'utf8') === '127.0.0.1 localhost\n' ? true : undefined), 15_000);
      expect(readFileSync(join(root, 'proc/sys/vm/dirty_ratio'), 'utf8').trim()).toBe('40');
      expect(readFileSync(join(root, 'etc/motd'), 'utf8')).toBe('bye\n');
      const diff = cli(['baseline', 'diff'], d.socket).stdout;
      expect(diff).toMatch(/sysctl:vm\.dirty_ratio\n {2}- 20\n {2}\+ 40\n {2}by: \/etc\/sysctl\.d\/90-tune\.conf/);
      expect(diff).toMatch(/file:\/etc\/motd[\s\S]*- hello\n {4}\+ bye/);
      const status = cliJson<StatusResult>(['status'], d.socket);
      const swap = status.healing?.records.find((r) => r.key === 'sysctl:vm.swappiness') as HealingRecord;
      expect(swap.summary).toMatch(/sysctl vm\.swappiness: 60 → 10/);
      const explained = cliJson<{ healing: HealingRecord; actions: { status: string; changeId: number | null; before: string | null; value: string }[] }>(['explain', swap.id], d.socket);
      const applied = explained.actions.find((a) => a.status === 'applied');
      expect(applied).toMatchObject({ before: '10', value: '60' });
      expect(journal(d.stateDir).some((r) => r.type === 'commit')).toBe(true);
      // Rolling the restore back gives the drifted value back (the administrator's), as journaled.
      const rb = cli(['rollback', String(applied?.changeId)], d.socket);
      expect(rb.code, rb.stderr).toBe(0);
      expect(readFileSync(join(root, 'proc/sys/vm/swappiness'), 'utf8').trim()).toBe('10');
      const hosts = status.healing?.records.find((r) => r.key === 'file:/etc/hosts') as HealingRecord;
      const hostsAction = cliJson<{ actions: { status: string; changeId: number | null }[] }>(['explain', hosts.id], d.socket).actions.find((a) => a.status === 'applied');
      expect(cli(['rollback', String(hostsAction?.changeId)], d.socket).code).toBe(0);
      expect(readFileSync(join(root, 'etc/hosts'), 'utf8')).toBe('127.0.0.1 localhost\n10.6.6.6 updates.example\n');
      // The rollback is respected: the drift stays shown, and is not restored again.
      const again = await eventually(() => cliJson<StatusResult>(['status'], d.socket).healing?.records.find((r) => r.key === 'sysctl:vm.swappiness' && r.status === 'open' && r.remedy.startsWith('rolled back')), 15_000);
      expect(again.summary).toMatch(/60 → 10/);
      await new Promise((r) => setTimeout(r, 2000));
      expect(readFileSync(join(root, 'proc/sys/vm/swappiness'), 'utf8').trim()).toBe('10');
    } finally {
      await d.stop();
    }
  }, 120_000);
});
