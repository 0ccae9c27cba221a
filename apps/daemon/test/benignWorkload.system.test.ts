import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from './harness.js';

// The benign-workload run's short version (issues 13 and 14), in the Debian 12 systemd guest
// (`node tools/testbed/testbed.mjs system-test`): ainkad as the product's unit with its default config
// (advisory, guard and healing on) while compile jobs, web load on nginx and a proxied app server,
// package-manager activity (a .deb installed and removed, tar/gzip), cron jobs with log rotation,
// Debian's daily cron scripts, a systemd timer, SSH logins, su/runuser and planned restarts of the app
// server and nginx run for 1.5 minutes. Nothing in it is an attack: the guard must raise no alert and
// healing must ask for no action (none on a protected unit in particular). The 30-minute run is
// `node tools/lab/benign.mjs` (tools/lab/BENIGN.md). Seen red on its first run: `read-shadow-file` fired
// on PID 1's child running the PAM stack of user@0.service at an SSH login (fixed in the starter pack).
const inSystem = process.env.AINKA_TEST_TARGET === 'system';

interface Raw {
  finished: boolean;
  errors: string[];
  workload: { counts: Record<string, { ok: number; failed: number }> & { web?: { requests: number; codes: Record<string, number> } } };
  collected: {
    alerts: { rule: string; summary: string; tree: string; beforeWorkload: boolean }[];
    healing: { id: string; kind: string; key: string; first: string }[];
    healingActions: { kind: string; knob: string; status: string; protected: boolean }[];
  };
}

describe.runIf(inSystem)('ainkad (product unit, defaults) on a benign workload', () => {
  it('raises no guard alert and asks for no healing action', () => {
    // the raw result stays in .testbed/lab (on the host too) for `node tools/lab/benign.mjs --report`
    const dir = join(repo, '.testbed', 'lab');
    mkdirSync(dir, { recursive: true });
    const json = join(dir, `benign-test-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    // progress lines (stderr) go to the console as they come; the summary line is on stdout
    const r = spawnSync(process.execPath, [join(repo, 'tools/lab/benign.mjs'), '--local', '--minutes', '1.5', '--json', json], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 1_500_000 });
    const out = r.stdout;
    expect(r.status, out).toBe(0);
    const raw = JSON.parse(readFileSync(json, 'utf8')) as Raw;
    expect(raw.errors, out).toEqual([]);
    expect(raw.finished).toBe(true);
    // the workload really ran: builds, web requests answered, packages installed, cron, SSH logins, su
    const c = raw.workload.counts;
    for (const job of ['compile', 'packages', 'cron', 'ssh', 'su']) expect(c[job]?.ok ?? 0, `${job}: ${JSON.stringify(c[job])}\n${out}`).toBeGreaterThan(0);
    expect(c.web?.codes['200'] ?? 0, JSON.stringify(c.web)).toBeGreaterThan(50);
    const { alerts, healing, healingActions } = raw.collected;
    console.log(`[benign] ${out.split('\n').find((l) => l.startsWith('benign: ') && l.includes('guard alerts')) ?? ''}`);
    // every alert on this workload is a false alert, also those raised while ainkad starts (the kernel's own
    // autoload of the sock_diag modules for `ss` was one, at any time of the run: fixed, see tools/lab/BENIGN.md)
    const before = alerts.filter((a) => a.beforeWorkload).map((a) => `${a.rule}: ${a.summary} [${a.tree}]`);
    if (before.length) console.log(`[benign] alerts before the workload window:\n  ${before.join('\n  ')}`);
    expect(alerts.map((a) => `${a.rule}: ${a.summary} [${a.tree}]`)).toEqual([]);
    expect(healingActions.filter((a) => a.protected).map((a) => `${a.kind} ${a.knob} ${a.status}`)).toEqual([]);
    expect(healingActions.map((a) => `${a.kind} ${a.knob} ${a.status}`), JSON.stringify(healing)).toEqual([]);
  }, 1_560_000);
});
