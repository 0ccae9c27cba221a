/**
 * Which metrics a knob can move, as metric-name prefixes. The validator uses it to find feedback loops:
 * rule A changes a knob that moves a metric rule B reads, and B changes one that moves a metric A reads.
 *
 * | knob | metrics it moves |
 * | --- | --- |
 * | `sysctl:vm.*`, `thp:*` | `mem.`, `psi.memory.`, `swap.`, `vm.` |
 * | `sysctl:net.*` | `net.` |
 * | `sysctl:kernel.*`, `cpufreq:*`, `cgroup:*:cpu.*`, `process:*:nice` | `cpu.`, `sched.`, `psi.cpu.`, `power.`, `cpufreq.`, `load.` |
 * | `block:*`, `cgroup:*:io.*`, `process:*:ionice` | `disk.`, `io.`, `psi.io.`, `block.` |
 * | `cgroup:*:memory.*`, `process:*:oom_score_adj` | `mem.`, `psi.memory.` |
 * | `systemd:*` | `process.`, `service.` |
 */
export function defaultKnobInfluence(knob: string): readonly string[] {
  const family = knob.slice(0, knob.indexOf(':'));
  const attr = knob.slice(knob.lastIndexOf(':') + 1);
  const mem = ['mem.', 'psi.memory.', 'swap.', 'vm.'];
  const cpu = ['cpu.', 'sched.', 'psi.cpu.', 'power.', 'cpufreq.', 'load.'];
  const io = ['disk.', 'io.', 'psi.io.', 'block.'];
  switch (family) {
    case 'sysctl':
      return knob.startsWith('sysctl:vm.') ? mem : knob.startsWith('sysctl:net.') ? ['net.'] : cpu;
    case 'thp':
      return mem;
    case 'block':
      return io;
    case 'cpufreq':
      return cpu;
    case 'cgroup':
      return attr.startsWith('memory.') ? [...mem, 'cgroup.'] : attr.startsWith('io.') ? [...io, 'cgroup.'] : [...cpu, 'cgroup.'];
    case 'process':
      return attr === 'nice' ? [...cpu, 'process.'] : attr === 'ionice' ? [...io, 'process.'] : [...mem, 'process.'];
    case 'systemd':
      return ['process.', 'service.'];
    default:
      return [];
  }
}
