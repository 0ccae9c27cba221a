// CPU time of a systemd unit: the number `systemctl show -p CPUUsageNSec <unit>` prints, read from
// the unit's cgroup (cpu.stat usage_usec) so the reading itself costs no process start under TCG.
import { readFileSync } from 'node:fs';
import { sh } from './proc.mjs';

/** Parses cgroup v2 cpu.stat text into microseconds of usage (null when absent). */
export function parseCpuStat(text) {
  const m = /^usage_usec (\d+)$/m.exec(text ?? '');
  return m ? Number(m[1]) : null;
}

/** CPU used by `unit` so far, in seconds (null when unknown: unit not running, no accounting). */
export function unitCpuSeconds(unit) {
  try {
    const us = parseCpuStat(readFileSync(`/sys/fs/cgroup/system.slice/${unit}/cpu.stat`, 'utf8'));
    if (us !== null) return us / 1e6;
  } catch {
    /* not cgroup v2, or the unit is not running: ask systemd */
  }
  const v = sh(`systemctl show -p CPUUsageNSec --value ${unit}`, { allowFail: true }).out;
  return /^\d+$/.test(v) ? Number(v) / 1e9 : null;
}
