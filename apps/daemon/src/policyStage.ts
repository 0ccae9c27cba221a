import { formatIssue, PolicyRuntime, type EvaluationContext, type LoadedPolicySummary, type PolicyRuntimeOptions, type SeriesSnapshot } from '@ainka/policy';
import { metricCatalogue } from '@ainka/telemetry';
import type { Evidence, PolicySummary, PolicyValidation } from './api.js';
import { DaemonError } from './errors.js';
import type { Decision, LatestSample } from './ruleContext.js';

function errorOf(err: unknown, what: string): DaemonError {
  const e = err as { code?: string; issues?: readonly Parameters<typeof formatIssue>[0][]; message?: string };
  const detail = e.issues !== undefined && e.issues.length > 0 ? e.issues.map(formatIssue).join('\n  ') : (e.message ?? String(err));
  if (e.code === 'ERR_AINKA_POLICY_UNKNOWN_PACK') return new DaemonError('ERR_AINKA_DAEMON_CONFIG_INVALID', `${detail} (policy.packs)`, { cause: err });
  return new DaemonError('ERR_AINKA_DAEMON_POLICY_INVALID', `policy ${what} is invalid:\n  ${detail}\nfix it and run \`ainka policy validate\` again; nothing was changed.`, { cause: err });
}

const asSummary = (p: LoadedPolicySummary): PolicySummary => p;

/**
 * The fast layer's decisions: `@ainka/policy`'s PolicyRuntime over the latest series. This file only
 * adapts types (the daemon's snapshot, decisions and errors); every policy decision is made in
 * `@ainka/policy`.
 */
export class PolicyStage {
  readonly runtime: PolicyRuntime;

  constructor(options: PolicyRuntimeOptions) {
    this.runtime = new PolicyRuntime(options);
  }

  list(): PolicySummary[] {
    return this.runtime.list().map(asSummary);
  }

  validate(text: string, source: string): PolicyValidation {
    const r = this.runtime.validate(text, source);
    return { valid: r.valid, errors: [...r.errors], policies: r.policies.map(asSummary) };
  }

  /** Load a document; throws `ERR_AINKA_DAEMON_POLICY_INVALID` (and changes nothing) when it has errors. */
  load(text: string, source: string): PolicySummary[] {
    try {
      return this.runtime.load(text, source).map(asSummary);
    } catch (err) {
      throw errorOf(err, source);
    }
  }

  loadPack(name: string): PolicySummary[] {
    try {
      return this.runtime.loadPack(name).map(asSummary);
    } catch (err) {
      throw errorOf(err, `pack ${name}`);
    }
  }

  /** Evaluate every policy on the latest series. */
  evaluate(byName: ReadonlyMap<string, readonly LatestSample[]>, now: number, context: EvaluationContext): Decision[] {
    const snapshot: SeriesSnapshot = { series: (name) => byName.get(name) ?? [] };
    const { plan } = this.runtime.tick(snapshot, now, context);
    return plan.actions.map((a) => ({
      policy: a.policy,
      rule: a.reason,
      knob: a.knob,
      value: a.value,
      mode: a.mode,
      because: a.because,
      evidence: a.evidence.map((e): Evidence => ({ series: e.subject, value: e.value, condition: `${e.negated ? 'not ' : ''}${e.op} ${e.threshold}${e.for > 0 ? ` for ${e.for} s` : ''}` })),
      ...(a.objective !== undefined ? { objective: a.objective } : {}),
      ...(a.target !== undefined ? { target: a.target } : {}),
    }));
  }
}

/** Names of the metrics a policy may read: the `@ainka/telemetry` catalogue (procfs, cgroups and eBPF series). */
export function knownMetrics(): string[] {
  return metricCatalogue.map((m) => m.name);
}

/** A stage with no machine behind it, for checking policy files offline (`ainka policy validate`). */
export function offlinePolicyStage(): PolicyStage {
  return new PolicyStage({ metrics: knownMetrics() });
}
