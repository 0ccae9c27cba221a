import type { AinkaKernel, KernelEvent, KernelStatus } from '@ainka/ipc';
import { compileKernelRules, kernelMetricMap, type CompiledKernelRule, type Policy } from '@ainka/policy';
import { ActionStatus, RuleAction } from '@ainka/protocol';
import type { Subscription } from 'rxjs';
import type { ActionRecord, LatencySummary } from './api.js';
import { describeError } from './errors.js';
import { LatencyHistogram, type LatencySink } from './latency.js';
import type { Logger } from './logger.js';

/** A decision of the kernel's policy cache, for the daemon's decision log (id assigned by the caller). */
export type KernelDecision = Omit<ActionRecord, 'id'>;

/** What the stage uses of an open `AinkaKernel` (a fake in host tests). */
export type KernelPort = Pick<AinkaKernel, 'events$' | 'errors$' | 'setMode' | 'loadPolicies' | 'clearPolicies' | 'status' | 'close'>;

/** Options of {@link ImmediateStage.open}. */
export interface ImmediateStageOptions {
  /** The daemon's mode: the kernel enforces only in enforce mode and when a pushed policy says enforce. */
  readonly mode: 'advise' | 'enforce';
  readonly log: Logger;
  /** Where the layer's latency observations also go (the daemon's Prometheus histogram). */
  readonly latencySink?: LatencySink;
  /** Receives every kernel event turned into a decision record. */
  readonly onDecision: (d: KernelDecision) => void;
  /** How often the kernel's counters (evaluation time) are read. Default 1000 ms. */
  readonly statusIntervalMs?: number;
  /** Per-request timeout (the QEMU guest is slow). Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Budget of the immediate layer (ms). Default 1. */
  readonly budgetMs?: number;
}

const nameOf = (values: Readonly<Record<string, number>>): ((v: number) => string) => {
  const m = new Map(Object.entries(values).map(([k, v]) => [v, k.toLowerCase()]));
  return (v) => m.get(v) ?? String(v);
};
const actionName = nameOf(RuleAction as unknown as Record<string, number>);
const statusName = nameOf(ActionStatus as unknown as Record<string, number>);
const telemetryOf = new Map(Object.entries(kernelMetricMap).map(([name, m]) => [m.metric as number, { name, scale: m.scale }]));

/**
 * The immediate decision layer: the kernel module's policy cache, driven through `@ainka/ipc`. Pushes the
 * kernel-compilable subset of the loaded `@ainka/policy` policies (`compileKernelRules`), keeps the
 * heartbeat (automatic in `AinkaKernel`), turns the kernel's events into decision records, and measures
 * the layer's latency from the kernel's own evaluation-time counters.
 */
export class ImmediateStage {
  /** Observations of the kernel's per-sample evaluation time (ms), read from its counters. */
  readonly latency: LatencyHistogram;
  private compiled: readonly CompiledKernelRule[] = [];
  private policies = new Map<string, Policy>();
  private last: KernelStatus | undefined;
  private lastSamples = 0n;
  private readonly subs: Subscription[] = [];
  private readonly timer: NodeJS.Timeout;
  private pushing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Kernel events seen, by type. */
  readonly events = new Map<string, number>();

  private constructor(
    private readonly kernel: KernelPort,
    private readonly opts: ImmediateStageOptions,
  ) {
    this.latency = new LatencyHistogram(opts.budgetMs ?? 1, 1024, opts.latencySink);
    this.subs.push(
      kernel.events$.subscribe({
        next: (e) => this.onEvent(e),
        error: (err: unknown) => opts.log.warn({ err: describeError(err) }, `kernel events stopped: ${describeError(err).message}`),
      }),
      kernel.errors$.subscribe({
        next: (err) => opts.log.warn({ err: describeError(err) }, `kernel: ${err.message}`),
        error: (err: unknown) => opts.log.warn({ err: describeError(err) }, `kernel error reports stopped: ${describeError(err).message}`),
      }),
    );
    this.timer = setInterval(() => void this.poll(), opts.statusIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Open the module (heartbeating while open). Throws what `AinkaKernel.open` throws. */
  static async open(opts: ImmediateStageOptions): Promise<ImmediateStage> {
    const { AinkaKernel: K } = await import('@ainka/ipc');
    // pressure: the module cannot read /proc/pressure itself; ainkad pushes PSI every second.
    const kernel = await K.open({ ring: false, pressure: true, requestTimeoutMs: opts.requestTimeoutMs ?? 10_000 });
    return new ImmediateStage(kernel, opts);
  }

  /** Drive an already open kernel connection (tests pass a fake). */
  static attach(kernel: KernelPort, opts: ImmediateStageOptions): ImmediateStage {
    return new ImmediateStage(kernel, opts);
  }

  /** Rules in the kernel's cache (as last pushed). */
  get ruleCount(): number {
    return this.compiled.length;
  }

  /** The kernel's latest status (counters), if read yet. */
  get status(): KernelStatus | undefined {
    return this.last;
  }

  /**
   * Compile and push the policies (replacing the cache), and set the kernel's mode. Pushes are serialised;
   * a failure is logged and leaves the previous cache in place.
   */
  push(policies: readonly Policy[]): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.closed) return;
      const { compiled, skipped } = compileKernelRules(policies);
      const enforce = this.opts.mode === 'enforce' && compiled.some((c) => this.policyMode(policies, c) === 'enforce');
      try {
        await this.kernel.setMode('observe');
        if (compiled.length > 0) await this.kernel.loadPolicies(compiled.map((c) => c.rule), { replace: true });
        else await this.kernel.clearPolicies();
        if (enforce) await this.kernel.setMode('enforce');
        this.compiled = compiled;
        this.policies = new Map(policies.map((p) => [p.name, p]));
        this.opts.log.info(
          { layer: 'immediate', rules: compiled.map((c) => ({ id: c.rule.id, policy: c.source.policy, rule: c.source.rule, action: actionName(c.rule.action) })), skipped, kernelMode: enforce ? 'enforce' : 'observe' },
          `immediate layer: ${compiled.length} rule(s) pushed to the kernel policy cache in ${enforce ? 'enforce' : 'observe'} mode (${skipped.length} stay in userspace)`,
        );
      } catch (err) {
        this.opts.log.error({ err: describeError(err) }, `immediate layer: pushing ${compiled.length} rule(s) to the kernel failed: ${describeError(err).message}`);
      }
    };
    this.pushing = this.pushing.then(run, run);
    return this.pushing;
  }

  private policyMode(policies: readonly Policy[], c: CompiledKernelRule): string | undefined {
    const p = policies.find((x) => x.name === c.source.policy);
    return p?.rules.find((r) => r.name === c.source.rule)?.mode ?? p?.mode;
  }

  /** Read the kernel's counters and record its evaluation time. */
  async poll(): Promise<void> {
    if (this.closed) return;
    try {
      const s = await this.kernel.status();
      this.last = s;
      // One observation per poll, only when the sampler evaluated since the last one.
      if (s.counters.samples !== this.lastSamples) {
        this.lastSamples = s.counters.samples;
        if (this.latency.observe(Number(s.counters.evalNsLast) / 1e6)) {
          this.opts.log.warn({ layer: 'immediate', ms: Number(s.counters.evalNsLast) / 1e6 }, 'immediate layer over budget');
        }
      }
    } catch (err) {
      if (!this.closed) this.opts.log.debug({ err: describeError(err) }, 'kernel status failed');
    }
  }

  /** The layer's latency: p50/p90 from sampled evaluations, p99 and max from the kernel's own counters. */
  summary(): LatencySummary {
    const s = this.latency.summary();
    const c = this.last?.counters;
    if (c === undefined) return s;
    return { ...s, p99: Number(c.evalNsP99) / 1e6, max: Number(c.evalNsMax) / 1e6 };
  }

  private ruleFor(id: number): CompiledKernelRule | undefined {
    return this.compiled.find((c) => c.rule.id === id);
  }

  private onEvent(e: KernelEvent): void {
    this.events.set(e.type, (this.events.get(e.type) ?? 0) + 1);
    const at = Date.now();
    const p99 = this.summary().p99 ?? 0;
    const base = (c: CompiledKernelRule | undefined, ruleId: number) => {
      const pr = c === undefined ? undefined : this.policies.get(c.source.policy)?.rules.find((r) => r.name === c.source.rule);
      const metric = c === undefined ? undefined : telemetryOf.get(c.rule.metric as number);
      return {
        policy: c?.source.policy ?? 'kernel',
        rule: c?.source.rule ?? `kernel-rule-${ruleId}`,
        condition: pr?.whenText ?? (c === undefined ? `kernel rule ${ruleId}` : `metric ${c.rule.metric} cmp ${c.rule.cmp} ${c.rule.threshold}`),
        series: metric?.name ?? 'kernel',
        scale: metric?.scale ?? 1,
        mode: (pr?.mode ?? 'advise') as 'advise' | 'enforce',
      };
    };
    const emit = (r: KernelDecision): void => {
      this.opts.log.info({ event: 'kernel', kernel: { type: e.type }, action: r }, r.line);
      this.opts.onDecision(r);
    };
    switch (e.type) {
      case 'policy-hit': {
        const b = base(this.ruleFor(e.ruleId), e.ruleId);
        const value = Number(e.metricValue) / b.scale;
        emit({
          policy: b.policy, rule: b.rule, knob: `kernel:rule:${e.ruleId}`, value: 'hit', mode: b.mode, status: 'kernel-hit', before: null,
          line: `kernel: rule '${b.rule}' of policy ${b.policy} held in the kernel policy cache, because ${b.condition} (${b.series} = ${value})`,
          because: `${b.condition} held in the kernel (${b.series} = ${value})`,
          evidence: [{ series: b.series, value, condition: b.condition }], changeId: null, at, latencyMs: p99,
        });
        return;
      }
      case 'action': {
        const c = this.ruleFor(e.ruleId);
        const b = base(c, e.ruleId);
        const a = e.action;
        const kind = a === undefined ? actionName(c?.rule.action ?? 0) : actionName(a.kind);
        const status = a === undefined ? 'unknown' : statusName(a.status);
        const target = a !== undefined && a.pid > 0 ? `process:${a.pid}(${a.comm})` : 'host';
        const change = a === undefined ? '' : a.pid > 0 ? `: ${a.oldValue} → ${a.newValue}` : '';
        emit({
          policy: b.policy, rule: b.rule, knob: `kernel:${kind}:${target}`, value: a === undefined ? kind : String(a.newValue), mode: b.mode,
          status: `kernel-${status}`, before: a === undefined || a.pid === 0 ? null : String(a.oldValue),
          line: `kernel: ${kind} on ${target} ${status}${change}, because rule '${b.rule}' of policy ${b.policy} held (${b.condition})`,
          because: `rule '${b.rule}' held in the kernel (${b.condition})`,
          evidence: [], changeId: null, at, latencyMs: p99,
        });
        return;
      }
      case 'request': {
        const c = this.compiled[e.requestCode - 1] ?? this.ruleFor(e.ruleId);
        const b = base(c, e.ruleId);
        emit({
          policy: b.policy, rule: b.rule, knob: `kernel:request:${e.requestCode}`, value: 'request', mode: b.mode, status: 'kernel-request', before: null,
          line: `kernel: requests userspace action for rule '${b.rule}' of policy ${b.policy} (request code ${e.requestCode}), because ${b.condition} held; the fast layer evaluates its actions on the next tick`,
          because: `${b.condition} held in the kernel`,
          evidence: [], changeId: null, at, latencyMs: p99,
        });
        return;
      }
      case 'watchdog': {
        emit({
          policy: 'kernel', rule: 'watchdog', knob: 'kernel:mode', value: 'observe', mode: 'advise', status: 'kernel-watchdog', before: null,
          line: 'kernel: watchdog fired (no heartbeat within its timeout): actions reverted, module back in observe mode',
          because: 'no heartbeat reached the module within its watchdog timeout',
          evidence: [], changeId: null, at, latencyMs: p99,
        });
        return;
      }
      default:
        this.opts.log.debug({ event: 'kernel', kernel: { type: e.type } }, `kernel event ${e.type}`);
    }
  }

  /** Clear the kernel's policies and close (restoring observe mode). Bounded; never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.pushing.catch(() => undefined);
    try {
      await this.kernel.clearPolicies();
      this.opts.log.info({ layer: 'immediate' }, 'immediate layer: kernel policy cache cleared');
    } catch (err) {
      this.opts.log.warn({ err: describeError(err) }, `immediate layer: clearing the kernel policies failed: ${describeError(err).message}`);
    }
    for (const s of this.subs) s.unsubscribe();
    try {
      await this.kernel.close({ restoreObserve: true });
    } catch (err) {
      this.opts.log.warn({ err: describeError(err) }, `closing the kernel connection failed: ${describeError(err).message}`);
    }
  }
}
