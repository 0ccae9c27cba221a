import { AinkaError } from '@ainka/errors';

/**
 * Stable error codes raised by `@ainka/healing`. The code is the contract; messages may change.
 */
export const HealingErrorCode = {
  /** An option is out of range or inconsistent. */
  invalidOption: 'ERR_AINKA_HEALING_INVALID_OPTION',
  /** A baseline file is missing, unreadable or not a baseline. */
  badBaseline: 'ERR_AINKA_HEALING_BAD_BASELINE',
  /** The systemd manager could not be reached over D-Bus. */
  busUnavailable: 'ERR_AINKA_HEALING_BUS_UNAVAILABLE',
} as const;

/** One of the {@link HealingErrorCode} values. */
export type HealingErrorCode = (typeof HealingErrorCode)[keyof typeof HealingErrorCode];

/** An error from `@ainka/healing`: a stable `code` and a message naming the problem and the fix. */
export class HealingError extends AinkaError<HealingErrorCode> {
  /** Always `'HealingError'`. */
  override name = 'HealingError';

  constructor(code: HealingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options ?? {});
  }
}
