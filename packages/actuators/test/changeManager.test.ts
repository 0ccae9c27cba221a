import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChangeManager, type ChangeManagerOptions, type ChangeRequest } from '../src/index.js';
import { machine, makeTree, readTree, removeTrees, writeTree } from './fixtures/fakeTree.js';

afterAll(removeTrees);

function setup(extra: Partial<ChangeManagerOptions> = {}): { root: string; stateDir: string; lines: string[]; options: ChangeManagerOptions } {
  const root = makeTree(machine);
  const stateDir = join(root, 'var/lib/ainka');
  const lines: string[] = [];
  return { root, stateDir, lines, options: { root, stateDir, mode: 'enforce', flap: false, log: (l) => lines.push(l), ...extra } };
}

const swap = (value: number, reason = 'memory-pressure'): ChangeRequest => ({ knob: 'sysctl:vm.swappiness', value, reason, because: 'psi.memory.some_avg10 = 31 > 20 for 30 s' });

describe('ChangeManager', () => {
  it('is dry-run (advise) by default: proposes with the reason line and writes nothing', async () => {
    const { root, options } = setup();
    const m = await ChangeManager.open({ ...options, mode: undefined });
    const r = await m.apply([swap(10)]);
    expect(r.outcomes[0]).toMatchObject({
      status: 'proposed',
      line: "advise: reason 'memory-pressure' on knob sysctl:vm.swappiness: 60 → 10, because psi.memory.some_avg10 = 31 > 20 for 30 s",
    });
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('60\n');
    await m.close();
  });

  it('enforces one call at an admin\'s request in advise mode, and no call applying beside it', async () => {
    const { root, options } = setup();
    const m = await ChangeManager.open({ ...options, mode: 'advise' });
    // Both calls are in the queue together: the admin's first, then another caller's (a guard response).
    const [admin, other] = await Promise.all([m.apply([swap(10, 'admin')], { enforce: true }), m.apply([{ knob: 'block:sda:read_ahead_kb', value: 1024, reason: 'guard', because: 'x', mode: 'enforce' }])]);
    expect(admin.outcomes[0]).toMatchObject({ status: 'applied', after: '10' });
    expect(other.outcomes[0]).toMatchObject({ status: 'proposed' });
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('10\n');
    expect(readTree(root, 'sys/block/sda/queue/read_ahead_kb')).toBe('128\n');
    expect(m.currentMode).toBe('advise');
    // A request's own advise mode still wins over the call's enforce.
    expect((await m.apply([{ ...swap(20, 'admin'), mode: 'advise' }], { enforce: true })).outcomes[0]?.status).toBe('proposed');
    await m.close();
  });

  it('journals, applies and logs every change as "reason X on knob Y: old → new, because …"', async () => {
    const { root, stateDir, lines, options } = setup();
    const m = await ChangeManager.open(options);
    const r = await m.apply([swap(10), { knob: 'block:sda:read_ahead_kb', value: 1024, reason: 'throughput', because: 'sequential reads' }]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('10\n');
    expect(lines).toContain("reason 'throughput' on knob block:sda:read_ahead_kb: 128 → 1024, because sequential reads");
    const journal = readFileSync(join(stateDir, 'journal.log'), 'utf8');
    expect(journal).toMatch(/"type":"begin".*"before":"60","after":"10"/);
    expect(m.summary()).toContain("sysctl -w vm.swappiness='10'");
    await m.close();
  });

  it('skips out-of-bounds values and unknown knobs with the error code', async () => {
    const { options } = setup();
    const m = await ChangeManager.open(options);
    const r = await m.apply([swap(900), { knob: 'sysctl:kernel.panic', value: 1, reason: 'x', because: 'y' }]);
    expect(r.outcomes.map((o) => o.code)).toEqual(['ERR_AINKA_KNOB_OUT_OF_BOUNDS', 'ERR_AINKA_KNOB_UNKNOWN']);
    await m.close();
  });

  it('rolls back one change, a session, or everything — and the journal survives restarts', async () => {
    const { root, options } = setup();
    const m1 = await ChangeManager.open({ ...options, session: 's1' });
    const a = await m1.apply([swap(30)]);
    await m1.apply([{ knob: 'block:sda:read_ahead_kb', value: 512, reason: 'throughput', because: 'x' }]);
    await m1.close();
    const m2 = await ChangeManager.open({ ...options, session: 's2' });
    await m2.apply([swap(10), { knob: 'thp:enabled', value: 'never', reason: 'latency', because: 'x' }]);
    expect(m2.managed().map((k) => k.knob).sort()).toEqual(['block:sda:read_ahead_kb', 'sysctl:vm.swappiness', 'thp:enabled']);
    // One change: rolling back the first swappiness change also undoes the later one on the same knob.
    await m2.rollback(a.outcomes[0]?.id ?? 0);
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('60\n');
    // A session.
    await m2.rollbackSession('s2');
    expect(readTree(root, 'sys/kernel/mm/transparent_hugepage/enabled')).toBe('madvise\n');
    expect(readTree(root, 'sys/block/sda/queue/read_ahead_kb')).toBe('512\n');
    await m2.close();
    // Everything, after another restart.
    const m3 = await ChangeManager.open(options);
    expect(m3.managed().map((k) => k.knob)).toEqual(['block:sda:read_ahead_kb']);
    await m3.rollbackAll();
    expect(readTree(root, 'sys/block/sda/queue/read_ahead_kb')).toBe('128\n');
    expect(m3.managed()).toEqual([]);
    await m3.close();
  });

  it('rolls back on exit when configured, and on the next start if the process died', async () => {
    const { root, options } = setup({ rollbackOnExit: true });
    const m = await ChangeManager.open(options);
    await m.apply([swap(10)]);
    await m.close();
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('60\n');
    const dying = await ChangeManager.open(options);
    await dying.apply([swap(20)]);
    // No close(): the process "died". The next start rolls the dead session back.
    const next = await ChangeManager.open({ ...options, rollbackOnExit: false });
    expect(next.recovery.rolledBackSessions).toEqual([dying.session]);
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('60\n');
    await next.close();
  });

  it('keeps changes across restarts when rollback-on-exit is off', async () => {
    const { root, options } = setup();
    const m = await ChangeManager.open(options);
    await m.apply([swap(10)]);
    await m.close();
    const again = await ChangeManager.open(options);
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('10\n');
    expect(again.managed()).toMatchObject([{ knob: 'sysctl:vm.swappiness', value: '10', original: '60' }]);
    await again.close();
  });

  it('reverts (or, if asked, completes) a batch interrupted before its commit', async () => {
    for (const recovery of ['revert', 'complete'] as const) {
      const { root, stateDir, options } = setup({ recovery });
      const m = await ChangeManager.open(options);
      await m.apply([swap(30)]);
      await m.close();
      // Simulate a crash between the write and the commit: journal a begin record by hand and half-apply it.
      const { ChangeJournal } = await import('../src/index.js');
      const j = new ChangeJournal(join(stateDir, 'journal.log'));
      j.append({ type: 'begin', batch: 99, session: 'dead', at: 0, changes: [
        { id: 99, knob: 'sysctl:vm.swappiness', before: '30', after: '5', reason: 'r', because: 'b', reversible: true },
        { id: 100, knob: 'sysctl:vm.dirty_ratio', before: '20', after: '30', reason: 'r', because: 'b', reversible: true },
      ] });
      j.close();
      writeTree(root, { 'proc/sys/vm/swappiness': '5\n', 'proc/sys/vm/dirty_ratio': '' });
      const next = await ChangeManager.open(options);
      if (recovery === 'revert') {
        expect(next.recovery.reverted).toEqual([99]);
        expect([readTree(root, 'proc/sys/vm/swappiness'), readTree(root, 'proc/sys/vm/dirty_ratio')]).toEqual(['30\n', '20\n']);
      } else {
        expect(next.recovery.completed).toEqual([99]);
        expect([readTree(root, 'proc/sys/vm/swappiness'), readTree(root, 'proc/sys/vm/dirty_ratio')]).toEqual(['5\n', '30\n']);
      }
      await next.close();
    }
  });

  it('still starts when a knob of an interrupted batch has disappeared, and says so', async () => {
    const { root, stateDir, lines, options } = setup();
    const { ChangeJournal } = await import('../src/index.js');
    const { rmSync } = await import('node:fs');
    const j = new ChangeJournal(join(stateDir, 'journal.log'));
    j.append({ type: 'begin', batch: 1, session: 'dead', at: 0, changes: [{ id: 1, knob: 'cgroup:app.slice:cpu.weight', before: '100', after: '200', reason: 'r', because: 'b', reversible: true }] });
    j.close();
    rmSync(join(root, 'sys/fs/cgroup/app.slice'), { recursive: true });
    const m = await ChangeManager.open(options);
    expect(m.recovery.reverted).toEqual([1]);
    expect(lines[0]).toMatch(/^recovery: could not restore cgroup:app.slice:cpu.weight to 100: failed to write '100' to cgroup:app.slice:cpu.weight .*ENOENT/);
    await m.close();
  });

  it('drops a torn last journal line and refuses a journal damaged in the middle', async () => {
    const { stateDir, options } = setup();
    const m = await ChangeManager.open(options);
    await m.apply([swap(10)]);
    await m.close();
    const path = join(stateDir, 'journal.log');
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, `${good}{"type":"beg`);
    const again = await ChangeManager.open(options);
    await again.close();
    expect(readFileSync(path, 'utf8').startsWith(good)).toBe(true);
    writeFileSync(path, good.replace('"after":"10"', '"after":"11"'));
    await expect(ChangeManager.open(options)).rejects.toMatchObject({ code: 'ERR_AINKA_JOURNAL_CORRUPT' });
  });
});

describe('journal compaction', () => {
  it('keeps what rollbacks and admin respect need, and survives a restart', async () => {
    let now = 0;
    const { root, options } = setup({ clock: () => now });
    const m = await ChangeManager.open(options);
    for (const v of [50, 40, 30, 20]) {
      now += 1000;
      await m.apply([swap(v)]);
    }
    const ra = await m.apply([{ knob: 'block:sda:read_ahead_kb', value: 512, reason: 'throughput', because: 'x' }]);
    await m.apply([{ knob: 'thp:enabled', value: 'never', reason: 'latency', because: 'x' }]);
    await m.rollback(ra.outcomes[0]?.id ?? 0);
    writeTree(root, { 'sys/kernel/mm/transparent_hugepage/enabled': 'always [madvise] never\n' });
    await m.checkAdminWrites();
    const { before, after } = await m.compact();
    expect(before).toBeGreaterThan(after);
    expect(m.managed().map((k) => `${k.knob}=${k.value} (was ${k.original})`)).toEqual(['sysctl:vm.swappiness=20 (was 60)']);
    await m.close();
    const again = await ChangeManager.open(options);
    expect(again.released().map((k) => k.knob)).toEqual(['thp:enabled']);
    await again.rollbackAll();
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('60\n');
    expect(readTree(root, 'sys/kernel/mm/transparent_hugepage/enabled')).toBe('always [madvise] never\n');
    await again.close();
  });
});

describe('admin respect', () => {
  it('notices a knob changed by someone else, says who, stops managing it and never rolls it back', async () => {
    const { root, lines, options } = setup();
    const m = await ChangeManager.open(options);
    await m.apply([swap(10)]);
    expect(await m.checkAdminWrites()).toEqual([]);
    // The administrator drops a sysctl.d file and runs `sysctl --system`.
    writeTree(root, { 'etc/sysctl.d/99-admin.conf': 'vm.swappiness = 1\n', 'proc/sys/vm/swappiness': '1\n' });
    const released = await m.checkAdminWrites();
    expect(released).toMatchObject([{ knob: 'sysctl:vm.swappiness', expected: '10', observed: '1', who: "/etc/sysctl.d/99-admin.conf (applied by systemd-sysctl or 'sysctl --system')" }]);
    expect(lines.at(-1)).toBe(
      "knob sysctl:vm.swappiness was changed outside AINKA: expected 10, found 1 (by /etc/sysctl.d/99-admin.conf (applied by systemd-sysctl or 'sysctl --system')); AINKA stops managing it and will not roll it back — reclaim it to manage it again",
    );
    const r = await m.apply([swap(20)]);
    expect(r.outcomes[0]?.status).toBe('skipped');
    await m.rollbackAll();
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('1\n');
    await m.close();
    // The release survives a restart; reclaim hands the knob back.
    const again = await ChangeManager.open(options);
    expect(again.released().map((k) => k.knob)).toEqual(['sysctl:vm.swappiness']);
    await again.reclaim('sysctl:vm.swappiness');
    expect((await again.apply([swap(20)])).outcomes[0]?.status).toBe('applied');
    await again.close();
  });
});

describe('admin respect without an explicit check', () => {
  it('never overwrites a managed knob someone changed since AINKA wrote it', async () => {
    const { root, lines, options } = setup();
    const m = await ChangeManager.open(options);
    await m.apply([swap(10)]);
    writeTree(root, { 'proc/sys/vm/swappiness': '35\n' }); // an admin runs `sysctl vm.swappiness=35`
    const r = await m.apply([swap(20)]);
    expect(r.outcomes[0]).toMatchObject({ status: 'skipped', line: 'skip sysctl:vm.swappiness: changed outside AINKA (to 35, by an unknown writer); AINKA no longer manages it — reclaim it to manage it again' });
    expect(readTree(root, 'proc/sys/vm/swappiness')).toBe('35\n');
    expect(lines.at(-1)).toMatch(/^knob sysctl:vm.swappiness was changed outside AINKA: expected 10, found 35/);
    await m.close();
  });
});

describe('keyed knobs', () => {
  it('does not mistake the kernel filling in io.max fields for an administrator write', async () => {
    const { root, options } = setup();
    const m = await ChangeManager.open(options);
    await m.apply([{ knob: 'cgroup:app.slice:io.max[8:0]', value: '8:0 rbps=2097152', reason: 'noisy-neighbour', because: 'x' }]);
    // The kernel shows every field of the line.
    writeTree(root, { 'sys/fs/cgroup/app.slice/io.max': '8:0 rbps=2097152 wbps=max riops=max wiops=max\n' });
    expect(await m.checkAdminWrites()).toEqual([]);
    await m.close();
  });
});

describe('process identity', () => {
  it('never rolls back a pid that now belongs to another process', async () => {
    const { root, options } = setup();
    const stat = (start: number) => `4242 (my worker) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 ${start} 1000 100\n`;
    writeTree(root, { 'proc/4242/oom_score_adj': '0\n', 'proc/4242/stat': stat(777) });
    const m = await ChangeManager.open(options);
    await m.apply([{ knob: 'process:4242:oom_score_adj', value: 500, reason: 'protect-db', because: 'x' }]);
    expect(m.history()[0]?.identity).toBe('777');
    // The process exits and the pid is reused by a process started later.
    writeTree(root, { 'proc/4242/oom_score_adj': '0\n', 'proc/4242/stat': stat(999) });
    const r = await m.rollbackAll();
    expect(r.outcomes[0]?.line).toBe('leave process:4242:oom_score_adj: the object AINKA changed is gone (pid 4242 exited or now belongs to another process), not rolled back');
    expect(readTree(root, 'proc/4242/oom_score_adj')).toBe('0\n');
    expect((await m.checkAdminWrites()).map((k) => k.who)).toEqual(['nobody: pid 4242 exited or was reused']);
    await m.close();
  });
});

describe('anti-flapping', () => {
  it('remembers the last change across restarts', async () => {
    let now = 1_000_000;
    const { options } = setup({ flap: { minDwellMs: 60_000 }, clock: () => now });
    const m = await ChangeManager.open(options);
    await m.apply([swap(40)]);
    await m.close();
    now += 10_000;
    const again = await ChangeManager.open(options);
    expect((await again.apply([swap(30)])).outcomes[0]?.line).toMatch(/^hold sysctl:vm.swappiness at 40 \(anti-flapping\): sysctl:vm.swappiness changed 10 s ago; it dwells at least 60 s$/);
    await again.close();
  });

  it('holds a knob for its dwell time, refuses quick reversals, rate-limits, and damps big steps', async () => {
    let now = 0;
    const { root, options } = setup({ flap: { minDwellMs: 60_000, reversalDwellMs: 300_000, maxChanges: 3, windowMs: 3_600_000, maxRelativeStep: 0.5 }, clock: () => now });
    const m = await ChangeManager.open(options);
    // A latency knob asked to toggle every 30 s for an hour.
    const writes: string[] = [];
    for (let t = 0; t < 3_600_000; t += 30_000) {
      now = t;
      const target = (t / 30_000) % 2 === 0 ? 10 : 60;
      const r = await m.apply([swap(target, 'latency')]);
      if (r.outcomes[0]?.status === 'applied') writes.push(`${t / 1000}s:${r.outcomes[0].after}`);
    }
    // 120 requests → a handful of writes, never two within 60 s or a reversal within 300 s.
    expect(writes.length).toBeLessThanOrEqual(3);
    expect(writes[0]).toBe('0s:30'); // 60 → 10 damped to 60 − 50 % = 30
    expect(readTree(root, 'proc/sys/vm/swappiness').trim()).not.toBe('');
    const hold = await m.apply([swap(60, 'latency')]);
    expect(hold.outcomes[0]?.line).toMatch(/^hold sysctl:vm.swappiness at \d+ \(anti-flapping\): /);
    await m.close();
  });
});

describe('journal lock', () => {
  it('refuses a second live owner and takes over a lock left by a dead process', async () => {
    const { stateDir, options } = setup();
    const m = await ChangeManager.open(options);
    writeFileSync(join(stateDir, 'journal.log.lock'), '1\n'); // pid 1 is alive and is not us
    await m.close();
    writeFileSync(join(stateDir, 'journal.log.lock'), '1\n');
    await expect(ChangeManager.open(options)).rejects.toMatchObject({ code: 'ERR_AINKA_JOURNAL_LOCKED' });
    writeFileSync(join(stateDir, 'journal.log.lock'), '999999999\n'); // no such process
    const again = await ChangeManager.open(options);
    await again.close();
  });
});
