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
import { lastJournalEvent, settleDecision } from '../lib/settle.mjs';
import { bootstrapMedianCi, EQUIVALENCE_MARGIN, median, summarize, verdict } from '../lib/stats.mjs';
import { diffSnapshots } from '../lib/state.mjs';
import { parseCpuStat } from '../lib/unitcpu.mjs';
import { iperf } from '../scenarios/net.mjs';

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

test('verdicts: the equivalence margin makes a tiny difference a tie, never a real one', () => {
  assert.equal(EQUIVALENCE_MARGIN, 0.01);
  // memory.peak 385.2 vs 385.0 MiB with zero spread: disjoint intervals, 0.05 % apart: a tie.
  const a = summarize([385.2, 385.2, 385.2]);
  const b = summarize([385.0, 385.0, 385.0]);
  assert.equal(verdict(a, b, 'lower'), 'tie');
  assert.equal(verdict(a, b, 'lower', 0), 'loss', 'without the margin it would be a loss');
  // 2 % worse with disjoint intervals stays a loss; the read-seq regression stays a loss.
  assert.equal(verdict(summarize([392.7, 392.7, 392.7]), b, 'lower'), 'loss');
  assert.equal(verdict(summarize([16.2, 12.6, 16.9]), summarize([43.0, 30.5, 45.1]), 'higher'), 'loss');
});

test('settle: wait while a trial is pending or the last change is recent, stop when quiet or at the cap', () => {
  const base = { settleStart: 0, quietS: 20, capS: 120 };
  assert.deepEqual(settleDecision({ ...base, now: 30_000, quietSince: 0, busy: false }), { done: true, reason: 'quiet' });
  assert.equal(settleDecision({ ...base, now: 30_000, quietSince: 0, busy: true }).done, false, 'a pending trial keeps it waiting');
  assert.equal(settleDecision({ ...base, now: 30_000, quietSince: 25_000, busy: false }).done, false, 'a change 5 s ago keeps it waiting');
  assert.deepEqual(settleDecision({ ...base, now: 121_000, quietSince: 0, busy: true }), { done: true, reason: 'cap' });
  const j = { changes: [{ at: 100, undoneAt: 500 }, { at: 300, undoneAt: null }] };
  assert.equal(lastJournalEvent(j, 50), 500, 'an undo counts as a change');
  assert.equal(lastJournalEvent(j, 900), 900, 'nothing since the scenario started');
});

test('unit CPU: usage_usec from cgroup v2 cpu.stat', () => {
  assert.equal(parseCpuStat('usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\n'), 1234567);
  assert.equal(parseCpuStat('nr_periods 0\n'), null);
});

test('report: ainkad CPU next to the AINKA result, settle table, margin stated', () => {
  const samples = [];
  for (let rep = 1; rep <= 3; rep++) {
    for (const config of ['default', 'tuned', 'ainka']) {
      const tunerCpu = config === 'default' ? undefined : { measuredS: config === 'ainka' ? 2 : 0.1, windowS: 10, scenarioS: 12, scenarioWindowS: 100 };
      const settle = config === 'default' ? { extraS: 0, chunks: 0, reason: 'nothing to settle' } : { extraS: config === 'ainka' ? 30 : 0, chunks: 2, reason: rep === 3 && config === 'ainka' ? 'cap' : 'quiet' };
      samples.push({ rep, config, scenario: 'read-seq', values: { mbps: 40 + rep }, changes: [], tunerCpu, settle });
    }
  }
  const results = { meta: {}, durations: { settleChunkS: 15, settleQuietS: 20, settleCapS: 120 }, samples, resets: [], errors: [], finished: true, pristine: {} };
  const md = renderMarkdown(results, { command: 'x', hostInfo: 'test', wallSeconds: 1 });
  assert.match(md.text, /\| 20\.0 % \(max 20\.0 %\) \| \*\*tie\*\*/, 'ainkad at 2 CPU-s in a 10 s window: 20 % of a vCPU, beside the AINKA cell');
  assert.match(md.text, /30 \/ 30 s, 1 of 3 capped/);
  assert.match(md.text, /more than 1 % of the reference's median/);
});

test('journal: a change rolled back after the measured window was kept during it', () => {
  const j = { changes: [{ id: 1, knob: 'block:vda:read_ahead_kb', before: '128', after: '256', reason: 'r', at: 100, undoneAt: 400, undoneBy: 'rollback', undoneBecause: 'trial #1 of rule r: the objective got worse' }] };
  assert.equal(changesIn(j, 0, 300)[0].status, 'kept');
  assert.match(changesIn(j, 0, 500)[0].status, /^rolled back \(rollback: trial #1/);
});

test('report: a repetition not every configuration finished is left out of the table', () => {
  const samples = [];
  for (let rep = 1; rep <= 4; rep++) for (const config of ['default', 'tuned', 'ainka']) if (!(rep === 4 && config === 'ainka')) samples.push({ rep, config, scenario: 'read-seq', values: { mbps: rep === 4 ? 1000 : 40 + rep }, changes: [] });
  const md = renderMarkdown({ meta: {}, durations: {}, samples, resets: [], errors: [], finished: false, pristine: {} }, { command: 'x', hostInfo: 'test', wallSeconds: 1 });
  assert.equal(md.rows[0].by.default.n, 3);
  assert.equal(md.rows[0].by.ainka.n, 3);
  assert.match(md.text, /2 sample\(s\) of a repetition not every configuration finished are left out/);
});

test('unit quota: CPUQuotaPerSecUSec to the percentage and the cpu.max quota per 100 ms', async () => {
  const { unitQuota } = await import('../lib/configs.mjs');
  assert.deepEqual(unitQuota('250ms'), { percent: 25, quotaUs: 25000 });
  assert.deepEqual(unitQuota('1s'), { percent: 100, quotaUs: 100000 });
  assert.equal(unitQuota('infinity'), null);
});

// A stand-in iperf3 on PATH that answers from a list, one answer per call (the real one runs in the
// systemd guest's lab): the retry and the error are the lab's own code.
function fakeIperf3(answers) {
  const dir = mkdtempSync(join(tmpdir(), 'lab-iperf-'));
  answers.forEach((a, i) => writeFileSync(join(dir, `answer${i}`), a));
  writeFileSync(join(dir, 'n'), '0');
  writeFileSync(
    join(dir, 'iperf3'),
    `#!/bin/bash\nn=$(cat ${dir}/n); echo $((n+1)) > ${dir}/n\ncat ${dir}/answer$n 2>/dev/null || echo '{"error":"no more answers"}'\n`,
    { mode: 0o755 },
  );
  return dir;
}

test('net scenario: an iperf3 report without a summary is tried again, and three failures name the cause', async () => {
  const good = JSON.stringify({ end: { sum_sent: { retransmits: 7 }, sum_received: { bits_per_second: 42e6 }, sender_tcp_congestion: 'bbr' } });
  const path = process.env.PATH;
  try {
    process.env.PATH = `${fakeIperf3(['{"end":{}}', 'not json', good])}:${path}`;
    assert.deepEqual(await iperf(1, { pauseMs: 0 }), { mbps: 42, retransmits: 7, cc: 'bbr' });
    process.env.PATH = `${fakeIperf3(['{"end":{}}', '{"error":"unable to send control message"}', '{"end":{}}', good])}:${path}`;
    await assert.rejects(iperf(1, { pauseMs: 0 }), (e) => {
      assert.equal(e.code, 'ERR_AINKA_LAB_IPERF');
      assert.match(e.message, /failed 3 times/);
      assert.match(e.message, /unable to send control message/);
      assert.match(e.message, /no end\.sum_received/);
      return true;
    });
  } finally {
    process.env.PATH = path;
  }
});
