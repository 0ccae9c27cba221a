import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealingRecord, StatusResult } from '../src/index.js';
import { cli, cliJson, ensureBuilt, eventually, repo, startDaemon, tempDir, writeConfig, type LogLine } from './harness.js';

const leaker = join(repo, 'packages', 'healing', 'test', 'fixtures', 'leaker.cjs');
const children: ChildProcess[] = [];

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('ainkad self-healing on the live host', () => {
  it('reports a real descriptor leak with its rate and ETA, explains it, and resolves it when the process is gone', async () => {
    const dir = tempDir('healing');
    const cfg = writeConfig(
      dir,
      [
        'policy: { builtin: false, packs: [] }',
        'ml: { anomaly: { enabled: false } }',
        'history: { enabled: false }',
        'logs: { enabled: false }',
        'kernel: { module: off }',
        'telemetry: { ebpf: off, processes: { enabled: false }, cgroups: { enabled: false } }',
        'healing: { leaks: { intervalMs: 250, windowSeconds: 10, minSpanSeconds: 6 } }',
        '',
      ].join('\n'),
    );
    const d = await startDaemon(dir, ['--config', cfg]);
    try {
      const child = spawn('sh', ['-c', `ulimit -n 1024; exec "${process.execPath}" "${leaker}" fds 20`], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await once(child.stdout as NodeJS.ReadableStream, 'data');
      const pid = child.pid as number;
      const line = await d.waitFor((l: LogLine) => l.event === 'healing' && String((l.healing as { key: string }).key).startsWith(`pid:${pid}:`), 40_000);
      const id = (line.healing as { id: string }).id;
      expect(String(line.msg)).toMatch(new RegExp(`pid ${pid}\\).*grows fds by .*fds/s.*RLIMIT_NOFILE soft limit 1024.*reached in ~`));
      const status = cliJson<StatusResult>(['status'], d.socket);
      const rec = status.healing?.records.find((r) => r.id === id);
      expect(rec?.status).toBe('open');
      expect(status.healing?.protectedUnits).toContain('ssh.service');
      const explained = cliJson<{ kind: string; healing: HealingRecord }>(['explain', id], d.socket);
      expect(explained.kind).toBe('healing');
      expect(explained.healing.evidence[0]?.condition).toMatch(/Theil–Sen/);
      expect(explained.healing.evidence[1]?.series).toBe('limit{RLIMIT_NOFILE soft limit 1024}');
      // A process outside any service gets advice, never a kill.
      expect(explained.healing.remedy).toMatch(/advice only/);
      expect(explained.healing.actions).toEqual([]);
      const human = cli(['explain', id], d.socket);
      expect(human.stdout).toMatch(/evidence: process\.fds/);
      expect(cli(['status'], d.socket).stdout).toMatch(new RegExp(`${id}\\s+leak\\s+open`));
      child.kill('SIGKILL');
      await eventually(() => (cliJson<StatusResult>(['status'], d.socket).healing?.records.find((r) => r.id === id)?.status === 'resolved' ? true : undefined), 20_000);
    } finally {
      await d.stop();
    }
  }, 90_000);
});
