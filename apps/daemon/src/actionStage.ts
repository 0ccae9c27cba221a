import { CgroupEgress } from '@ainka/ebpf';
import { ChangeManager, createActuators, parseKnobId, type Actuator, type ActuatorSet, ActuatorErrorCode, type ApplyResult, type ChangeOutcome } from '@ainka/actuators';
import { join } from 'node:path';
import type { ActionRecord } from './api.js';
import { DaemonError } from './errors.js';
import type { Decision } from './ruleContext.js';

/** Options of {@link ActionStage.open}. */
export interface ActionStageOptions {
  readonly stateDir: string;
  readonly root: string;
  readonly mode: 'advise' | 'enforce';
  readonly rollbackOnExit: boolean;
  readonly recovery: 'revert' | 'complete';
  readonly maxPerMinute: number;
  /** The same knob and value are not proposed again within this time. */
  readonly cooldownMs?: number;
  readonly log: (line: string) => void;
  /** Test seam: delay every write this long after it was journaled (kill -9 "mid-action" tests). */
  readonly applyDelayMs?: number;
}

function delayed(set: ActuatorSet, ms: number): ActuatorSet {
  const wrap = (a: Actuator): Actuator => ({
    kind: a.kind,
    read: (r, k) => a.read(r, k),
    validate: (r, k, v) => a.validate(r, k, v),
    apply: async (r, k, v) => {
      await new Promise((res) => setTimeout(res, ms));
      await a.apply(r, k, v);
    },
    verify: (r, k, v) => a.verify(r, k, v),
    revert: (r, k, v) => a.revert(r, k, v),
  });
  return Object.fromEntries(Object.entries(set).map(([k, a]) => [k, wrap(a)])) as unknown as ActuatorSet;
}

/**
 * Turns decisions into advice or applied changes through `@ainka/actuators`' ChangeManager (journaled,
 * bounded, reversible, anti-flapped), deduplicates repeated advice, rate-limits writes, and keeps the
 * records `advise`, `explain` and `rollback` work on.
 */
export class ActionStage {
  private readonly records: ActionRecord[] = [];
  private readonly lastProposed = new Map<string, number>();
  private readonly writes: number[] = [];
  private nextId = 1;
  private nextKernelId = 1;
  private busy = false;

  private constructor(
    readonly manager: ChangeManager,
    private readonly opts: ActionStageOptions,
    private readonly actuators: ActuatorSet,
  ) {}

  /** Read a knob's current value through its actuator (for relative `adjust` actions). */
  read(knob: string): Promise<string> {
    const id = parseKnobId(knob);
    return this.actuators[id.kind].read(this.opts.root, id);
  }

  /** Open the journal (recovering what a crash interrupted). */
  static async open(opts: ActionStageOptions): Promise<ActionStage> {
    // egress: the guard's block-egress response (cgroup BPF); the kernel keeps the block across restarts
    const base = createActuators({ blobDir: join(opts.stateDir, 'blobs'), egress: new CgroupEgress() });
    const actuators = opts.applyDelayMs !== undefined && opts.applyDelayMs > 0 ? delayed(base, opts.applyDelayMs) : base;
    const manager = await ChangeManager.open({
      stateDir: opts.stateDir,
      root: opts.root,
      mode: opts.mode,
      rollbackOnExit: opts.rollbackOnExit,
      recovery: opts.recovery,
      actuators,
      log: opts.log,
    });
    return new ActionStage(manager, opts, actuators);
  }

  /** True while a plan is being applied (the next tick's decisions wait for the next tick). */
  get inFlight(): boolean {
    return this.busy;
  }

  /**
   * Handle a tick's decisions. Advice is proposed without writing; enforce-mode decisions are applied
   * when the daemon runs in enforce mode and the rate limit allows.
   */
  async handle(decisions: readonly Decision[], now: number, latencyMs: number): Promise<ActionRecord[]> {
    const cooldown = this.opts.cooldownMs ?? 60_000;
    const fresh = decisions.filter((d) => {
      const until = this.lastProposed.get(d.knob);
      return until === undefined || now >= until;
    });
    if (fresh.length === 0 || this.busy) return [];
    while (this.writes.length > 0 && now - (this.writes[0] as number) > 60_000) this.writes.shift();
    const budget = this.opts.maxPerMinute - this.writes.length;
    let enforced = 0;
    const requests = fresh.map((d) => {
      let mode = d.mode;
      if (mode === 'enforce') {
        if (enforced >= budget) mode = 'advise';
        else enforced++;
      }
      return { knob: d.knob, value: d.value, reason: d.rule, because: d.because, mode, ...(d.exact === true ? { exact: true } : {}) };
    });
    this.busy = true;
    let result: ApplyResult;
    try {
      result = await this.manager.apply(requests);
    } finally {
      this.busy = false;
    }
    const out: ActionRecord[] = [];
    result.outcomes.forEach((o: ChangeOutcome, i) => {
      const d = fresh[i] as Decision;
      // One proposal per knob per cool-down; a knob that cannot be changed here (unknown, or missing on this
      // machine) is left alone 10× longer. A value refused by a bound that moves with the system (memory.high
      // under a growing cgroup's usage) is not that: it may be asked again after the usual cool-down.
      const cannotChange = o.status === 'skipped' && (o.code === ActuatorErrorCode.unknownKnob || o.code === ActuatorErrorCode.unavailable);
      this.lastProposed.set(d.knob, now + (cannotChange ? cooldown * 10 : cooldown));
      if (o.status === 'applied') this.writes.push(now);
      const rec: ActionRecord = {
        id: `D${this.nextId++}`,
        policy: d.policy,
        rule: d.rule,
        knob: o.knob,
        value: o.after ?? d.value,
        mode: requests[i]?.mode ?? 'advise',
        status: o.status,
        before: o.before ?? null,
        line: o.line,
        because: d.because,
        evidence: d.evidence,
        changeId: o.id ?? null,
        at: now,
        latencyMs,
      };
      this.records.push(rec);
      out.push(rec);
    });
    if (this.records.length > 500) this.records.splice(0, this.records.length - 500);
    return out;
  }

  /**
   * Apply one piece of advice (a `proposed` record) now, at an admin's request (the dashboard's "apply"
   * button): the same journaled, bounded, reversible write an enforce-mode policy makes, even when the
   * daemon runs in advise mode. The write counts against the rate limit; the new record (`D<n>`, status
   * `applied`, `skipped` or `failed`) names the advice it came from.
   */
  async applyAdvice(id: string, now: number): Promise<ActionRecord> {
    const advice = this.records.find((r) => r.id === id);
    if (advice === undefined || advice.status !== 'proposed') {
      throw new DaemonError('ERR_AINKA_DAEMON_NOT_FOUND', `${id} is not advice (a proposed decision); list the advice with \`ainka advise\` and apply one of its ids.`);
    }
    while (this.writes.length > 0 && now - (this.writes[0] as number) > 60_000) this.writes.shift();
    if (this.writes.length >= this.opts.maxPerMinute) {
      throw new DaemonError('ERR_AINKA_DAEMON_UNAVAILABLE', `the rate limit of ${this.opts.maxPerMinute} changes per minute is reached; try again in a minute (actions.maxPerMinute).`);
    }
    if (this.busy) throw new DaemonError('ERR_AINKA_DAEMON_UNAVAILABLE', 'a plan is being applied right now; try again in a second.');
    this.busy = true;
    let result: ApplyResult;
    try {
      // An explicit admin decision: enforced for this call only, whatever the manager's mode, so that a
      // guard response or a healing step applying at the same moment keeps advise mode.
      result = await this.manager.apply([{ knob: advice.knob, value: advice.value, reason: advice.rule, because: `${advice.because} (advice ${advice.id} applied by an admin)`, mode: 'enforce' }], { enforce: true });
    } finally {
      this.busy = false;
    }
    const o = result.outcomes[0] as ChangeOutcome;
    if (o.status === 'applied') this.writes.push(now);
    const rec: ActionRecord = {
      ...advice,
      id: `D${this.nextId++}`,
      mode: 'enforce',
      status: o.status,
      before: o.before ?? advice.before,
      value: o.after ?? advice.value,
      line: o.line,
      because: `${advice.because} (advice ${advice.id} applied by an admin)`,
      changeId: o.id ?? null,
      at: now,
      latencyMs: 0,
    };
    this.records.push(rec);
    if (this.records.length > 500) this.records.splice(0, this.records.length - 500);
    return rec;
  }

  /** Record a decision taken elsewhere (the kernel's policy cache) in the decision log; ids are `K<n>`. */
  note(d: Omit<ActionRecord, 'id'>): ActionRecord {
    const rec: ActionRecord = { id: `K${this.nextKernelId++}`, ...d };
    this.records.push(rec);
    if (this.records.length > 500) this.records.splice(0, this.records.length - 500);
    return rec;
  }

  /** Every record, newest first. */
  all(): ActionRecord[] {
    return [...this.records].reverse();
  }

  /** Current advice: proposals from the last `windowMs`, newest first, one per knob. */
  advice(now: number, windowMs = 120_000): ActionRecord[] {
    const seen = new Set<string>();
    return this.all().filter((r) => {
      if (r.status !== 'proposed' || now - r.at > windowMs || seen.has(r.knob)) return false;
      seen.add(r.knob);
      return true;
    });
  }

  /** A record by id (`D3`), or by journal change id (`#12` / `12`). */
  find(id: string): ActionRecord | undefined {
    const n = /^#?(\d+)$/.exec(id);
    if (n !== null) return this.records.find((r) => r.changeId === Number(n[1]));
    return this.records.find((r) => r.id === id);
  }

  /** Roll back one change (by record id or journal change id), or everything. */
  async rollback(target: { id?: string; all?: boolean; because?: string }): Promise<ApplyResult> {
    if (target.all === true) return this.manager.rollbackAll();
    const id = target.id ?? '';
    const rec = this.find(id);
    const changeId = rec?.changeId ?? (/^#?\d+$/.test(id) ? Number(id.replace('#', '')) : null);
    if (changeId === null) {
      throw new DaemonError('ERR_AINKA_DAEMON_NOT_FOUND', `${id} is not an applied change; list them with \`ainka explain\` or \`ainka status --json\` (advice was never applied, so there is nothing to roll back).`);
    }
    return this.manager.rollback(changeId, target.because);
  }

  /** Close the journal session (rolling back when configured). */
  close(): Promise<void> {
    return this.manager.close();
  }
}
