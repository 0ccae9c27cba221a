import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Actuator } from './actuator.js';
import { createActuators, type ActuatorSet } from './actuatorSet.js';
import { ActuatorError, ActuatorErrorCode } from './errors.js';
import { isAinkaError } from '@ainka/errors';
import { knobPath, specOf } from './fileActuator.js';
import { FlapGuard, type FlapGuardOptions } from './flapGuard.js';
import { ChangeJournal, type JournalChange, type JournalRecord } from './journal.js';
import { applyRecord, managedKnobs, replayJournal, type ChangeEntry, type JournalState, type ManagedKnob, type ReleasedKnob } from './journalState.js';
import { normalizeValue, parseKnobId, type KnobId } from '@ainka/knobs';
import { defaultWhoChanged, type WhoChanged } from './whoChanged.js';

/** `advise` proposes and writes nothing; `enforce` writes. */
export type ChangeMode = 'advise' | 'enforce';

/** A change someone (a policy rule, the optimizer, a person) asks for. */
export interface ChangeRequest {
  /** Knob id, e.g. `sysctl:vm.swappiness`. */
  readonly knob: string;
  /** Target value. */
  readonly value: string | number;
  /** Reason short name (the rule name). */
  readonly reason: string;
  /** Why, in words: the evidence. */
  readonly because: string;
  /** Per-request mode; `advise` here wins over an enforcing manager. */
  readonly mode?: ChangeMode;
  /**
   * Write the value itself, never a damped step towards it: for restoring a value recorded earlier (a
   * baseline), where an intermediate value would be a state nobody declared. Dwell and rate limits still apply.
   */
  readonly exact?: boolean;
}

/** Options of one {@link ChangeManager.apply} call. */
export interface ApplyOptions {
  /**
   * Write this call's requests even when the manager is in advise mode: an explicit decision by an
   * administrator (applying one piece of advice). It holds for this call only, so a caller that applies at
   * the same moment keeps the manager's mode; a request's own `mode: 'advise'` still wins, and bounds,
   * admin respect and anti-flapping apply as always.
   */
  readonly enforce?: boolean;
}

/** What happened to one request. */
export interface ChangeOutcome {
  /** Knob id. */
  readonly knob: string;
  /** `applied` (written), `proposed` (advise), `skipped` (not needed or not allowed), `failed`. */
  readonly status: 'applied' | 'proposed' | 'skipped' | 'failed';
  /** Value before. */
  readonly before?: string;
  /** Value written or proposed. */
  readonly after?: string;
  /** Journal change id, for applied changes. */
  readonly id?: number;
  /** The log line: `reason 'X' on knob Y: old → new, because …`, or why it was skipped. */
  readonly line: string;
  /** Error code when skipped for a bounds/availability problem or failed. */
  readonly code?: string;
}

/** Result of {@link ChangeManager.apply}. */
export interface ApplyResult {
  /** Batch id when something was written. */
  readonly batch?: number;
  /** One outcome per request, in order. */
  readonly outcomes: readonly ChangeOutcome[];
}

/** Options of {@link ChangeManager.open}. */
export interface ChangeManagerOptions {
  /** Directory holding `journal.log`. */
  stateDir: string;
  /** Root of the file tree (default `/`). */
  root?: string;
  /** Default `advise` (dry run): nothing is written until you say `enforce`. */
  mode?: ChangeMode;
  /** Roll this session's changes back on `close()` — and on the next start if the process died. Default false. */
  rollbackOnExit?: boolean;
  /** What to do with a batch interrupted by a crash: `revert` (default) or `complete`. */
  recovery?: 'revert' | 'complete';
  /** Actuators (default: the standard set). */
  actuators?: ActuatorSet;
  /** Anti-flapping settings, a guard, or `false` to disable (tests, rollbacks). */
  flap?: Partial<FlapGuardOptions> | FlapGuard | false;
  /** Clock (ms). Default `Date.now`. */
  clock?: () => number;
  /** Receives every log line. Default: nothing. */
  log?: (line: string) => void;
  /** Who changed a knob behind AINKA's back. */
  whoChanged?: WhoChanged;
  /** Session id (default: a random UUID). */
  session?: string;
}

/** Report of the recovery run by {@link ChangeManager.open}. */
export interface RecoveryReport {
  /** Batches found open (interrupted) and reverted. */
  readonly reverted: readonly number[];
  /** Batches found open and completed. */
  readonly completed: readonly number[];
  /** Sessions with rollback-on-exit that died and were rolled back. */
  readonly rolledBackSessions: readonly string[];
}

/** Restarts are disruptive: at most 3 per hour per unit, 10 min apart. */
const SYSTEMD_RESTART_LIMITS: Partial<FlapGuardOptions> = { minDwellMs: 10 * 60_000, maxChanges: 3, windowMs: 60 * 60_000 };

interface Planned {
  knob: KnobId;
  actuator: Actuator;
  change: JournalChange;
}

/**
 * Applies changes to knobs: bounded, journaled before they are written, verified, reversible,
 * anti-flapped, and respectful of administrators. One instance per process (it owns the journal).
 *
 * Every change is logged as `reason 'X' on knob Y: old → new, because …`.
 */
export class ChangeManager {
  /** Session id of this instance. */
  readonly session: string;
  /** The root path knobs live under. */
  readonly root: string;
  /** What happened while opening. */
  readonly recovery: RecoveryReport;
  private readonly journal: ChangeJournal;
  private readonly state: JournalState;
  private readonly actuators: ActuatorSet;
  private readonly guard: FlapGuard | undefined;
  private readonly clock: () => number;
  private readonly logLine: (line: string) => void;
  private readonly whoChanged: WhoChanged;
  private readonly options: ChangeManagerOptions;
  private mode: ChangeMode;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly counts = new Map<string, number>();

  private constructor(options: ChangeManagerOptions, journal: ChangeJournal) {
    this.options = options;
    this.session = options.session ?? randomUUID();
    this.root = options.root ?? '/';
    this.mode = options.mode ?? 'advise';
    this.actuators = options.actuators ?? createActuators();
    this.guard =
      options.flap === false ? undefined : options.flap instanceof FlapGuard ? options.flap : new FlapGuard(options.flap ?? {}, { systemd: SYSTEMD_RESTART_LIMITS });
    this.clock = options.clock ?? Date.now;
    this.logLine = options.log ?? (() => undefined);
    this.whoChanged = options.whoChanged ?? defaultWhoChanged;
    this.journal = journal;
    this.state = replayJournal(journal.records);
    // Anti-flapping survives restarts: the journal says when each knob last changed.
    for (const c of this.history()) if (c.status === 'applied' && c.undoes === undefined) this.guard?.record(c.knob, c.before, c.after, c.at);
    this.recovery = { reverted: [], completed: [], rolledBackSessions: [] };
  }

  /**
   * Open the journal under `stateDir`, finish or revert any batch a crash interrupted, roll back dead
   * sessions that asked for rollback-on-exit, and start a new session.
   */
  static async open(options: ChangeManagerOptions): Promise<ChangeManager> {
    const manager = new ChangeManager(options, new ChangeJournal(join(options.stateDir, 'journal.log')));
    await manager.recover();
    manager.append({ type: 'session', session: manager.session, pid: process.pid, rollbackOnExit: options.rollbackOnExit ?? false, at: manager.clock() });
    return manager;
  }

  /** Current mode. */
  get currentMode(): ChangeMode {
    return this.mode;
  }

  /** Switch between advise and enforce. */
  setMode(mode: ChangeMode): void {
    this.mode = mode;
  }

  private append(...records: JournalRecord[]): void {
    this.journal.append(...records);
    for (const r of records) applyRecord(this.state, r);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ActuatorError(ActuatorErrorCode.closed, 'the change manager is closed; open a new one with ChangeManager.open()'));
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private actuatorFor(knob: KnobId): Actuator {
    return this.actuators[knob.kind];
  }

  private async recover(): Promise<void> {
    const reverted: number[] = [];
    const completed: number[] = [];
    for (const [batch, b] of this.state.batches) {
      if (b.status !== 'open') continue;
      const changes = b.changes.map((id) => this.state.changes.get(id)).filter((c): c is ChangeEntry => c !== undefined);
      if (this.options.recovery === 'complete' && changes.every((c) => c.reversible)) {
        try {
          for (const c of changes) await this.write(parseKnobId(c.knob), c.after, 'apply');
          this.append({ type: 'commit', batch, at: this.clock() });
          completed.push(batch);
          this.logLine(`recovery: completed interrupted batch ${batch} (${changes.map((c) => `${c.knob} → ${c.after}`).join(', ')})`);
          continue;
        } catch {
          // fall through to revert
        }
      }
      const problems: string[] = [];
      for (const c of [...changes].reverse()) {
        if (!c.reversible) continue;
        const knob = parseKnobId(c.knob);
        let current: string | undefined;
        try {
          current = await this.actuatorFor(knob).read(this.root, knob);
        } catch {
          current = undefined;
        }
        try {
          if (c.identity !== undefined && (await this.actuatorFor(knob).identity?.(this.root, knob)) !== c.identity) continue;
          if (current !== normalizeValue(c.before)) await this.write(knob, c.before, 'revert');
        } catch (error) {
          // The knob may be gone (a cgroup removed, a process exited): record it and keep starting.
          problems.push(`could not restore ${c.knob} to ${c.before}: ${(error as Error).message}`);
        }
      }
      this.append({ type: 'abort', batch, at: this.clock(), note: problems.length ? `interrupted; reverted on start except: ${problems.join('; ')}` : 'interrupted; reverted on start' });
      for (const p of problems) this.logLine(`recovery: ${p}`);
      reverted.push(batch);
      this.logLine(`recovery: reverted interrupted batch ${batch} (${changes.map((c) => `${c.knob} back to ${c.before}`).join(', ')})`);
    }
    const dead = [...this.state.sessions].filter(([, s]) => s.rollbackOnExit && !s.ended).map(([id]) => id);
    for (const session of dead) {
      await this.rollbackChanges(this.activeChanges((c) => c.session === session), `session ${session} asked for rollback on exit and did not exit cleanly`);
      this.append({ type: 'end', session, at: this.clock() });
    }
    Object.assign(this.recovery, { reverted, completed, rolledBackSessions: dead });
  }

  private async write(knob: KnobId, value: string, how: 'apply' | 'revert'): Promise<void> {
    const actuator = this.actuatorFor(knob);
    if (how === 'apply') await actuator.apply(this.root, knob, value);
    else await actuator.revert(this.root, knob, value);
  }

  /**
   * Apply a plan as one batch. Requests are checked (released knob, unchanged value, bounds, anti-flapping)
   * and then, in enforce mode, journaled together (fsync'd), written in order, read back, and committed.
   * If a write or a read-back fails, the batch's earlier writes are reverted and the batch aborted.
   */
  apply(requests: readonly ChangeRequest[], options: ApplyOptions = {}): Promise<ApplyResult> {
    return this.serial(() => this.applyNow(requests, options.enforce === true ? 'enforce' : this.mode));
  }

  /** `mode`: the manager's mode when the call was served, or `enforce` for an {@link ApplyOptions.enforce} call. */
  private async applyNow(requests: readonly ChangeRequest[], mode: ChangeMode): Promise<ApplyResult> {
    const outcomes: ChangeOutcome[] = [];
    const planned: Planned[] = [];
    const seen = new Set<string>();
    const now = this.clock();
    let nextId = this.state.nextChange;
    for (const req of requests) {
      const value = normalizeValue(String(req.value));
      let knob: KnobId;
      try {
        knob = parseKnobId(req.knob);
        specOf(knob);
      } catch (error) {
        outcomes.push(this.skip(req.knob, error));
        continue;
      }
      if (seen.has(knob.id)) {
        outcomes.push({ knob: knob.id, status: 'skipped', line: `skip ${knob.id}: already changed earlier in this plan` });
        continue;
      }
      seen.add(knob.id);
      const released = this.state.released.get(knob.id);
      if (released) {
        outcomes.push({
          knob: knob.id,
          status: 'skipped',
          line: `skip ${knob.id}: changed outside AINKA (to ${released.observed}, by ${released.who}); AINKA no longer manages it — reclaim it to manage it again`,
        });
        continue;
      }
      const actuator = this.actuatorFor(knob);
      const spec = specOf(knob);
      let before: string;
      try {
        before = await actuator.read(this.root, knob);
        const owned = spec.reversible ? managedKnobs(this.state).get(knob.id) : undefined;
        if (owned && !(await actuator.verify(this.root, knob, owned.value))) {
          // Someone changed a knob we manage since we last wrote it: never overwrite them.
          const released = this.release(owned.knob, owned.value, before);
          outcomes.push({ knob: knob.id, status: 'skipped', before, line: `skip ${knob.id}: changed outside AINKA (to ${before}, by ${released.who}); AINKA no longer manages it — reclaim it to manage it again` });
          continue;
        }
        if (spec.reversible && before === value) {
          outcomes.push({ knob: knob.id, status: 'skipped', before, after: value, line: `skip ${knob.id}: already ${value}` });
          continue;
        }
        await actuator.validate(this.root, knob, value);
      } catch (error) {
        outcomes.push(this.skip(knob.id, error));
        continue;
      }
      let target = value;
      let damped = '';
      if (this.guard) {
        const decision = this.guard.admit(knob.id, before, value, now, spec.numeric);
        if (!decision.allowed) {
          outcomes.push({ knob: knob.id, status: 'skipped', before, line: `hold ${knob.id} at ${before} (anti-flapping): ${decision.why}` });
          continue;
        }
        if (decision.damped && req.exact !== true) {
          target = decision.value;
          damped = ` (damped step towards ${value})`;
          try {
            await actuator.validate(this.root, knob, target); // the intermediate value must be in bounds too
          } catch (error) {
            outcomes.push(this.skip(knob.id, error));
            continue;
          }
        }
      }
      const line = `reason '${req.reason}' on knob ${knob.id}: ${before} → ${target}${damped}, because ${req.because}`;
      if (req.mode === 'advise' || mode === 'advise') {
        outcomes.push({ knob: knob.id, status: 'proposed', before, after: target, line: `advise: ${line}` });
        this.logLine(`advise: ${line}`);
        continue;
      }
      const identity = await actuator.identity?.(this.root, knob);
      planned.push({
        knob,
        actuator,
        change: { id: nextId++, knob: knob.id, before, after: target, reason: req.reason, because: req.because, reversible: spec.reversible, ...(identity !== undefined ? { identity } : {}) },
      });
      outcomes.push({ knob: knob.id, status: 'applied', before, after: target, id: nextId - 1, line });
    }
    if (planned.length === 0) return { outcomes };
    const batch = await this.runBatch(planned);
    if (batch.ok) {
      for (const p of planned) {
        this.guard?.record(p.knob.id, p.change.before, p.change.after, now);
        this.counts.set(p.change.reason, (this.counts.get(p.change.reason) ?? 0) + 1);
        this.logLine(outcomes.find((o) => o.id === p.change.id)?.line ?? '');
      }
      return { batch: batch.batch, outcomes };
    }
    const failedIds = new Set(planned.map((p) => p.change.id));
    return {
      batch: batch.batch,
      outcomes: outcomes.map((o) =>
        o.id !== undefined && failedIds.has(o.id) ? { knob: o.knob, status: 'failed', before: o.before, after: o.after, line: `failed (batch reverted): ${batch.message}`, code: batch.code } : o,
      ),
    };
  }

  private skip(knob: string, error: unknown): ChangeOutcome {
    const code = isAinkaError(error) ? error.code : undefined;
    return { knob, status: 'skipped', line: `skip ${knob}: ${(error as Error).message}`, ...(code ? { code } : {}) };
  }

  /** Journal, write, verify, commit; on failure revert what was written and abort. */
  private async runBatch(planned: readonly Planned[]): Promise<{ ok: true; batch: number } | { ok: false; batch: number; message: string; code: string }> {
    const batch = this.state.nextBatch;
    this.append({ type: 'begin', batch, session: this.session, at: this.clock(), changes: planned.map((p) => p.change) });
    const done: Planned[] = [];
    try {
      for (const p of planned) {
        if (p.change.undoes) await p.actuator.revert(this.root, p.knob, p.change.after);
        else await p.actuator.apply(this.root, p.knob, p.change.after);
        done.push(p);
        if (p.change.reversible && !(await p.actuator.verify(this.root, p.knob, p.change.after))) {
          throw new ActuatorError(
            ActuatorErrorCode.verifyFailed,
            `${p.knob.id} does not read back as '${p.change.after}' after writing it; the kernel adjusted or refused it — choose a value it accepts`,
            p.knob.id,
          );
        }
      }
    } catch (error) {
      for (const p of [...done].reverse()) {
        if (!p.change.reversible) continue;
        try {
          await p.actuator.revert(this.root, p.knob, p.change.before);
        } catch {
          // best effort: the abort record says what should be there
        }
      }
      const message = (error as Error).message;
      this.append({ type: 'abort', batch, at: this.clock(), note: message });
      this.logLine(`batch ${batch} failed and was reverted: ${message}`);
      return { ok: false, batch, message, code: isAinkaError(error) ? error.code : ActuatorErrorCode.writeFailed };
    }
    this.append({ type: 'commit', batch, at: this.clock() });
    return { ok: true, batch };
  }

  private activeChanges(filter: (c: ChangeEntry) => boolean): ChangeEntry[] {
    return [...this.state.changes.values()].filter((c) => c.status === 'applied' && c.reversible && c.undoes === undefined && filter(c));
  }

  /**
   * Undo changes as one batch: each knob goes back to the `before` of its earliest change in the list,
   * and every later active change on that knob is undone with it. Knobs released to an administrator are
   * left alone and reported.
   */
  private async rollbackChanges(changes: readonly ChangeEntry[], because: string): Promise<ApplyResult> {
    const outcomes: ChangeOutcome[] = [];
    const byKnob = new Map<string, ChangeEntry>();
    for (const c of [...changes].sort((a, b) => a.id - b.id)) if (!byKnob.has(c.knob)) byKnob.set(c.knob, c);
    const planned: Planned[] = [];
    let nextId = this.state.nextChange;
    for (const [knobId, earliest] of byKnob) {
      const released = this.state.released.get(knobId);
      if (released) {
        outcomes.push({ knob: knobId, status: 'skipped', line: `leave ${knobId} at ${released.observed}: changed outside AINKA (by ${released.who}), not rolled back` });
        continue;
      }
      const knob = parseKnobId(knobId);
      const actuator = this.actuatorFor(knob);
      const undone = this.activeChanges((c) => c.knob === knobId && c.id >= earliest.id).map((c) => c.id);
      if (earliest.identity !== undefined && (await actuator.identity?.(this.root, knob)) !== earliest.identity) {
        outcomes.push({ knob: knobId, status: 'skipped', line: `leave ${knobId}: the object AINKA changed is gone (${knob.kind === 'process' ? `pid ${knob.target} exited or now belongs to another process` : 'replaced'}), not rolled back` });
        continue;
      }
      let current: string;
      try {
        current = await actuator.read(this.root, knob);
      } catch (error) {
        outcomes.push(this.skip(knobId, error));
        continue;
      }
      const change: JournalChange = { id: nextId++, knob: knobId, before: current, after: earliest.before, reason: 'rollback', because, reversible: true, undoes: undone };
      planned.push({ knob, actuator, change });
      outcomes.push({ knob: knobId, status: 'applied', before: current, after: earliest.before, id: change.id, line: `reason 'rollback' on knob ${knobId}: ${current} → ${earliest.before}, because ${because}` });
    }
    if (planned.length === 0) return { outcomes };
    const result = await this.runBatch(planned);
    if (!result.ok) {
      return { batch: result.batch, outcomes: outcomes.map((o) => (o.status === 'applied' ? { ...o, status: 'failed' as const, line: `rollback failed: ${result.message}`, code: result.code } : o)) };
    }
    for (const o of outcomes) if (o.status === 'applied') this.logLine(o.line);
    this.counts.set('rollback', (this.counts.get('rollback') ?? 0) + planned.length);
    return { batch: result.batch, outcomes };
  }

  /**
   * Roll back one change (and any later change on the same knob). `because` is journaled with the undo
   * (e.g. the objective trial's verdict); by default "rollback of change #N requested".
   */
  rollback(changeId: number, because?: string): Promise<ApplyResult> {
    return this.serial(async () => {
      const c = this.state.changes.get(changeId);
      if (!c || c.undoes !== undefined) {
        throw new ActuatorError(ActuatorErrorCode.notInJournal, `change #${changeId} is not a change in the journal; list changes with history()`);
      }
      if (c.status !== 'applied') return { outcomes: [{ knob: c.knob, status: 'skipped', line: `skip change #${changeId}: it is ${c.status}` }] };
      return this.rollbackChanges([c], because ?? `rollback of change #${changeId} requested`);
    });
  }

  /** Roll back every active change a session made (default: this session). */
  rollbackSession(session: string = this.session): Promise<ApplyResult> {
    return this.serial(() => this.rollbackChanges(this.activeChanges((c) => c.session === session), `rollback of session ${session} requested`));
  }

  /** Roll back everything AINKA manages, to the values it found. */
  rollbackAll(): Promise<ApplyResult> {
    return this.serial(() => this.rollbackChanges(this.activeChanges(() => true), 'rollback of all changes requested'));
  }

  /**
   * Compare every managed knob with the value AINKA set. A knob that differs was changed by someone else:
   * it is released (journaled), never written or rolled back again until {@link reclaim}, and reported.
   */
  checkAdminWrites(): Promise<readonly ReleasedKnob[]> {
    return this.serial(async () => {
      const found: ReleasedKnob[] = [];
      for (const m of managedKnobs(this.state).values()) {
        if (this.state.released.has(m.knob)) continue;
        const knob = parseKnobId(m.knob);
        const actuator = this.actuatorFor(knob);
        let observed: string;
        try {
          observed = await actuator.read(this.root, knob);
        } catch {
          observed = '(unreadable)';
        }
        const identity = this.state.changes.get(m.changes[0] ?? 0)?.identity;
        if (identity !== undefined && (await actuator.identity?.(this.root, knob)) !== identity) {
          found.push(this.release(m.knob, m.value, observed, `nobody: pid ${knob.target} exited or was reused`));
          continue;
        }
        if (observed !== '(unreadable)' && (await actuator.verify(this.root, knob, m.value))) continue;
        found.push(this.release(m.knob, m.value, observed));
      }
      return found;
    });
  }

  private release(knob: string, expected: string, observed: string, known?: string): ReleasedKnob {
    const who = known ?? this.whoChanged(this.root, knob, observed) ?? 'an unknown writer';
    const record = { type: 'release' as const, knob, expected, observed, who, at: this.clock() };
    this.append(record);
    this.logLine(
      `knob ${knob} was changed outside AINKA: expected ${expected}, found ${observed} (by ${who}); AINKA stops managing it and will not roll it back — reclaim it to manage it again`,
    );
    return record;
  }

  /** Manage a released knob again. */
  reclaim(knob: string): Promise<void> {
    return this.serial(async () => {
      if (!this.state.released.has(knob)) return;
      this.append({ type: 'reclaim', knob, at: this.clock() });
      this.logLine(`knob ${knob} reclaimed: AINKA manages it again`);
    });
  }

  /**
   * Shrink the journal to what rollbacks and admin respect still need: this session, every active change
   * (one committed batch per knob, ids and previous values kept), and the released knobs. History of
   * finished, rolled-back and irreversible changes is dropped. Atomic (write, fsync, rename).
   * @returns the number of records before and after.
   */
  compact(): Promise<{
    /** Records before compaction. */
    before: number;
    /** Records after compaction. */
    after: number;
  }> {
    return this.serial(async () => {
      const before = this.journal.records.length;
      const at = this.clock();
      const me = this.state.sessions.get(this.session);
      const records: JournalRecord[] = [{ type: 'session', session: this.session, pid: process.pid, rollbackOnExit: me?.rollbackOnExit ?? false, at }];
      const byKnob = new Map<string, ChangeEntry[]>();
      for (const c of this.activeChanges(() => true)) byKnob.set(c.knob, [...(byKnob.get(c.knob) ?? []), c]);
      let batch = 1;
      for (const list of byKnob.values()) {
        const changes: JournalChange[] = list.map(({ id, knob, before: b, after, reason, because, reversible, identity }) => ({
          id,
          knob,
          before: b,
          after,
          reason,
          because,
          reversible,
          ...(identity !== undefined ? { identity } : {}),
        }));
        const session = list[list.length - 1]?.session ?? this.session;
        records.push({ type: 'begin', batch, session, at, changes }, { type: 'commit', batch, at });
        batch++;
      }
      for (const r of this.state.released.values()) records.push({ type: 'release', ...r });
      this.journal.rewrite(records);
      const fresh = replayJournal(records);
      fresh.nextChange = Math.max(fresh.nextChange, this.state.nextChange);
      fresh.nextBatch = Math.max(fresh.nextBatch, this.state.nextBatch);
      Object.assign(this.state, fresh);
      this.logLine(`journal compacted: ${before} → ${records.length} records`);
      return { before, after: records.length };
    });
  }

  /** Knobs AINKA manages now. */
  managed(): ManagedKnob[] {
    return [...managedKnobs(this.state).values()].filter((m) => !this.state.released.has(m.knob));
  }

  /** Knobs released to someone else. */
  released(): ReleasedKnob[] {
    return [...this.state.released.values()];
  }

  /** Every journaled change, oldest first. */
  history(): ChangeEntry[] {
    return [...this.state.changes.values()].sort((a, b) => a.id - b.id);
  }

  /** What happened how often in this session, and the commands that reproduce the managed settings. */
  summary(): string {
    const lines = ['changes this session by reason:'];
    for (const [reason, n] of [...this.counts].sort((a, b) => b[1] - a[1])) lines.push(`  ${reason}: ${n}`);
    if (this.counts.size === 0) lines.push('  (none)');
    const managed = this.managed();
    lines.push('reproduce the managed settings with:');
    for (const m of managed) lines.push(`  ${reproduceCommand(parseKnobId(m.knob), m.value)}`);
    if (managed.length === 0) lines.push('  (nothing managed)');
    return lines.join('\n');
  }

  /** Close the session: roll back its changes if `rollbackOnExit` is set, log the {@link summary}, close the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.options.rollbackOnExit) await this.rollbackSession();
    if (this.counts.size > 0) for (const line of this.summary().split('\n')) this.logLine(line);
    await this.serial(async () => {
      this.append({ type: 'end', session: this.session, at: this.clock() });
    });
    this.closed = true;
    this.journal.close();
  }
}

/** The shell command that sets a knob to a value (what `summary()` prints). */
export function reproduceCommand(knob: KnobId, value: string): string {
  switch (knob.kind) {
    case 'sysctl':
      return `sysctl -w ${knob.attribute}='${value}'`;
    case 'systemd':
      return `systemctl restart ${knob.target}`;
    case 'file':
      return `install -m 0644 <blob ${value}> /${knob.target}`;
    case 'process':
      if (knob.attribute === 'nice') return `renice -n ${value} -p ${knob.target}`;
      if (knob.attribute === 'ionice') return `ionice ${value === 'idle' ? '-c 3' : value === 'none' ? '-c 0' : `-c 2 -n ${value.slice(3)}`} -p ${knob.target}`;
      return `echo '${value}' > /${knobPath(knob)}`;
    default:
      return `echo '${value}' > /${knobPath(knob)}`;
  }
}
