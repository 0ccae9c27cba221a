import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Subject, type Observable } from 'rxjs';
import { fsError, KernelFiles } from './kernelFile.js';
import { type Detection, defaultLogDetectors, type LogDetector } from './logDetectors.js';
import { type LogEvent, parseJournalEntry, parseKmsgRecord } from './logEvent.js';
import type { SourceStatus } from './metricSource.js';
import { parseProcStat } from './procStat.js';

/** Options of {@link LogAnalyzer}. @public */
export interface LogAnalyzerOptions {
  /** Root of the file tree; `/dev/kmsg` and `/proc/stat` (boot time) are read below it. Default `/`. */
  readonly root?: string;
  /** Read the kernel ring buffer (`<root>/dev/kmsg`). Default true. */
  readonly kmsg?: boolean;
  /**
   * Follow the systemd journal with `journalctl -o json -f`. Default true (reported unavailable when
   * journalctl is missing). `command`/`args` replace the command, e.g. for tests or a remote journal.
   */
  readonly journal?:
    | boolean
    | {
        /** Command to run instead of `journalctl`. */
        readonly command: string;
        /** Its arguments (default: those of `journalctl -o json -f`). */
        readonly args?: readonly string[];
      };
  /** Detectors to run on every event. Default {@link defaultLogDetectors}. */
  readonly detectors?: readonly LogDetector[];
  /** How often `/dev/kmsg` is drained, in ms. Default 250. */
  readonly pollIntervalMs?: number;
  /** Also emit the records already in the ring buffer when starting. Default false. */
  readonly replay?: boolean;
  /** Boot time in ms since the epoch, to date kmsg records. Default: `btime` of `/proc/stat`. */
  readonly bootTimeMs?: number;
}

/**
 * Turns `/dev/kmsg` and the systemd journal into structured {@link LogEvent}s and runs detectors for
 * OOM kills, hung tasks, I/O errors, lockups, segfaults and service failures on each.
 *
 * `/dev/kmsg` is opened non-blocking and drained on a timer (one record per read, as the kernel
 * delivers them), so stopping never leaves a thread blocked in `read()`. Records overwritten before
 * they were read (`EPIPE`) are counted in `lostRecords`. Kernel records that also reach the journal
 * are taken from kmsg only.
 *
 * @public
 */
export class LogAnalyzer {
  private readonly files: KernelFiles;
  private readonly detectors: readonly LogDetector[];
  private readonly events = new Subject<LogEvent>();
  private readonly detections = new Subject<Detection>();
  private readonly options: LogAnalyzerOptions;
  private kmsgFd: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private journal: ChildProcess | undefined;
  private readonly buf = Buffer.alloc(16 * 1024);
  private partial = '';
  private bootTimeMs: number;
  private readonly st = new Map<string, SourceStatus>();
  /** Records the kernel overwrote before they could be read. */
  lostRecords = 0;

  /** Every parsed event. */
  readonly events$: Observable<LogEvent> = this.events.asObservable();
  /** Every detection. */
  readonly detections$: Observable<Detection> = this.detections.asObservable();

  constructor(options: LogAnalyzerOptions = {}) {
    this.options = options;
    this.files = new KernelFiles(options.root);
    this.detectors = options.detectors ?? defaultLogDetectors;
    this.bootTimeMs = options.bootTimeMs ?? 0;
  }

  /** Runs the detectors on an event, emits both, and returns the detections. */
  ingest(event: LogEvent): Detection[] {
    this.events.next(event);
    const found: Detection[] = [];
    for (const d of this.detectors) {
      const r = d(event);
      if (r !== undefined) {
        found.push(r);
        this.detections.next(r);
      }
    }
    return found;
  }

  /** Parses kmsg text (one or more records, as read from `/dev/kmsg`) and ingests each record. */
  ingestKmsg(text: string): Detection[] {
    const out: Detection[] = [];
    for (const rec of this.splitRecords(text)) {
      try {
        out.push(...this.ingest(parseKmsgRecord(rec, this.bootTimeMs, this.files.path('dev/kmsg'))));
      } catch {
        /* a record the parser does not know: skipped, the stream goes on */
      }
    }
    return out;
  }

  private splitRecords(text: string): string[] {
    const data = this.partial + text;
    const lines = data.split('\n');
    this.partial = lines.pop() ?? '';
    const recs: string[] = [];
    for (const line of lines) {
      if (line.startsWith(' ') && recs.length > 0) recs[recs.length - 1] += `\n${line}`;
      else if (line !== '') recs.push(line);
    }
    return recs;
  }

  /** Availability of the `log.kmsg` and `log.journal` inputs. */
  status(): SourceStatus[] {
    return [...this.st.values()];
  }

  /** Opens the inputs and starts following them. Idempotent. */
  start(): void {
    if (this.timer !== undefined || this.journal !== undefined) return;
    if (this.options.bootTimeMs === undefined) {
      const stat = this.files.tryRead('proc/stat');
      const btime = stat === undefined ? undefined : parseProcStat(stat).bootTime;
      this.bootTimeMs = btime === undefined ? 0 : btime * 1000;
    }
    if (this.options.kmsg !== false) this.openKmsg();
    const j = this.options.journal ?? true;
    if (j !== false) this.openJournal(j === true ? { command: 'journalctl', args: ['-o', 'json', '-f', '-n', '0', '--no-pager'] } : j);
  }

  private openKmsg(): void {
    const rel = 'dev/kmsg';
    const path = this.files.path(rel);
    try {
      this.kmsgFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      const e = fsError(err, path, rel);
      this.st.set('log.kmsg', { id: 'log.kmsg', available: false, reason: e.message, code: e.code });
      return;
    }
    this.st.set('log.kmsg', { id: 'log.kmsg', available: true });
    // Skip (or replay) everything already in the ring buffer, however large log_buf_len is.
    this.drain(this.options.replay === true, Number.MAX_SAFE_INTEGER);
    this.timer = setInterval(() => this.drain(true), this.options.pollIntervalMs ?? 250);
    this.timer.unref();
  }

  private drain(emit: boolean, maxRecords = 10_000): void {
    const fd = this.kmsgFd;
    if (fd === undefined) return;
    for (let i = 0; i < maxRecords; i++) {
      let n: number;
      try {
        n = readSync(fd, this.buf, 0, this.buf.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') return;
        if (code === 'EPIPE') {
          this.lostRecords += 1;
          continue;
        }
        this.st.set('log.kmsg', { id: 'log.kmsg', available: false, reason: `reading ${this.files.path('dev/kmsg')} failed: ${String(code)}`, code: 'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE' });
        return;
      }
      if (n === 0) return; // a regular file at its end (tests)
      const text = this.buf.toString('utf8', 0, n);
      if (emit) this.ingestKmsg(text);
      else this.splitRecords(text);
    }
  }

  private openJournal(cmd: { readonly command: string; readonly args?: readonly string[] }): void {
    const child = spawn(cmd.command, [...(cmd.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.journal = child;
    this.st.set('log.journal', { id: 'log.journal', available: true });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      stderr = (stderr + d).slice(-500);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const reason =
        err.code === 'ENOENT'
          ? `${cmd.command} not found: install systemd's journalctl, or pass journal: false to read /dev/kmsg only.`
          : `${cmd.command} failed to start (${String(err.code)}): check that it is executable.`;
      this.st.set('log.journal', { id: 'log.journal', available: false, reason, code: 'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE' });
      this.journal = undefined;
    });
    child.on('exit', (code, signal) => {
      if (this.journal === child && signal === null) {
        this.st.set('log.journal', {
          id: 'log.journal',
          available: false,
          reason: `${cmd.command} exited with code ${String(code)}${stderr === '' ? '' : `: ${stderr.trim()}`}; check that the journal is readable (root or the systemd-journal group).`,
          code: 'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE',
        });
      }
      if (this.journal === child) this.journal = undefined;
    });
    const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    rl.on('line', (line) => {
      if (line.trim() === '') return;
      let ev: LogEvent | undefined;
      try {
        ev = parseJournalEntry(line);
      } catch {
        return;
      }
      if (ev === undefined) return;
      if (this.kmsgFd !== undefined && ev.fields?.['_TRANSPORT'] === 'kernel') return; // already seen via kmsg
      this.ingest(ev);
    });
  }

  /** Stops following; the observables stay open for a later `start()`. Idempotent. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.kmsgFd !== undefined) closeSync(this.kmsgFd);
    this.kmsgFd = undefined;
    this.partial = '';
    const j = this.journal;
    this.journal = undefined;
    j?.kill();
  }

  /** Stops and completes the observables. */
  close(): void {
    this.stop();
    this.events.complete();
    this.detections.complete();
  }
}
