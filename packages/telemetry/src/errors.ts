import { AinkaError } from '@ainka/errors';

/**
 * Stable error codes raised by `@ainka/telemetry`. The code is the contract; messages may change.
 *
 * @public
 */
export type TelemetryErrorCode =
  /** A kernel file exists but its content does not match the format this parser knows. */
  | 'ERR_AINKA_TELEMETRY_MALFORMED_INPUT'
  /** A kernel file or directory a collector needs does not exist on this machine. */
  | 'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE'
  /** A kernel file exists but this process may not read it. */
  | 'ERR_AINKA_TELEMETRY_PERMISSION_DENIED'
  /** An option passed to a constructor or method is out of range or inconsistent. */
  | 'ERR_AINKA_TELEMETRY_INVALID_OPTION'
  /** The history database was used after `close()`. */
  | 'ERR_AINKA_TELEMETRY_HISTORY_CLOSED'
  /** A webhook sink got a non-2xx answer or no answer in time. */
  | 'ERR_AINKA_TELEMETRY_WEBHOOK_FAILED';

/**
 * The error class of `@ainka/telemetry`. Every error carries a stable {@link TelemetryErrorCode},
 * a message that names the problem and the fix, and, when it came from the kernel, `errno`/`syscall`/`path`.
 *
 * @public
 */
export class TelemetryError extends AinkaError<TelemetryErrorCode> {
  /** Always `'TelemetryError'`. */
  override name = 'TelemetryError';
  /** The errno name (`ENOENT`, `EACCES`, …) when the error came from a system call. */
  readonly errno?: string;
  /** The system call that failed, when there was one. */
  readonly syscall?: string;
  /** The file the error is about, when there is one. */
  readonly path?: string;

  constructor(
    code: TelemetryErrorCode,
    message: string,
    options: { cause?: unknown; errno?: string; syscall?: string; path?: string } = {},
  ) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    if (options.errno !== undefined) this.errno = options.errno;
    if (options.syscall !== undefined) this.syscall = options.syscall;
    if (options.path !== undefined) this.path = options.path;
  }
}

/**
 * Builds the error a parser throws on input it does not understand: names the file, the 1-based line
 * and the offending text, and says what to do.
 *
 * @public
 */
export function malformed(file: string, line: number, text: string, expected: string): TelemetryError {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return new TelemetryError(
    'ERR_AINKA_TELEMETRY_MALFORMED_INPUT',
    `${file}:${line}: expected ${expected}, got ${JSON.stringify(shown)}. ` +
      'This kernel prints a format the parser does not know; record the file as a fixture ' +
      '(packages/telemetry/scripts/record-fixtures.mjs) and open an issue.',
    { path: file },
  );
}
