import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient, type ActionRecord, type StatusResult } from '../src/index.js';
import { ensureBuilt, journal, serverFixture, startDaemon, tempDir, writeConfig } from './harness.js';

beforeAll(() => ensureBuilt(), 120_000);

describe('ainkad enforce mode with the shipped server pack: changes with an objective are trials', () => {
  it('applies the read-ahead step as a journaled trial and rolls it back when read throughput falls after it', async () => {
    const dir = tempDir('trial');
    const root = join(dir, 'root');
    const ra = join(root, 'sys', 'block', 'vda', 'queue', 'read_ahead_kb');
    mkdirSync(join(root, 'sys', 'block', 'vda', 'queue'), { recursive: true });
    writeFileSync(ra, '128\n');
    // The recording: a 1 MiB sequential read stream on vda from 24 s to 57 s, then (looped) 24 s without reads.
    // The rule fires 15 s into the stream, the baseline is measured while it runs, and the change lands
    // as the stream ends: the objective (vda read throughput) collapses after the change, so it is rolled back.
    const cfg = writeConfig(
      dir,
      ['mode: enforce', `root: ${JSON.stringify(root)}`, 'telemetry: { replayTime: recorded, replayLoop: true }', 'actions: { rollbackOnExit: false, trialCooldownMinutes: 60 }', 'ml: { anomaly: { enabled: false } }', ''].join('\n'),
    );
    const d = await startDaemon(dir, ['--config', cfg, '--replay', serverFixture, '--interval', '100']);
    try {
      const started = await d.waitFor((l) => l.event === 'trial' && (l.trial as { phase?: string } | undefined)?.phase === 'baseline', 60_000);
      expect(String(started.msg)).toMatch(/^trial #1: measuring disk\.read_bytes_per_second\{device="vda"\} \(maximize\) over 4 windows of 5 s before setting block:vda:read_ahead_kb to 256 \(rule 'larger-read-ahead-for-sequential-streams'/);
      expect(readFileSync(ra, 'utf8').trim()).toBe('128'); // nothing is written while the baseline is measured
      // `status` shows the running trial (what the lab waits on before it measures).
      const client = await DaemonClient.connect(d.socket);
      const during = await client.call<StatusResult>('status', {});
      expect(during.trial).toMatchObject({ id: 1, knob: 'block:vda:read_ahead_kb', value: '256', rule: 'larger-read-ahead-for-sequential-streams' });
      const applied = await d.waitFor((l) => l.event === 'action' && (l.action as ActionRecord).status === 'applied', 60_000);
      const a = applied.action as ActionRecord;
      expect(a.knob).toBe('block:vda:read_ahead_kb');
      expect(a.before).toBe('128');
      expect(a.value).toBe('256');
      const verdict = await d.waitFor((l) => l.event === 'trial' && (l.trial as { decision?: string } | undefined)?.decision !== undefined, 60_000);
      const t = verdict.trial as { decision: string; changeId: number; verdict: { before: number[]; after: number[]; p: number } };
      expect(t.decision).toBe('rollback');
      expect(t.changeId).toBe(a.changeId);
      expect(t.verdict.before).toHaveLength(4);
      expect(Math.min(...t.verdict.before)).toBeGreaterThan(16 * 2 ** 20);
      expect(t.verdict.p).toBeLessThan(0.05);
      expect(String(verdict.msg)).toMatch(/^trial #1: rolled back block:vda:read_ahead_kb 256 → 128 \(journal #\d+\): the objective got worse: .*; rule 'larger-read-ahead-for-sequential-streams' cools down for 60 min/);
      expect(readFileSync(ra, 'utf8').trim()).toBe('128');
      expect((await client.call<StatusResult>('status', {})).trial).toBeNull();
      client.close();
      // The journal holds the change and its rollback.
      const begins = journal(d.stateDir).filter((r) => r.type === 'begin') as { changes: { id: number; knob: string; reason: string; because: string; undoes?: number[] }[] }[];
      const changes = begins.flatMap((b) => b.changes);
      expect(changes.find((c) => c.id === a.changeId)?.reason).toBe('larger-read-ahead-for-sequential-streams');
      const undo = changes.find((c) => c.reason === 'rollback');
      expect(undo?.undoes).toEqual([a.changeId]);
      // The journal says why (what `ainka explain` and the lab's change table show): the trial's verdict.
      expect(undo?.because).toMatch(/^trial #1 of rule 'larger-read-ahead-for-sequential-streams': the objective got worse: mean .* after vs .* before \(-\d+\.\d %, beyond the 2 % margin; Welch p = /);
      // The rule cools down: the stream comes back with the loop, but no second trial starts.
      await new Promise((r) => setTimeout(r, 6000));
      expect(d.logs().filter((l) => l.event === 'trial' && (l.trial as { phase?: string } | undefined)?.phase === 'baseline')).toHaveLength(1);
    } finally {
      await d.stop();
    }
  }, 180_000);
  it('rolls back a change whose objective got better when one of its guards got worse, and says which guard', async () => {
    const dir = tempDir('guard');
    const root = join(dir, 'root');
    const ra = join(root, 'sys', 'block', 'vda', 'queue', 'read_ahead_kb');
    mkdirSync(join(root, 'sys', 'block', 'vda', 'queue'), { recursive: true });
    writeFileSync(ra, '128\n');
    // The same recording: after the change the stream ends, so the disk gets less busy (the objective,
    // minimised, "improves") while its read throughput (the guard, maximised) collapses: not kept.
    const policy = join(dir, 'guarded.yaml');
    writeFileSync(
      policy,
      [
        'apiVersion: ainka.dev/v1',
        'kind: Policy',
        'name: guarded',
        'mode: enforce',
        'rules:',
        '  - name: guarded-read-ahead',
        '    when: disk.utilization_ratio{device="vda"} > 0.2 for 15s and avg(disk.read_request_bytes{device="vda"}, 15s) > 32KiB for 15s',
        '    then:',
        '      - knob: block:vda:read_ahead_kb',
        '        set: 512',
        '        objective:',
        '          minimize: disk.utilization_ratio{device="vda"}',
        '          window: 5s',
        '          windows: 4',
        '          guard:',
        '            - maximize: disk.read_bytes_per_second{device="vda"}',
        '    cooldown: 60m',
        '',
      ].join('\n'),
    );
    const cfg = writeConfig(
      dir,
      ['mode: enforce', `root: ${JSON.stringify(root)}`, 'policy:', '  packs: []', `  files: [${JSON.stringify(policy)}]`, 'telemetry: { replayTime: recorded, replayLoop: true }', 'actions: { rollbackOnExit: false, trialCooldownMinutes: 60 }', 'ml: { anomaly: { enabled: false } }', ''].join('\n'),
    );
    const d = await startDaemon(dir, ['--config', cfg, '--replay', serverFixture, '--interval', '100']);
    try {
      const applied = await d.waitFor((l) => l.event === 'action' && (l.action as ActionRecord).status === 'applied', 90_000);
      expect((applied.action as ActionRecord).value).toBe('256'); // a damped step towards 512
      const verdict = await d.waitFor((l) => l.event === 'trial' && (l.trial as { decision?: string } | undefined)?.decision !== undefined, 60_000);
      const t = verdict.trial as { decision: string; verdict: { improvement: number; guards: { metric: string; decision: string; measured: boolean }[] } };
      expect(t.decision).toBe('rollback');
      expect(t.verdict.improvement).toBeGreaterThan(0); // the objective alone would have kept it
      expect(t.verdict.guards).toEqual([expect.objectContaining({ metric: 'disk.read_bytes_per_second{device="vda"}', decision: 'rollback', measured: true })]);
      expect(String(verdict.msg)).toMatch(/: the objective was not worse beyond noise: .*, but a guard got worse: guard disk\.read_bytes_per_second\{device="vda"\} got worse: mean \d+ after vs \d+ before/);
      expect(readFileSync(ra, 'utf8').trim()).toBe('128');
    } finally {
      await d.stop();
    }
  }, 180_000);
});
