#!/usr/bin/env node
// The lab inside the guest (root, systemd as PID 1). Runs every selected scenario under the three
// configurations, interleaved rep by rep (default, TuneD, AINKA, default, …), resets and checks the
// state between configurations, and writes the raw results (JSON) after every measurement.
//   node tools/lab/guest.mjs --plan plan.json
// plan: { reps, scenarios: [names], durations: 'full'|'short', out, bin: { balloon, lcwake }, configs? }
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ainkaConfig, defaultConfig, tunedConfig } from './lib/configs.mjs';
import { outstanding, readJournal } from './lib/journal.mjs';
import { LabError, readText, sh } from './lib/proc.mjs';
import { DURATIONS, selectScenarios } from './lib/scenarios.mjs';
import { diffSnapshots, pristineProblems, restorePristine, snapshot } from './lib/state.mjs';
import { settleDecision } from './lib/settle.mjs';
import { diskOf } from './scenarios/read.mjs';
import { ensureZramSwap } from './scenarios/memory.mjs';

const labDir = dirname(fileURLToPath(import.meta.url));
const repo = join(labDir, '..', '..');
const log = (m) => process.stdout.write(`lab: ${new Date().toISOString().slice(11, 19)} ${m}\n`);

function args() {
  const i = process.argv.indexOf('--plan');
  if (i < 0) throw new LabError('ERR_AINKA_LAB_USAGE', 'usage: node tools/lab/guest.mjs --plan plan.json (run.mjs writes the plan)');
  return JSON.parse(readFileSync(process.argv[i + 1], 'utf8'));
}

function preflight(scenarios, configs) {
  const problems = [];
  if (process.getuid?.() !== 0) problems.push('not root');
  if (readText('/proc/1/comm') !== 'systemd') problems.push(`PID 1 is ${readText('/proc/1/comm')}, not systemd (run in the system guest: node tools/lab/run.mjs)`);
  for (const s of scenarios) for (const b of s.requires()) problems.push(`${s.name} needs ${b}`);
  if (configs.some((c) => c.name === 'tuned') && sh('command -v tuned-adm', { allowFail: true }).rc !== 0) problems.push('TuneD (tuned-adm) is not installed');
  for (const unit of ['tuned.service', 'ainkad.service']) {
    if (sh(`systemctl is-active --quiet ${unit}`, { allowFail: true }).rc === 0) problems.push(`${unit} is running: the baseline must start without it (systemctl disable --now ${unit})`);
  }
  const j = readJournal('/var/lib/ainka/journal.log');
  if (j.changes && outstanding(j).length) problems.push(`AINKA's journal has ${outstanding(j).length} change(s) still applied (ainka rollback --all)`);
  if (problems.length) throw new LabError('ERR_AINKA_LAB_DIRTY', `refusing to start:\n  ${problems.join('\n  ')}`);
}

/**
 * After the warm-up, keeps the workload running in chunks of `settleChunkS` until the configuration's
 * tuner is settled (see lib/settle.mjs) or `settleCapS` have passed. Returns what happened.
 */
async function settle(config, s, d) {
  const start = Date.now();
  let chunks = 0;
  for (;;) {
    const st = await config.settleState();
    if (st === null) return { extraS: 0, chunks, reason: 'nothing to settle' };
    const dec = settleDecision({ now: Date.now(), settleStart: start, quietSince: st.quietSince, busy: st.busy, quietS: d.settleQuietS, capS: d.settleCapS });
    if (dec.done) return { extraS: (Date.now() - start) / 1000, chunks, reason: dec.reason, ...(st.trial ? { trial: st.trial } : {}) };
    await s.warmup(s.warmKey ? { ...d, [s.warmKey]: d.settleChunkS } : d);
    chunks++;
  }
}

async function main() {
  const plan = args();
  const scenarios = selectScenarios(plan.scenarios);
  const all = { default: defaultConfig, tuned: tunedConfig, ainka: ainkaConfig(repo) };
  const configs = (plan.configs ?? ['default', 'tuned', 'ainka']).map((n) => all[n]);
  const workDir = '/var/tmp/ainka-lab';
  mkdirSync(workDir, { recursive: true });
  const d = { ...DURATIONS[plan.durations ?? 'full'], ...(plan.overrides ?? {}), bin: plan.bin, labDir, workDir, readFile: join(workDir, 'read.dat') };
  const started = Date.now();
  const results = { meta: {}, plan, durations: d, pristineProblems: [], samples: [], resets: [], errors: [], finished: false };
  const save = () => writeFileSync(plan.out, `${JSON.stringify(results, null, 1)}\n`);
  mkdirSync(dirname(plan.out), { recursive: true });

  preflight(scenarios, configs);
  // The environment every configuration shares, set up before the pristine snapshot.
  // Kernel modules the workloads need (tcp_bbr too: available to every configuration, chosen by none).
  const mods = [...new Set(scenarios.flatMap((s) => s.modules ?? []))];
  if (mods.length) sh(`for m in ${mods.join(' ')}; do modprobe -q $m; done; true`, { allowFail: true });
  const swap = scenarios.some((s) => s.name === 'memory-balloon') ? ensureZramSwap(1024) : 'none';
  for (const s of scenarios) await s.prepare?.(d);
  results.meta = {
    started: new Date(started).toISOString(),
    kernel: sh('uname -r').out,
    os: sh('. /etc/os-release && echo "$PRETTY_NAME"', { allowFail: true }).out,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memMiB: Math.round(totalmem() / 1048576),
    node: process.version,
    tuned: tunedConfig.version(),
    ainkad: sh(`${process.execPath} ${join(repo, 'apps/daemon/dist/main.js')} --version`, { allowFail: true }).out,
    swap,
    disk: diskOf(d.readFile),
    virt: sh('systemd-detect-virt', { allowFail: true }).out,
  };
  const pristine = snapshot();
  results.pristineProblems = pristineProblems(pristine);
  if (results.pristineProblems.length) {
    save();
    throw new LabError('ERR_AINKA_LAB_DIRTY', `refusing to start: the guest is not at its defaults:\n  ${results.pristineProblems.join('\n  ')}`);
  }
  results.pristine = pristine;
  log(`${scenarios.length} scenarios × ${configs.length} configurations × ${plan.reps} reps; kernel ${results.meta.kernel}; ${Object.keys(pristine).length} settings watched`);
  save();

  for (let rep = 1; rep <= plan.reps; rep++) {
    for (const config of configs) {
      log(`rep ${rep}: ${config.label}`);
      try {
        await config.begin();
      } catch (e) {
        results.errors.push({ rep, config: config.name, phase: 'begin', error: e.message });
        save();
        throw e;
      }
      for (const s of scenarios) {
        const t0 = Date.now();
        const sample = { rep, config: config.name, scenario: s.name, values: {}, detail: {}, configInfo: {}, changes: [] };
        let measuredUntil;
        try {
          await s.setup(d);
          const cpu0 = config.cpuSeconds();
          sample.configInfo = await config.enterScenario(s);
          await s.warmup(d);
          sample.settle = await settle(config, s, d);
          const cpu1 = config.cpuSeconds();
          const m0 = Date.now();
          const r = await s.measure(d);
          measuredUntil = Date.now();
          const cpu2 = config.cpuSeconds();
          sample.values = r.values;
          sample.detail = r.detail;
          // The tuner's own CPU (systemd's CPUUsageNSec of its unit): during the measured window, and
          // over the whole scenario (warm-up, settle and measurement).
          if (cpu0 !== null && cpu1 !== null && cpu2 !== null) sample.tunerCpu = { measuredS: cpu2 - cpu1, windowS: (measuredUntil - m0) / 1000, scenarioS: cpu2 - cpu0, scenarioWindowS: (measuredUntil - t0) / 1000 };
        } catch (e) {
          sample.error = e.message;
          results.errors.push({ rep, config: config.name, scenario: s.name, error: e.message });
          log(`  ${s.name}: ERROR ${e.message.split('\n')[0]}`);
        } finally {
          try {
            sample.changes = (await config.leaveScenario(s, { measuredUntil })).changes ?? [];
          } catch (e) {
            sample.changesError = e.message;
          }
          s.teardown(d);
        }
        sample.seconds = (Date.now() - t0) / 1000;
        results.samples.push(sample);
        const cpuNote = sample.tunerCpu ? ` cpu ${sample.tunerCpu.measuredS.toFixed(2)}/${sample.tunerCpu.scenarioS.toFixed(1)} s` : '';
        const settleNote = sample.settle?.extraS ? ` settle +${sample.settle.extraS.toFixed(0)} s (${sample.settle.reason})` : '';
        log(`  ${s.name}: ${Object.entries(sample.values).map(([k, v]) => `${k}=${Number(v).toFixed(2)}`).join(' ')}${sample.changes.length ? ` (${sample.changes.length} change(s))` : ''}${cpuNote}${settleNote} [${sample.seconds.toFixed(0)} s]`);
        save();
      }
      const reset = { rep, config: config.name, ok: false, diffs: [] };
      try {
        Object.assign(reset, await config.end());
        reset.diffs = diffSnapshots(pristine, snapshot());
        reset.ok = reset.diffs.length === 0;
      } catch (e) {
        reset.error = e.message;
      }
      results.resets.push(reset);
      save();
      if (!reset.ok && !reset.error) {
        // Recorded as a failed reset (the report says so); the lab writes the pristine values back
        // and continues only if the state is then clean.
        reset.restoreFailed = restorePristine(reset.diffs);
        const again = diffSnapshots(pristine, snapshot());
        reset.cleanAfterRestore = again.length === 0;
        save();
        if (again.length === 0) {
          log(`  reset after ${config.label}: DIRTY (${reset.diffs.map((x) => x.key).join(', ')}); pristine values written back, state clean again`);
          continue;
        }
      }
      if (!reset.ok) {
        throw new LabError('ERR_AINKA_LAB_DIRTY', `reset after ${config.label} (rep ${rep}) left a dirty state; stopping the run:\n  ${reset.error ?? reset.diffs.map((x) => `${x.key}: ${x.pristine} → ${x.now}`).join('\n  ')}`);
      }
      log(`  reset after ${config.label}: clean (${Object.keys(pristine).length} settings match the pristine snapshot)`);
    }
  }
  for (const s of scenarios) s.finish?.();
  results.finished = true;
  results.meta.seconds = (Date.now() - started) / 1000;
  save();
  log(`done in ${(results.meta.seconds / 60).toFixed(1)} min`);
}

main().catch((e) => {
  process.stderr.write(`lab: ${e.code ?? 'ERR_AINKA_LAB'}: ${e.message}\n`);
  process.exit(1);
});
