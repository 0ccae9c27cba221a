/**
 * Every AINKA error code: `ERR_AINKA_<AREA>_<WHAT>`, upper case, words joined by `_`
 * (e.g. `ERR_AINKA_KERNEL_TIMEOUT`, `ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE`). The areas are listed in
 * {@link errorAreas}.
 */
export type AinkaErrorCode = `ERR_AINKA_${string}`;

/** Options of an {@link AinkaError}. */
export interface AinkaErrorOptions {
  /** The underlying error (an errno error, a parse error …), kept as the standard `Error.cause`. */
  readonly cause?: unknown;
}

/**
 * Brand shared by every copy of this package: `isAinkaError` recognises an AINKA error even when an
 * application ends up with two copies of `@ainka/errors` (or gets the error across a realm boundary).
 */
const BRAND: unique symbol = Symbol.for('@ainka/errors.AinkaError');

/**
 * The base class of every error thrown by an AINKA library or app. `code` is the stable contract to
 * branch on (`ERR_AINKA_<AREA>_<WHAT>`); the message names the problem and the fix and may change
 * between releases; `cause` keeps the underlying error.
 *
 * Subclasses (`ProtocolError`, `TelemetryError`, `ActuatorError` …) narrow `code` to their own codes
 * and add the fields their area needs (`errno`, `knob`, `issues` …).
 */
export class AinkaError<Code extends AinkaErrorCode = AinkaErrorCode> extends Error {
  /** `'AinkaError'`, or the subclass name. */
  override name = 'AinkaError';
  /** Stable machine-readable code, `ERR_AINKA_<AREA>_<WHAT>`. */
  readonly code: Code;

  constructor(code: Code, message: string, options: AinkaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** Brand read by {@link isAinkaError}. */
  get [BRAND](): true {
    return true;
  }
}

/**
 * Codes renamed to the `ERR_AINKA_<AREA>_<WHAT>` scheme, old → new. Errors carry the new code;
 * {@link isAinkaError} and {@link canonicalCode} still accept the old one until the next major release.
 * @deprecated entries are removed in 1.0; match on the new codes.
 */
export const renamedCodes: Readonly<Record<string, AinkaErrorCode>> = Object.freeze({
  ERR_AINKA_TRUNCATED: 'ERR_AINKA_PROTOCOL_TRUNCATED',
  ERR_AINKA_OVERSIZE: 'ERR_AINKA_PROTOCOL_OVERSIZE',
  ERR_AINKA_MISALIGNED: 'ERR_AINKA_PROTOCOL_MISALIGNED',
  ERR_AINKA_UNKNOWN: 'ERR_AINKA_PROTOCOL_UNKNOWN',
  ERR_AINKA_MALFORMED: 'ERR_AINKA_PROTOCOL_MALFORMED',
  ERR_AINKA_OUT_OF_RANGE: 'ERR_AINKA_PROTOCOL_OUT_OF_RANGE',
  ERR_AINKA_MODULE_NOT_LOADED: 'ERR_AINKA_KERNEL_MODULE_NOT_LOADED',
  ERR_AINKA_PERMISSION: 'ERR_AINKA_KERNEL_PERMISSION',
  ERR_AINKA_ABI_MISMATCH: 'ERR_AINKA_KERNEL_ABI_MISMATCH',
  ERR_AINKA_TIMEOUT: 'ERR_AINKA_KERNEL_TIMEOUT',
  ERR_AINKA_OVERRUN: 'ERR_AINKA_KERNEL_OVERRUN',
  ERR_AINKA_BAD_REPLY: 'ERR_AINKA_KERNEL_BAD_REPLY',
  ERR_AINKA_INVALID_ARGUMENT: 'ERR_AINKA_KERNEL_INVALID_ARGUMENT',
  ERR_AINKA_IO: 'ERR_AINKA_KERNEL_IO',
  ERR_AINKA_CLOSED: 'ERR_AINKA_KERNEL_CLOSED',
  ERR_AINKA_COMMAND_FAILED: 'ERR_AINKA_ACTUATOR_COMMAND_FAILED',
  ERR_AINKA_CHANGE_MANAGER_CLOSED: 'ERR_AINKA_ACTUATOR_CLOSED',
  ERR_AINKA_OPTIMIZER_BAD_INPUT: 'ERR_AINKA_POLICY_OPTIMIZER_BAD_INPUT',
});

/** The current name of a code: the new code for a renamed one, else the code itself. */
export function canonicalCode(code: string): string {
  return renamedCodes[code] ?? code;
}

/**
 * Whether `value` is an AINKA error (any subclass of {@link AinkaError}, from any copy of this package).
 * With `code`, also whether it carries that code (a renamed code from {@link renamedCodes} matches its new name).
 *
 * @example
 * ```ts
 * try { await kernel.status(); } catch (error) {
 *   if (isAinkaError(error, 'ERR_AINKA_KERNEL_MODULE_NOT_LOADED')) console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export function isAinkaError(value: unknown, code?: string): value is AinkaError {
  if (typeof value !== 'object' || value === null) return false;
  if (!(value instanceof AinkaError) && (value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || canonicalCode((value as AinkaError).code) === canonicalCode(code);
}
