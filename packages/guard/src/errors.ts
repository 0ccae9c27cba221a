import { AinkaError } from '@ainka/errors';

/** Stable error codes raised by `@ainka/guard`. */
export const GuardErrorCode = {
  /** A detection-rules document has errors (see `issues`). */
  invalidRules: 'ERR_AINKA_GUARD_INVALID_RULES',
  /** An option or argument is out of range. */
  badOption: 'ERR_AINKA_GUARD_BAD_OPTION',
  /** A response was refused (protected process, unknown target). */
  responseRefused: 'ERR_AINKA_GUARD_RESPONSE_REFUSED',
  /** The baseline database could not be opened or written. */
  baseline: 'ERR_AINKA_GUARD_BASELINE',
} as const;

/** One of the {@link GuardErrorCode} values. */
export type GuardErrorCode = (typeof GuardErrorCode)[keyof typeof GuardErrorCode];

/** An error of `@ainka/guard`: the message names the problem and the fix. */
export class GuardError extends AinkaError<GuardErrorCode> {
  /** Always `'GuardError'`. */
  override name = 'GuardError';

  constructor(code: GuardErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}
