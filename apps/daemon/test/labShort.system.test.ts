import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The efficacy lab's short version, in the Debian 12 systemd guest (`node tools/testbed/testbed.mjs
// system-test`), so the lab cannot rot between full runs (`node tools/lab/run.mjs`, tools/lab/RESULTS.md):
//  1. its reset check really catches a setting a tuner left behind (and writes the pristine value back);
//  2. `run.mjs --short --local --configs default` runs one scenario (net-loss10: the netns/veth/ifb/netem
//     topology, iperf3, 5 s warm-up + 5 s measured) end to end — setup, measurement, teardown, the reset
//     checked against the pristine snapshot, the raw results and the Markdown report.
// TuneD and ainkad are left to the full lab (`node tools/lab/run.mjs`): under TCG their start-up costs
// 1.5 and 3 minutes of emulated CPU, over this test's budget of about 3 minutes of guest time; ainkad as
// a unit is checked by system-smoke, its trials by optimizer.test.ts, the lab's statistics, journal
// reading and report by `node --test tools/lab/test`.
const inSystem = process.env.AINKA_TEST_TARGET === 'system';
const repo = join(import.meta.dirname, '..', '..', '..');

interface Snapshot {
  [key: string]: string;
}
interface StateModule {
  snapshot(): Snapshot;
  diffSnapshots(a: Snapshot, b: Snapshot): { key: string; pristine: string; now: string }[];
  restorePristine(diffs: { key: string; pristine: string; now: string }[]): string[];
}

describe.runIf(inSystem)('efficacy lab, short version', () => {
  it('the reset check finds a sysctl a tuner left changed, and restores it', async () => {
    const state = (await import(join(repo, 'tools/lab/lib/state.mjs'))) as StateModule;
    const key = '/proc/sys/vm/swappiness';
    const pristine = state.snapshot();
    expect(Object.keys(pristine).length).toBeGreaterThan(100);
    expect(state.diffSnapshots(pristine, state.snapshot())).toEqual([]);
    const was = readFileSync(key, 'utf8').trim();
    writeFileSync(key, was === '33' ? '34\n' : '33\n');
    try {
      const diffs = state.diffSnapshots(pristine, state.snapshot());
      expect(diffs.map((d) => d.key)).toEqual([key]);
      expect(state.restorePristine(diffs)).toEqual([]);
      expect(state.diffSnapshots(pristine, state.snapshot())).toEqual([]);
    } finally {
      writeFileSync(key, `${was}\n`);
    }
  }, 120_000);

  it('runs net-loss10 end to end with a checked reset and a report', () => {
    const r = spawnSync(process.execPath, [join(repo, 'tools/lab/run.mjs'), '--short', '--local', '--configs', 'default'], { cwd: repo, encoding: 'utf8', timeout: 600_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out).toMatch(/ok: complete table, clean resets, no kept regression/);
    expect(r.status, out).toBe(0);
    const dir = join(repo, '.testbed', 'lab');
    const latest = readdirSync(dir).filter((f) => /^results-.*\.json$/.test(f)).sort().pop() ?? '';
    const results = JSON.parse(readFileSync(join(dir, latest), 'utf8')) as {
      finished: boolean;
      samples: { config: string; scenario: string; values: Record<string, number>; changes: unknown[] }[];
      resets: { ok: boolean; config: string }[];
    };
    expect(results.finished).toBe(true);
    const s = results.samples.find((x) => x.config === 'default' && x.scenario === 'net-loss10');
    expect(s?.values.goodput, 'goodput').toBeGreaterThan(0);
    expect(results.resets.map((x) => `${x.config}:${x.ok}`)).toEqual(['default:true']);
    // The report: a table row for the objective with a value and a verdict cell (n/a: one sample).
    const md = readFileSync(join(dir, readdirSync(dir).filter((f) => /^RESULTS-.*\.md$/.test(f)).sort().pop() ?? ''), 'utf8');
    expect(md).toMatch(/\| netns \+ veth, netem 50 ms, 10 % loss.*\| iperf3 goodput, Mbit\/s ↑ \| [\d.]+ .*\| \*\*n\/a\*\* \|/);
    expect(md).toMatch(/## Resets between configurations\n\n1 of 1 resets checked clean/);
  }, 660_000);
});
