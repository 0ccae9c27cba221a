import type { KnobId } from '@ainka/knobs';
import type { Actuator } from './actuator.js';
import { ActuatorError, ActuatorErrorCode } from './errors.js';
import { checkBounds, FileActuator } from './fileActuator.js';

/** The states of `cgroup:<path>:egress`. */
export type EgressState = 'allowed' | 'blocked' | 'blocked-except-loopback';

/**
 * Blocks and unblocks what a cgroup sends. `@ainka/ebpf`'s `CgroupEgress` is the real one (a
 * cgroup_skb/egress program attached with BPF_F_ALLOW_MULTI); the state lives in the kernel, so a
 * block set by one daemon process can be read and lifted by the next.
 */
export interface EgressBackend {
  /** The current state of the cgroup `path` (relative to the cgroup v2 root, e.g. `system.slice/x.service`). */
  state(root: string, path: string): EgressState;
  /** Puts the cgroup in `state` (detaching or attaching the program). */
  set(root: string, path: string, state: EgressState): void;
}

const noBackend: EgressBackend = {
  state() {
    throw new ActuatorError(
      ActuatorErrorCode.unavailable,
      "cgroup egress blocking needs an eBPF backend: pass createActuators({ egress: new CgroupEgress() }) from @ainka/ebpf (ainkad does)",
    );
  },
  set() {
    noBackend.state('/', '');
  },
};

/**
 * The cgroup family: cgroup v2 interface files (`cpu.weight`, `memory.high`, `cgroup.freeze`, …)
 * through {@link FileActuator}, and `cgroup:<path>:egress` (`allowed` / `blocked` /
 * `blocked-except-loopback`) through an {@link EgressBackend}: reversible, and the rollback
 * works after a restart because the kernel holds the state.
 */
export class CgroupActuator implements Actuator {
  readonly kind = 'cgroup' as const;
  private readonly files = new FileActuator('cgroup');
  private readonly egress: EgressBackend;

  /** @param egress how egress is blocked (default: none, `egress` knobs are unavailable). */
  constructor(egress: EgressBackend = noBackend) {
    this.egress = egress;
  }

  private path(knob: KnobId): string {
    const path = knob.target.replace(/^\/+/, '');
    if (path === '' || path.split('/').some((p) => p === '..' || p === '.')) {
      throw new ActuatorError(ActuatorErrorCode.unknownKnob, `knob '${knob.id}' needs a cgroup path below the root (no '.', '..', not the root itself); write 'cgroup:system.slice/x.service:egress'`, knob.id);
    }
    return path;
  }

  private call<T>(knob: KnobId, what: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof ActuatorError) throw error;
      const code = what === 'read' ? ActuatorErrorCode.unavailable : ActuatorErrorCode.writeFailed;
      throw new ActuatorError(code, `cannot ${what} ${knob.id}: ${(error as Error).message}`, knob.id, { cause: error });
    }
  }

  async read(root: string, knob: KnobId): Promise<string> {
    if (knob.attribute !== 'egress') return this.files.read(root, knob);
    const path = this.path(knob);
    return this.call(knob, 'read', () => this.egress.state(root, path));
  }

  async validate(root: string, knob: KnobId, value: string): Promise<void> {
    if (knob.attribute !== 'egress') return this.files.validate(root, knob, value);
    checkBounds(root, knob, value, await this.read(root, knob));
  }

  async apply(root: string, knob: KnobId, value: string): Promise<void> {
    if (knob.attribute !== 'egress') return this.files.apply(root, knob, value);
    const path = this.path(knob);
    this.call(knob, `set to '${value}'`, () => this.egress.set(root, path, value as EgressState));
  }

  async verify(root: string, knob: KnobId, value: string): Promise<boolean> {
    if (knob.attribute !== 'egress') return this.files.verify(root, knob, value);
    return (await this.read(root, knob)) === value;
  }

  async revert(root: string, knob: KnobId, previous: string): Promise<void> {
    if (knob.attribute !== 'egress') return this.files.revert(root, knob, previous);
    await this.apply(root, knob, previous);
  }
}
