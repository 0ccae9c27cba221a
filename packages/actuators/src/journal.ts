import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { ActuatorError, ActuatorErrorCode } from './errors.js';

/** One knob change as the journal records it, before it is applied. */
export interface JournalChange {
  /** Change id, unique in the journal. */
  readonly id: number;
  /** Knob id (`sysctl:vm.swappiness`). */
  readonly knob: string;
  /** Value before the change (what a rollback restores). */
  readonly before: string;
  /** Value the change writes. */
  readonly after: string;
  /** Reason short name (the rule name, `rollback`, `optimizer` …). */
  readonly reason: string;
  /** Why, in words (the evidence). */
  readonly because: string;
  /** False for changes that cannot be undone (systemd restarts). */
  readonly reversible: boolean;
  /** Ids of the changes this change undoes (rollbacks). */
  readonly undoes?: readonly number[];
  /** Identity of the object changed (a process's start time), checked before any rollback. */
  readonly identity?: string;
}

/** A journal record. Each is one line `JSON<TAB>crc32` and is fsync'd before the journal returns. */
export type JournalRecord =
  | {
      /** A change manager session started. */
      readonly type: 'session';
      /** Session id. */
      readonly session: string;
      /** Process id of the session's owner. */
      readonly pid: number;
      /** Roll the session's changes back when it ends. */
      readonly rollbackOnExit: boolean;
      /** When it was written (ms since epoch). */
      readonly at: number;
    }
  | {
      /** The session ended cleanly. */
      readonly type: 'end';
      /** Session id. */
      readonly session: string;
      /** When it was written (ms since epoch). */
      readonly at: number;
    }
  | {
      /** A batch of changes is about to be applied. */
      readonly type: 'begin';
      /** Batch id. */
      readonly batch: number;
      /** Session that applies it. */
      readonly session: string;
      /** When it was written (ms since epoch). */
      readonly at: number;
      /** The changes, with their previous values. */
      readonly changes: readonly JournalChange[];
    }
  | {
      /** The batch was applied. */
      readonly type: 'commit';
      /** Batch id. */
      readonly batch: number;
      /** When it was written (ms since epoch). */
      readonly at: number;
    }
  | {
      /** The batch failed or was interrupted; its reversible changes were reverted. */
      readonly type: 'abort';
      /** Batch id. */
      readonly batch: number;
      /** When it was written (ms since epoch). */
      readonly at: number;
      /** Why, in words. */
      readonly note: string;
    }
  | {
      /** Someone else changed a managed knob: AINKA stops managing it. */
      readonly type: 'release';
      /** Knob id. */
      readonly knob: string;
      /** Value AINKA had set. */
      readonly expected: string;
      /** Value found instead. */
      readonly observed: string;
      /** Who or what changed it, when known. */
      readonly who: string;
      /** When it was written (ms since epoch). */
      readonly at: number;
    }
  | {
      /** A released knob is managed again. */
      readonly type: 'reclaim';
      /** Knob id. */
      readonly knob: string;
      /** When it was written (ms since epoch). */
      readonly at: number;
    };

function encode(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${json}\t${crc32(json).toString(16).padStart(8, '0')}\n`;
}

/**
 * The append-only change journal. A batch of changes is written as one `begin` record (with every
 * change's previous value) and fsync'd before anything is applied, then closed by `commit` or `abort`.
 * A torn last line (crash while writing) is dropped on open; damage before the last line is an error.
 */
export class ChangeJournal {
  /** Path of the journal file. */
  readonly path: string;
  private fd: number | undefined;
  private readonly loaded: JournalRecord[] = [];

  private readonly lockPath: string;

  /**
   * Open (creating if needed) the journal at `path` and read its records. Takes `<path>.lock` (the pid of
   * the owner); a lock left by a dead process is taken over.
   * @throws {@link ActuatorError} `ERR_AINKA_JOURNAL_LOCKED` when another live process holds it.
   */
  constructor(path: string) {
    this.path = path;
    this.lockPath = `${path}.lock`;
    const fresh = !existsSync(path);
    if (fresh) mkdirSync(dirname(path), { recursive: true });
    takeLock(this.lockPath);
    const fd = openSync(path, 'a+');
    this.fd = fd;
    if (fresh) {
      fsyncSync(fd);
      syncDirectory(dirname(path));
    }
    const text = readFileSync(path, 'utf8');
    let offset = 0;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const isLast = i === lines.length - 1;
      if (isLast) {
        if (line !== '') this.truncateTorn(Buffer.byteLength(text.slice(0, offset)));
        break;
      }
      const record = decode(line);
      if (record === undefined) {
        if (i === lines.length - 2 && lines[lines.length - 1] === '') {
          this.truncateTorn(Buffer.byteLength(text.slice(0, offset)));
          break;
        }
        throw new ActuatorError(
          ActuatorErrorCode.journalCorrupt,
          `change journal ${path} is damaged at line ${i + 1} (checksum mismatch before the last record); move the file aside and restore knobs by hand from its readable lines`,
        );
      }
      this.loaded.push(record);
      offset += line.length + 1;
    }
  }

  private truncateTorn(bytes: number): void {
    if (this.fd === undefined) return;
    ftruncateSync(this.fd, bytes);
    fsyncSync(this.fd);
  }

  /** Records read when the journal was opened, plus those appended since. */
  get records(): readonly JournalRecord[] {
    return this.loaded;
  }

  /** Append records with one `write(2)` and one `fsync(2)`; returns when they are on disk. */
  append(...records: JournalRecord[]): void {
    if (this.fd === undefined) throw new ActuatorError(ActuatorErrorCode.closed, `change journal ${this.path} is closed; open a new ChangeJournal`);
    writeSync(this.fd, records.map(encode).join(''));
    fsyncSync(this.fd);
    this.loaded.push(...records);
  }

  /**
   * Replace the whole journal with `records`, atomically: written to `<path>.tmp`, fsync'd, renamed over
   * the journal, directory fsync'd. A crash leaves either the old or the new journal.
   */
  rewrite(records: readonly JournalRecord[]): void {
    if (this.fd === undefined) throw new ActuatorError(ActuatorErrorCode.closed, `change journal ${this.path} is closed; open a new ChangeJournal`);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, records.map(encode).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    syncDirectory(dirname(this.path));
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a+');
    this.loaded.length = 0;
    this.loaded.push(...records);
  }

  /** Close the file and release the lock. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.lockPath, { force: true });
  }
}

function decode(line: string): JournalRecord | undefined {
  const tab = line.lastIndexOf('\t');
  if (tab < 0) return undefined;
  const json = line.slice(0, tab);
  if (crc32(json).toString(16).padStart(8, '0') !== line.slice(tab + 1)) return undefined;
  try {
    return JSON.parse(json) as JournalRecord;
  } catch {
    return undefined;
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the file itself is synced.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(lockPath: string): void {
  try {
    const fd = openSync(lockPath, 'wx');
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number(readFileSync(lockPath, 'utf8').trim());
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
    throw new ActuatorError(
      ActuatorErrorCode.journalLocked,
      `change journal is in use by process ${owner} (${lockPath}); stop that ainkad first, or remove the lock file if that process is not AINKA`,
    );
  }
  writeFileSync(lockPath, `${process.pid}\n`);
}
