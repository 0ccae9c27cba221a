// A memory balloon in its own cgroup (a transient systemd service): it grows to d.balloonMb MiB, of
// which only d.balloonHotMb stay hot, then works on the hot part. The guest has zram swap (set up
// once for the whole run, identical for every configuration). Objectives: the cgroup's peak memory
// (memory.peak) and the runtime; the time-weighted mean footprint is recorded beside them.
import { have, sh } from '../lib/proc.mjs';

const UNIT = 'lab-balloon';

/** Sets up zram swap when the guest has no swap (once per run, before the pristine snapshot). */
export function ensureZramSwap(mb) {
  if (sh('swapon --show=NAME --noheadings', { allowFail: true }).out.trim() !== '') return 'existing swap';
  sh('modprobe zram num_devices=1');
  sh(`echo ${mb}M > /sys/block/zram0/disksize && mkswap -q /dev/zram0 && swapon -p 100 /dev/zram0`);
  return `zram ${mb} MiB (${sh('cat /sys/block/zram0/comp_algorithm', { allowFail: true }).out})`;
}

function runBalloon(d) {
  sh(`systemctl reset-failed ${UNIT}.service 2>/dev/null; true`, { allowFail: true });
  const args = [d.balloonMb, d.balloonHotMb, d.balloonStepMb, d.balloonStepMs, d.balloonPasses].join(' ');
  const r = sh(`systemd-run --unit=${UNIT} --wait --pipe --collect --quiet -p MemoryAccounting=yes ${d.bin.balloon} ${args}`, { timeoutMs: 900_000 });
  const line = r.out.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`balloon printed no result: ${r.out} ${r.err}`);
  return JSON.parse(line);
}

export const memoryScenario = {
  name: 'memory-balloon',
  title: 'memory balloon in a cgroup (transient systemd service, zram swap)',
  objectives: [
    { key: 'peakMiB', label: 'peak memory (memory.peak)', unit: 'MiB', better: 'lower', digits: 0 },
    { key: 'runtimeS', label: 'runtime', unit: 's', better: 'lower', digits: 2 },
  ],
  cost: 90,
  // no warmKey: each settle chunk is one more full balloon run
  tunedProfile: 'virtual-guest',
  tunedWhy: 'no TuneD profile limits a cgroup\'s memory; virtual-guest is what `tuned-adm recommend` picks in this VM (throughput-performance + swappiness 30)',
  reference: 'senpai: −57 % memory for +5 % runtime',
  requires: () => ['systemd-run', 'swapon'].filter((b) => !have(b)),
  setup() {},
  async warmup(d) {
    runBalloon(d);
  },
  async measure(d) {
    const r = runBalloon(d);
    return {
      values: { peakMiB: r.peak_bytes / 1048576, runtimeS: r.runtime_s },
      detail: { meanMiB: Math.round(r.mean_bytes / 1048576), cgroup: r.cgroup },
    };
  },
  teardown() {
    sh(`systemctl stop ${UNIT}.service 2>/dev/null; systemctl reset-failed ${UNIT}.service 2>/dev/null; true`, { allowFail: true });
  },
};
