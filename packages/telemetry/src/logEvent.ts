import { malformed } from './errors.js';

/** A log record from the kernel ring buffer or the systemd journal. @public */
export interface LogEvent {
  /** Where it came from. */
  readonly source: 'kmsg' | 'journal';
  /** Wall-clock time, ms since the epoch (kmsg: boot time + monotonic stamp). */
  readonly timestamp: number;
  /** syslog level 0 (emerg) … 7 (debug). */
  readonly level: number;
  /** syslog facility (0 = kernel). */
  readonly facility: number;
  /** The message text (first line). */
  readonly message: string;
  /** kmsg sequence number, when from /dev/kmsg. */
  readonly sequence?: number;
  /** systemd unit (`_SYSTEMD_UNIT` or `UNIT`), when from the journal. */
  readonly unit?: string;
  /** Syslog identifier or kernel subsystem. */
  readonly identifier?: string;
  /** Extra key/value pairs (kmsg dictionary lines such as `SUBSYSTEM=`/`DEVICE=`, selected journal fields). */
  readonly fields?: Readonly<Record<string, string>>;
}

/**
 * Parses one `/dev/kmsg` record: `<prio>,<seq>,<usec>,<flags>[,…];<message>` followed by optional
 * dictionary lines starting with a space (`␠SUBSYSTEM=block`). `bootTimeMs` converts the monotonic stamp
 * to wall-clock time (see `/proc/stat` btime); without it, the timestamp is ms since boot.
 *
 * @public
 */
export function parseKmsgRecord(record: string, bootTimeMs = 0, file = '/dev/kmsg'): LogEvent {
  const nl = record.indexOf('\n');
  const head = nl < 0 ? record : record.slice(0, nl);
  const semi = head.indexOf(';');
  if (semi < 0) throw malformed(file, 1, head, '"<prio>,<seq>,<usec>,<flags>;<message>"');
  const pre = head.slice(0, semi).split(',');
  const prio = Number(pre[0]);
  const seq = Number(pre[1]);
  const usec = Number(pre[2]);
  if (pre.length < 3 || !Number.isInteger(prio) || !Number.isInteger(seq) || !Number.isFinite(usec)) {
    throw malformed(file, 1, head, '"<prio>,<seq>,<usec>,<flags>;<message>"');
  }
  const fields: Record<string, string> = {};
  if (nl >= 0) {
    for (const line of record.slice(nl + 1).split('\n')) {
      if (!line.startsWith(' ')) continue;
      const eq = line.indexOf('=');
      if (eq > 1) fields[line.slice(1, eq)] = line.slice(eq + 1);
    }
  }
  // The kernel escapes non-printable bytes as \xNN; undo it for the common cases.
  const message = head.slice(semi + 1).replace(/\\x([0-9a-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  const ev: LogEvent = {
    source: 'kmsg',
    timestamp: bootTimeMs + usec / 1000,
    level: prio & 7,
    facility: prio >> 3,
    message,
    sequence: seq,
    ...(fields['SUBSYSTEM'] === undefined ? {} : { identifier: fields['SUBSYSTEM'] }),
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
  };
  return ev;
}

const keep = ['_PID', '_COMM', '_EXE', '_TRANSPORT', 'SYSLOG_IDENTIFIER', '_SYSTEMD_UNIT', 'UNIT', '_HOSTNAME', 'JOB_RESULT', 'MESSAGE_ID'];

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  // journalctl -o json prints non-UTF-8 or binary fields as arrays of bytes
  if (Array.isArray(v) && v.every((b) => typeof b === 'number')) return Buffer.from(v as number[]).toString('utf8');
  return undefined;
}

/**
 * Parses one line of `journalctl -o json`. Returns `undefined` for entries without a message.
 *
 * @public
 */
export function parseJournalEntry(line: string, file = 'journalctl -o json'): LogEvent | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    throw malformed(file, 1, line, 'one JSON object per line');
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw malformed(file, 1, line, 'a JSON object');
  const o = obj as Record<string, unknown>;
  const message = text(o['MESSAGE']);
  if (message === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const k of keep) {
    const v = text(o[k]);
    if (v !== undefined) fields[k] = v;
  }
  const unit = fields['_SYSTEMD_UNIT'] ?? fields['UNIT'];
  const identifier = fields['SYSLOG_IDENTIFIER'];
  const facility = Number(text(o['SYSLOG_FACILITY']) ?? (fields['_TRANSPORT'] === 'kernel' ? 0 : 3));
  return {
    source: 'journal',
    timestamp: Number(text(o['__REALTIME_TIMESTAMP']) ?? '0') / 1000,
    level: Number(text(o['PRIORITY']) ?? '6'),
    facility: Number.isFinite(facility) ? facility : 3,
    message,
    ...(unit === undefined ? {} : { unit }),
    ...(identifier === undefined ? {} : { identifier }),
    fields,
  };
}
