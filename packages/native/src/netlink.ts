import { loadBinding } from './binding.js';

/** An error thrown by a native call, shaped like Node's system errors. */
export interface NativeSystemError extends Error {
  /** Errno name, e.g. `EPERM`. */
  readonly code: string;
  /** Positive Linux errno. */
  readonly errno: number;
  /** The failing system call, e.g. `sendto`. */
  readonly syscall: string;
}

/** Whether `error` came from a failed system call in the addon. */
export function isNativeSystemError(error: unknown): error is NativeSystemError {
  return error instanceof Error && typeof (error as { errno?: unknown }).errno === 'number' && typeof (error as { syscall?: unknown }).syscall === 'string';
}

/** Netlink protocol numbers used by AINKA. */
export const NetlinkProtocol = {
  /** `NETLINK_ROUTE`: routing and link configuration (rtnetlink). */
  ROUTE: 0,
  /** `NETLINK_GENERIC`: generic netlink, which the AINKA family uses. */
  GENERIC: 16,
} as const;

/**
 * Called with each batch read from the socket: `errno` is 0, or `ENOBUFS` (105) when the kernel dropped
 * messages because the receive buffer was full, or the errno of a failed read. `datagrams` holds what
 * was read before that, oldest first.
 */
export type NetlinkDataCallback = (errno: number, datagrams: readonly Uint8Array[]) => void;

interface NetlinkBinding {
  nlOpen(protocol: number, rcvbufBytes: number, onData: NetlinkDataCallback): object;
  nlSend(handle: object, bytes: Uint8Array): number;
  nlSendRecv(handle: object, bytes: Uint8Array): Uint8Array[] & { errno?: number };
  nlAddMembership(handle: object, group: number): void;
  nlDropMembership(handle: object, group: number): void;
  nlPortId(handle: object): number;
  nlRef(handle: object, keepsLoopAlive: boolean): void;
  nlClose(handle: object): void;
}

/** What {@link NetlinkSocket.sendAndRead} found on the socket right after sending. */
export interface NetlinkReadBatch {
  /** 0, or the errno that ended the read (`ENOBUFS` after dropped messages), as {@link NetlinkDataCallback} reports it. */
  readonly errno: number;
  /** Datagrams read, oldest first (possibly none). */
  readonly datagrams: readonly Uint8Array[];
}

/** Options of {@link NetlinkSocket.open}. */
export interface NetlinkSocketOptions {
  /** Netlink protocol (default {@link NetlinkProtocol.GENERIC}). */
  readonly protocol?: number;
  /** Receive buffer size; forced past rmem_max when the caller has CAP_NET_ADMIN (default 1 MiB). */
  readonly rcvbufBytes?: number;
}

/**
 * A raw netlink socket driven by libuv: non-blocking, watched with `uv_poll`, drained in bounded batches
 * (64 datagrams or 1 MiB per wakeup), with extended and capped ACKs enabled. It moves bytes only —
 * framing, sequence numbers and error decoding belong to the caller (`@ainka/ipc`).
 */
export class NetlinkSocket {
  readonly #binding: NetlinkBinding;
  #handle: object | undefined;
  /** The port id the kernel bound this socket to (nlmsg_pid of unicast replies). */
  readonly portId: number;

  private constructor(binding: NetlinkBinding, handle: object) {
    this.#binding = binding;
    this.#handle = handle;
    this.portId = binding.nlPortId(handle);
  }

  /** Opens and binds a socket; `onData` receives every batch until {@link close}. Throws a {@link NativeSystemError}. */
  static open(onData: NetlinkDataCallback, options: NetlinkSocketOptions = {}): NetlinkSocket {
    const binding = loadBinding() as unknown as NetlinkBinding;
    const handle = binding.nlOpen(options.protocol ?? NetlinkProtocol.GENERIC, options.rcvbufBytes ?? 1 << 20, onData);
    return new NetlinkSocket(binding, handle);
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#handle === undefined;
  }

  #live(): object {
    if (!this.#handle) throw Object.assign(new Error('netlink socket is closed: open a new one'), { code: 'ERR_AINKA_KERNEL_CLOSED' });
    return this.#handle;
  }

  /** Sends one datagram (one or more netlink messages) to the kernel; returns the bytes sent. */
  send(bytes: Uint8Array): number {
    return this.#binding.nlSend(this.#live(), bytes);
  }

  /**
   * Sends one datagram, then reads what is already queued (one bounded, non-blocking batch, like a
   * poll wakeup, that stops after the NLMSG_ERROR or NLMSG_DONE carrying the request's nlmsg_seq) and
   * returns it instead of passing it to `onData`. The kernel answers most generic netlink requests
   * inside the send, so this usually returns the reply without an event-loop round trip; whatever
   * arrives later still goes to `onData`. Throws a {@link NativeSystemError} when the
   * send fails.
   */
  sendAndRead(bytes: Uint8Array): NetlinkReadBatch {
    const datagrams = this.#binding.nlSendRecv(this.#live(), bytes);
    return { errno: datagrams.errno ?? 0, datagrams };
  }

  /** Joins a multicast group by id. */
  addMembership(group: number): void {
    this.#binding.nlAddMembership(this.#live(), group);
  }

  /** Leaves a multicast group by id. */
  dropMembership(group: number): void {
    this.#binding.nlDropMembership(this.#live(), group);
  }

  /** Whether the open socket keeps the Node.js event loop alive (like `Socket#ref`/`unref`). */
  ref(keepsLoopAlive: boolean): void {
    this.#binding.nlRef(this.#live(), keepsLoopAlive);
  }

  /** Stops watching and closes the socket; idempotent. No callback runs afterwards. */
  close(): void {
    if (!this.#handle) return;
    this.#binding.nlClose(this.#handle);
    this.#handle = undefined;
  }
}
