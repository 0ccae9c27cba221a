// CPU contention: three CPU hogs (stress-ng, a transient service) on the guest's two CPUs beside a
// latency-critical periodic task (lcwake: 1 ms period, 50 µs of work, its own transient service).
// Objectives: the latency-critical task's p99 run-queue latency from @ainka/ebpf's sched program
// (filtered to its tgid, log2 buckets), and its own p99 wake-up latency (how late it runs after each
// deadline: timer + run-queue wait), over the same window.
//
// Under TCG, starting node costs minutes beside busy hogs, so the latency-critical task and the eBPF
// sampler start once per run, before anything else (`prepare`), and live until the end (`finish`):
// the task is stopped (SIGSTOP) outside this scenario, and its recording window is opened (SIGUSR1)
// and read (SIGUSR2) around each measurement.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { have, sh, shBg, sleep } from '../lib/proc.mjs';
import { aggregateRunq } from '../lib/runq.mjs';

const HOGS = 'lab-hogs';
const LC = 'lab-lc';
const state = { pid: 0, sampler: undefined, out: '' };

async function readWindow() {
  rmSync(state.out, { force: true });
  sh(`kill -USR2 ${state.pid}`);
  for (let i = 0; i < 120; i++) {
    if (existsSync(state.out)) {
      const t = readFileSync(state.out, 'utf8');
      if (t.trim().endsWith('}')) return JSON.parse(t);
    }
    await sleep(500);
  }
  throw new Error('lcwake wrote no result');
}

export const cpuScenario = {
  name: 'cpu-contention',
  title: 'CPU contention: 3 hogs + a 1 kHz latency-critical task',
  objectives: [
    { key: 'runqP99us', label: 'latency-critical task p99 run-queue latency (@ainka/ebpf, log2 buckets)', unit: 'µs', better: 'lower', digits: 0 },
    { key: 'lcP99us', label: 'latency-critical task p99 wake-up latency (self-measured)', unit: 'µs', better: 'lower', digits: 0 },
  ],
  cost: 70,
  tunedProfile: 'latency-performance',
  tunedWhy: "TuneD's profile for deterministic latency (the issue's reference for this scenario)",
  reference: 'TuneD latency-performance',
  requires: () => ['stress-ng', 'systemd-run'].filter((b) => !have(b)),
  async prepare(d) {
    state.out = join(d.workDir, 'lcwake.json');
    sh(`systemctl stop ${LC}.service 2>/dev/null; systemctl reset-failed ${LC}.service 2>/dev/null; true`, { allowFail: true });
    sh(`systemd-run --unit=${LC} --collect --quiet ${d.bin.lcwake} 1000 50 86400 ${state.out}`);
    state.pid = Number(sh(`systemctl show -p MainPID --value ${LC}.service`).out);
    if (!(state.pid > 0)) throw new Error(`no MainPID for ${LC}.service`);
    state.sampler = shBg(`exec node ${join(d.labDir, 'lib', 'runq-sample.mjs')} ${state.pid}`);
    for (let i = 0; i < 1200 && !/ready|error/.test(state.sampler.stdout()); i++) await sleep(500);
    if (!/ready/.test(state.sampler.stdout())) throw new Error(`the run-queue sampler did not start: ${state.sampler.stdout()}`);
    sh(`kill -STOP ${state.pid}`);
  },
  async setup(d) {
    this.teardown();
    sh(`kill -CONT ${state.pid}`);
    sh(`systemd-run --unit=${HOGS} --collect --quiet stress-ng --cpu ${d.cpuHogs} --cpu-method int64 --timeout ${d.cpuWarmS + d.cpuMeasureS + 900}s`);
  },
  warmKey: 'cpuWarmS',
  async warmup(d) {
    await sleep(d.cpuWarmS * 1000);
  },
  async measure(d) {
    const from = Date.now();
    sh(`kill -USR1 ${state.pid}`);
    await sleep(d.cpuMeasureS * 1000);
    const to = Date.now();
    const lc = await readWindow();
    // one more poll interval, so that the window's last histogram line is out
    await sleep(1500);
    const rq = aggregateRunq(state.sampler.stdout(), from, to + 1000);
    if (rq.error) throw new Error(`run-queue sampler: ${rq.error}`);
    return {
      values: { runqP99us: rq.p99_ns / 1000, lcP99us: lc.p99_us },
      detail: { runqEvents: rq.count, runqMeanUs: Math.round(rq.mean_ns / 1000), lcSamples: lc.samples, lcP50us: lc.p50_us, lcMaxUs: lc.max_us },
    };
  },
  teardown() {
    sh(`systemctl stop ${HOGS}.service 2>/dev/null; systemctl reset-failed ${HOGS}.service 2>/dev/null; true`, { allowFail: true });
    if (state.pid) sh(`kill -STOP ${state.pid} 2>/dev/null; true`, { allowFail: true });
  },
  finish() {
    state.sampler?.child.kill('SIGTERM');
    sh(`systemctl stop ${LC}.service 2>/dev/null; true`, { allowFail: true });
  },
};
