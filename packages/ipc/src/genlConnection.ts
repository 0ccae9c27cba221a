import { isNativeSystemError, NetlinkSocket } from '@ainka/native';
import {
  decodeFamilyReply,
  decodeNlmsgError,
  decodeNlmsgs,
  encodeGetFamily,
  NlmFlags,
  NlmsgType,
  ProtocolError,
  type NlMessage,
  type NlmsgError,
  type ResolvedFamily,
} from '@ainka/protocol';
import { performance } from 'node:perf_hooks';
import { AinkaKernelError, errnoName } from './errors.js';

const ENOBUFS = 105;

/** Options of a {@link GenlConnection}. */
export interface GenlConnectionOptions {
  /** Default request timeout in milliseconds (default 2000). */
  readonly timeoutMs?: number;
  /** Socket receive buffer (default 1 MiB). */
  readonly rcvbufBytes?: number;
  /**
   * Read the socket right after each send and handle what is already there (default false). The
   * kernel answers most generic netlink requests inside sendto(), so a request then usually completes
   * without waiting for the event loop to poll the socket, and a burst of requests cannot overflow the
   * receive buffer before it is read. Messages that answer no request found this way are passed to
   * `onNotification` synchronously, inside {@link GenlConnection.request}.
   */
  readonly readAfterSend?: boolean;
  /** Called with every message that answers no request (multicast notifications). */
  readonly onNotification?: (message: NlMessage) => void;
  /** Called when the socket reports an error outside any request (e.g. ENOBUFS on an events socket). */
  readonly onSocketError?: (error: AinkaKernelError) => void;
}

/** Per-request options. */
export interface GenlRequestOptions {
  /** A dump: collect NLM_F_MULTI parts until NLMSG_DONE. */
  readonly dump?: boolean;
  /** Timeout of this request in ms (default: the connection's `timeoutMs`). */
  readonly timeoutMs?: number;
  /** Names the request in errors, e.g. `policy-load`. */
  readonly name: string;
  /** Maps a byte offset in the request (from extack) to an attribute name. */
  readonly describeOffset?: (request: Uint8Array, offset: number) => string | undefined;
  /** Maps a missing attribute type (from extack) to an attribute name. */
  readonly describeMissing?: (type: number) => string | undefined;
}

interface Pending {
  readonly request: Uint8Array;
  readonly options: GenlRequestOptions;
  /** The request asked for an ACK (NLM_F_ACK), so a reply without NLM_F_MULTI does not end it. */
  readonly acked: boolean;
  readonly parts: NlMessage[];
  readonly resolve: (parts: NlMessage[]) => void;
  readonly reject: (error: AinkaKernelError) => void;
  readonly timeoutMs: number;
  /** performance.now() after which the request times out (Infinity until the send returned). */
  deadline: number;
}

/**
 * Netlink framing over a {@link NetlinkSocket}: one sequence number per request, replies matched by
 * sequence, `do` requests completed by their ACK, dumps by NLMSG_DONE, every NLMSG_ERROR turned into an
 * {@link AinkaKernelError} carrying the kernel's extack text and the attribute it blamed, and a timeout
 * on everything. The socket keeps the event loop alive only while a request is in flight.
 */
export class GenlConnection {
  readonly #socket: NetlinkSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #options: GenlConnectionOptions;
  #seq: number;
  #referenced = false;
  #closed = false;
  /** One timer for every request in flight, armed for the earliest deadline (not one per request). */
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  /** Datagrams that did not decode (counted, never fatal). */
  malformed = 0;
  /** ENOBUFS reports: the kernel dropped messages for this socket. */
  overruns = 0;

  constructor(options: GenlConnectionOptions = {}) {
    this.#options = options;
    this.#seq = (Date.now() & 0x7fffffff) >>> 0 || 1;
    try {
      this.#socket = NetlinkSocket.open((errno, datagrams) => this.#onData(errno, datagrams), {
        ...(options.rcvbufBytes === undefined ? {} : { rcvbufBytes: options.rcvbufBytes }),
      });
    } catch (error) {
      throw ioError(error, 'open a generic netlink socket');
    }
    this.#socket.ref(false);
  }

  /** The port id replies are addressed to. */
  get portId(): number {
    return this.#socket.portId;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** The socket itself (multicast membership). */
  get socket(): NetlinkSocket {
    return this.#socket;
  }

  #nextSeq(): number {
    do {
      this.#seq = (this.#seq + 1) >>> 0;
    } while (this.#seq === 0 || this.#pending.has(this.#seq));
    return this.#seq;
  }

  #updateRef(): void {
    const want = this.#pending.size > 0;
    if (want !== this.#referenced && !this.#closed) {
      this.#socket.ref(want);
      this.#referenced = want;
    }
  }

  /**
   * Sends the message `build(seq, portId)` returns and resolves with the replies (the reply messages
   * of a `do`, without its ACK; every part of a dump, without DONE).
   */
  request(build: (seq: number, portId: number) => Uint8Array, options: GenlRequestOptions): Promise<NlMessage[]> {
    if (this.#closed) return Promise.reject(closedError(options.name));
    const seq = this.#nextSeq();
    const request = build(seq, this.#socket.portId);
    return new Promise<NlMessage[]>((resolve, reject) => {
      const acked = request.length >= 8 && (new DataView(request.buffer, request.byteOffset, request.byteLength).getUint16(6, true) & NlmFlags.ACK) !== 0;
      const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? 2000;
      const pending: Pending = { request, options, acked, parts: [], resolve, reject, timeoutMs, deadline: Infinity };
      this.#pending.set(seq, pending);
      // With readAfterSend, what the kernel queued during sendto() is read right away: most requests
      // complete here, without a trip through the event loop (later replies arrive through onData).
      try {
        if (this.#options.readAfterSend === true) {
          const { errno, datagrams } = this.#socket.sendAndRead(request);
          if (datagrams.length > 0 || errno !== 0) this.#onData(errno, datagrams);
        } else {
          this.#socket.send(request);
        }
      } catch (error) {
        this.#settle(seq, ioError(error, options.name));
        return;
      }
      if (this.#pending.get(seq) !== pending) return;
      pending.deadline = performance.now() + timeoutMs;
      this.#armTimer(pending.deadline);
      this.#updateRef();
    });
  }

  #armTimer(deadline: number): void {
    if (this.#timer !== undefined && this.#timerAt <= deadline) return;
    clearTimeout(this.#timer);
    this.#timerAt = deadline;
    this.#timer = setTimeout(() => this.#onTimer(), Math.max(1, Math.ceil(deadline - performance.now())));
    // The socket is referenced while a request is in flight; the timer alone never holds the process.
    this.#timer.unref();
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    const expired: number[] = [];
    for (const [seq, pending] of this.#pending) {
      if (pending.deadline <= now) expired.push(seq);
      else if (pending.deadline < next) next = pending.deadline;
    }
    for (const seq of expired) {
      const { options, timeoutMs } = this.#pending.get(seq)!;
      this.#settle(seq, new AinkaKernelError('ERR_AINKA_KERNEL_TIMEOUT', `${options.name}: no reply from the kernel within ${timeoutMs} ms; check that the module is healthy (dmesg) or raise requestTimeoutMs`, {
        syscall: options.name,
        errno: 110,
      }));
    }
    if (next !== Infinity) this.#armTimer(next);
  }

  #settle(seq: number, outcome: AinkaKernelError | NlMessage[]): void {
    const pending = this.#pending.get(seq);
    if (!pending) return;
    this.#pending.delete(seq);
    this.#updateRef();
    if (outcome instanceof AinkaKernelError) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  #onData(errno: number, datagrams: readonly Uint8Array[]): void {
    for (const datagram of datagrams) this.#onDatagram(datagram);
    if (errno === 0) return;
    if (errno === ENOBUFS) {
      this.overruns++;
      const error = new AinkaKernelError('ERR_AINKA_KERNEL_OVERRUN', 'the kernel dropped netlink messages because the socket receive buffer was full; consume events faster or raise rcvbufBytes', {
        errno,
        syscall: 'recv',
      });
      // A lost reply can belong to any request in flight: fail them so idempotent ones are retried.
      for (const seq of [...this.#pending.keys()]) this.#settle(seq, error);
      this.#options.onSocketError?.(error);
      return;
    }
    const error = new AinkaKernelError('ERR_AINKA_KERNEL_IO', `netlink receive failed: ${errnoName(errno)}`, { errno, syscall: 'recv' });
    for (const seq of [...this.#pending.keys()]) this.#settle(seq, error);
    this.#options.onSocketError?.(error);
  }

  #onDatagram(datagram: Uint8Array): void {
    let messages: NlMessage[];
    try {
      messages = decodeNlmsgs(datagram);
    } catch {
      this.malformed++;
      return;
    }
    for (const message of messages) {
      const pending = message.header.seq === 0 ? undefined : this.#pending.get(message.header.seq);
      if (!pending || message.header.pid !== this.#socket.portId) {
        if (message.header.type >= 0x10) this.#options.onNotification?.(message);
        continue;
      }
      this.#onReply(message.header.seq, pending, message);
    }
  }

  #onReply(seq: number, pending: Pending, message: NlMessage): void {
    const { type, flags } = message.header;
    if (type === NlmsgType.ERROR) {
      let ack: NlmsgError;
      try {
        ack = decodeNlmsgError(message.payload, flags);
      } catch (error) {
        this.#settle(seq, badReply(pending.options.name, error));
        return;
      }
      this.#settle(seq, ack.error === 0 ? pending.parts : kernelError(ack, pending));
      return;
    }
    if (type === NlmsgType.DONE) {
      const error = message.payload.length >= 4 ? new DataView(message.payload.buffer, message.payload.byteOffset, 4).getInt32(0, true) : 0;
      if (error < 0) {
        let ack: NlmsgError = { error, request: message.header };
        try {
          // A dump that fails part-way puts the error (and extack TLVs) in DONE, laid out like nlmsgerr.
          if (message.payload.length >= 20) ack = { ...decodeNlmsgError(message.payload, flags), error };
        } catch {
          /* keep the bare errno */
        }
        this.#settle(seq, kernelError(ack, pending));
      } else {
        this.#settle(seq, pending.parts);
      }
      return;
    }
    if (type === NlmsgType.NOOP || type === NlmsgType.OVERRUN) return;
    pending.parts.push(message); // each datagram is a fresh buffer from the addon: no copy needed
    if (!pending.options.dump && (flags & NlmFlags.MULTI) === 0 && !pending.acked) {
      this.#settle(seq, pending.parts);
    }
  }

  /**
   * Resolves a generic netlink family (id, version, multicast groups) through nlctrl. A family the
   * kernel does not know rejects with errno ENOENT (`ERR_AINKA_KERNEL_REJECTED`; callers decide whether
   * that means "module not loaded").
   */
  async resolveFamily(name: string, timeoutMs?: number): Promise<ResolvedFamily> {
    const replies = await this.request((seq) => encodeGetFamily(name, seq), {
      name: `resolve generic netlink family ${name}`,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    const reply = replies[0];
    if (!reply) throw new AinkaKernelError('ERR_AINKA_KERNEL_BAD_REPLY', `nlctrl acknowledged GETFAMILY ${name} without a reply`, { syscall: 'nlctrl' });
    try {
      return decodeFamilyReply(reply.payload);
    } catch (error) {
      throw badReply(`resolve ${name}`, error);
    }
  }

  /** Rejects every request in flight with ERR_AINKA_KERNEL_CLOSED and closes the socket; idempotent. */
  close(): void {
    if (this.#closed) return;
    for (const seq of [...this.#pending.keys()]) this.#settle(seq, closedError(this.#pending.get(seq)!.options.name));
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#socket.close();
  }
}

function closedError(name: string): AinkaKernelError {
  return new AinkaKernelError('ERR_AINKA_KERNEL_CLOSED', `${name}: the kernel connection is closed; open a new AinkaKernel`, { syscall: name });
}

function badReply(name: string, error: unknown): AinkaKernelError {
  const detail = error instanceof ProtocolError || error instanceof Error ? error.message : String(error);
  return new AinkaKernelError('ERR_AINKA_KERNEL_BAD_REPLY', `${name}: the kernel's reply does not decode (${detail}); check that @ainka/kmod and @ainka/ipc versions match`, {
    syscall: name,
    cause: error,
  });
}

/** Wraps a native system error (send/socket failure) as ERR_AINKA_KERNEL_IO or ERR_AINKA_KERNEL_PERMISSION. */
export function ioError(error: unknown, what: string): AinkaKernelError {
  if (error instanceof AinkaKernelError) return error;
  if (isNativeSystemError(error)) {
    const permission = error.errno === 1 || error.errno === 13;
    return new AinkaKernelError(
      permission ? 'ERR_AINKA_KERNEL_PERMISSION' : error.errno === ENOBUFS ? 'ERR_AINKA_KERNEL_OVERRUN' : 'ERR_AINKA_KERNEL_IO',
      `${what}: ${error.syscall} failed with ${error.code}${permission ? ` — ${'run as root or with CAP_NET_ADMIN'}` : ''}`,
      { errno: error.errno, syscall: error.syscall, cause: error },
    );
  }
  return new AinkaKernelError('ERR_AINKA_KERNEL_IO', `${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function kernelError(ack: NlmsgError, pending: Pending): AinkaKernelError {
  const errno = -ack.error;
  const name = pending.options.name;
  let attribute: string | undefined;
  if (ack.badAttributeOffset !== undefined) attribute = pending.options.describeOffset?.(pending.request, ack.badAttributeOffset) ?? `byte ${ack.badAttributeOffset}`;
  else if (ack.missingType !== undefined) attribute = pending.options.describeMissing?.(ack.missingType) ?? `attribute type ${ack.missingType}`;
  const permission = errno === 1 || errno === 13;
  const parts = [`${name}: the kernel refused with ${errnoName(errno)}`];
  if (ack.message) parts.push(`"${ack.message}"`);
  if (attribute) parts.push(ack.missingType !== undefined && ack.badAttributeOffset === undefined ? `(missing attribute ${attribute})` : `(attribute ${attribute})`);
  let message = parts.join(' ');
  if (permission) message += '; run as root or with CAP_NET_ADMIN';
  return new AinkaKernelError(permission ? 'ERR_AINKA_KERNEL_PERMISSION' : 'ERR_AINKA_KERNEL_REJECTED', message, {
    errno,
    syscall: name,
    ...(attribute === undefined ? {} : { attribute }),
    ...(ack.message === undefined ? {} : { extack: ack.message }),
  });
}
