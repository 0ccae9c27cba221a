import type { JournalChange, JournalRecord } from './journal.js';

/** Where a journaled change stands; `released` = its knob was changed by someone else, so it is no longer AINKA's to undo. */
export type ChangeStatus = 'pending' | 'applied' | 'aborted' | 'rolled-back' | 'released';

/** A change and its fate, as replayed from the journal. */
export interface ChangeEntry extends JournalChange {
  /** Batch the change belongs to. */
  readonly batch: number;
  /** Session that made it. */
  readonly session: string;
  /** When it was journaled (ms since epoch). */
  readonly at: number;
  /** Where it stands now. */
  status: ChangeStatus;
}

/** A knob someone else changed: AINKA stopped managing it. */
export interface ReleasedKnob {
  /** Knob id. */
  readonly knob: string;
  /** Value AINKA had set. */
  readonly expected: string;
  /** Value found instead. */
  readonly observed: string;
  /** Who or what changed it, when known. */
  readonly who: string;
  /** When AINKA noticed (ms since epoch). */
  readonly at: number;
}

/** A knob AINKA manages: the value it set and the value it found before its first change. */
export interface ManagedKnob {
  /** Knob id. */
  readonly knob: string;
  /** Value AINKA last wrote. */
  readonly value: string;
  /** Value before AINKA's first (still active) change. */
  readonly original: string;
  /** Active (applied, not rolled back) change ids on this knob, oldest first. */
  readonly changes: readonly number[];
}

/** Everything the journal says, replayed. */
export interface JournalState {
  /** Every change by id. */
  readonly changes: Map<number, ChangeEntry>;
  /** Batches by id: their session, change ids and whether they were closed. */
  readonly batches: Map<
    number,
    {
      /** Session that wrote the batch. */
      session: string;
      /** Ids of the batch's changes. */
      changes: number[];
      /** `open` until a commit or abort record closes it. */
      status: 'open' | 'committed' | 'aborted';
    }
  >;
  /** Sessions by id. */
  readonly sessions: Map<
    string,
    {
      /** The session asked for its changes to be rolled back when it ends. */
      rollbackOnExit: boolean;
      /** An `end` record was written (a clean exit). */
      ended: boolean;
      /** Process id of the session's owner. */
      pid: number;
    }
  >;
  /** Knobs released to someone else. */
  readonly released: Map<string, ReleasedKnob>;
  /** Next free change id. */
  nextChange: number;
  /** Next free batch id. */
  nextBatch: number;
}

/** Replay journal records into state. Pure: the same records always give the same state. */
export function replayJournal(records: readonly JournalRecord[]): JournalState {
  const state: JournalState = { changes: new Map(), batches: new Map(), sessions: new Map(), released: new Map(), nextChange: 1, nextBatch: 1 };
  for (const r of records) applyRecord(state, r);
  return state;
}

/** Apply one record to replayed state (used while appending, so state never has to be replayed twice). */
export function applyRecord(state: JournalState, r: JournalRecord): void {
  switch (r.type) {
    case 'session':
      state.sessions.set(r.session, { rollbackOnExit: r.rollbackOnExit, ended: false, pid: r.pid });
      break;
    case 'end': {
      const s = state.sessions.get(r.session);
      if (s) s.ended = true;
      break;
    }
    case 'begin':
      state.batches.set(r.batch, { session: r.session, changes: r.changes.map((c) => c.id), status: 'open' });
      for (const c of r.changes) {
        state.changes.set(c.id, { ...c, batch: r.batch, session: r.session, at: r.at, status: 'pending' });
        state.nextChange = Math.max(state.nextChange, c.id + 1);
      }
      state.nextBatch = Math.max(state.nextBatch, r.batch + 1);
      break;
    case 'commit': {
      const b = state.batches.get(r.batch);
      if (!b) break;
      b.status = 'committed';
      for (const id of b.changes) {
        const c = state.changes.get(id);
        if (!c) continue;
        c.status = 'applied';
        for (const undone of c.undoes ?? []) {
          const u = state.changes.get(undone);
          if (u) u.status = 'rolled-back';
        }
      }
      break;
    }
    case 'abort': {
      const b = state.batches.get(r.batch);
      if (!b) break;
      b.status = 'aborted';
      for (const id of b.changes) {
        const c = state.changes.get(id);
        if (c) c.status = 'aborted';
      }
      break;
    }
    case 'release':
      state.released.set(r.knob, { knob: r.knob, expected: r.expected, observed: r.observed, who: r.who, at: r.at });
      for (const c of state.changes.values()) if (c.knob === r.knob && c.status === 'applied') c.status = 'released';
      break;
    case 'reclaim':
      state.released.delete(r.knob);
      break;
  }
}

/** Knobs AINKA currently manages: those with an applied, not rolled-back, non-rollback change. */
export function managedKnobs(state: JournalState): Map<string, ManagedKnob> {
  const byKnob = new Map<string, ChangeEntry[]>();
  for (const c of state.changes.values()) {
    if (c.status !== 'applied') continue;
    const list = byKnob.get(c.knob) ?? [];
    list.push(c);
    byKnob.set(c.knob, list);
  }
  const out = new Map<string, ManagedKnob>();
  for (const [knob, list] of byKnob) {
    list.sort((a, b) => a.id - b.id);
    const active = list.filter((c) => c.reversible && c.undoes === undefined);
    const last = list[list.length - 1];
    const first = active[0];
    if (!first || !last) continue;
    out.set(knob, { knob, value: last.after, original: first.before, changes: active.map((c) => c.id) });
  }
  return out;
}
