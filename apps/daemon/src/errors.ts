import { AinkaError } from '@ainka/errors';

/** Stable error codes of the daemon and its local API. @public */
export type DaemonErrorCode =
  /** The configuration file does not match the schema (the message names the field and the fix). */
  | 'ERR_AINKA_DAEMON_CONFIG_INVALID'
  /** The configuration file cannot be read or is not YAML. */
  | 'ERR_AINKA_DAEMON_CONFIG_UNREADABLE'
  /** A duration (a config key, a CLI option) is not `<number><unit>…` such as `90s` or `1h30m` (`parseDuration`). */
  | 'ERR_AINKA_DAEMON_DURATION_INVALID'
  /** Another ainkad already listens on the API socket. */
  | 'ERR_AINKA_DAEMON_SOCKET_IN_USE'
  /** ainkad is not running or closed the connection. */
  | 'ERR_AINKA_DAEMON_UNREACHABLE'
  /** The caller may not use the API socket, or may read but not call a method that changes the system (`ainka` exits 6). */
  | 'ERR_AINKA_DAEMON_PERMISSION_DENIED'
  /** A request is not one line of JSON `{id, method, params}`, or names an unknown method or bad parameters. */
  | 'ERR_AINKA_DAEMON_BAD_REQUEST'
  /** The advice, anomaly, change or metric asked for does not exist. */
  | 'ERR_AINKA_DAEMON_NOT_FOUND'
  /** No answer from ainkad in time. */
  | 'ERR_AINKA_DAEMON_TIMEOUT'
  /** The feature asked for is switched off or not available on this machine. */
  | 'ERR_AINKA_DAEMON_UNAVAILABLE'
  /** A policy sent to the daemon failed validation. */
  | 'ERR_AINKA_DAEMON_POLICY_INVALID'
  /** An unexpected failure inside ainkad (a bug: its log has the details). */
  | 'ERR_AINKA_DAEMON_INTERNAL';

/**
 * An error of `ainkad` or its API. `code` is the contract; the message names the problem and the fix.
 * @public
 */
export class DaemonError extends AinkaError<DaemonErrorCode> {
  /** Always `'DaemonError'`. */
  override name = 'DaemonError';

  constructor(code: DaemonErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** The `{ code, message }` of any thrown value, for logs and API replies. @public */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'ERR_AINKA_DAEMON_INTERNAL', message: err.message };
  }
  return { code: 'ERR_AINKA_DAEMON_INTERNAL', message: String(err) };
}
