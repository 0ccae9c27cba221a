import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, tempDir } from './harness.js';

const dir = join(repo, 'deploy', 'prometheus');
const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
if (promtool === undefined) console.warn("skipping deploy/prometheus checks: promtool is missing (Debian's prometheus package; npm test installs it)");

function run(args: string[], cwd = dir): { code: number; out: string } {
  const r = spawnSync(promtool as string, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(promtool === undefined)('deploy/prometheus rules (promtool)', () => {
  it('promtool check rules accepts the recording and alerting rules', () => {
    const r = run(['check', 'rules', 'ainka.rules.yml']);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it('promtool test rules: every health alert fires on a broken host and not on a healthy one', () => {
    const r = run(['test', 'rules', 'ainka.rules.test.yml']);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
    const tests = readFileSync(join(dir, 'ainka.rules.test.yml'), 'utf8');
    for (const alert of ['AinkaDown', 'AinkaLayerDown', 'AinkaEbpfDrops', 'AinkaJournalErrors', 'AinkaAdvicePending', 'AinkaFastLayerStalled', 'AinkaPolicyRefused']) {
      expect(tests, alert).toContain(`alertname: ${alert}`);
    }
  });

  it('promtool test rules goes red when an alert stops firing (the check can fail)', () => {
    const t = tempDir('promrules');
    // A health rule that can never fire: the unit test that expects it must fail.
    writeFileSync(join(t, 'ainka.rules.yml'), readFileSync(join(dir, 'ainka.rules.yml'), 'utf8').replace('expr: increase(ainka_ebpf_kernel_drops_total[5m]) > 0', 'expr: increase(ainka_ebpf_kernel_drops_total[5m]) > 1e9'));
    copyFileSync(join(dir, 'ainka.rules.test.yml'), join(t, 'ainka.rules.test.yml'));
    const r = run(['test', 'rules', 'ainka.rules.test.yml'], t);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('AinkaEbpfDrops');
  });

  it('promtool check config accepts the example scrape config', () => {
    const r = run(['check', 'config', 'prometheus.example.yml']);
    expect(r.code).toBe(0);
  });
});
