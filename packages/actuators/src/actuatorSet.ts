import type { Actuator } from './actuator.js';
import { FileActuator } from './fileActuator.js';
import type { KnobKind } from '@ainka/knobs';
import { ProcessActuator, type ProcessBackend } from './processActuator.js';
import { SystemdActuator, type SystemdActuatorOptions } from './systemdActuator.js';

/** One actuator per knob family. */
export type ActuatorSet = Readonly<Record<KnobKind, Actuator>>;

/** Options of {@link createActuators}. */
export interface CreateActuatorsOptions {
  /** Backend for nice/ionice (default: the real system). */
  process?: ProcessBackend;
  /** systemctl binary and runner. */
  systemd?: SystemdActuatorOptions;
}

/** Build the standard actuator for every family. */
export function createActuators(options: CreateActuatorsOptions = {}): ActuatorSet {
  return {
    sysctl: new FileActuator('sysctl'),
    block: new FileActuator('block'),
    cpufreq: new FileActuator('cpufreq'),
    cgroup: new FileActuator('cgroup'),
    thp: new FileActuator('thp'),
    process: new ProcessActuator(options.process),
    systemd: new SystemdActuator(options.systemd),
  };
}
