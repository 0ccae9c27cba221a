import { map, type Observable } from 'rxjs';
import { ActionGenerator, type ActionGeneratorOptions, type ActionPlan } from './actionGenerator.js';
import type { EvaluationContext, MetricFrame } from './metricFrame.js';
import { matchesLabels, parseMetricRef } from './metricRef.js';
import type { Policy } from './policy.js';
import { RuleEngine, type RuleHit } from './ruleEngine.js';
import { selectTargets, type ProtectionOptions, type SeriesSnapshot } from './selector.js';
import { ThresholdManager, type ThresholdManagerOptions } from './thresholdManager.js';

/** One tick of input: metric values at a time, plus optional anomaly/forecast lookups. */
export interface PolicySample {
  /** Time (ms). */
  readonly at: number;
  /** Metric values by name (labels included in the name). */
  readonly values?: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
  /**
   * The latest series by metric name: rules read metrics from it (a name without labels reads the
   * unlabeled series, or the sum of all series of the name; `name{label="x"}` the matching series), and
   * selector rules pick their targets from it.
   */
  readonly snapshot?: SeriesSnapshot;
  /** Anomaly scores and forecasts, e.g. from `@ainka/ml`. */
  readonly context?: EvaluationContext;
}

/** The result of one tick. */
export interface PolicyDecision {
  /** Time (ms). */
  readonly at: number;
  /** Rules that held, with evidence. */
  readonly hits: readonly RuleHit[];
  /** The plan built from them. */
  readonly plan: ActionPlan;
}

/** Options of {@link PolicyEngine}. */
export interface PolicyEngineOptions extends ActionGeneratorOptions {
  /** Dynamic-threshold settings. */
  thresholds?: ThresholdManagerOptions;
  /** A threshold manager to share (keeps learned baselines when the engine is rebuilt). */
  thresholdManager?: ThresholdManager;
  /** A plan builder to share (keeps cool-downs when the engine is rebuilt). */
  generator?: ActionGenerator;
  /** What selectors never pick (pid 1, kernel threads, the daemon, sshd, journald, … and these). */
  protection?: ProtectionOptions;
  /** Series of a snapshot older than this are ignored (gone processes, removed devices). Default 30 s. */
  staleMs?: number;
}

/**
 * The value of a metric reference in a snapshot: `name` reads the unlabeled series, or the sum over the
 * name's fresh series; `name{label="v", other=~"re"}` the sum over the matching fresh series.
 */
export function resolveMetric(snapshot: SeriesSnapshot, metric: string, now: number, staleMs = 30_000): number | undefined {
  const ref = parseMetricRef(metric);
  const list = snapshot.series(ref.name);
  if (list.length === 0) return undefined;
  let sum = 0;
  let n = 0;
  for (const s of list) {
    const plain = s.labels === undefined || Object.keys(s.labels).length === 0;
    if (ref.matchers.length === 0 && plain) return s.value;
    if (now - s.t > staleMs || !matchesLabels(ref, s.labels)) continue;
    sum += s.value;
    n++;
  }
  return n > 0 ? sum : undefined;
}

/**
 * The seed's PolicyEngine: a {@link RuleEngine}, its {@link ThresholdManager} and an
 * {@link ActionGenerator} wired together. Each `tick` learns baselines, evaluates every rule and returns the
 * plan; `decisions` does the same for a stream of samples.
 */
export class PolicyEngine {
  /** The compiled rules. */
  readonly rules: RuleEngine;
  /** The dynamic thresholds the rules read. */
  readonly thresholds: ThresholdManager;
  /** The plan builder. */
  readonly generator: ActionGenerator;
  private readonly frame: MetricFrame;
  private readonly options: PolicyEngineOptions;

  /** @param policies validated policies (see `parsePolicy`). @param options lookups and threshold settings. */
  constructor(policies: readonly Policy[], options: PolicyEngineOptions = {}) {
    this.options = options;
    this.thresholds = options.thresholdManager ?? new ThresholdManager(options.thresholds);
    this.rules = new RuleEngine(policies, { thresholds: this.thresholds });
    this.generator = options.generator ?? new ActionGenerator(options);
    this.frame = this.rules.frame();
  }

  /** Evaluate one sample: pick selector targets, fill the frame, learn baselines, evaluate, plan. */
  tick(sample: PolicySample): PolicyDecision {
    const snap = sample.snapshot;
    const stale = this.options.staleMs ?? 30_000;
    if (snap !== undefined) {
      for (const { index, rule } of this.rules.selectorRules()) {
        if (rule.scope.kind !== 'each') continue;
        this.rules.setTargets(index, selectTargets(rule.scope, snap, sample.at, { ...this.options.protection, staleMs: stale }), sample.at);
      }
    }
    this.frame.clear();
    if (snap !== undefined) {
      for (const m of this.frame.metrics()) {
        const v = resolveMetric(snap, m, sample.at, stale);
        if (v !== undefined) this.frame.set(m, v);
      }
    }
    if (sample.values !== undefined) this.frame.setAll(sample.values);
    this.generator.setMetricLookup(snap === undefined ? undefined : (ref) => resolveMetric(snap, ref, sample.at, stale));
    this.rules.learn(this.frame, sample.at);
    const hits = this.rules.evaluate(this.frame, sample.at, sample.context);
    return { at: sample.at, hits, plan: this.generator.generate(hits, sample.at) };
  }

  /** Map a stream of samples to decisions (one per sample, in order). */
  decisions(samples: Observable<PolicySample>): Observable<PolicyDecision> {
    return samples.pipe(map((s) => this.tick(s)));
  }
}
