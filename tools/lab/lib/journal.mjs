// Reads AINKA's change journal (@ainka/actuators: one `JSON<TAB>crc32` line per record) into a list
// of changes: knob, before → after, reason, why, when applied, and when and by what it was undone.
import { existsSync, readFileSync } from 'node:fs';

/** Parses the journal file; returns [] when it does not exist. Torn or damaged lines are skipped. */
export function readJournal(path) {
  if (!existsSync(path)) return [];
  const records = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab <= 0) continue;
    try {
      records.push(JSON.parse(line.slice(0, tab)));
    } catch {
      /* torn last line */
    }
  }
  const begins = new Map();
  const committed = new Map();
  for (const r of records) {
    if (r.type === 'begin') begins.set(r.batch, r);
    else if (r.type === 'commit') committed.set(r.batch, r.at);
  }
  const changes = new Map();
  for (const [batch, b] of begins) {
    const at = committed.get(batch);
    if (at === undefined) continue;
    for (const c of b.changes) {
      if (c.undoes?.length) {
        for (const id of c.undoes) {
          const orig = changes.get(id);
          if (orig && orig.undoneAt === null) Object.assign(orig, { undoneAt: at, undoneBy: c.reason, undoneBecause: c.because });
        }
        continue;
      }
      changes.set(c.id, { id: c.id, knob: c.knob, before: c.before, after: c.after, reason: c.reason, because: c.because, at, undoneAt: null, undoneBy: null, undoneBecause: null });
    }
  }
  const released = records.filter((r) => r.type === 'release').map((r) => ({ knob: r.knob, expected: r.expected, observed: r.observed, who: r.who, at: r.at }));
  return { changes: [...changes.values()].sort((a, b) => a.at - b.at), released };
}

/** Changes applied in [from, to): kept (still applied at `to`) or rolled back by AINKA before `to`. */
export function changesIn(journal, from, to) {
  return journal.changes
    .filter((c) => c.at >= from && c.at < to)
    .map((c) => ({ ...c, status: c.undoneAt !== null && c.undoneAt < to ? `rolled back (${c.undoneBy}${c.undoneBecause ? `: ${c.undoneBecause}` : ''})` : 'kept' }));
}

/** Changes still applied (never undone). */
export function outstanding(journal) {
  return journal.changes.filter((c) => c.undoneAt === null);
}
