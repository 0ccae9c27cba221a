import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The efficacy lab's short version (tools/lab, `--short --local`): one scenario, one repetition of
// default, TuneD and ainkad in enforce mode inside this systemd guest. It checks the harness itself —
// a complete table row, every reset checked clean against the pristine snapshot, no kept regression —
// so the lab cannot rot between full runs (`node tools/lab/run.mjs`, see tools/lab/RESULTS.md).
const inSystem = process.env.AINKA_TEST_TARGET === 'system';
const repo = join(import.meta.dirname, '..', '..', '..');

describe.runIf(inSystem)('efficacy lab, short version', () => {
  it('runs net-loss10 under default, TuneD and AINKA with clean, checked resets', () => {
    const r = spawnSync(process.execPath, [join(repo, 'tools/lab/run.mjs'), '--short', '--local'], { cwd: repo, encoding: 'utf8', timeout: 900_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out).toMatch(/ok: complete table, clean resets, no kept regression/);
    expect(r.status, out).toBe(0);
    const dir = join(repo, '.testbed', 'lab');
    const latest = readdirSync(dir).filter((f) => /^results-.*\.json$/.test(f)).sort().pop() ?? '';
    const results = JSON.parse(readFileSync(join(dir, latest), 'utf8')) as {
      finished: boolean;
      samples: { config: string; scenario: string; values: Record<string, number> }[];
      resets: { ok: boolean }[];
    };
    expect(results.finished).toBe(true);
    for (const config of ['default', 'tuned', 'ainka']) {
      const s = results.samples.find((x) => x.config === config && x.scenario === 'net-loss10');
      expect(s?.values.goodput, `${config} goodput`).toBeGreaterThan(0);
    }
    expect(results.resets.map((x) => x.ok)).toEqual([true, true, true]);
  }, 960_000);
});
