import type { Actuator } from './actuator.js';
import { checkBounds } from './fileActuator.js';
import type { KnobId } from '@ainka/knobs';
import { runCommand, type CommandRunner } from './runCommand.js';

/** Options of {@link SystemdActuator}. */
export interface SystemdActuatorOptions {
  /** The systemctl binary (default `systemctl`; tests pass a fake script). */
  systemctl?: string;
  /** How commands run (default `execFile`). */
  run?: CommandRunner;
}

/**
 * `systemd:<unit>:restart`: reads the unit's `ActiveState`, restarts it with `systemctl restart`, and
 * verifies it is `active` again. A restart cannot be undone, so `revert` does nothing; the change
 * manager records such changes as irreversible and rate-limits them. The root path is not used:
 * systemctl talks to the running manager.
 */
export class SystemdActuator implements Actuator {
  readonly kind = 'systemd' as const;
  private readonly systemctl: string;
  private readonly run: CommandRunner;

  /** @param options the systemctl binary and command runner. */
  constructor(options: SystemdActuatorOptions = {}) {
    this.systemctl = options.systemctl ?? 'systemctl';
    this.run = options.run ?? runCommand;
  }

  async read(_root: string, knob: KnobId): Promise<string> {
    return (await this.run(this.systemctl, ['show', '--property=ActiveState', '--value', knob.target])).trim();
  }

  async validate(root: string, knob: KnobId, value: string): Promise<void> {
    checkBounds(root, knob, value, '');
  }

  async apply(_root: string, knob: KnobId, _value: string): Promise<void> {
    await this.run(this.systemctl, ['restart', knob.target]);
  }

  async verify(root: string, knob: KnobId, _value: string): Promise<boolean> {
    return (await this.read(root, knob)) === 'active';
  }

  async revert(_root: string, _knob: KnobId, _previous: string): Promise<void> {
    // A restart cannot be undone.
  }
}
