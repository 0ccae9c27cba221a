import type { LogEvent } from './logEvent.js';

/** Kinds of problems the built-in detectors recognise. @public */
export type DetectionKind = 'oom_kill' | 'hung_task' | 'io_error' | 'soft_lockup' | 'hard_lockup' | 'segfault' | 'service_failure';

/** Severity of an alert or detection. @public */
export type Severity = 'info' | 'warning' | 'critical';

/** A problem recognised in a log event. @public */
export interface Detection {
  /** What was recognised. */
  readonly kind: DetectionKind;
  /** How bad it is. */
  readonly severity: Severity;
  /** One line for humans, e.g. `OOM killer killed stress (pid 4242)`. */
  readonly summary: string;
  /** Extracted facts (`pid`, `comm`, `device`, `unit`, …); used as alert labels where stable. */
  readonly details: Readonly<Record<string, string>>;
  /** The event that triggered the detection (the evidence). */
  readonly event: LogEvent;
}

/** A detector: a pure function from an event to a detection (or `undefined`). @public */
export type LogDetector = (event: LogEvent) => Detection | undefined;

const make = (kind: DetectionKind, severity: Severity, summary: string, details: Record<string, string>, event: LogEvent): Detection => ({
  kind,
  severity,
  summary,
  details,
  event,
});

/**
 * OOM kills: `Out of memory: Killed process 4242 (stress) …` (4.x+), `Out of memory: Kill process …`
 * (older), and `Memory cgroup out of memory: Killed process …`.
 *
 * @public
 */
export const detectOomKill: LogDetector = (e) => {
  const m = /(Memory cgroup out of memory|Out of memory)[^:]*: Kill(?:ed)? process (\d+) \((.*?)\)/.exec(e.message);
  if (m === null) return undefined;
  const cgroup = (m[1] as string).startsWith('Memory cgroup');
  return make('oom_kill', 'critical', `OOM killer killed ${m[3]} (pid ${m[2]})${cgroup ? ' in a memory cgroup' : ''}`, { pid: m[2] as string, comm: m[3] as string, scope: cgroup ? 'cgroup' : 'system' }, e);
};

/** Hung tasks: `INFO: task kworker/0:1:123 blocked for more than 120 seconds.` @public */
export const detectHungTask: LogDetector = (e) => {
  const m = /task (.+):(\d+) blocked for more than (\d+) seconds/.exec(e.message);
  if (m === null) return undefined;
  return make('hung_task', 'warning', `task ${m[1]} (pid ${m[2]}) blocked for more than ${m[3]} s`, { comm: m[1] as string, pid: m[2] as string, seconds: m[3] as string }, e);
};

/**
 * Block and file-system I/O errors: `I/O error, dev sda, sector …` (with or without the
 * `blk_update_request:` prefix), `Buffer I/O error on dev sda1, …`, `critical medium error, dev sdb, …`,
 * `EXT4-fs error (device sda1): …`, `XFS (sdb1): … I/O error`.
 *
 * @public
 */
export const detectIoError: LogDetector = (e) => {
  const msg = e.message;
  let m = /(?:critical \w+ error|I\/O error), dev ([\w.-]+), sector (\d+)/.exec(msg);
  if (m !== null) return make('io_error', 'critical', `I/O error on ${m[1]} at sector ${m[2]}`, { device: m[1] as string, sector: m[2] as string }, e);
  m = /Buffer I\/O error on dev(?:ice)? ([\w.-]+)/.exec(msg);
  if (m !== null) return make('io_error', 'critical', `buffer I/O error on ${m[1]}`, { device: m[1] as string }, e);
  m = /(EXT[234]-fs|BTRFS) error \(device ([\w.-]+)\)/.exec(msg) ?? /(XFS) \(([\w.-]+)\): .*(?:I\/O error|[Cc]orruption)/.exec(msg);
  if (m !== null) return make('io_error', 'critical', `${m[1]} error on ${m[2]}`, { device: m[2] as string, filesystem: m[1] as string }, e);
  return undefined;
};

/** Soft lockups: `watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [kworker:123]`; hard lockups likewise. @public */
export const detectLockup: LogDetector = (e) => {
  let m = /soft lockup - CPU#(\d+) stuck for (\d+)s! \[(.*?):(\d+)\]/.exec(e.message);
  if (m !== null) {
    return make('soft_lockup', 'critical', `soft lockup on CPU ${m[1]} for ${m[2]} s (${m[3]}, pid ${m[4]})`, { cpu: m[1] as string, seconds: m[2] as string, comm: m[3] as string, pid: m[4] as string }, e);
  }
  m = /(?:Watchdog detected hard LOCKUP|hard LOCKUP) on cpu (\d+)/i.exec(e.message);
  if (m !== null) return make('hard_lockup', 'critical', `hard lockup on CPU ${m[1]}`, { cpu: m[1] as string }, e);
  return undefined;
};

/** Segfaults: `prog[1234]: segfault at 0 ip … sp … error 4 in prog[…]`. @public */
export const detectSegfault: LogDetector = (e) => {
  const m = /^(.+?)\[(\d+)\]: segfault at ([0-9a-f]+) ip ([0-9a-f]+)/.exec(e.message);
  if (m === null) return undefined;
  return make('segfault', 'warning', `${m[1]} (pid ${m[2]}) segfaulted at address 0x${m[3]}`, { comm: m[1] as string, pid: m[2] as string, address: m[3] as string }, e);
};

/**
 * systemd service failures: `foo.service: Failed with result 'exit-code'.`,
 * `foo.service: Main process exited, code=killed, status=9/KILL`, `Failed to start foo.service - …`.
 *
 * @public
 */
export const detectServiceFailure: LogDetector = (e) => {
  let m = /^([\w@.\\:-]+\.(?:service|socket|mount|timer)): Failed with result '([^']+)'/.exec(e.message);
  if (m !== null) return make('service_failure', 'critical', `${m[1]} failed (${m[2]})`, { unit: m[1] as string, result: m[2] as string }, e);
  m = /^Failed to start (.+?)\.?$/.exec(e.message);
  if (m !== null && (e.identifier === 'systemd' || e.unit !== undefined || e.fields?.['_TRANSPORT'] === 'journal')) {
    const unit = /^([\w@.\\:-]+\.(?:service|socket|mount|timer))/.exec(m[1] as string)?.[1] ?? e.fields?.['UNIT'] ?? (m[1] as string);
    return make('service_failure', 'critical', `failed to start ${m[1]}`, { unit, result: 'start' }, e);
  }
  return undefined;
};

/** Every built-in detector, in the order they are tried. @public */
export const defaultLogDetectors: readonly LogDetector[] = Object.freeze([
  detectOomKill,
  detectHungTask,
  detectIoError,
  detectLockup,
  detectSegfault,
  detectServiceFailure,
]);
