// Host tests of the lab's arithmetic and bookkeeping (node:test; the measurements themselves run in
// the systemd guest: `node tools/lab/run.mjs --short`).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { test } from 'node:test';
import { changesIn, outstanding, readJournal } from '../lib/journal.mjs';
import { renderMarkdown } from '../lib/report.mjs';
import { bootstrapMedianCi, median, summarize, verdict } from '../lib/stats.mjs';
import { diffSnapshots } from '../lib/state.mjs';

test('median and a bootstrap CI that contains it and is reproducible', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  const v = [10, 12, 11, 30, 9];
  const ci = bootstrapMedianCi(v);
  assert.ok(ci[0] <= 11 && 11 <= ci[1], `CI ${ci} contains the median`);
  assert.deepEqual(bootstrapMedianCi(v), ci);
  assert.ok(ci[0] >= 9 && ci[1] <= 30);
});

test('verdicts: disjoint intervals win or lose by direction, overlapping ones tie', () => {
  const low = summarize([10, 11, 12, 10, 11]);
  const high = summarize([20, 21, 22, 20, 21]);
  assert.equal(verdict(high, low, 'higher'), 'win');
  assert.equal(verdict(high, low, 'lower'), 'loss');
  assert.equal(verdict(low, high, 'lower'), 'win');
  assert.equal(verdict(low, summarize([9, 11, 13, 10, 12]), 'higher'), 'tie');
  assert.equal(verdict(summarize([]), low, 'higher'), 'n/a');
});

function journalLine(rec) {
  const json = JSON.stringify(rec);
  return `${json}\t${crc32(json).toString(16).padStart(8, '0')}\n`;
}

test('journal: kept and rolled-back changes per window, outstanding changes, torn lines skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-'));
  const p = join(dir, 'journal.log');
  const ch = (id, knob, before, after, reason, undoes) => ({ id, knob, before, after, reason, because: `${reason} said so`, reversible: true, ...(undoes ? { undoes } : {}) });
  writeFileSync(
    p,
    [
      journalLine({ type: 'session', session: 's', pid: 1, rollbackOnExit: true, at: 0 }),
      journalLine({ type: 'begin', batch: 1, session: 's', at: 100, changes: [ch(1, 'sysctl:net.ipv4.tcp_congestion_control', 'cubic', 'bbr', 'bbr-on-retransmits')] }),
      journalLine({ type: 'commit', batch: 1, at: 100 }),
      journalLine({ type: 'begin', batch: 2, session: 's', at: 200, changes: [ch(2, 'block:vda:read_ahead_kb', '128', '1024', 'optimizer')] }),
      journalLine({ type: 'commit', batch: 2, at: 200 }),
      journalLine({ type: 'begin', batch: 3, session: 's', at: 300, changes: [ch(3, 'block:vda:read_ahead_kb', '1024', '128', 'rollback', [2])] }),
      journalLine({ type: 'commit', batch: 3, at: 300 }),
      journalLine({ type: 'begin', batch: 4, session: 's', at: 400, changes: [ch(4, 'sysctl:vm.swappiness', '60', '10', 'x')] }),
      '{"type":"commit","bat',
    ].join(''),
  );
  const j = readJournal(p);
  assert.equal(j.changes.length, 2, 'batch 4 never committed: not a change');
  const w = changesIn(j, 50, 350);
  assert.equal(w.find((c) => c.id === 1).status, 'kept');
  assert.match(w.find((c) => c.id === 2).status, /^rolled back \(rollback/);
  assert.equal(changesIn(j, 50, 250).find((c) => c.id === 2).status, 'kept', 'undone only after the window: kept in it');
  assert.deepEqual(outstanding(j).map((c) => c.id), [1]);
});

test('snapshot diff ignores keys that came or went and reports changed values', () => {
  assert.deepEqual(diffSnapshots({ a: '1', b: '2', gone: 'x' }, { a: '1', b: '3', new: 'y' }), [{ key: 'b', pristine: '2', now: '3' }]);
});

test('report: table row per objective, verdicts, and a kept change in a lost scenario is a failure', () => {
  const samples = [];
  for (let rep = 1; rep <= 5; rep++) {
    samples.push({ rep, config: 'default', scenario: 'net-loss10', values: { goodput: 10 + rep / 10 }, changes: [] });
    samples.push({ rep, config: 'tuned', scenario: 'net-loss10', values: { goodput: 10 + rep / 10 }, changes: [] });
    samples.push({
      rep,
      config: 'ainka',
      scenario: 'net-loss10',
      values: { goodput: 5 + rep / 10 },
      changes: [{ knob: 'sysctl:net.ipv4.tcp_congestion_control', before: 'cubic', after: 'bbr', reason: 'bbr-on-retransmits', because: 'retransmits high', status: 'kept' }],
    });
  }
  const results = { meta: {}, durations: {}, samples, resets: [{ rep: 1, config: 'ainka', ok: true, diffs: [] }], errors: [], finished: true, pristine: { a: '1' } };
  const md = renderMarkdown(results, { command: 'node tools/lab/run.mjs', hostInfo: 'test', wallSeconds: 1 });
  assert.equal(md.rows.length, 1);
  assert.equal(md.rows[0].vsDefault, 'loss');
  assert.equal(md.kept.length, 1, 'the kept BBR change in a lost scenario is flagged');
  assert.match(md.text, /FAILURE: 1 kept change/);
  assert.match(md.text, /`sysctl:net.ipv4.tcp_congestion_control` \| cubic → bbr \| bbr-on-retransmits/);
});
