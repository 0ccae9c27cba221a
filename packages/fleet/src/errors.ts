import { AinkaError } from '@ainka/errors';

/** Stable error codes raised by `@ainka/fleet`. */
export const FleetErrorCode = {
  /** Prometheus could not be reached or answered with an error. */
  prometheus: 'ERR_AINKA_FLEET_PROMETHEUS',
  /** An option is out of range or malformed. */
  badOption: 'ERR_AINKA_FLEET_BAD_OPTION',
  /** A policy template names a placeholder that cannot be filled. */
  badTemplate: 'ERR_AINKA_FLEET_BAD_TEMPLATE',
} as const;

/** One of the {@link FleetErrorCode} values. */
export type FleetErrorCode = (typeof FleetErrorCode)[keyof typeof FleetErrorCode];

/** An error of `@ainka/fleet`: the message names the problem and the fix. */
export class FleetError extends AinkaError<FleetErrorCode> {
  /** Always `'FleetError'`. */
  override name = 'FleetError';

  constructor(code: FleetErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** Whether `err` is a {@link FleetError}, optionally with a given code. */
export function isFleetError(err: unknown, code?: FleetErrorCode): err is FleetError {
  return err instanceof FleetError && (code === undefined || err.code === code);
}
