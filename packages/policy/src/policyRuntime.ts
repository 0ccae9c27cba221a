import { ActionGenerator, type ActionPlan } from './actionGenerator.js';
import { formatIssue, PolicyError, PolicyErrorCode, type PolicyIssue } from './errors.js';
import type { EvaluationContext } from './metricFrame.js';
import { loadPolicyPack, policyPacks, type PolicyPackName } from './packs.js';
import { checkPolicy } from './parsePolicy.js';
import type { Policy, PolicyMode } from './policy.js';
import { PolicyEngine } from './policyEngine.js';
import type { RuleHit } from './ruleEngine.js';
import type { ProtectionOptions, SeriesSnapshot, Target } from './selector.js';
import { ThresholdManager, type ThresholdManagerOptions } from './thresholdManager.js';

/** A loaded policy in short: what `policy list` shows. */
export interface LoadedPolicySummary {
  /** Policy name. */
  readonly name: string;
  /** Its default mode. */
  readonly mode: PolicyMode;
  /** File (or `pack:<name>`) it came from. */
  readonly source: string;
  /** Its rules. */
  readonly rules: readonly {
    /** Rule name. */
    readonly name: string;
    /** Description (or the condition when there is none). */
    readonly description: string;
    /** Always true for loaded rules. */
    readonly enabled: boolean;
  }[];
}

/** The result of {@link PolicyRuntime.validate}. */
export interface PolicyValidationResult {
  /** No errors. */
  readonly valid: boolean;
  /** Errors as `file:line:col: path: message`. */
  readonly errors: readonly string[];
  /** Warnings, same form. */
  readonly warnings: readonly string[];
  /** The policy in short, when valid. */
  readonly policies: readonly LoadedPolicySummary[];
}

/** Options of {@link PolicyRuntime}. */
export interface PolicyRuntimeOptions {
  /** Known metric names (the telemetry catalogue plus optional sources): a rule over any other metric is refused. */
  readonly metrics?: readonly string[];
  /** What selectors never pick, besides pid 1, kernel threads, sshd, journald and the like. */
  readonly protection?: ProtectionOptions;
  /** Series older than this are ignored. Default 30 s. */
  readonly staleMs?: number;
  /** Read a knob's current value (an actuator read), for `adjust` actions; results are cached for `knobTtlMs`. */
  readonly readKnob?: (knob: string) => Promise<string>;
  /** How long a knob value read for `adjust` is trusted. Default 10 s. */
  readonly knobTtlMs?: number;
  /** Dynamic-threshold settings (window, warm-up). */
  readonly thresholds?: ThresholdManagerOptions;
}

/** One evaluation of every loaded policy. */
export interface RuntimeTick {
  /** Rules that held. */
  readonly hits: readonly RuleHit[];
  /** The plan: one action per knob, highest priority first, and what was suppressed. */
  readonly plan: ActionPlan;
}

function summarize(p: Policy): LoadedPolicySummary {
  return { name: p.name, mode: p.mode, source: p.file, rules: p.rules.map((r) => ({ name: r.name, description: r.description || r.whenText, enabled: true })) };
}

/**
 * Every policy a daemon runs, in the `@ainka/policy` language: loads shipped packs and files (YAML or
 * JSON, each checked with file/line/fix errors, rules over unknown metrics refused), replaces a policy of
 * the same name, and on every tick drives one {@link PolicyEngine} over all of them — selector targets
 * from the snapshot, metric values resolved from it, thresholds learned, `adjust` actions computed from
 * cached actuator reads, forecasts and anomaly scores from the caller's context. Learned baselines and
 * cool-downs survive reloads.
 */
export class PolicyRuntime {
  private readonly policies = new Map<string, Policy>();
  private readonly options: PolicyRuntimeOptions;
  private readonly thresholds: ThresholdManager;
  private readonly generator: ActionGenerator;
  private engine: PolicyEngine;
  private readonly knobs = new Map<string, { value: string | undefined; at: number; pending: boolean }>();
  private now = 0;

  /** @param options metric catalogue, protection, knob reads. */
  constructor(options: PolicyRuntimeOptions = {}) {
    this.options = options;
    this.thresholds = new ThresholdManager(options.thresholds);
    this.generator = new ActionGenerator({ read: (k) => this.readCached(k) });
    this.engine = this.build();
  }

  /** Names of the shipped packs. */
  static packNames(): string[] {
    return Object.keys(policyPacks);
  }

  private build(): PolicyEngine {
    return new PolicyEngine([...this.policies.values()], {
      thresholdManager: this.thresholds,
      generator: this.generator,
      ...(this.options.protection !== undefined ? { protection: this.options.protection } : {}),
      ...(this.options.staleMs !== undefined ? { staleMs: this.options.staleMs } : {}),
    });
  }

  private readCached(knob: string): string | undefined {
    const read = this.options.readKnob;
    const c = this.knobs.get(knob);
    const ttl = this.options.knobTtlMs ?? 10_000;
    if (read !== undefined && (c === undefined || (!c.pending && this.now - c.at > ttl))) {
      const entry = { value: c?.value, at: c?.at ?? 0, pending: true };
      this.knobs.set(knob, entry);
      const at = this.now;
      read(knob).then(
        (v) => this.knobs.set(knob, { value: v, at, pending: false }),
        () => this.knobs.set(knob, { value: undefined, at, pending: false }),
      );
    }
    return c?.value;
  }

  /** Forget a cached knob value (after the daemon changed the knob). */
  invalidateKnob(knob: string): void {
    this.knobs.delete(knob);
  }

  /** Loaded policies in short. */
  list(): LoadedPolicySummary[] {
    return [...this.policies.values()].map(summarize);
  }

  /** Loaded policies. */
  loaded(): Policy[] {
    return [...this.policies.values()];
  }

  private check(text: string, source: string): { policy?: Policy; issues: readonly PolicyIssue[] } {
    return checkPolicy(text, { file: source, ...(this.options.metrics !== undefined ? { metrics: this.options.metrics, unknownMetrics: 'error' as const } : {}) });
  }

  /** Check a policy document (YAML or JSON) without loading it. */
  validate(text: string, source: string): PolicyValidationResult {
    const r = this.check(text, source);
    const errors = r.issues.filter((i) => i.severity === 'error').map(formatIssue);
    const warnings = r.issues.filter((i) => i.severity === 'warning').map(formatIssue);
    return { valid: errors.length === 0 && r.policy !== undefined, errors, warnings, policies: r.policy !== undefined ? [summarize(r.policy)] : [] };
  }

  /**
   * Load a policy document, replacing a loaded policy of the same name. Nothing changes when it has
   * errors. @throws {@link PolicyError} with every issue (file, line, column and fix).
   */
  load(text: string, source: string): LoadedPolicySummary[] {
    const r = this.check(text, source);
    if (r.policy === undefined) {
      const errors = r.issues.filter((i) => i.severity === 'error');
      const code = errors.some((i) => i.kind === 'syntax') ? PolicyErrorCode.syntax : errors.some((i) => i.kind === 'schema' || i.kind === 'expression') ? PolicyErrorCode.invalid : PolicyErrorCode.rejected;
      throw new PolicyError(code, errors);
    }
    return [this.add(r.policy)];
  }

  /** Load a shipped pack by name. @throws {@link PolicyError} `ERR_AINKA_POLICY_UNKNOWN_PACK`. */
  loadPack(name: string): LoadedPolicySummary[] {
    if (!(name in policyPacks)) {
      throw new PolicyError(PolicyErrorCode.unknownPack, [], `unknown policy pack '${name}'; use one of ${Object.keys(policyPacks).join(', ')}`);
    }
    return [this.add(loadPolicyPack(name as PolicyPackName))];
  }

  private add(p: Policy): LoadedPolicySummary {
    this.policies.set(p.name, p);
    this.engine = this.build();
    return summarize(p);
  }

  /** Keep a rule from firing until `untilMs` (after a change it asked for was rolled back). */
  coolDown(policy: string, rule: string, untilMs: number): void {
    this.generator.coolDown(policy, rule, untilMs);
  }

  /** Let a rule fire again at once (its last plan was not acted on). */
  release(policy: string, rule: string, target?: Target): void {
    this.generator.release(policy, rule, target);
  }

  /** A loaded rule by policy and rule name. */
  rule(policy: string, rule: string): Policy['rules'][number] | undefined {
    return this.policies.get(policy)?.rules.find((r) => r.name === rule);
  }

  /** Evaluate every loaded policy on the latest series at `now` (ms). */
  tick(snapshot: SeriesSnapshot, now: number, context: EvaluationContext = {}): RuntimeTick {
    this.now = now;
    if (this.policies.size === 0) return { hits: [], plan: { actions: [], suppressed: [] } };
    const d = this.engine.tick({ at: now, snapshot, context });
    return { hits: d.hits, plan: d.plan };
  }

  /** Metric names the loaded rules read right now (for forecasts and history). */
  metrics(): string[] {
    return this.engine.rules.metrics();
  }
}
