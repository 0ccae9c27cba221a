import { writeFileSync } from 'node:fs';

/** When the known incident happens in {@link writeIncidentRecording}'s stream (tick indexes). */
export const incident = {
  ticks: 100,
  /** mem.dirty_bytes at 400 MiB: the writeback rule (> 256 MiB for 1 s) fires in enforce mode. */
  dirtyFrom: 35,
  dirtyTo: 50,
  /** cpu.busy_ratio jumps from ~0.2 to 0.97: the anomaly. */
  cpuFrom: 75,
  cpuTo: 90,
} as const;

/** A small deterministic PRNG (mulberry32), so the recording is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Write a recording in `ainkad record`'s format (one JSON line per tick: `{t, s: [[name, labels, value,
 * unit], …]}`, 1 s apart) of a quiet machine with two known events: a dirty-page burst (ticks 35–49) and
 * a CPU saturation (ticks 75–89). The headline series of the dashboard's default charts are all present.
 */
export function writeIncidentRecording(path: string, start = Date.UTC(2026, 0, 1, 12, 0, 0)): void {
  const rnd = prng(17);
  const noise = (scale: number): number => (rnd() - 0.5) * 2 * scale;
  const lines: string[] = [];
  for (let i = 0; i < incident.ticks; i++) {
    const cpu = i >= incident.cpuFrom && i < incident.cpuTo ? 0.97 + noise(0.01) : 0.2 + noise(0.03);
    const dirty = i >= incident.dirtyFrom && i < incident.dirtyTo ? 400 * 2 ** 20 + noise(2 ** 20) : 40 * 2 ** 20 + noise(4 * 2 ** 20);
    const s: [string, Record<string, string> | null, number, string][] = [
      ['cpu.busy_ratio', null, cpu, 'ratio'],
      ['mem.used_ratio', null, 0.4 + noise(0.005), 'ratio'],
      ['mem.total_bytes', null, 25_276_502_016, 'bytes'],
      ['mem.dirty_bytes', null, Math.round(dirty), 'bytes'],
      ['load.avg1', null, 0.5 + noise(0.1), 'count'],
      ['psi.cpu.some_avg10', null, 2 + noise(0.5), 'percent'],
      ['psi.memory.some_avg10', null, 0.5 + noise(0.2), 'percent'],
      ['psi.io.some_avg10', null, 1 + noise(0.3), 'percent'],
      ['disk.read_bytes_per_second', { device: 'vda' }, 2e6 + noise(2e5), 'bytes_per_second'],
      ['disk.write_bytes_per_second', { device: 'vda' }, 1e6 + noise(1e5), 'bytes_per_second'],
      ['net.rx_bytes_per_second', { device: 'eth0' }, 5e5 + noise(5e4), 'bytes_per_second'],
      ['net.tx_bytes_per_second', { device: 'eth0' }, 3e5 + noise(3e4), 'bytes_per_second'],
    ];
    lines.push(JSON.stringify({ t: start + i * 1000, s }));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}
