import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { PolicySummary, PolicyValidation } from './api.js';
import { builtinRules, type BuiltinRule } from './builtinRules.js';
import { DaemonError } from './errors.js';
import type { Decision, RuleContext } from './ruleContext.js';

const ruleIds = builtinRules.map((r) => r.id) as [string, ...string[]];

/**
 * A policy file the daemon understands until `@ainka/policy` lands: it selects built-in rules, overrides
 * their thresholds and sets the mode (advise or enforce) for their actions.
 */
const policyFileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
    description: z.string().optional(),
    mode: z.enum(['advise', 'enforce']).default('advise'),
    rules: z
      .array(
        z
          .object({
            use: z.enum(ruleIds),
            enabled: z.boolean().default(true),
            params: z.record(z.string(), z.number()).default({}),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

interface LoadedRule {
  readonly rule: BuiltinRule;
  readonly enabled: boolean;
  readonly params: Readonly<Record<string, number>>;
}

interface LoadedPolicy {
  readonly name: string;
  readonly mode: 'advise' | 'enforce';
  readonly source: string;
  readonly rules: readonly LoadedRule[];
}

/** The fast layer's rule engine: the policies the daemon evaluates on every tick. */
export interface PolicyEngine {
  /** Loaded policies. */
  list(): PolicySummary[];
  /** Validate a policy document without loading it. */
  validate(text: string, source: string): PolicyValidation;
  /** Load (or replace, by name) the policies of a document; throws `ERR_AINKA_DAEMON_POLICY_INVALID`. */
  load(text: string, source: string): PolicySummary[];
  /** Evaluate every enabled rule. */
  evaluate(ctx: RuleContext): Decision[];
}

function parseDocs(text: string, source: string): { policies: LoadedPolicy[]; errors: string[] } {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    return { policies: [], errors: [`${source}: not valid YAML: ${(err as Error).message}`] };
  }
  const items = Array.isArray(data) ? data : [data];
  const policies: LoadedPolicy[] = [];
  const errors: string[] = [];
  items.forEach((item, i) => {
    const r = policyFileSchema.safeParse(item);
    const where = items.length > 1 ? `${source}[${i}]` : source;
    if (!r.success) {
      for (const issue of r.error.issues) errors.push(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      return;
    }
    const rules: LoadedRule[] = [];
    for (const [j, rr] of r.data.rules.entries()) {
      const rule = builtinRules.find((b) => b.id === rr.use) as BuiltinRule;
      for (const k of Object.keys(rr.params)) {
        if (!(k in rule.defaults)) errors.push(`${where}: rules.${j}.params.${k}: unknown parameter of ${rule.id}; known: ${Object.keys(rule.defaults).join(', ')}`);
      }
      rules.push({ rule, enabled: rr.enabled, params: { ...rule.defaults, ...rr.params } });
    }
    policies.push({ name: r.data.name, mode: r.data.mode, source, rules });
  });
  return { policies, errors };
}

function summarize(p: LoadedPolicy): PolicySummary {
  return { name: p.name, mode: p.mode, source: p.source, rules: p.rules.map((r) => ({ name: r.rule.id, description: r.rule.description, enabled: r.enabled })) };
}

/** The built-in pack as a policy document (advise mode, every rule with its defaults). */
export function builtinPolicyYaml(): string {
  return [
    'name: builtin',
    'description: AINKA built-in policy pack',
    'mode: advise',
    'rules:',
    ...builtinRules.map((r) => `  - use: ${r.id}`),
    '',
  ].join('\n');
}

/** The daemon's {@link PolicyEngine} over the built-in rule table. */
export class BuiltinPolicyEngine implements PolicyEngine {
  private readonly policies = new Map<string, LoadedPolicy>();

  list(): PolicySummary[] {
    return [...this.policies.values()].map(summarize);
  }

  validate(text: string, source: string): PolicyValidation {
    const { policies, errors } = parseDocs(text, source);
    return { valid: errors.length === 0, errors, policies: policies.map(summarize) };
  }

  load(text: string, source: string): PolicySummary[] {
    const { policies, errors } = parseDocs(text, source);
    if (errors.length > 0) throw new DaemonError('ERR_AINKA_DAEMON_POLICY_INVALID', `policy ${source} is invalid:\n  ${errors.join('\n  ')}\nfix it and run \`ainka policy validate\` again.`);
    for (const p of policies) this.policies.set(p.name, p);
    return policies.map(summarize);
  }

  evaluate(ctx: RuleContext): Decision[] {
    const out: Decision[] = [];
    for (const p of this.policies.values()) {
      for (const r of p.rules) {
        if (!r.enabled) continue;
        const hit = r.rule.check(ctx, r.params);
        if (hit === undefined) continue;
        for (const h of Array.isArray(hit) ? hit : [hit]) out.push({ policy: p.name, rule: r.rule.id, mode: p.mode, ...h });
      }
    }
    return out;
  }
}
