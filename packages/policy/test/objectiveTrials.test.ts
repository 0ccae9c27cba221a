import { describe, expect, it } from 'vitest';
import { judgeTrial, ObjectiveTrials, welchOneSided, type PlannedAction, type TrialCommand } from '../src/index.js';

/** A deterministic normal-ish noise source (sum of uniforms from an LCG). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return () => u() + u() + u() + u() + u() + u() - 3; // mean 0, sd 1/√2
}

const action = (value: string, goal: 'maximize' | 'minimize' = 'maximize'): PlannedAction => ({
  knob: 'block:vda:read_ahead_kb',
  value,
  reason: 'larger-read-ahead',
  because: 'disk.read_bytes_per_second{device="vda"} = 500000000 > 16777216',
  mode: 'enforce',
  priority: 50,
  policy: 'server',
  evidence: [],
  tags: [],
  objective: { metric: 'disk.read_bytes_per_second{device="vda"}', goal, window: 5, windows: 4, margin: 0.05 },
});

/** Run one trial at 1 s ticks: `before(t)` until the change is applied, `after(t)` once it is. */
function runTrial(trials: ObjectiveTrials, a: PlannedAction, before: (i: number) => number, after: (i: number) => number, changeId = 7): TrialCommand[] {
  expect(trials.offer(a, 0)).toBeUndefined();
  const out: TrialCommand[] = [];
  let applied = false;
  for (let i = 1; i <= 120 && trials.active !== undefined; i++) {
    const now = i * 1000;
    for (const c of trials.observe(now, () => (applied ? after(i) : before(i)))) {
      out.push(c);
      if (c.kind === 'apply') {
        applied = true;
        trials.applied(changeId, '128', now);
      }
    }
  }
  return out;
}

describe('Welch one-sided test', () => {
  it('gives a small p when the second sample is clearly lower, about 0.5 when equal, near 1 when higher', () => {
    expect(welchOneSided([10, 11, 9, 10], [5, 6, 4, 5]).p).toBeLessThan(0.001);
    expect(welchOneSided([10, 11, 9, 10], [10, 9, 11, 10]).p).toBeCloseTo(0.5, 1);
    expect(welchOneSided([5, 6, 4, 5], [10, 11, 9, 10]).p).toBeGreaterThan(0.999);
    // Reference value (t tables): t = -1.732 with 6 degrees of freedom has a one-sided p of 0.067.
    const r = welchOneSided([1, 2, 3, 2], [0, 1, 2, 1]);
    expect(r.t).toBeCloseTo(-1.732, 2);
    expect(r.p).toBeCloseTo(0.067, 2);
  });
});

describe('ObjectiveTrials: one journaled trial at a time, judged over repeated windows', () => {
  it('rolls back a change that makes the objective worse, and bans that setting', () => {
    const trials = new ObjectiveTrials({ cooldownAfterRollbackMs: 600_000 });
    const n = noise(1);
    const cmds = runTrial(trials, action('256'), () => 500 + 10 * n(), () => 380 + 10 * n());
    expect(cmds.map((c) => c.kind)).toEqual(['apply', 'rollback']);
    const rb = cmds[1] as Extract<TrialCommand, { kind: 'rollback' }>;
    expect(rb.trial.changeId).toBe(7);
    expect(rb.verdict.before).toHaveLength(4);
    expect(rb.verdict.after).toHaveLength(4);
    expect(rb.verdict.improvement).toBeLessThan(-0.2);
    expect(rb.verdict.p).toBeLessThan(0.05);
    expect(rb.verdict.why).toMatch(/^the objective got worse: mean 3\d\d after vs 50\d before \(-2\d\.\d %, beyond the 5 % margin; Welch p = .* < 0\.05, 4\+4 windows\)$/);
    expect(rb.coolUntil - (rb.trial.startedAt + 0)).toBeGreaterThan(600_000);
    // The same setting is never tried again in this run.
    expect(trials.offer(action('256'), 200_000)).toBe('256 was rolled back on block:vda:read_ahead_kb before (its objective got worse)');
    expect(trials.banned('block:vda:read_ahead_kb')).toEqual(['256']);
  });

  it('keeps a change that helps, and remembers the means per setting', () => {
    const trials = new ObjectiveTrials();
    const n = noise(2);
    const cmds = runTrial(trials, action('256'), () => 500 + 10 * n(), () => 800 + 10 * n());
    expect(cmds.map((c) => c.kind)).toEqual(['apply', 'keep']);
    const keep = cmds[1] as Extract<TrialCommand, { kind: 'keep' }>;
    expect(keep.verdict.improvement).toBeGreaterThan(0.5);
    expect(keep.verdict.why).toMatch(/^not worse beyond noise: mean 8\d\d after vs 50\d before \(\+\d+\.\d %/);
    const learned = trials.learned('block:vda:read_ahead_kb');
    expect(learned.get('128')?.windows).toBe(4);
    expect(learned.get('256')?.mean).toBeGreaterThan(790);
  });

  it('never rolls back on noise alone (same distribution before and after, 30 seeded trials), for both goals', () => {
    let rollbacks = 0;
    for (let seed = 10; seed < 40; seed++) {
      const n = noise(seed);
      for (const goal of ['maximize', 'minimize'] as const) {
        const trials = new ObjectiveTrials();
        const cmds = runTrial(trials, action('256', goal), () => 100 + 4 * n(), () => 100 + 4 * n());
        if (cmds.some((c) => c.kind === 'rollback')) rollbacks++;
        expect(cmds.at(-1)?.kind).toMatch(/keep|rollback/);
      }
    }
    expect(rollbacks).toBe(0);
  });

  it('minimised objectives roll back when they rise; one trial at a time; a change that was not applied is abandoned', () => {
    const trials = new ObjectiveTrials();
    const n = noise(3);
    expect(runTrial(trials, action('256', 'minimize'), () => 0.01 + 0.0005 * n(), () => 0.02 + 0.0005 * n()).map((c) => c.kind)).toEqual(['apply', 'rollback']);
    expect(trials.offer(action('512'), 0)).toBeUndefined();
    expect(trials.offer(action('1024'), 0)).toMatch(/^trial #2 on block:vda:read_ahead_kb is running \(one trial at a time\)$/);
    let cmds: TrialCommand[] = [];
    for (let i = 1; i < 40 && cmds.length === 0; i++) cmds = trials.observe(i * 1000, () => 5);
    expect(cmds.map((c) => c.kind)).toEqual(['apply']);
    expect(trials.applied(undefined, undefined, 40_000).map((c) => c.kind)).toEqual(['abandon']);
    expect(trials.active).toBeUndefined();
  });

  it('an inconclusive drop beyond the margin is measured longer, then rolled back (never kept because the noise was large)', () => {
    // Before: steady 100. After: about 80, so noisy that the first 4 windows are not significant.
    const wild = [100, 40, 130, 45, 110, 60, 120, 50, 85];
    let tick = 0;
    const trials = new ObjectiveTrials();
    const cmds = runTrial(trials, action('256'), () => 100, () => wild[Math.min(wild.length - 1, Math.floor(tick++ / 5))] as number);
    const last = cmds.at(-1);
    expect(last?.kind).toBe('rollback');
    if (last?.kind !== 'rollback') return;
    expect(last.verdict.after.length).toBeGreaterThan(4); // measured past the first 4 windows
    expect(judgeTrial(last.verdict.before, last.verdict.after.slice(0, 4), { goal: 'maximize', margin: 0.05 }).decision).toBe('keep');
  });

  it('judgeTrial final: a mean still worse beyond the margin is rolled back even when not significant; within the margin it is kept', () => {
    const before = [100, 100, 100, 100];
    const noisy = [40, 130, 45, 110, 60, 120, 50, 105];
    const open = judgeTrial(before, noisy, { goal: 'maximize', margin: 0.05 });
    expect(open.p).toBeGreaterThanOrEqual(0.05);
    expect(open.decision).toBe('keep');
    const final = judgeTrial(before, noisy, { goal: 'maximize', margin: 0.05 }, 0.05, true);
    expect(final.decision).toBe('rollback');
    expect(final.why).toMatch(/^the objective stayed worse: mean 82\.5 after vs 100 before \(-17\.5 %, beyond the 5 % margin; Welch p = .*not significant even with 8 windows/);
    expect(judgeTrial(before, [70, 130, 95, 104, 99, 101, 97, 100], { goal: 'maximize', margin: 0.05 }, 0.05, true).decision).toBe('keep');
  });

  it('an inconclusive dip that recovers in the extra windows is kept', () => {
    const trials = new ObjectiveTrials();
    let tick = 0;
    const after = [100, 70, 120, 90, 85, 110, 104, 99, 101];
    const cmds = runTrial(trials, action('256'), () => 100, () => after[Math.min(after.length - 1, Math.floor(tick++ / 5))] as number);
    const last = cmds.at(-1);
    expect(last?.kind).toBe('keep');
    if (last?.kind === 'keep') expect(last.verdict.after.length).toBeGreaterThan(4);
  });

  it('a daemon ticking seconds apart (a CPU quota on a slow machine) still reaches a verdict; a metric that is missing does not', () => {
    const trials = new ObjectiveTrials();
    expect(trials.offer(action('256'), 0)).toBeUndefined();
    const out: TrialCommand[] = [];
    for (let i = 1; i <= 40 && trials.active !== undefined; i++) {
      const now = i * 12_000; // one tick every 12 s, longer than the 5 s window
      for (const c of trials.observe(now, () => 100)) {
        out.push(c);
        if (c.kind === 'apply') trials.applied(7, '128', now);
      }
    }
    expect(out.map((c) => c.kind)).toEqual(['apply', 'keep']);
    const missing = new ObjectiveTrials();
    expect(missing.offer(action('256'), 0)).toBeUndefined();
    const cmds: TrialCommand[] = [];
    for (let i = 1; i <= 60 && missing.active !== undefined; i++) cmds.push(...missing.observe(i * 1000, () => undefined));
    expect(cmds.map((c) => c.kind)).toEqual(['abandon']);
  });

  it('judgeTrial: a drop smaller than the margin is kept even when significant', () => {
    const v = judgeTrial([100, 100.1, 99.9, 100], [97, 97.1, 96.9, 97], { goal: 'maximize', margin: 0.05 });
    expect(v.p).toBeLessThan(0.001);
    expect(v.decision).toBe('keep');
  });
});

describe('ObjectiveTrials: guards (metrics a change must not make worse)', () => {
  /** A write-latency objective guarded by the rate at which applications dirty pages. */
  const guarded = (): PlannedAction => ({
    ...action('33554432', 'minimize'),
    knob: 'sysctl:vm.dirty_bytes',
    objective: { metric: 'disk.write_await_seconds{device="vda"}', goal: 'minimize', window: 5, windows: 4, margin: 0.02, guards: [{ metric: 'vm.dirtied_bytes_per_second', goal: 'maximize', margin: 0.02 }] },
  });

  function runGuarded(trials: ObjectiveTrials, latency: [number, number], writers: [number, number], seed: number): TrialCommand[] {
    const n = noise(seed);
    expect(trials.offer(guarded(), 0)).toBeUndefined();
    const out: TrialCommand[] = [];
    let applied = false;
    for (let i = 1; i <= 200 && trials.active !== undefined; i++) {
      const now = i * 1000;
      const lat = (applied ? latency[1] : latency[0]) * (1 + 0.02 * n());
      const wr = (applied ? writers[1] : writers[0]) * (1 + 0.02 * n());
      for (const c of trials.observe(now, (m) => (m === 'vm.dirtied_bytes_per_second' ? wr : m.startsWith('disk.write_await_seconds') ? lat : undefined))) {
        out.push(c);
        if (c.kind === 'apply') {
          applied = true;
          trials.applied(3, '0', now);
        }
      }
    }
    return out;
  }

  it('rolls back a change that improves its objective but slows the writers down, and says which guard', () => {
    const cmds = runGuarded(new ObjectiveTrials(), [0.2, 0.05], [100e6, 60e6], 11);
    expect(cmds.map((c) => c.kind)).toEqual(['apply', 'rollback']);
    const rb = cmds[1] as Extract<TrialCommand, { kind: 'rollback' }>;
    expect(rb.verdict.improvement).toBeGreaterThan(0.5);
    expect(rb.verdict.guards?.[0]).toMatchObject({ metric: 'vm.dirtied_bytes_per_second', decision: 'rollback', measured: true });
    expect(rb.verdict.why).toMatch(/^the objective was not worse beyond noise: .*, but a guard got worse: guard vm\.dirtied_bytes_per_second got worse: mean 6\d{7} after vs 1\d{8} before \(-[34]\d\.\d %/);
  });

  it('keeps a change that improves its objective while the guard holds', () => {
    const cmds = runGuarded(new ObjectiveTrials(), [0.2, 0.05], [100e6, 100e6], 12);
    expect(cmds.map((c) => c.kind)).toEqual(['apply', 'keep']);
    const keep = cmds[1] as Extract<TrialCommand, { kind: 'keep' }>;
    expect(keep.verdict.guards?.[0]).toMatchObject({ metric: 'vm.dirtied_bytes_per_second', decision: 'keep', measured: true });
  });

  it('does not judge a guard that was never measured (the trial is decided by its objective)', () => {
    const trials = new ObjectiveTrials();
    expect(trials.offer(guarded(), 0)).toBeUndefined();
    const out: TrialCommand[] = [];
    let applied = false;
    for (let i = 1; i <= 200 && trials.active !== undefined; i++) {
      for (const c of trials.observe(i * 1000, (m) => (m.startsWith('disk.write_await_seconds') ? (applied ? 0.05 : 0.2) : undefined))) {
        out.push(c);
        if (c.kind === 'apply') {
          applied = true;
          trials.applied(3, '0', i * 1000);
        }
      }
    }
    expect(out.map((c) => c.kind)).toEqual(['apply', 'keep']);
    const keep = out[1] as Extract<TrialCommand, { kind: 'keep' }>;
    expect(keep.verdict.guards?.[0]?.measured).toBe(false);
    expect(keep.verdict.guards?.[0]?.why).toMatch(/not judged: 0 window\(s\) with a sample before and 0 after/);
  });
});
