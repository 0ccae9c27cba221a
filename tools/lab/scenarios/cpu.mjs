// CPU contention: three CPU hogs (stress-ng, a transient service) on the guest's two CPUs beside a
// latency-critical periodic task (lcwake: 1 ms period, 50 µs of work, its own transient service).
// Objectives: the latency-critical task's p99 run-queue latency from @ainka/ebpf's sched program
// (filtered to its tgid, log2 buckets), and its own p99 wake-up latency (how late it runs after each
// deadline: timer + run-queue wait), over the same window.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { have, sh, shBg, sleep } from '../lib/proc.mjs';

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
  setup(d) {
    this.teardown();
    const total = d.cpuWarmS + d.cpuMeasureS + 300;
    sh(`systemd-run --unit=${HOGS} --collect --quiet stress-ng --cpu ${d.cpuHogs} --cpu-method int64 --timeout ${total}s`);
  },
  async warmup(d) {
    const out = join(d.workDir, 'lcwake-warm.json');
    startLc(d, d.cpuWarmS, out);
    await sleep(d.cpuWarmS * 1000);
    await stopLc(out);
  },
  async measure(d) {
    const out = join(d.workDir, 'lcwake.json');
    const pid = startLc(d, d.cpuMeasureS + 300, out);
    if (!(pid > 0)) throw new Error(`no MainPID for ${LC}.service`);
    const q = shBg(`node ${join(d.labDir, 'lib', 'runq-sample.mjs')} ${d.cpuMeasureS} ${pid}`);
    // The window opens when the sampler is attached; lcwake restarts its own recording then too.
    for (let i = 0; i < 240 && !/ready/.test(q.stdout()); i++) await sleep(500);
    sh(`kill -USR1 ${pid}`, { allowFail: true });
    const r = await q.done;
    const lc = await stopLc(out);
    let rq = {};
    try {
      rq = JSON.parse(r.out.split('\n').find((l) => l.startsWith('{')) ?? '{}');
    } catch {
      rq = { error: r.err || r.out };
    }
    if (rq.error) throw new Error(`run-queue sampler: ${rq.error} ${r.err}`);
    return {
      values: { runqP99us: rq.p99_ns / 1000, lcP99us: lc.p99_us },
      detail: { runqEvents: rq.count, runqMeanUs: Math.round(rq.mean_ns / 1000), lcSamples: lc.samples, lcP50us: lc.p50_us, lcMaxUs: lc.max_us },
    };
  },
  teardown() {
    sh(`for u in ${HOGS} ${LC}; do systemctl stop $u.service 2>/dev/null; systemctl reset-failed $u.service 2>/dev/null; done; true`, { allowFail: true });
  },
};
