import { map, type Observable } from 'rxjs';
import { ActionGenerator, type ActionGeneratorOptions, type ActionPlan } from './actionGenerator.js';
import type { EvaluationContext, MetricFrame } from './metricFrame.js';
import type { Policy } from './policy.js';
import { RuleEngine, type RuleHit } from './ruleEngine.js';
import { ThresholdManager, type ThresholdManagerOptions } from './thresholdManager.js';

/** One tick of input: metric values at a time, plus optional anomaly/forecast lookups. */
export interface PolicySample {
  /** Time (ms). */
  readonly at: number;
  /** Metric values by name (labels included in the name). */
  readonly values: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
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

  /** @param policies validated policies (see `parsePolicy`). @param options lookups and threshold settings. */
  constructor(policies: readonly Policy[], options: PolicyEngineOptions = {}) {
    this.thresholds = new ThresholdManager(options.thresholds);
    this.rules = new RuleEngine(policies, { thresholds: this.thresholds });
    this.generator = new ActionGenerator(options);
    this.frame = this.rules.frame();
  }

  /** Evaluate one sample: learn baselines, evaluate, plan. */
  tick(sample: PolicySample): PolicyDecision {
    this.frame.clear();
    this.frame.setAll(sample.values);
    this.rules.learn(this.frame, sample.at);
    const hits = this.rules.evaluate(this.frame, sample.at, sample.context);
    return { at: sample.at, hits, plan: this.generator.generate(hits, sample.at) };
  }

  /** Map a stream of samples to decisions (one per sample, in order). */
  decisions(samples: Observable<PolicySample>): Observable<PolicyDecision> {
    return samples.pipe(map((s) => this.tick(s)));
  }
}
