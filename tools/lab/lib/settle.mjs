// "Measure after the tuner settles": after the scenario's warm-up, the workload keeps running in
// short chunks until the tuner has been quiet (no change applied or undone, no trial pending) for
// `quietS` seconds, or until `capS` seconds of extra warm-up have passed. The same rule for every
// configuration: default has nothing to wait for; TuneD is quiet once its log has not been written
// for `quietS`; AINKA once its change journal has had no record for `quietS` and `status` shows no trial.
import { existsSync, statSync } from 'node:fs';

/**
 * One settle step. `quietSince`: when the tuner last changed something (or the scenario started);
 * `busy`: a trial is pending. Returns { done, reason } where reason is 'quiet' or 'cap' when done.
 */
export function settleDecision({ now, settleStart, quietSince, busy, quietS, capS }) {
  if (!busy && now - quietSince >= quietS * 1000) return { done: true, reason: 'quiet' };
  if (now - settleStart >= capS * 1000) return { done: true, reason: 'cap' };
  return { done: false, reason: busy ? 'trial pending' : `last change ${((now - quietSince) / 1000).toFixed(0)} s ago` };
}

/** Latest change journal event (a change applied or undone) at or after `from`, else `from`. */
export function lastJournalEvent(journal, from) {
  let t = from;
  for (const c of journal.changes ?? []) {
    if (c.at > t) t = c.at;
    if (c.undoneAt !== null && c.undoneAt > t) t = c.undoneAt;
  }
  return t;
}

/** Modification time of a file (ms) or `fallback` when it does not exist. */
export function mtimeOr(path, fallback) {
  return existsSync(path) ? Math.max(fallback, statSync(path).mtimeMs) : fallback;
}
