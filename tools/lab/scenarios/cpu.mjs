// CPU contention: three CPU hogs (stress-ng, a transient service) on the guest's two CPUs beside a
// latency-critical periodic task (lcwake: 1 ms period, 50 µs of work, its own transient service).
// Objectives: the latency-critical task's p99 run-queue latency from @ainka/ebpf's sched program
// (filtered to its tgid, log2 buckets), and its own p99 wake-up latency (how late it runs after each
// deadline: timer + run-queue wait), over the same window.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { have, sh, shBg, sleep } from '../lib/proc.mjs';
import { aggregateRunq } from '../lib/runq.mjs';

const HOGS = 'lab-hogs';
const LC = 'lab-lc';

function startLc(d, seconds, out) {
  rmSync(out, { force: true });
  sh(`systemctl reset-failed ${LC}.service 2>/dev/null; systemd-run --unit=${LC} --collect --quiet ${d.bin.lcwake} 1000 50 ${seconds} ${out}`);
  return Number(sh(`systemctl show -p MainPID --value ${LC}.service`).out);
}

async function stopLc(out) {
  sh(`systemctl kill --signal=SIGTERM ${LC}.service 2>/dev/null; true`, { allowFail: true });
  for (let i = 0; i < 60; i++) {
    try {
      const t = readFileSync(out, 'utf8');
      if (t.trim().endsWith('}')) return JSON.parse(t);
    } catch {
      /* not written yet */
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
  tunedProfile: 'latency-performance',
  tunedWhy: "TuneD's profile for deterministic latency (the issue's reference for this scenario)",
  reference: 'TuneD latency-performance',
  requires: () => ['stress-ng', 'systemd-run'].filter((b) => !have(b)),
  // Order matters under TCG: the latency-critical task and the eBPF sampler start before the hogs
  // (node would take minutes to start beside them), then the hogs, the warm-up, the measured window.
  async setup(d) {
    this.teardown();
    this.out = join(d.workDir, 'lcwake.json');
    this.pid = startLc(d, d.cpuWarmS + d.cpuMeasureS + 600, this.out);
    if (!(this.pid > 0)) throw new Error(`no MainPID for ${LC}.service`);
    this.sampler = shBg(`exec node ${join(d.labDir, 'lib', 'runq-sample.mjs')} ${this.pid}`);
    for (let i = 0; i < 600 && !/ready|error/.test(this.sampler.stdout()); i++) await sleep(500);
    if (!/ready/.test(this.sampler.stdout())) throw new Error(`run-queue sampler did not start: ${this.sampler.stdout()}`);
    sh(`systemd-run --unit=${HOGS} --collect --quiet stress-ng --cpu ${d.cpuHogs} --cpu-method int64 --timeout ${d.cpuWarmS + d.cpuMeasureS + 600}s`);
  },
  async warmup(d) {
    await sleep(d.cpuWarmS * 1000);
  },
  async measure(d) {
    const from = Date.now();
    sh(`kill -USR1 ${this.pid}`);
    await sleep(d.cpuMeasureS * 1000);
    const lc = await stopLc(this.out);
    const to = Date.now();
    // one more poll interval so the window's last lines are printed
    await sleep(1200);
    const rq = aggregateRunq(this.sampler.stdout(), from, to + 600);
    if (rq.error) throw new Error(`run-queue sampler: ${rq.error}`);
    return {
      values: { runqP99us: rq.p99_ns / 1000, lcP99us: lc.p99_us },
      detail: { runqEvents: rq.count, runqMeanUs: Math.round(rq.mean_ns / 1000), lcSamples: lc.samples, lcP50us: lc.p50_us, lcMaxUs: lc.max_us },
    };
  },
  teardown() {
    this.sampler?.child.kill('SIGTERM');
    this.sampler = undefined;
    sh(`for u in ${HOGS} ${LC}; do systemctl stop $u.service 2>/dev/null; systemctl reset-failed $u.service 2>/dev/null; done; true`, { allowFail: true });
  },
};
