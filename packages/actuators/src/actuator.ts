import type { KnobId, KnobKind } from '@ainka/knobs';

/**
 * The five operations every actuator offers. Each takes the root of the file tree it works on (`/` on a
 * live machine, a temporary directory in tests), so nothing here is tied to the machine it runs on.
 */
export interface Actuator {
  /** The family this actuator handles. */
  readonly kind: KnobKind;
  /** Read the current value (normalized: single spaces, selected word of `[a] b c` listings). */
  read(root: string, knob: KnobId): Promise<string>;
  /**
   * Check a value against the knob's bounds without writing anything.
   * @throws `ActuatorError` `ERR_AINKA_KNOB_OUT_OF_BOUNDS` / `ERR_AINKA_KNOB_UNKNOWN` / `ERR_AINKA_KNOB_UNAVAILABLE`.
   */
  validate(root: string, knob: KnobId, value: string): Promise<void>;
  /** Write a value that passed `validate`. */
  apply(root: string, knob: KnobId, value: string): Promise<void>;
  /** Read back and tell whether the knob now holds `value`. */
  verify(root: string, knob: KnobId, value: string): Promise<boolean>;
  /** Restore a previous value (not bounds-checked: the previous value was the administrator's). */
  revert(root: string, knob: KnobId, previous: string): Promise<void>;
  /**
   * Identity of the object behind the knob when it can be replaced by another with the same name (a process:
   * its start time), so a rollback never touches a different process that reused the pid. `undefined` = unknown.
   */
  identity?(root: string, knob: KnobId): Promise<string | undefined>;
}
