/**
 * Exit codes of `ainka`, stable for scripts.
 *
 * | code | meaning |
 * | --- | --- |
 * | 0 | success |
 * | 1 | the command failed (the message says why) |
 * | 2 | usage error (unknown command or option, missing argument, a duration that does not parse) |
 * | 3 | the daemon is not running or not reachable |
 * | 4 | not found (unknown action, anomaly, change or metric) |
 * | 5 | invalid input (a policy failed validation) |
 * | 6 | permission denied (on the socket or the state directory) |
 * | 10 | `advise --exit-code`: there is advice pending |
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  unreachable: 3,
  notFound: 4,
  invalid: 5,
  permission: 6,
  advicePending: 10,
} as const;

/** Map an error code to an exit code. */
export function exitCodeFor(code: string): number {
  switch (code) {
    case 'ERR_AINKA_DAEMON_UNREACHABLE':
    case 'ERR_AINKA_DAEMON_TIMEOUT':
      return EXIT.unreachable;
    case 'ERR_AINKA_DAEMON_NOT_FOUND':
    case 'ERR_AINKA_JOURNAL_UNKNOWN_CHANGE':
      return EXIT.notFound;
    case 'ERR_AINKA_DAEMON_POLICY_INVALID':
    case 'ERR_AINKA_DAEMON_BAD_REQUEST':
      return EXIT.invalid;
    case 'ERR_AINKA_DAEMON_PERMISSION_DENIED':
      return EXIT.permission;
    case 'ERR_AINKA_DAEMON_DURATION_INVALID':
      return EXIT.usage;
    default:
      return EXIT.failure;
  }
}
