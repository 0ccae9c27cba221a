import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type DBus from '@particle/dbus-next';
import { HealingError, HealingErrorCode } from './errors.js';
import type { UnitEvent } from './serviceHealer.js';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const UNIT_IFACE = 'org.freedesktop.systemd1.Unit';
const PROPS = 'org.freedesktop.DBus.Properties';

/** `/org/freedesktop/systemd1/unit/foo_2eservice` → `foo.service` (systemd's object-path escaping). */
export function unitNameFromPath(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.replace(/_([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** One journal line of a unit, from `journalctl -o json`. */
export interface JournalLine {
  /** Time (ms). */
  readonly at: number;
  readonly message: string;
  /** syslog priority (0 emerg … 7 debug). */
  readonly priority: number;
}

/** Parse `journalctl -o json` output (one JSON object per line). */
export function parseJournalJson(text: string): JournalLine[] {
  const out: JournalLine[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      const msg = Array.isArray(o.MESSAGE) ? Buffer.from(o.MESSAGE as number[]).toString('utf8') : String(o.MESSAGE ?? '');
      out.push({ at: Math.round(Number(o.__REALTIME_TIMESTAMP ?? 0) / 1000), message: msg, priority: Number(o.PRIORITY ?? 6) });
    } catch {
      // a torn line: skip
    }
  }
  return out;
}

/** The last lines a unit wrote to the journal (one `journalctl -o json` run, only when a unit needs explaining). */
export function unitJournal(unit: string, lines = 15, journalctl = 'journalctl'): Promise<JournalLine[]> {
  return new Promise((resolve) => {
    execFile(journalctl, ['-u', unit, '-o', 'json', '-n', String(lines), '--no-pager'], { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => {
      resolve(err ? [] : parseJournalJson(stdout));
    });
  });
}

type DBusModule = typeof DBus;
type Bus = ReturnType<DBusModule['systemBus']>;

/**
 * `@particle/dbus-next` and what it pulls in (xml2js, xmlbuilder, sax, long, jsbi: ~80 modules, ~1.5 MB of
 * V8 heap) are loaded on the first `open()` that can succeed, not on import: ainkad imports this package on
 * every host, and on one without systemd the watcher never connects.
 */
let dbusModule: Promise<DBusModule> | undefined;
function loadDbus(): Promise<DBusModule> {
  dbusModule ??= import('@particle/dbus-next').then((m) => ((m as { default?: DBusModule }).default ?? (m as unknown as DBusModule)));
  return dbusModule;
}

/** Whether systemd is the init system here (`sd_booted()`: the directory systemd creates at boot). */
function systemdBooted(): boolean {
  return existsSync('/run/systemd/system');
}

/**
 * Watches systemd units over the system bus with `@particle/dbus-next` (no process per call): subscribes
 * to the manager, matches `PropertiesChanged` of every unit object, and turns `ActiveState` changes into
 * {@link UnitEvent}s, reading `Result`, `LoadState` and `UnitFileState` of units that failed.
 */
export class SystemdWatcher {
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dbus: DBusModule,
    private readonly bus: Bus,
    private readonly onEvent: (e: UnitEvent) => void,
  ) {}

  /**
   * Connect, subscribe and start delivering events.
   * @param busAddress a bus address (tests); default the system bus.
   * @param timeoutMs how long systemd may take to answer (a loaded or emulated machine is slow). Default 15 s.
   * @throws `HealingError` `ERR_AINKA_HEALING_BUS_UNAVAILABLE` when the bus or systemd cannot be reached
   * (without `busAddress`, also when systemd is not the init system: no `/run/systemd/system`, checked before
   * the D-Bus client is loaded).
   */
  static async open(onEvent: (e: UnitEvent) => void, busAddress?: string, timeoutMs = 15_000): Promise<SystemdWatcher> {
    if (busAddress === undefined && !systemdBooted()) {
      throw new HealingError(HealingErrorCode.busUnavailable, 'systemd is not running here (no /run/systemd/system); service healing needs systemd as PID 1');
    }
    const dbus = await loadDbus();
    let bus: Bus;
    try {
      bus = busAddress !== undefined ? dbus.sessionBus({ busAddress }) : dbus.systemBus();
    } catch (err) {
      throw new HealingError(HealingErrorCode.busUnavailable, `cannot connect to the system bus: ${(err as Error).message}; service healing needs systemd and D-Bus`, { cause: err });
    }
    const w = new SystemdWatcher(dbus, bus, onEvent);
    // A bus that cannot be reached emits 'error' (and calls never answer): fail the open, never the process.
    let failed: ((err: Error) => void) | undefined;
    const unreachable = new Promise<never>((_, reject) => (failed = reject));
    unreachable.catch(() => undefined);
    bus.on('error', (err: Error) => failed?.(err));
    const timeout = setTimeout(() => failed?.(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    try {
      await Promise.race([w.call(MANAGER_PATH, `${SYSTEMD}.Manager`, 'Subscribe'), unreachable]);
      await w.call('/org/freedesktop/DBus', 'org.freedesktop.DBus', 'AddMatch', 's', [
        `type='signal',sender='${SYSTEMD}',interface='${PROPS}',member='PropertiesChanged',path_namespace='${MANAGER_PATH}/unit'`,
      ], 'org.freedesktop.DBus');
    } catch (err) {
      clearTimeout(timeout);
      try {
        bus.disconnect();
      } catch {
        // never connected
      }
      throw new HealingError(HealingErrorCode.busUnavailable, `systemd does not answer on the system bus (${(err as Error).message}); service healing needs systemd as PID 1`, { cause: err });
    }
    clearTimeout(timeout);
    failed = undefined;
    bus.on('message', (m) => w.onMessage(m));
    return w;
  }

  private async call(path: string, iface: string, member: string, signature?: string, body?: unknown[], destination = SYSTEMD): Promise<unknown[]> {
    const reply = await this.bus.call(new this.dbus.Message({ destination, path, interface: iface, member, ...(signature !== undefined ? { signature, body: body as unknown[] } : {}) }));
    return (reply?.body ?? []) as unknown[];
  }

  /** One property of a unit object (`undefined` when the unit or interface does not have it). */
  async property(path: string, iface: string, name: string): Promise<string | undefined> {
    try {
      const [v] = await this.call(path, PROPS, 'Get', 'ss', [iface, name]);
      const value = (v as { value?: unknown } | undefined)?.value;
      return value === undefined ? undefined : String(value);
    } catch {
      return undefined;
    }
  }

  private onMessage(m: InstanceType<DBusModule['Message']>): void {
    if (m.member !== 'PropertiesChanged' || m.interface !== PROPS || !m.path.startsWith(`${MANAGER_PATH}/unit/`)) return;
    const [iface, changed] = m.body as [string, Record<string, { value: unknown }>];
    if (iface !== UNIT_IFACE || changed.ActiveState === undefined) return;
    const at = Date.now();
    const unit = unitNameFromPath(m.path);
    const activeState = String(changed.ActiveState.value);
    const subState = changed.SubState === undefined ? undefined : String(changed.SubState.value);
    // Events are delivered in the order systemd sent them: a failure waits for its properties, and every
    // later event waits for it (else a unit's auto-restart would be seen before the failure that caused it).
    this.chain = this.chain.then(() => this.deliver(m.path, unit, at, activeState, subState)).catch(() => undefined);
  }

  private async deliver(path: string, unit: string, at: number, activeState: string, subState: string | undefined): Promise<void> {
    if (activeState !== 'failed') {
      this.onEvent({ unit, at, activeState, ...(subState !== undefined ? { subState } : {}) });
      return;
    }
    await Promise.all([
      this.property(path, 'org.freedesktop.systemd1.Service', 'Result'),
      this.property(path, UNIT_IFACE, 'LoadState'),
      this.property(path, UNIT_IFACE, 'UnitFileState'),
    ]).then(([result, loadState, unitFileState]) =>
      this.onEvent({
        unit,
        at,
        activeState,
        ...(subState !== undefined ? { subState } : {}),
        ...(result !== undefined ? { result } : {}),
        ...(loadState !== undefined ? { loadState } : {}),
        ...(unitFileState !== undefined ? { unitFileState } : {}),
      }),
    );
  }

  /** Unsubscribe and disconnect. */
  close(): void {
    void this.call(MANAGER_PATH, `${SYSTEMD}.Manager`, 'Unsubscribe').catch(() => undefined);
    this.bus.disconnect();
  }
}
