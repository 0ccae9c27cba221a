import type { Actuator } from './actuator.js';
import { CgroupActuator, type EgressBackend } from './cgroupActuator.js';
import { ContentActuator } from './contentActuator.js';
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
  /** Blob directory of file contents (`file:…:content` knobs). Default `/var/lib/ainka/blobs`. */
  blobDir?: string;
  /** How `cgroup:<path>:egress` is blocked (`@ainka/ebpf`'s `CgroupEgress`); without it those knobs are unavailable. */
  egress?: EgressBackend;
}

/** Build the standard actuator for every family. */
export function createActuators(options: CreateActuatorsOptions = {}): ActuatorSet {
  return {
    sysctl: new FileActuator('sysctl'),
    block: new FileActuator('block'),
    cpufreq: new FileActuator('cpufreq'),
    cgroup: new CgroupActuator(options.egress),
    thp: new FileActuator('thp'),
    process: new ProcessActuator(options.process),
    systemd: new SystemdActuator(options.systemd),
    file: new ContentActuator(options.blobDir ?? '/var/lib/ainka/blobs'),
  };
}
