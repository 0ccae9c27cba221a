#!/usr/bin/env node
// Run-queue latency (wake-up → switch-in) from @ainka/ebpf's sched program over SECONDS, for one
// process (TGID) or, with 0, every task. Prints `ready` once the program is attached and counting,
// then one JSON line { count, p50_ns, p99_ns, mean_ns } (log2 buckets: p50/p99 are bucket upper bounds).
//   node tools/lab/lib/runq-sample.mjs SECONDS [TGID]
import { EbpfStreams, histogramPercentile, probeEbpf } from '@ainka/ebpf';

const seconds = Number(process.argv[2] ?? 10);
const tgid = Number(process.argv[3] ?? 0);
const probe = probeEbpf();
if (!probe.available) {
  process.stdout.write(`${JSON.stringify({ error: probe.reasons.join('; ') })}\n`);
  process.exit(0);
}
const ebpf = new EbpfStreams({ pollIntervalMs: 500, ...(tgid > 0 ? { targetTgid: tgid } : {}) });
const slots = [];
let count = 0;
let sum = 0;
let started = false;
const sub = ebpf.runQueueLatency$.subscribe((s) => {
  // The first emission is the baseline (it covers the load itself): the window starts after it.
  if (!started) {
    started = true;
    process.stdout.write('ready\n');
    setTimeout(finish, seconds * 1000);
    return;
  }
  s.interval.slots.forEach((v, i) => (slots[i] = (slots[i] ?? 0) + v));
  count += s.interval.count;
  sum += s.interval.sum;
});
function finish() {
  sub.unsubscribe();
  const h = { slots: slots.map((v) => v ?? 0), count, sum };
  process.stdout.write(`${JSON.stringify({ count, p50_ns: histogramPercentile(h, 0.5), p99_ns: histogramPercentile(h, 0.99), mean_ns: count ? Math.round(sum / count) : 0 })}\n`);
  process.exit(0);
}
setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ error: 'no run-queue sample within 120 s' })}\n`);
  process.exit(0);
}, (seconds + 120) * 1000);
