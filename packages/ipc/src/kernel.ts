import {
  AINKA_ABI_VERSION,
  decodeAinkaMessage,
  encodeAinkaRequest,
  encodeKernelRule,
  family,
  MCAST_GROUP_EVENTS,
  Mode,
  POLICY_CACHE_CAPACITY,
  ProtocolError,
  validateKernelRule,
  type AinkaMessage,
  type AttrObject,
  type KernelRule,
  type KernelSample,
  type NlMessage,
  type ResolvedFamily,
} from '@ainka/protocol';
import { Observable, Subject } from 'rxjs';
import { attributeName, describeRequestOffset } from './describe.js';
import { AinkaDevice, DEFAULT_DEVICE_PATH } from './device.js';
import { AinkaKernelError, invalidArgument, PRIVILEGE_FIX } from './errors.js';
import { decodeReply, rawStatus, resolveAinka } from './ainkaFamily.js';
import { GenlConnection } from './genlConnection.js';
import { readPressure, type PressureFigures } from './pressure.js';
import { hasNetAdmin } from './privilege.js';
import { probeKernel, type KernelProbe, type ProbeOptions } from './probe.js';
import { RingReader, type RingStats } from './ringReader.js';
import { toAction, toEvent, toStatus, type KernelAction, type KernelEvent, type KernelStatus } from './types.js';

/** Options of {@link AinkaKernel.open}. */
export interface AinkaKernelOptions {
  /**
   * Open without CAP_NET_ADMIN: status, recent actions, events and samples work; commands that change
   * the kernel are refused by the kernel (ERR_AINKA_KERNEL_PERMISSION). Disables the automatic heartbeat.
   */
  readonly readOnly?: boolean;
  /** Per-attempt request timeout (default 2000 ms). */
  readonly requestTimeoutMs?: number;
  /** Extra attempts for idempotent commands after a timeout, overrun or EBUSY/EAGAIN (default 2). */
  readonly retries?: number;
  /**
   * Automatic heartbeat while open: `true` (default unless readOnly) beats every third of the watchdog
   * timeout (every second when the watchdog is off); a number sets the period in ms; `false` disables it.
   */
  readonly heartbeat?: boolean | number;
  /** Map the sample ring for {@link AinkaKernel.samples$} (default true). */
  readonly ring?: boolean;
  /** How often `samples$` drains the ring while subscribed (default 10 ms; the ring holds ~1 s at 1 kHz). */
  readonly samplePollMs?: number;
  /** Path of the misc device (default /dev/ainka). */
  readonly devicePath?: string;
  /** Netlink receive buffer per socket (default 1 MiB). */
  readonly rcvbufBytes?: number;
  /**
   * Push the system's PSI figures (`/proc/pressure/*`) to the module, which cannot read them itself,
   * so its "pressured"/"critical" states and PSI rules work: `true` every second, a number sets the
   * period in ms (default false). Figures older than 5 s read as -1 (PSI off) in the module.
   */
  readonly pressure?: boolean | number;
  /** Root of the file tree the PSI figures are read from (default `/`; tests pass a fake tree). */
  readonly pressureRoot?: string;
}

/** Options of {@link AinkaKernel.loadPolicies}. */
export interface LoadPoliciesOptions {
  /** Swap the whole cache atomically instead of appending (and makes the request safely retryable). */
  readonly replace?: boolean;
}

/** Options of {@link AinkaKernel.close}. */
export interface CloseOptions {
  /**
   * Set observe mode before closing, so no action stays in force without a heartbeating owner
   * (default: true when this client switched the module to enforce).
   */
  readonly restoreObserve?: boolean;
}

interface CommandOptions {
  readonly attrs?: AttrObject;
  readonly dump?: boolean;
  readonly idempotent: boolean;
}

const RETRYABLE_ERRNO = new Set([4, 11, 16]); // EINTR, EAGAIN, EBUSY

/**
 * The userspace side of the AINKA kernel module: commands over generic netlink (family `ainka`),
 * events from its multicast group, samples from the `/dev/ainka` ring (zero copy), ioctls through
 * {@link AinkaKernel.device}.
 *
 * ```ts
 * const kernel = await AinkaKernel.open();
 * console.log(await kernel.status());
 * kernel.events$.subscribe((e) => console.log(e.type));
 * await kernel.close();
 * ```
 */
export class AinkaKernel {
  /** The resolved `ainka` family (id, version, multicast groups). */
  readonly family: ResolvedFamily;
  /** `/dev/ainka`, for the synchronous ioctl path; undefined when the ring was not requested and the device could not be opened. */
  readonly device: AinkaDevice | undefined;
  /** Multicast events, typed; subscribing joins the group, the last unsubscribe leaves it. */
  readonly events$: Observable<KernelEvent>;
  /** Ring samples in order, torn records dropped and counted ({@link ringStats}). */
  readonly samples$: Observable<KernelSample>;
  /** Failures in the background (automatic heartbeat, event overruns, undecodable events). */
  readonly errors$: Observable<AinkaKernelError>;

  readonly #conn: GenlConnection;
  readonly #options: AinkaKernelOptions;
  readonly #ring: RingReader | undefined;
  readonly #ringBuffer: ArrayBuffer | undefined;
  readonly #errors = new Subject<AinkaKernelError>();
  readonly #events = new Subject<KernelEvent>();
  readonly #samples = new Subject<KernelSample>();
  #eventsConn: GenlConnection | undefined;
  #eventSubscribers = 0;
  #sampleSubscribers = 0;
  #sampleTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #pressureTimer: NodeJS.Timeout | undefined;
  #heartbeatCookie: bigint;
  #enforcedHere = false;
  #closing: Promise<void> | undefined;
  /** Events that did not decode. */
  malformedEvents = 0;
  /** ENOBUFS reports on the events socket (events lost). */
  eventOverruns = 0;

  private constructor(conn: GenlConnection, resolved: ResolvedFamily, device: AinkaDevice | undefined, ringBuffer: ArrayBuffer | undefined, ring: RingReader | undefined, options: AinkaKernelOptions) {
    this.#conn = conn;
    this.family = resolved;
    this.device = device;
    this.#ringBuffer = ringBuffer;
    this.#ring = ring;
    this.#options = options;
    this.#heartbeatCookie = BigInt(process.pid) << 32n;
    this.errors$ = this.#errors.asObservable();
    this.events$ = new Observable<KernelEvent>((subscriber) => {
      if (this.#closing) {
        subscriber.complete();
        return undefined;
      }
      try {
        this.#retainEvents();
      } catch (error) {
        subscriber.error(error);
        return undefined;
      }
      const inner = this.#events.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        this.#releaseEvents();
      };
    });
    this.samples$ = new Observable<KernelSample>((subscriber) => {
      if (!this.#ring) {
        subscriber.error(new AinkaKernelError('ERR_AINKA_KERNEL_INVALID_ARGUMENT', 'the sample ring is not mapped: open with { ring: true } and write access to /dev/ainka'));
        return undefined;
      }
      if (this.#closing) {
        subscriber.complete();
        return undefined;
      }
      const inner = this.#samples.subscribe(subscriber);
      this.#retainSamples();
      return () => {
        inner.unsubscribe();
        this.#releaseSamples();
      };
    });
  }

  /**
   * Reports what of the kernel side is available — netlink family, device, procfs, privilege — so a
   * daemon can fall back to eBPF + procfs. Never throws.
   */
  static probe(options: ProbeOptions = {}): Promise<KernelProbe> {
    return probeKernel(options);
  }

  /**
   * Connects: checks privilege (unless readOnly), resolves the `ainka` family, checks the ABI version,
   * opens `/dev/ainka` and maps the ring, and starts the heartbeat. Throws ERR_AINKA_KERNEL_PERMISSION,
   * ERR_AINKA_KERNEL_MODULE_NOT_LOADED or ERR_AINKA_KERNEL_ABI_MISMATCH with the fix in the message.
   */
  static async open(options: AinkaKernelOptions = {}): Promise<AinkaKernel> {
    const readOnly = options.readOnly ?? false;
    if (!readOnly && !hasNetAdmin()) {
      throw new AinkaKernelError('ERR_AINKA_KERNEL_PERMISSION', `AinkaKernel.open: this process lacks CAP_NET_ADMIN, which every AINKA command that changes the kernel requires: ${PRIVILEGE_FIX}`, {
        errno: 1,
        syscall: 'open',
      });
    }
    const conn = new GenlConnection({
      readAfterSend: true,
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
      ...(options.rcvbufBytes === undefined ? {} : { rcvbufBytes: options.rcvbufBytes }),
    });
    let device: AinkaDevice | undefined;
    let ringBuffer: ArrayBuffer | undefined;
    try {
      const resolved = await resolveAinka(conn);
      const kernel0 = { conn, resolved };
      const status = await rawStatus(kernel0.conn, resolved.id);
      if (status.abiVersion !== AINKA_ABI_VERSION) {
        throw new AinkaKernelError('ERR_AINKA_KERNEL_ABI_MISMATCH', `the loaded module speaks ABI ${status.abiVersion} (version ${status.version}), this @ainka/ipc speaks ${AINKA_ABI_VERSION}: install matching @ainka/kmod and @ainka/ipc versions`);
      }
      const path = options.devicePath ?? DEFAULT_DEVICE_PATH;
      let ring: RingReader | undefined;
      if ((options.ring ?? true) && !readOnly) {
        device = AinkaDevice.open(path, true);
        ringBuffer = device.mapRing();
        ring = new RingReader(ringBuffer);
      } else if (options.ring ?? true) {
        // Read-only callers get the ring when the device lets them write tail, and do without otherwise.
        try {
          device = AinkaDevice.open(path, true);
          ringBuffer = device.mapRing();
          ring = new RingReader(ringBuffer);
        } catch {
          if (ringBuffer) AinkaDevice.unmap(ringBuffer);
          ringBuffer = undefined;
          device?.close();
          device = undefined;
        }
      } else {
        try {
          device = AinkaDevice.open(path, !readOnly);
        } catch {
          device = undefined;
        }
      }
      const kernel = new AinkaKernel(conn, resolved, device, ringBuffer, ring, options);
      kernel.#startHeartbeat(status.watchdogTimeoutMs);
      kernel.#startPressure();
      return kernel;
    } catch (error) {
      if (ringBuffer) AinkaDevice.unmap(ringBuffer);
      device?.close();
      conn.close();
      throw error;
    }
  }

  async #command(command: string, options: CommandOptions): Promise<AinkaMessage[]> {
    const attempts = options.idempotent ? 1 + Math.max(0, this.#options.retries ?? 2) : 1;
    for (let attempt = 1; ; attempt++) {
      let replies: NlMessage[];
      try {
        replies = await this.#conn.request((seq, pid) => encodeAinkaRequest({ familyId: this.family.id, command, seq, pid, ...(options.attrs ? { attrs: options.attrs } : {}) }), {
          name: command,
          ...(options.dump ? { dump: true } : {}),
          describeOffset: describeRequestOffset,
          describeMissing: attributeName,
        });
      } catch (error) {
        if (error instanceof ProtocolError) throw invalidArgument(error, command);
        if (attempt < attempts && isRetryable(error)) continue;
        throw error;
      }
      return replies.map((r) => decodeReply(command, r));
    }
  }

  /** `get-status`: version, mode, state, counters and policy count. */
  async status(): Promise<KernelStatus> {
    const [reply] = await this.#command('get-status', { idempotent: true });
    if (!reply) throw new AinkaKernelError('ERR_AINKA_KERNEL_BAD_REPLY', 'get-status was acknowledged without a reply', { syscall: 'get-status' });
    return toStatus(reply.attrs);
  }

  /** `set-mode` (CAP_NET_ADMIN): observe or enforce. Leaving enforce reverts every applied action. Returns the mode now in force. */
  async setMode(mode: number | 'observe' | 'enforce'): Promise<number> {
    const value = mode === 'observe' ? Mode.OBSERVE : mode === 'enforce' ? Mode.ENFORCE : mode;
    const [reply] = await this.#command('set-mode', { attrs: { mode: value }, idempotent: true });
    this.#enforcedHere = value === Mode.ENFORCE ? true : value === Mode.OBSERVE ? false : this.#enforcedHere;
    return typeof reply?.attrs.mode === 'number' ? reply.attrs.mode : value;
  }

  /** `set-config` (CAP_NET_ADMIN): sampler period and/or watchdog timeout. Restarts the heartbeat to match. */
  async setConfig(config: {
    /** Sampler period in ms (1–1000). */
    readonly sampleIntervalMs?: number;
    /** Heartbeat timeout in ms (0–600000); 0 turns the watchdog off. */
    readonly watchdogTimeoutMs?: number;
  }): Promise<{
    /** Sampler period now in force, in ms. */
    sampleIntervalMs: number;
    /** Watchdog timeout now in force, in ms (0: off). */
    watchdogTimeoutMs: number;
  }> {
    const [reply] = await this.#command('set-config', { attrs: { ...config }, idempotent: true });
    const result = { sampleIntervalMs: Number(reply?.attrs.sampleIntervalMs ?? 0), watchdogTimeoutMs: Number(reply?.attrs.watchdogTimeoutMs ?? 0) };
    if (config.watchdogTimeoutMs !== undefined) this.#startHeartbeat(result.watchdogTimeoutMs);
    return result;
  }

  /**
   * `policy-load` (CAP_NET_ADMIN): validates every rule locally (the same bounds the kernel enforces),
   * then sends them in one message, which the kernel applies all-or-none. Returns the policy count.
   */
  async loadPolicies(rules: readonly KernelRule[], options: LoadPoliciesOptions = {}): Promise<number> {
    if (rules.length === 0) throw new AinkaKernelError('ERR_AINKA_KERNEL_INVALID_ARGUMENT', 'loadPolicies: no rules given; use clearPolicies() to empty the cache', { attribute: 'policy-rule' });
    if (rules.length > POLICY_CACHE_CAPACITY) {
      throw new AinkaKernelError('ERR_AINKA_KERNEL_INVALID_ARGUMENT', `loadPolicies: ${rules.length} rules exceed the cache capacity of ${POLICY_CACHE_CAPACITY}; load fewer rules`, { attribute: 'policy-rule' });
    }
    const ids = new Set<number>();
    const encoded: Uint8Array[] = [];
    rules.forEach((rule, i) => {
      let bytes: Uint8Array;
      try {
        bytes = encodeKernelRule(rule); // validates every bound the kernel enforces
      } catch (error) {
        // Re-run the check with the index so the error names rules[i].<field>.
        try {
          validateKernelRule(rule, i);
        } catch (indexed) {
          throw invalidArgument(indexed, 'loadPolicies');
        }
        throw invalidArgument(error, 'loadPolicies');
      }
      if (ids.has(rule.id)) throw new AinkaKernelError('ERR_AINKA_KERNEL_INVALID_ARGUMENT', `loadPolicies: rule id ${rule.id} appears twice; ids must be unique`, { attribute: `rules[${i}].id` });
      ids.add(rule.id);
      encoded.push(bytes);
    });
    const attrs: AttrObject = options.replace ? { policyRule: encoded, policyReplace: true } : { policyRule: encoded };
    const [reply] = await this.#command('policy-load', { attrs, idempotent: options.replace === true });
    return Number(reply?.attrs.policyCount ?? 0);
  }

  /** `policy-clear` (CAP_NET_ADMIN): empties the policy cache; returns the policy count (0). */
  async clearPolicies(): Promise<number> {
    const [reply] = await this.#command('policy-clear', { idempotent: true });
    return Number(reply?.attrs.policyCount ?? 0);
  }

  /** `actions-get` (dump): the most recent actions, oldest first. */
  async recentActions(max?: number): Promise<KernelAction[]> {
    const replies = await this.#command('actions-get', { dump: true, idempotent: true, ...(max === undefined ? {} : { attrs: { maxActions: max } }) });
    const actions: KernelAction[] = [];
    for (const reply of replies) {
      const list = reply.attrs.action;
      if (Array.isArray(list)) for (const a of list) actions.push(toAction(a as AttrObject));
    }
    return actions;
  }

  /** `heartbeat` (CAP_NET_ADMIN): tells the watchdog userspace is alive. Sent automatically while open. */
  async heartbeat(cookie?: bigint): Promise<void> {
    this.#heartbeatCookie = cookie ?? BigInt.asUintN(64, this.#heartbeatCookie + 1n);
    await this.#command('heartbeat', { attrs: { heartbeatCookie: this.#heartbeatCookie }, idempotent: true });
  }

  /**
   * `set-pressure` (CAP_NET_ADMIN): hands the module PSI some-avg10 figures in hundredths of a percent
   * (0–10000 each). Sent automatically with the `pressure` option.
   */
  async setPressure(figures: PressureFigures): Promise<void> {
    const clamp = (v: number): number => Math.max(0, Math.min(10_000, Math.round(v)));
    await this.#command('set-pressure', {
      attrs: { psiCpuSomeAvg10: clamp(figures.cpu), psiMemSomeAvg10: clamp(figures.memory), psiIoSomeAvg10: clamp(figures.io) },
      idempotent: true,
    });
  }

  /** Ring counters: consumed, kernel overflows, skipped, torn, backlog. Undefined without a ring. */
  ringStats(): RingStats | undefined {
    return this.#ring?.stats();
  }

  /** Drains the ring once now (what `samples$` does on its timer); returns the samples read. */
  drainSamples(max?: number): KernelSample[] {
    if (!this.#ring || this.#closing) return [];
    const samples = this.#ring.read(max);
    if (this.#samples.observed) for (const s of samples) this.#samples.next(s);
    return samples;
  }

  #startHeartbeat(watchdogTimeoutMs: number): void {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    const setting = this.#options.heartbeat ?? !this.#options.readOnly;
    if (setting === false || this.#closing) return;
    const period = typeof setting === 'number' ? setting : watchdogTimeoutMs > 0 ? Math.max(50, Math.floor(watchdogTimeoutMs / 3)) : 1000;
    this.#heartbeatTimer = setInterval(() => {
      this.heartbeat().catch((error: unknown) => {
        if (!this.#closing) this.#errors.next(error instanceof AinkaKernelError ? error : new AinkaKernelError('ERR_AINKA_KERNEL_IO', String(error)));
      });
    }, period);
    this.#heartbeatTimer.unref();
  }

  #startPressure(): void {
    const setting = this.#options.pressure ?? false;
    if (setting === false || this.#closing) return;
    const period = typeof setting === 'number' ? Math.max(100, setting) : 1000;
    const push = (): void => {
      const figures = readPressure(this.#options.pressureRoot);
      if (!figures || this.#closing) return;
      this.setPressure(figures).catch((error: unknown) => {
        if (!this.#closing) this.#errors.next(error instanceof AinkaKernelError ? error : new AinkaKernelError('ERR_AINKA_KERNEL_IO', String(error)));
      });
    };
    push();
    this.#pressureTimer = setInterval(push, period);
    this.#pressureTimer.unref();
  }

  #retainEvents(): void {
    if (this.#eventSubscribers++ > 0) return;
    const group = this.family.mcastGroups.get(MCAST_GROUP_EVENTS);
    if (group === undefined) {
      this.#eventSubscribers--;
      throw new AinkaKernelError('ERR_AINKA_KERNEL_BAD_REPLY', `family ${family.name} has no multicast group ${MCAST_GROUP_EVENTS}; check that @ainka/kmod and @ainka/ipc versions match`);
    }
    const conn = new GenlConnection({
      ...(this.#options.rcvbufBytes === undefined ? {} : { rcvbufBytes: this.#options.rcvbufBytes }),
      onNotification: (message) => this.#onNotification(message),
      onSocketError: (error) => {
        if (error.code === 'ERR_AINKA_KERNEL_OVERRUN') this.eventOverruns++;
        this.#errors.next(error);
      },
    });
    try {
      conn.socket.addMembership(group);
    } catch (error) {
      conn.close();
      this.#eventSubscribers--;
      throw new AinkaKernelError('ERR_AINKA_KERNEL_PERMISSION', `joining the ${MCAST_GROUP_EVENTS} group was refused: ${PRIVILEGE_FIX}`, { cause: error, syscall: 'setsockopt' });
    }
    conn.socket.ref(true);
    this.#eventsConn = conn;
  }

  #releaseEvents(): void {
    if (--this.#eventSubscribers > 0) return;
    this.#eventsConn?.close();
    this.#eventsConn = undefined;
  }

  #onNotification(message: NlMessage): void {
    if (message.header.type !== this.family.id) return;
    try {
      const decoded = decodeAinkaMessage(message.payload, { strict: false });
      const event = decoded.attrs.event;
      if (event === undefined || typeof event !== 'object' || Array.isArray(event) || event instanceof Uint8Array) throw new Error('notification without an event nest');
      this.#events.next(toEvent(event as AttrObject));
    } catch (error) {
      this.malformedEvents++;
      this.#errors.next(new AinkaKernelError('ERR_AINKA_KERNEL_BAD_REPLY', `an event did not decode: ${(error as Error).message}`, { cause: error }));
    }
  }

  #retainSamples(): void {
    if (this.#sampleSubscribers++ > 0) return;
    this.#sampleTimer = setInterval(() => this.drainSamples(), this.#options.samplePollMs ?? 10);
  }

  #releaseSamples(): void {
    if (--this.#sampleSubscribers > 0) return;
    clearInterval(this.#sampleTimer);
    this.#sampleTimer = undefined;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Stops the heartbeat and the ring timer, returns to observe mode if this client enabled enforce,
   * completes `events$`/`samples$`, leaves the multicast group, unmaps the ring, closes the device and
   * the socket, and rejects requests still in flight with ERR_AINKA_KERNEL_CLOSED. Idempotent.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options);
    return this.#closing;
  }

  async #close(options: CloseOptions): Promise<void> {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    clearInterval(this.#pressureTimer);
    this.#pressureTimer = undefined;
    if (options.restoreObserve ?? this.#enforcedHere) {
      await this.#command('set-mode', { attrs: { mode: Mode.OBSERVE }, idempotent: true }).catch(() => undefined);
    }
    clearInterval(this.#sampleTimer);
    this.#sampleTimer = undefined;
    this.#samples.complete();
    this.#events.complete();
    this.#errors.complete();
    this.#eventsConn?.close();
    this.#eventsConn = undefined;
    if (this.#ringBuffer) AinkaDevice.unmap(this.#ringBuffer);
    this.device?.close();
    this.#conn.close();
  }
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof AinkaKernelError)) return false;
  if (error.code === 'ERR_AINKA_KERNEL_TIMEOUT' || error.code === 'ERR_AINKA_KERNEL_OVERRUN') return true;
  return error.code === 'ERR_AINKA_KERNEL_REJECTED' && error.errno !== undefined && RETRYABLE_ERRNO.has(error.errno);
}
