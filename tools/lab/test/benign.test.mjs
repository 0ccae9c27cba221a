// Host tests of the benign-workload run's bookkeeping (node:test): the summary, the verdict and the
// report of a raw result, and which healing actions count as touching a protected target. The run
// itself is `node tools/lab/benign.mjs` (systemd guest); its short version is
// apps/daemon/test/benignWorkload.system.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { touchesProtected, withGuardRules } from '../lib/benignDaemon.mjs';
import { problems, renderMarkdown, summarize } from '../lib/benignReport.mjs';

const MiB = 1048576;

function raw({ alerts = [], healingActions = [] } = {}) {
  return {
    plan: { minutes: 2 },
    meta: { started: '2026-12-07T11:00:00.000Z', kernel: '6.1.0-57-amd64', cpus: 2 },
    daemon: { quotaPercent: 25, startSeconds: 90, version: '0.1.0' },
    workload: { seconds: 120, restarts: 2, restarted: ['ainka-benign-app.service', 'nginx.service'], counts: { compile: { ok: 9, failed: 0 }, web: { requests: 380, codes: { 200: 360, 404: 20 } } } },
    samples: [
      { at: 0, cpuS: 100, memCurrent: 80 * MiB, rss: 70 * MiB, events: 1000 },
      { at: 60_000, cpuS: 103, memCurrent: 96 * MiB, rss: 75 * MiB, events: 4000 },
      { at: 120_000, cpuS: 106, memCurrent: 90 * MiB, rss: 74 * MiB, events: 7000 },
    ],
    collected: { alerts, healing: [], healingActions, policyAdvice: [], guardResponses: [], drops: [] },
    errors: [],
    finished: true,
  };
}

test('a clean run: no false alerts, no problems, ainkad CPU as a share of one core, memory peaks', () => {
  const s = summarize(raw());
  assert.equal(s.falseAlerts, 0);
  assert.deepEqual(problems(s), []);
  assert.equal(s.cpu.seconds, 6);
  assert.equal(s.cpu.percentOfCore, 5);
  assert.equal(s.memory.peakMiB, 96);
  assert.equal(s.memory.rssEndMiB, 74);
  assert.equal(s.eventsPerSecond, 50);
  const md = renderMarkdown(raw(), { command: 'node tools/lab/benign.mjs --minutes 2' }).text;
  assert.match(md, /\| guard alerts \(all false\) \| \*\*0\*\* \(0\.0 per hour\) \|/);
  assert.match(md, /Command: `node tools\/lab\/benign\.mjs --minutes 2`/);
  assert.match(md, /\| planned service restarts \(systemctl restart\) \| 2 \(ainka-benign-app\.service, nginx\.service\) \|/);
  assert.doesNotMatch(md, /## Every alert/);
});

test('every alert on the benign workload is a false alert: counted by rule, per hour, listed with its tree, and a problem', () => {
  const alerts = [
    { id: 1, rule: 'archive-collected-data', summary: '/usr/bin/gzip (gzip -q access.log.1) archives files', tree: 'cron → sh → gzip', at: 1 },
    { id: 2, rule: 'archive-collected-data', summary: '/usr/bin/tar (tar -czf doc.tgz .) | archives', tree: 'bash → tar', at: 2 },
    { id: 3, rule: 'new-listening-port', summary: 'nginx listens on new port 80', tree: 'systemd → nginx', at: 3 },
  ];
  const s = summarize(raw({ alerts }));
  assert.equal(s.falseAlerts, 3);
  assert.deepEqual(s.alertsByRule, { 'archive-collected-data': 2, 'new-listening-port': 1 });
  assert.equal(problems(s).length, 1);
  assert.match(problems(s)[0], /^3 guard alert\(s\)/);
  const md = renderMarkdown(raw({ alerts })).text;
  assert.match(md, /\*\*3\*\* \(90\.0 per hour\)/);
  assert.match(md, /\| archive-collected-data \| 2 \|/);
  assert.match(md, /## Every alert/);
  assert.match(md, /\/usr\/bin\/tar \(tar -czf doc\.tgz \.\) \\\| archives/, 'a | in a summary is escaped in the table');
});

test('alerts raised before the workload window (ainkad starting) are counted apart, and listed', () => {
  const alerts = [
    { id: 1, rule: 'kernel-module-load', summary: 'kernel module tcp_diag (finit_module) by /usr/sbin/modprobe', tree: 'kthreadd(2) → modprobe(300)', at: 1, beforeWorkload: true },
    { id: 2, rule: 'read-shadow-file', summary: 'cat opened /etc/shadow', tree: 'bash → cat', at: 2, beforeWorkload: false },
  ];
  const s = summarize(raw({ alerts }));
  assert.equal(s.falseAlerts, 1);
  assert.deepEqual(s.alertsByRule, { 'read-shadow-file': 1 });
  assert.equal(s.alertsBeforeWorkload, 1);
  assert.deepEqual(s.alertsBeforeWorkloadByRule, { 'kernel-module-load': 1 });
  const md = renderMarkdown(raw({ alerts })).text;
  assert.match(md, /\| guard alerts before the workload window .* \| \*\*1\*\* \{"kernel-module-load":1\} \|/);
  assert.match(md, /\| kernel-module-load \| .* \| before the workload \|/);
});

test('healing actions are problems, and those on protected units, PID 1 or ainkad itself are flagged', () => {
  assert.equal(touchesProtected('unit:ssh.service:restart', 42), true);
  assert.equal(touchesProtected('process:1:oom_score_adj', 42), true);
  assert.equal(touchesProtected('process:42:nice', 42), true);
  assert.equal(touchesProtected('process:4242:nice', 42), false);
  assert.equal(touchesProtected('unit:ainka-benign-app.service:restart', 42), false);
  const s = summarize(raw({ healingActions: [{ id: 7, kind: 'service', knob: 'unit:ssh.service:restart', value: 'restart', status: 'advised', protected: true }] }));
  assert.deepEqual(problems(s), ['1 healing action(s): {"service advised":1}', '1 action(s) on protected targets']);
});

const ainkad = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'apps', 'daemon', 'dist', 'main.js');

test('--rules: the default config gets guard.rules and nothing else changes', { skip: !existsSync(ainkad) && 'apps/daemon is not built' }, () => {
  const yaml = spawnSync(process.execPath, [ainkad, '--print-default-config'], { encoding: 'utf8' }).stdout;
  assert.match(yaml, /^guard:$/m);
  assert.equal(withGuardRules(yaml, []), yaml);
  const out = withGuardRules(yaml, ['/repo/my.rules.yaml']);
  const changed = out.split('\n').filter((l, i) => l !== yaml.split('\n')[i]);
  assert.deepEqual(changed, ['  rules: ["/repo/my.rules.yaml"]']);
  assert.ok(out.indexOf('  rules: ["/repo/my.rules.yaml"]') > out.indexOf('\nguard:'), 'set under guard:');
  assert.throws(() => withGuardRules('mode: advise\n', ['/x.yaml']), { code: 'ERR_AINKA_LAB_CONFIG' });
});
