#!/usr/bin/env node
// The AINKA efficacy lab: boots the Debian 12 systemd guest once and runs every scenario under
// default settings, TuneD and AINKA, interleaved, then writes tools/lab/RESULTS.md.
//
//   node tools/lab/run.mjs [--reps N] [--scenario name[,name]] [--short] [--local] [--out file.md]
//
// --short   one scenario (net-loss10 unless --scenario), 1 rep, short phases; checks the harness
//           (complete table row, clean resets) without writing RESULTS.md — what `npm test` runs.
// --local   run the guest part on this machine (it must be a disposable systemd machine, as root).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMarkdown } from './lib/report.mjs';
import { selectScenarios } from './lib/scenarios.mjs';

const labDir = dirname(fileURLToPath(import.meta.url));
const repo = join(labDir, '..', '..');
const outDir = join(repo, '.testbed', 'lab');
const log = (m) => process.stderr.write(`lab: ${m}\n`);
const USAGE = 'usage: node tools/lab/run.mjs [--reps N] [--scenario name[,name…]] [--short] [--guests N] [--local] [--mem MB] [--timeout S] [--out RESULTS.md]\n       node tools/lab/run.mjs --report results-g1.json [--report results-g2.json …] [--note text …] [--out RESULTS.md]   (render raw results again, e.g. of a run cut short)';

function fail(code, message, exit = 2) {
  process.stderr.write(`lab: ${code}: ${message}\n`);
  process.exit(exit);
}

function parse(argv) {
  const o = { reps: null, scenarios: [], short: false, local: false, mem: 2048, timeout: null, out: null, configs: null, guests: 1, report: [], notes: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) fail('ERR_AINKA_LAB_USAGE', `${a} needs a value.\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--reps') o.reps = Number(val());
    else if (a === '--scenario') o.scenarios.push(...val().split(','));
    else if (a === '--short') o.short = true;
    else if (a === '--local') o.local = true;
    else if (a === '--mem') o.mem = Number(val());
    else if (a === '--timeout') o.timeout = Number(val());
    else if (a === '--out') o.out = val();
    else if (a === '--configs') o.configs = val().split(',');
    else if (a === '--guests') o.guests = Number(val());
    else if (a === '--report') o.report.push(val());
    else if (a === '--note') o.notes.push(val());
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else fail('ERR_AINKA_LAB_USAGE', `unknown option ${a}.\n${USAGE}`);
  }
  if (o.reps !== null && (!Number.isInteger(o.reps) || o.reps < 1)) fail('ERR_AINKA_LAB_USAGE', `--reps needs a positive integer.\n${USAGE}`);
  o.reps ??= o.short ? 1 : 5;
  if (o.short && o.scenarios.length === 0) o.scenarios = ['net-loss10'];
  try {
    selectScenarios(o.scenarios);
  } catch (e) {
    fail('ERR_AINKA_LAB_USAGE', e.message);
  }
  return o;
}

/** Compiles the lab's C workloads (static, so they run in any guest). */
function buildHelpers() {
  const binDir = join(outDir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const bin = {};
  for (const name of ['balloon', 'lcwake']) {
    const src = join(labDir, 'bin', `${name}.c`);
    const out = join(binDir, name);
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
      const r = spawnSync('gcc', ['-O2', '-Wall', '-Werror', '-static', '-o', out, src], { encoding: 'utf8' });
      if (r.status !== 0) fail('ERR_AINKA_LAB_BUILD', `gcc failed for ${src} (apt-get install gcc libc6-dev):\n${r.stderr}`, 1);
    }
    bin[name] = out;
  }
  return bin;
}

function checkBuilt() {
  const need = ['apps/daemon/dist/main.js', 'apps/cli/dist/main.js', 'packages/ebpf/dist/index.js'];
  const missing = need.filter((p) => !existsSync(join(repo, p)));
  if (missing.length) fail('ERR_AINKA_LAB_BUILD', `not built: ${missing.join(', ')}; run npx nx run-many -t build first`, 1);
}

function hostInfo() {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, kernel ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end`;
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

/** Merges the raw results of the guests of one run. */
function mergeResults(parsed, expected) {
  const results = {
    ...parsed[0],
    finished: parsed.length === expected && parsed.every((p) => p.finished),
    samples: parsed.flatMap((p) => p.samples),
    resets: parsed.flatMap((p) => p.resets),
    errors: parsed.flatMap((p) => p.errors),
    guests: expected,
  };
  results.meta = { ...results.meta, seconds: Math.max(...parsed.map((p) => p.meta?.seconds ?? 0)) };
  return results;
}

async function main() {
  const o = parse(process.argv.slice(2));
  const started = Date.now();
  if (o.report.length) {
    const parsed = o.report.map((f) => JSON.parse(readFileSync(f, 'utf8')));
    const results = mergeResults(parsed, parsed.length);
    const command = parsed[0].plan?.command ?? '?';
    const wall = (Math.max(...parsed.map((p) => Date.parse(p.meta?.started ?? 0) + (p.meta?.seconds ?? 0) * 1000)) - Math.min(...parsed.map((p) => Date.parse(p.meta?.started ?? 0)))) / 1000;
    const md = renderMarkdown(results, { command, hostInfo: hostInfo(), wallSeconds: Number.isFinite(wall) && wall > 0 ? wall : null, notes: o.notes });
    const mdFile = o.out ?? join(labDir, 'RESULTS.md');
    writeFileSync(mdFile, md.text);
    process.stdout.write(md.text.split('\n## Kept')[0]);
    log(`wrote ${relative(repo, mdFile)} from ${o.report.length} raw result file(s)`);
    return;
  }
  checkBuilt();
  const bin = buildHelpers();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const command = `node tools/lab/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  const selected = selectScenarios(o.scenarios);
  const all = selected.map((x) => x.name);
  // --guests N: the scenarios are dealt to N guests booted side by side (each runs its scenarios
  // under the three configurations, interleaved, with its own resets and checks), balancing each
  // scenario's estimated cost per repetition; each guest keeps the run order.
  const n = o.local ? 1 : Math.max(1, Math.min(o.guests, all.length));
  const load = new Array(n).fill(0);
  const owner = new Map();
  for (const sc of [...selected].sort((a, b) => (b.cost ?? 60) - (a.cost ?? 60))) {
    const g = load.indexOf(Math.min(...load));
    load[g] += sc.cost ?? 60;
    owner.set(sc.name, g);
  }
  const parts = Array.from({ length: n }, (_, i) => all.filter((name) => owner.get(name) === i));
  const runs = parts.map((names, i) => {
    const resultsFile = join(outDir, `results-${stamp}${n > 1 ? `-g${i + 1}` : ''}.json`);
    const planFile = join(outDir, `plan-${stamp}${n > 1 ? `-g${i + 1}` : ''}.json`);
    const plan = { reps: o.reps, scenarios: names, durations: o.short ? 'short' : 'full', out: resultsFile, bin, configs: o.configs ?? undefined, command };
    writeFileSync(planFile, `${JSON.stringify(plan, null, 1)}\n`);
    return { names, resultsFile, guestCmd: ['node', join(labDir, 'guest.mjs'), '--plan', planFile] };
  });
  const timeout = o.timeout ?? (o.short ? 900 : 7200);
  log(`${o.reps} rep(s) × ${all.length} scenario(s) × 3 configurations in ${n} guest(s)`);
  const rcs = await Promise.all(
    runs.map((r) =>
      o.local
        ? runStreaming(r.guestCmd[0], r.guestCmd.slice(1))
        : runStreaming('node', [join(repo, 'tools', 'testbed', 'testbed.mjs'), 'system-run', '--timeout', String(timeout), '--mem', String(o.mem), '--', ...r.guestCmd]),
    ),
  );
  const parsed = runs.filter((r) => existsSync(r.resultsFile)).map((r) => JSON.parse(readFileSync(r.resultsFile, 'utf8')));
  if (parsed.length === 0) fail('ERR_AINKA_LAB_NO_RESULT', `the guest wrote no results (exit ${rcs.join(', ')}); see the output above`, 1);
  const results = mergeResults(parsed, runs.length);
  if (n > 1) writeFileSync(join(outDir, `results-${stamp}.json`), `${JSON.stringify(results)}\n`);
  const wall = (Date.now() - started) / 1000;
  const md = renderMarkdown(results, { command, hostInfo: hostInfo(), wallSeconds: wall });
  const mdFile = o.out ?? (o.short || o.scenarios.length ? join(outDir, `RESULTS-${stamp}.md`) : join(labDir, 'RESULTS.md'));
  writeFileSync(mdFile, md.text);
  process.stdout.write(md.text.split('\n## Kept')[0]);
  log(`wrote ${relative(repo, mdFile)} (${(wall / 60).toFixed(1)} min)`);

  // The harness's own checks: a complete row per objective, every reset clean, no kept regression.
  const problems = [];
  if (!results.finished) problems.push('the run did not finish');
  for (const r of md.rows) {
    for (const c of o.configs ?? ['default', 'tuned', 'ainka']) if (r.by[c].n < o.reps) problems.push(`${r.scenario.name} ${r.objective.key}: ${r.by[c].n}/${o.reps} ${c} samples`);
  }
  if (md.rows.length === 0) problems.push('no table row');
  if (results.resets.length === 0 || results.resets.some((x) => !x.ok)) problems.push('a reset was not clean (or none was checked)');
  if (md.kept.length) problems.push(`${md.kept.length} kept regression(s)`);
  if (problems.length) {
    process.stderr.write(`lab: FAILED: ${problems.join('; ')}\n`);
    process.exit(1);
  }
  log('ok: complete table, clean resets, no kept regression');
}

await main();
