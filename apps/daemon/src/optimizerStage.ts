import { ObjectiveTrials, type PolicyRuntime, type TrialCommand } from '@ainka/policy';
import type { ActionRecord } from './api.js';
import type { ActionStage } from './actionStage.js';
import { describeError } from './errors.js';
import type { Logger } from './logger.js';
import type { Decision } from './ruleContext.js';

/** What the stage uses of the daemon. */
export interface OptimizerStageDeps {
  readonly actions: () => ActionStage;
  readonly runtime: PolicyRuntime;
  readonly log: Logger;
  /** Every decision record the stage produces (applied trial changes). */
  readonly onRecord: (r: ActionRecord) => void;
  /** Cool-down of a rule whose change was rolled back (ms). */
  readonly cooldownAfterRollbackMs: number;
}

/**
 * Composes `@ainka/policy`'s ObjectiveTrials with the daemon's journaled actions: in enforce mode, a
 * decision whose rule names an objective becomes a trial (one at a time); the stage applies it through the
 * ActionStage when the trial asks, and rolls it back through the journal (cooling its rule down) when the
 * trial's verdict says the objective got worse. The decisions themselves are made in `@ainka/policy`.
 */
export class OptimizerStage {
  readonly trials: ObjectiveTrials;
  private pending = new Map<number, Decision>();
  private busy = false;
  /** Verdicts so far, newest last (for status and tests). */
  readonly verdicts: { trial: number; knob: string; value: string; decision: string; why: string; changeId: number | null }[] = [];

  constructor(private readonly deps: OptimizerStageDeps) {
    this.trials = new ObjectiveTrials({ cooldownAfterRollbackMs: deps.cooldownAfterRollbackMs });
  }

  /** The running trial (for `status`), or null. */
  status(): { id: number; knob: string; value: string; rule: string; phase: string; startedAt: number } | null {
    const t = this.trials.active;
    return t === undefined ? null : { id: t.id, knob: t.action.knob, value: t.action.value, rule: t.action.reason, phase: t.phase, startedAt: t.startedAt };
  }

  /** Take the decisions that become trials (enforce, with an objective); return the others. */
  take(decisions: readonly Decision[], now: number): Decision[] {
    const rest: Decision[] = [];
    for (const d of decisions) {
      if (d.mode !== 'enforce' || d.objective === undefined) {
        rest.push(d);
        continue;
      }
      const refused = this.trials.offer({ knob: d.knob, value: d.value, reason: d.rule, because: d.because, mode: d.mode, priority: 50, policy: d.policy, evidence: [], tags: [], objective: d.objective }, now);
      if (refused === undefined) {
        const id = this.trials.active?.id as number;
        this.pending.set(id, d);
        this.deps.log.info({ event: 'trial', trial: { id, phase: 'baseline', knob: d.knob, value: d.value, rule: d.rule, objective: d.objective } }, `trial #${id}: measuring ${d.objective.metric} (${d.objective.goal}) over ${d.objective.windows} windows of ${d.objective.window} s before setting ${d.knob} to ${d.value} (rule '${d.rule}', because ${d.because})`);
      } else if (this.trials.active !== undefined) {
        // Busy: let the rule fire again once the running trial is over.
        this.deps.runtime.release(d.policy, d.rule, d.target);
      } else {
        this.deps.runtime.coolDown(d.policy, d.rule, now + this.deps.cooldownAfterRollbackMs);
        this.deps.log.info({ event: 'trial', refused: { knob: d.knob, value: d.value, rule: d.rule } }, `not trying ${d.knob} = ${d.value} (rule '${d.rule}'): ${refused}`);
      }
    }
    return rest;
  }

  /** Feed the objective of the running trial; carry out what the trial asks. */
  tick(now: number, lookup: (metric: string) => number | undefined): void {
    if (this.busy) return;
    const cmds = this.trials.observe(now, lookup);
    if (cmds.length > 0) void this.run(cmds, now);
  }

  private async run(cmds: readonly TrialCommand[], now: number): Promise<void> {
    this.busy = true;
    try {
      for (const c of cmds) await this.carry(c, now);
    } catch (err) {
      this.deps.log.error({ err: describeError(err) }, `trial step failed: ${describeError(err).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async carry(c: TrialCommand, now: number): Promise<void> {
    const t = c.trial;
    const d = this.pending.get(t.id);
    const log = this.deps.log;
    switch (c.kind) {
      case 'apply': {
        let records: ActionRecord[] = [];
        if (d !== undefined) records = await this.deps.actions().handle([d], now, 0);
        for (const r of records) this.deps.onRecord(r);
        const applied = records.find((r) => r.status === 'applied' && r.changeId !== null);
        this.deps.runtime.invalidateKnob(t.action.knob);
        const more = this.trials.applied(applied?.changeId ?? undefined, applied?.before ?? undefined, now);
        if (applied !== undefined) log.info({ event: 'trial', trial: { id: t.id, phase: 'measuring', knob: t.action.knob, changeId: applied.changeId } }, `trial #${t.id}: ${t.action.knob} ${applied.before ?? '?'} → ${t.action.value} applied (journal #${applied.changeId}); measuring ${t.action.objective.metric} after a settling window`);
        for (const m of more) await this.carry(m, now);
        return;
      }
      case 'rollback': {
        this.pending.delete(t.id);
        let line = 'nothing to roll back';
        if (t.changeId !== undefined) {
          const r = await this.deps.actions().rollback({ id: `#${t.changeId}`, because: `trial #${t.id} of rule '${t.action.reason}': ${c.verdict.why}` });
          line = r.outcomes.map((o) => o.line).join('; ');
        }
        this.deps.runtime.invalidateKnob(t.action.knob);
        this.deps.runtime.coolDown(t.action.policy, t.action.reason, c.coolUntil);
        this.verdicts.push({ trial: t.id, knob: t.action.knob, value: t.action.value, decision: 'rollback', why: c.verdict.why, changeId: t.changeId ?? null });
        log.warn(
          { event: 'trial', trial: { id: t.id, decision: 'rollback', knob: t.action.knob, value: t.action.value, before: t.before, changeId: t.changeId, verdict: c.verdict, coolUntil: c.coolUntil } },
          `trial #${t.id}: rolled back ${t.action.knob} ${t.action.value} → ${t.before ?? '?'} (journal #${t.changeId ?? '?'}): ${c.verdict.why}; rule '${t.action.reason}' cools down for ${Math.round((c.coolUntil - now) / 60_000)} min (${line})`,
        );
        return;
      }
      case 'keep':
        this.pending.delete(t.id);
        this.verdicts.push({ trial: t.id, knob: t.action.knob, value: t.action.value, decision: 'keep', why: c.verdict.why, changeId: t.changeId ?? null });
        log.info({ event: 'trial', trial: { id: t.id, decision: 'keep', knob: t.action.knob, value: t.action.value, before: t.before, changeId: t.changeId, verdict: c.verdict } }, `trial #${t.id}: kept ${t.action.knob} = ${t.action.value} (journal #${t.changeId ?? '?'}): ${c.verdict.why}`);
        return;
      case 'abandon':
        this.pending.delete(t.id);
        log.info({ event: 'trial', trial: { id: t.id, decision: 'abandon', knob: t.action.knob } }, `trial #${t.id} on ${t.action.knob} abandoned: ${c.why}`);
        return;
    }
  }
}
