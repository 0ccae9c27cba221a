#!/usr/bin/env node
// False alarms of ainkad's guard and self-healing on a benign workload (issues 13 and 14): boots the
// Debian 12 systemd guest, installs ainkad as the product's unit with its default config (advisory,
// guard and healing on), runs compile jobs, web load on nginx and a proxied app server, package-manager
// activity, cron jobs, a systemd timer and SSH logins for --minutes, and reports every alert, healing
// finding and action (all false by construction), and ainkad's CPU and memory.
//
//   node tools/lab/benign.mjs [--minutes 30] [--out BENIGN.md] [--strict] [--rules my.rules.yaml …]
//   node tools/lab/benign.mjs --local --minutes 2 --json out.json [--strict]   (inside the guest: what the system test runs)
//   node tools/lab/benign.mjs --report raw.json [--out BENIGN.md]                (render a raw result again)
//
// A full run (--minutes >= 30, no --out) writes tools/lab/BENIGN.md; shorter ones .testbed/lab/BENIGN-<stamp>.md.
// Raw results: .testbed/lab/benign-<stamp>.json. --strict: exit 1 on any alert, healing action or
// action on a protected target. --rules FILE (repeatable): also load these DetectionRules files
// (guard.rules), to measure the noise of your own rules on the same workload.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as daemon from './lib/benignDaemon.mjs';
import { problems as verdict, renderMarkdown, summarize } from './lib/benignReport.mjs';
import * as workload from './lib/benignWorkload.mjs';
import { LabError, readText, sh, sleep } from './lib/proc.mjs';

const labDir = dirname(fileURLToPath(import.meta.url));
const repo = join(labDir, '..', '..');
const outDir = join(repo, '.testbed', 'lab');
const log = (m) => process.stderr.write(`benign: ${new Date().toISOString().slice(11, 19)} ${m}\n`);
const USAGE = 'usage: node tools/lab/benign.mjs [--minutes N] [--out BENIGN.md] [--strict] [--timeout S] [--rules FILE]…\n       node tools/lab/benign.mjs --local [--minutes N] [--json raw.json] [--strict] [--rules FILE]…\n       node tools/lab/benign.mjs --report raw.json [--out BENIGN.md]';

function fail(code, message, exit = 2) {
  process.stderr.write(`benign: ${code}: ${message}\n`);
  process.exit(exit);
}

function parse(argv) {
  const o = { minutes: 30, local: false, json: null, out: null, strict: false, report: null, timeout: null, rules: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) fail('ERR_AINKA_LAB_USAGE', `${a} needs a value.\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--minutes') o.minutes = Number(val());
    else if (a === '--local') o.local = true;
    else if (a === '--json') o.json = val();
    else if (a === '--out') o.out = val();
    else if (a === '--strict') o.strict = true;
    else if (a === '--report') o.report = val();
    else if (a === '--timeout') o.timeout = Number(val());
    else if (a === '--rules') {
      const f = resolve(val());
      if (!existsSync(f)) fail('ERR_AINKA_LAB_USAGE', `--rules ${f}: no such file (give a DetectionRules YAML file; it must be readable in the guest, i.e. inside the repository)`);
      o.rules.push(f);
    }
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else fail('ERR_AINKA_LAB_USAGE', `unknown option ${a}.\n${USAGE}`);
  }
  if (!(o.minutes > 0 && o.minutes <= 24 * 60)) fail('ERR_AINKA_LAB_USAGE', `--minutes needs a number of minutes between 0 and 1440 (got ${o.minutes}).\n${USAGE}`);
  return o;
}

/** The part in the guest: root on a disposable systemd machine. */
async function runLocal(o) {
  const problems = [];
  if (process.getuid?.() !== 0) problems.push('not root');
  if (readText('/proc/1/comm') !== 'systemd') problems.push(`PID 1 is ${readText('/proc/1/comm')}, not systemd (run it in the system guest: node tools/lab/benign.mjs)`);
  for (const bin of ['gcc', 'make', 'nginx', 'curl', 'python3', 'ssh', 'dpkg-deb', 'cron']) if (sh(`command -v ${bin}`, { allowFail: true }).rc !== 0) problems.push(`${bin} is missing`);
  if (problems.length) throw new LabError('ERR_AINKA_LAB_DIRTY', `refusing to start:\n  ${problems.join('\n  ')}`);
  const json = o.json ?? join(outDir, `benign-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(json), { recursive: true });
  const r = {
    plan: { minutes: o.minutes, rules: o.rules },
    // the host command that reproduces this run (the report shows it)
    command: `node tools/lab/benign.mjs --minutes ${o.minutes}${o.rules.map((f) => ` --rules ${relative(repo, f)}`).join('')}`,
    meta: { started: new Date().toISOString(), kernel: sh('uname -r').out, cpus: cpus().length, memMiB: Math.round(totalmem() / 1048576), node: process.version },
    daemon: null,
    baseline: null,
    workload: null,
    samples: [],
    collected: null,
    errors: [],
    finished: false,
  };
  const save = () => writeFileSync(json, `${JSON.stringify(r, null, 1)}\n`);
  try {
    log('preparing the workload (the administrator\'s earlier work)');
    r.workload = { setup: workload.prepare(), restarts: 0 };
    r.daemon = daemon.install(repo, { rules: o.rules });
    log('starting ainkad (product unit, default config)');
    // well inside the short test's 25-minute limit, so a daemon that never comes up is reported with its journal
    Object.assign(r.daemon, await daemon.start({ log, timeoutS: 600 }));
    r.baseline = await daemon.recordBaseline();
    save();
    const since = Date.now();
    r.samples.push(await daemon.sample());
    const deadline = workload.start(o.minutes);
    log(`workload running for ${o.minutes} min (${workload.JOBS.join(', ')}, cron, timer)`);
    const everyMs = Math.min(60_000, Math.max(10_000, (o.minutes * 60_000) / 20));
    r.workload.restarted = [];
    while (Date.now() < deadline + 120_000) {
      await sleep(Math.min(everyMs, Math.max(1000, deadline - Date.now())));
      const s = await daemon.sample();
      r.samples.push(s);
      // planned restarts at 1/3 and 2/3 of the run
      const due = Math.floor((3 * (Date.now() - since)) / (deadline - since));
      if (r.workload.restarts < Math.min(due, workload.RESTARTS.length)) {
        r.workload.restarted.push(workload.restartService(r.workload.restarts));
        r.workload.restarts++;
      }
      const left = workload.running();
      log(`${((Date.now() - since) / 60000).toFixed(1)} min: ainkad cpu ${s.cpuS?.toFixed(1)} s, mem ${(s.memCurrent / 1048576).toFixed(0)} MiB, events ${s.events}, alerts ${s.alerts}, healing open ${s.healingOpen}${s.error ? ` (${s.error})` : ''}; jobs ${left.join(',') || 'done'}`);
      save();
      if (Date.now() >= deadline && left.length === 0) break;
    }
    r.workload.seconds = (Date.now() - since) / 1000;
    r.workload.counts = workload.counts();
    await sleep(5000); // the last events drain
    r.samples.push(await daemon.sample());
    daemon.liftQuota(); // the measured window is over: reading the results runs at full speed
    r.collected = await daemon.collect(since, r.daemon.pid);
    r.finished = true;
  } catch (e) {
    r.errors.push(`${e.code ?? 'ERR_AINKA_LAB'}: ${e.message}`);
    log(`ERROR ${e.message}`);
  } finally {
    workload.stop();
    if (r.daemon) r.daemon.stopResult = daemon.stop();
    r.meta.seconds = (Date.now() - Date.parse(r.meta.started)) / 1000;
    save();
  }
  log(`raw results: ${json}`);
  return { r, json };
}

function hostInfo() {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end`;
}

function printSummary(s) {
  process.stdout.write(
    `benign: ${(s.workloadSeconds / 60).toFixed(1)} min: guard alerts ${s.falseAlerts} ${JSON.stringify(s.alertsByRule)}; healing findings ${s.healingFindings} ${JSON.stringify(s.healingByKind)}, actions ${s.healingActions} ${JSON.stringify(s.healingActionsByKind)}, on protected ${s.protectedActions}; ainkad cpu ${s.cpu ? `${s.cpu.seconds.toFixed(1)} s / ${s.cpu.wallSeconds.toFixed(0)} s = ${s.cpu.percentOfCore?.toFixed(2)} % of a core` : 'n/a'}, memory peak ${s.memory.peakMiB?.toFixed(1)} MiB, rss peak ${s.memory.rssPeakMiB?.toFixed(1)} MiB\n`,
  );
}

function runStreaming(cmd, args) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
    const stop = () => child.kill('SIGTERM');
    process.once('SIGINT', stop);
    child.on('close', (code) => {
      process.removeListener('SIGINT', stop);
      res(code ?? 1);
    });
  });
}

async function main() {
  const o = parse(process.argv.slice(2));
  const command = `node tools/lab/benign.mjs ${process.argv.slice(2).join(' ')}`.trim();
  let r;
  let json;
  if (o.report) {
    json = o.report;
    r = JSON.parse(readFileSync(json, 'utf8'));
  } else if (o.local) {
    ({ r, json } = await runLocal(o));
  } else {
    for (const p of ['apps/daemon/dist/main.js', 'packages/ebpf/dist/index.js']) if (!existsSync(join(repo, p))) fail('ERR_AINKA_LAB_BUILD', `not built: ${p}; run npx nx run-many -t build first`, 1);
    json = join(outDir, `benign-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const timeout = o.timeout ?? Math.round(o.minutes * 60 + 2400);
    const rc = await runStreaming('node', [join(repo, 'tools', 'testbed', 'testbed.mjs'), 'system-run', '--timeout', String(timeout), '--', 'node', join(labDir, 'benign.mjs'), '--local', '--minutes', String(o.minutes), '--json', json, ...o.rules.flatMap((f) => ['--rules', f])]);
    if (!existsSync(json)) fail('ERR_AINKA_LAB_NO_RESULT', `the guest wrote no results (exit ${rc}); see the output above`, 1);
    r = JSON.parse(readFileSync(json, 'utf8'));
  }
  if (!o.local || o.out) {
    const md = renderMarkdown(r, { command: r.command ?? command, hostInfo: o.local ? null : hostInfo() });
    const mdFile = o.out ?? (o.minutes >= 30 && !o.report ? join(labDir, 'BENIGN.md') : join(outDir, `BENIGN-${new Date().toISOString().replace(/[:.]/g, '-')}.md`));
    writeFileSync(mdFile, md.text);
    log(`wrote ${relative(repo, mdFile)} (raw ${relative(repo, json)})`);
  }
  if (!r.finished) fail('ERR_AINKA_LAB_UNFINISHED', `the run did not finish: ${r.errors.join('; ')}`, 1);
  const s = summarize(r);
  printSummary(s);
  const problems = verdict(s);
  if (o.strict && problems.length) {
    process.stderr.write(`benign: FAILED: ${problems.join('; ')}\n`);
    process.exit(1);
  }
}

main().catch((e) => {
  process.stderr.write(`benign: ${e.code ?? 'ERR_AINKA_LAB'}: ${e.message}\n`);
  process.exit(1);
});
