import { z } from 'zod';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-kebab-case (a-z, 0-9, -); rename it, e.g. shell-spawned-by-service' });
const ident = z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: 'must be lower_snake_case (a-z, 0-9, _); rename it, e.g. shell_binaries' });
const duration = z.union([z.number().nonnegative(), z.string()]);

/** A `when` written as an object: `{all: [...]}`, `{any: [...]}`, `{not: ...}`; leaves are expression strings (as in policies). */
export type RuleWhenInput =
  | string
  | {
      /** Holds when every condition holds. */
      all: RuleWhenInput[];
    }
  | {
      /** Holds when at least one condition holds. */
      any: RuleWhenInput[];
    }
  | {
      /** Holds when the condition does not. */
      not: RuleWhenInput;
    };

const when: z.ZodType<RuleWhenInput> = z.lazy(() =>
  z.union([z.string(), z.strictObject({ all: z.array(when).min(1) }), z.strictObject({ any: z.array(when).min(1) }), z.strictObject({ not: when })]),
);

const response = z.strictObject({
  /**
   * `kill` the process, `stop` it (SIGSTOP, reversible), `freeze` its cgroup (reversible),
   * `block-egress` drop what its cgroup sends except loopback, `block-egress-all` including loopback
   * (a cgroup BPF program; reversible).
   */
  action: z.enum(['kill', 'stop', 'freeze', 'block-egress', 'block-egress-all']),
  /** `advise` (default) proposes only; `enforce` acts (the daemon must also allow responses). */
  mode: z.enum(['advise', 'enforce']).optional(),
});

const rule = z.strictObject({
  /** Unique lower-kebab name. */
  name,
  /** One sentence for humans. */
  description: z.string().optional(),
  /** The condition: an expression string or an `{all|any|not}` object of them. */
  when,
  /** Alert text with `{field}` placeholders, e.g. `shell {proc.exe} under {proc.pname}`. */
  output: z.string().optional(),
  /** `critical`, `warning` (default) or `info`. */
  severity: z.enum(['critical', 'warning', 'info']).optional(),
  /** Integer 0 … 100; higher first when several rules match one event. Default 50. */
  priority: z.number().int().min(0).max(100).optional(),
  /** Free-form tags (MITRE technique ids, areas). */
  tags: z.array(z.string()).optional(),
  /** Minimum time between two alerts of this rule for one executable: seconds or `30s`, `5m`. Default 60 s. */
  cooldown: duration.optional(),
  /** Fields whose values name one incident for the cooldown (default `[proc.exe, proc.ppid]`), e.g. `[proc.net_session]`: one alert per reverse-shell session. */
  cooldownBy: z.array(z.string()).min(1).max(4).optional(),
  /** Set false to turn the rule off without deleting it. */
  enabled: z.boolean().optional(),
  /** Response, opt-in per rule; advisory unless `mode: enforce`. */
  response: response.optional(),
});

const exception = z.strictObject({
  /** The rule (or rules) it applies to. */
  rule: z.union([name, z.array(name).min(1)]),
  /** A name for the exception, shown when it suppresses an alert. */
  name: z.string().optional(),
  /** Events matching this condition do not raise the rule. */
  when,
  /** Why it is safe, for the audit trail. */
  reason: z.string().optional(),
});

/** The zod schema of a detection-rules document, as written (before expressions are parsed). */
export const detectionRulesSchema = z.strictObject({
  /** Always `ainka.dev/v1`. */
  apiVersion: z.literal('ainka.dev/v1'),
  /** Always `DetectionRules`. */
  kind: z.literal('DetectionRules'),
  /** Document name (lower-kebab). */
  name,
  /** One sentence for humans. */
  description: z.string().optional(),
  /** Free-form tags. */
  tags: z.array(z.string()).optional(),
  /** Named lists of values, used as `field in list_name`. */
  lists: z.record(ident, z.array(z.union([z.string(), z.number()]))).optional(),
  /** Lists extended by this document (values appended to a list of an earlier document). */
  appendLists: z.record(ident, z.array(z.union([z.string(), z.number()]))).optional(),
  /** Named conditions, used as bare words in conditions. */
  macros: z.record(ident, z.string()).optional(),
  /** The rules. */
  rules: z.array(rule).optional(),
  /** Exceptions to rules (of this document or earlier ones), without rewriting them. */
  exceptions: z.array(exception).optional(),
});

/** A detection-rules document as written. */
export type DetectionRulesDocument = z.infer<typeof detectionRulesSchema>;
