/** Stable error codes of the daemon and its local API. @public */
export type DaemonErrorCode =
  | 'ERR_AINKA_DAEMON_CONFIG_INVALID'
  | 'ERR_AINKA_DAEMON_CONFIG_UNREADABLE'
  | 'ERR_AINKA_DAEMON_SOCKET_IN_USE'
  | 'ERR_AINKA_DAEMON_UNREACHABLE'
  | 'ERR_AINKA_DAEMON_PERMISSION_DENIED'
  | 'ERR_AINKA_DAEMON_BAD_REQUEST'
  | 'ERR_AINKA_DAEMON_NOT_FOUND'
  | 'ERR_AINKA_DAEMON_TIMEOUT'
  | 'ERR_AINKA_DAEMON_UNAVAILABLE'
  | 'ERR_AINKA_DAEMON_POLICY_INVALID'
  | 'ERR_AINKA_DAEMON_INTERNAL';

/**
 * An error of `ainkad` or its API. `code` is the contract; the message names the problem and the fix.
 * @public
 */
export class DaemonError extends Error {
  /** Stable error code. */
  readonly code: DaemonErrorCode;

  constructor(code: DaemonErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DaemonError';
    this.code = code;
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
