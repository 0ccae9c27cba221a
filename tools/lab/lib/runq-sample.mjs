#!/usr/bin/env node
// Run-queue latency (wake-up → switch-in) of one process (TGID; 0 = every task) from @ainka/ebpf's
// sched program. Prints `ready` once attached, then one JSON line per poll interval until killed:
// { t: ms since epoch, count, sum, slots: [log2 buckets] }. `aggregateRunq` (lib/runq.mjs) turns the
// lines of a time window into percentiles.
//   node tools/lab/lib/runq-sample.mjs TGID
import { EbpfStreams, probeEbpf } from '@ainka/ebpf';

const tgid = Number(process.argv[2] ?? 0);
const probe = probeEbpf();
if (!probe.available) {
  process.stdout.write(`${JSON.stringify({ error: probe.reasons.join('; ') })}\n`);
  process.exit(0);
}
const ebpf = new EbpfStreams({ pollIntervalMs: 1000, ...(tgid > 0 ? { targetTgid: tgid } : {}) });
let first = true;
const sub = ebpf.runQueueLatency$.subscribe((s) => {
  // The first emission covers the load itself: the series starts after it.
  if (first) {
    first = false;
    process.stdout.write('ready\n');
    return;
  }
  process.stdout.write(`${JSON.stringify({ t: Date.now(), count: s.interval.count, sum: s.interval.sum, slots: s.interval.slots })}\n`);
});
const stop = () => {
  sub.unsubscribe();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
