import { constants } from 'node:os';
import { ProtocolError } from '@ainka/protocol';
import { AinkaError } from '@ainka/errors';

/**
 * Stable codes of every {@link AinkaKernelError}. The code is the contract; messages may change.
 */
export type AinkaKernelErrorCode =
  /** The `ainka` generic netlink family or `/dev/ainka` is missing: the module is not loaded. */
  | 'ERR_AINKA_KERNEL_MODULE_NOT_LOADED'
  /** The caller lacks CAP_NET_ADMIN, or the kernel refused the operation with EPERM/EACCES. */
  | 'ERR_AINKA_KERNEL_PERMISSION'
  /** The module speaks another ABI version than this library. */
  | 'ERR_AINKA_KERNEL_ABI_MISMATCH'
  /** The kernel rejected a request (the message carries its extack text when it gave one). */
  | 'ERR_AINKA_KERNEL_REJECTED'
  /** No reply within the request timeout (after any retries). */
  | 'ERR_AINKA_KERNEL_TIMEOUT'
  /** The socket's receive buffer overflowed and replies or events were lost. */
  | 'ERR_AINKA_KERNEL_OVERRUN'
  /** The kernel sent something that does not decode as the ABI says. */
  | 'ERR_AINKA_KERNEL_BAD_REPLY'
  /** An argument was refused before anything was sent. */
  | 'ERR_AINKA_KERNEL_INVALID_ARGUMENT'
  /** A system call on the socket or device failed. */
  | 'ERR_AINKA_KERNEL_IO'
  /** The client was closed. */
  | 'ERR_AINKA_KERNEL_CLOSED';

/** Options of an {@link AinkaKernelError}. */
export interface AinkaKernelErrorOptions {
  /** The attribute the kernel (or the local check) blamed, e.g. `policy-rule[3]` or `mode`. */
  readonly attribute?: string;
  /** Positive Linux errno when the failure came from the kernel. */
  readonly errno?: number;
  /** The failing system call or netlink command, e.g. `policy-load` or `ioctl`. */
  readonly syscall?: string;
  /** The kernel's extended-ACK message, verbatim. */
  readonly extack?: string;
  /** The underlying error (an errno error, a protocol error), kept as `Error.cause`. */
  readonly cause?: unknown;
}

/**
 * Every failure of `@ainka/ipc`. `code` is stable; `message` names the problem and the fix and, for a
 * kernel rejection, quotes the kernel's extack text; `attribute` names the offending attribute;
 * `errno`/`syscall` say what the kernel returned.
 */
export class AinkaKernelError extends AinkaError<AinkaKernelErrorCode> {
  /** Always `'AinkaKernelError'`. */
  override name = 'AinkaKernelError';
  /** The attribute blamed, e.g. `policy-rule[3].threshold` (kernel extack offset) or `rules[3].cmp` (local check). */
  readonly attribute: string | undefined;
  /** Positive Linux errno, when the kernel (or a system call) returned one. */
  readonly errno: number | undefined;
  /** The failing system call or netlink command (`sendto`, `ioctl`, `policy-load` …). */
  readonly syscall: string | undefined;
  /** The kernel's extended-ACK message, verbatim, when it gave one. */
  readonly extack: string | undefined;

  constructor(code: AinkaKernelErrorCode, message: string, options: AinkaKernelErrorOptions = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.attribute = options.attribute;
    this.errno = options.errno;
    this.syscall = options.syscall;
    this.extack = options.extack;
  }
}

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, value]) => [value, name]));

/** `EPERM` for 1, `errno 999` for unknown values. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/** The fix for a missing module, quoted by several errors. */
export const MODULE_FIX =
  'load the AINKA kernel module: install @ainka/kmod and run `modprobe ainka` (or `insmod ainka.ko`), then retry';
/** The fix for missing privilege. */
export const PRIVILEGE_FIX = 'run as root or grant CAP_NET_ADMIN (e.g. `setcap cap_net_admin+ep $(which node)`), or open with { readOnly: true }';

/** Wraps a local validation failure from `@ainka/protocol`. */
export function invalidArgument(error: unknown, what: string): AinkaKernelError {
  if (error instanceof AinkaKernelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const attribute = error instanceof ProtocolError ? error.path : undefined;
  return new AinkaKernelError('ERR_AINKA_KERNEL_INVALID_ARGUMENT', `${what}: ${message}; nothing was sent to the kernel`, {
    ...(attribute === undefined ? {} : { attribute }),
    cause: error,
  });
}
