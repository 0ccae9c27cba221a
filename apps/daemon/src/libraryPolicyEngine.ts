import {
  ActionGenerator,
  RuleEngine,
  checkPolicy,
  formatIssue,
  loadPolicyPack,
  parsePolicy,
  policyPacks,
  type EvaluationContext,
  type Policy,
  type PolicyPackName,
} from '@ainka/policy';
import type { Evidence, PolicySummary, PolicyValidation } from './api.js';
import { DaemonError } from './errors.js';
import type { PolicyEngine } from './policySet.js';
import type { Decision, RuleContext } from './ruleContext.js';

/** Lookups from the ML stages that rules may use (`anomaly(x) > 0.9`, `forecast(x, 10m) > …`). */
export interface MlLookups {
  anomalyScore(series: string): number | undefined;
  forecast(series: string, horizonSeconds: number): number | undefined;
}

function summarize(p: Policy): PolicySummary {
  return { name: p.name, mode: p.mode, source: p.file, rules: p.rules.map((r) => ({ name: r.name, description: r.description || r.whenText, enabled: true })) };
}

function condition(e: { op: string; threshold: number; for: number; negated: boolean }): string {
  return `${e.negated ? 'not ' : ''}${e.op} ${e.threshold}${e.for > 0 ? ` for ${e.for} s` : ''}`;
}

/**
 * The fast layer over `@ainka/policy`: policies in its language (YAML with `apiVersion: ainka.dev/v1`),
 * compiled once by its RuleEngine, evaluated on a MetricFrame filled from the latest series every tick,
 * and turned into deduplicated, ordered plans by its ActionGenerator.
 */
export class LibraryPolicyEngine implements PolicyEngine {
  private readonly policies = new Map<string, Policy>();
  private engine = new RuleEngine([]);
  private readonly generator: ActionGenerator;
  private readonly ml: MlLookups;
  private latestProcesses: readonly { pid: number; comm: string }[] = [];

  constructor(ml: MlLookups) {
    this.ml = ml;
    this.generator = new ActionGenerator({
      processes: (m) => this.latestProcesses.filter((p) => p.comm === m.comm).map((p) => p.pid),
    });
  }

  /** The shipped pack names. */
  static packNames(): string[] {
    return Object.keys(policyPacks);
  }

  /** Load a shipped pack by name. */
  loadPack(name: string): PolicySummary[] {
    if (!(name in policyPacks)) {
      throw new DaemonError('ERR_AINKA_DAEMON_CONFIG_INVALID', `unknown policy pack ${name} in policy.packs; use one of ${Object.keys(policyPacks).join(', ')}`);
    }
    const p = loadPolicyPack(name as PolicyPackName);
    this.policies.set(p.name, p);
    this.recompile();
    return [summarize(p)];
  }

  list(): PolicySummary[] {
    return [...this.policies.values()].map(summarize);
  }

  /** The loaded policies (for the kernel policy cache). */
  loaded(): Policy[] {
    return [...this.policies.values()];
  }

  validate(text: string, source: string): PolicyValidation {
    const r = checkPolicy(text, { file: source });
    const errors = r.issues.filter((i) => i.severity === 'error').map(formatIssue);
    return { valid: errors.length === 0 && r.policy !== undefined, errors, policies: r.policy !== undefined ? [summarize(r.policy)] : [] };
  }

  load(text: string, source: string): PolicySummary[] {
    let p: Policy;
    try {
      p = parsePolicy(text, { file: source });
    } catch (err) {
      const issues = (err as { issues?: readonly Parameters<typeof formatIssue>[0][] }).issues ?? [];
      const detail = issues.length > 0 ? issues.map(formatIssue).join('\n  ') : (err as Error).message;
      throw new DaemonError('ERR_AINKA_DAEMON_POLICY_INVALID', `policy ${source} is invalid:\n  ${detail}\nfix it and run \`ainka policy validate\` again.`, { cause: err });
    }
    this.policies.set(p.name, p);
    this.recompile();
    return [summarize(p)];
  }

  private recompile(): void {
    this.engine = new RuleEngine([...this.policies.values()]);
  }

  evaluate(ctx: RuleContext): Decision[] {
    if (this.policies.size === 0) return [];
    const frame = this.engine.frame();
    for (const [key, l] of ctx.latest) frame.set(key, l.value);
    // Rules written without labels read the unlabeled series, or the sum over a metric's series.
    for (const [name, list] of ctx.byName) {
      if (!ctx.latest.has(name)) {
        let s = 0;
        for (const x of list) s += x.value;
        frame.set(name, s);
      }
    }
    this.latestProcesses = (ctx.byName.get('process.cpu_cores') ?? []).map((s) => ({ pid: Number(s.labels?.pid), comm: s.labels?.comm ?? '' }));
    const ectx: EvaluationContext = { anomalyScore: (m) => this.ml.anomalyScore(m), forecast: (m, h) => this.ml.forecast(m, h) };
    const hits = this.engine.evaluate(frame, ctx.now, ectx);
    if (hits.length === 0) return [];
    const plan = this.generator.generate(hits, ctx.now);
    return plan.actions.map((a) => ({
      policy: a.policy,
      rule: a.reason,
      knob: a.knob,
      value: a.value,
      mode: a.mode,
      because: a.because,
      evidence: a.evidence.map((e): Evidence => ({ series: e.subject, value: e.value, condition: condition(e) })),
    }));
  }
}

/**
 * The daemon's engine: the built-in rule table (rules whose targets are computed from the machine, e.g.
 * the pid of the top CPU consumer) and `@ainka/policy` for policies in its language. A document goes to
 * `@ainka/policy` when it has `apiVersion`/`kind`, else to the built-in table (`rules: [{use: …}]`).
 */
export class CompositePolicyEngine implements PolicyEngine {
  constructor(
    readonly builtin: PolicyEngine,
    readonly library: LibraryPolicyEngine,
  ) {}

  private pick(text: string): PolicyEngine {
    return /^\s*(apiVersion|kind)\s*:/m.test(text) ? this.library : this.builtin;
  }

  list(): PolicySummary[] {
    return [...this.builtin.list(), ...this.library.list()];
  }

  validate(text: string, source: string): PolicyValidation {
    return this.pick(text).validate(text, source);
  }

  load(text: string, source: string): PolicySummary[] {
    return this.pick(text).load(text, source);
  }

  evaluate(ctx: RuleContext): Decision[] {
    const a = this.builtin.evaluate(ctx);
    const b = this.library.evaluate(ctx);
    if (b.length === 0) return a;
    const knobs = new Set(a.map((d) => d.knob));
    return [...a, ...b.filter((d) => !knobs.has(d.knob))];
  }
}
