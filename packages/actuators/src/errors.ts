import { AinkaError } from '@ainka/errors';

/**
 * Stable error codes raised by `@ainka/actuators`. The code is the contract; messages may change.
 */
export const ActuatorErrorCode = {
  /** The knob id does not name a knob in the catalogue. */
  unknownKnob: 'ERR_AINKA_KNOB_UNKNOWN',
  /** The knob exists in the catalogue but not on this machine (file missing). */
  unavailable: 'ERR_AINKA_KNOB_UNAVAILABLE',
  /** The requested value is outside the knob's bounds. */
  outOfBounds: 'ERR_AINKA_KNOB_OUT_OF_BOUNDS',
  /** The value read back after a write differs from the value written. */
  verifyFailed: 'ERR_AINKA_KNOB_VERIFY_FAILED',
  /** Writing the knob failed (permission, kernel refusal). */
  writeFailed: 'ERR_AINKA_KNOB_WRITE_FAILED',
  /** An external command (systemctl, ionice) failed. */
  commandFailed: 'ERR_AINKA_ACTUATOR_COMMAND_FAILED',
  /** The change journal is damaged before its last record. */
  journalCorrupt: 'ERR_AINKA_JOURNAL_CORRUPT',
  /** Another live process holds the journal. */
  journalLocked: 'ERR_AINKA_JOURNAL_LOCKED',
  /** The change id, session id or knob passed to a rollback is not in the journal. */
  notInJournal: 'ERR_AINKA_JOURNAL_UNKNOWN_CHANGE',
  /** The change manager was used after `close()`. */
  closed: 'ERR_AINKA_ACTUATOR_CLOSED',
} as const;

/** One of the {@link ActuatorErrorCode} values. */
export type ActuatorErrorCode = (typeof ActuatorErrorCode)[keyof typeof ActuatorErrorCode];

/**
 * An error from an actuator, the journal or the change manager. `code` is stable; `knob` names the knob
 * involved when there is one; the message names the problem and the fix.
 */
export class ActuatorError extends AinkaError<ActuatorErrorCode> {
  /** Always `'ActuatorError'`. */
  override name = 'ActuatorError';
  /** The knob involved, when there is one. */
  readonly knob: string | undefined;

  constructor(code: ActuatorErrorCode, message: string, knob?: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.knob = knob;
  }
}
