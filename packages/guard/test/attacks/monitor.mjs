// The guard as a separate process over the built packages (dist): prints one JSON line per alert.
// Used by the system tests (attacks in the Debian guest) and by tools/bench/guard.
//   node packages/guard/test/attacks/monitor.mjs [--cpu-ms 1000]
import { EbpfStreams } from '@ainka/ebpf';
import { Guard } from '@ainka/guard';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const streams = new EbpfStreams({ drainIntervalMs: 20 });
const guard = new Guard({ cpuIntervalMs: arg('cpu-ms', 1000) });
guard.alerts$.subscribe((a) =>
  out({
    alert: a.rule,
    severity: a.severity,
    summary: a.summary,
    tree: a.tree,
    pid: a.event.proc.pid,
    exe: a.event.proc.exe,
    at: a.time,
    latencyMs: a.latencyMs ?? null,
    baseline: a.baseline?.explanation ?? null,
    response: a.response ?? null,
  }),
);
guard.start(streams);
out({ ready: true, rules: guard.detector.rules.rules.length, chosen: streams.host.stats().security?.chosen ?? null });
const stop = () => {
  const st = streams.host.stats().security;
  out({ stats: guard.stats(), kernelDrops: st?.kernelDrops ?? null, records: st?.records ?? null });
  guard.stop();
  streams.host.closeAll();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
