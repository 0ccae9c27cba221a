import { z } from 'zod';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-kebab-case (a-z, 0-9, -); rename it, e.g. reduce-swappiness' });
const mode = z.enum(['advise', 'enforce']);
const tags = z.array(z.string());
const duration = z.union([z.number().nonnegative(), z.string()]);

/** A `when` written as an object: `{all: [...]}`, `{any: [...]}`, `{not: ...}`; leaves are expression strings. */
export type WhenInput =
  | string
  | {
      /** Holds when every condition holds. */
      all: WhenInput[];
    }
  | {
      /** Holds when at least one condition holds. */
      any: WhenInput[];
    }
  | {
      /** Holds when the condition does not. */
      not: WhenInput;
    };

const when: z.ZodType<WhenInput> = z.lazy(() =>
  z.union([z.string(), z.strictObject({ all: z.array(when).min(1) }), z.strictObject({ any: z.array(when).min(1) }), z.strictObject({ not: when })]),
);

const action = z.strictObject({
  /** Knob id (`sysctl:vm.swappiness`), possibly with `{cgroup}` / `{pid}` placeholders. */
  knob: z.string(),
  /** Absolute value to set. */
  set: z.union([z.string(), z.number()]).optional(),
  /** Relative change: add `by`, or multiply by `factor` (> 0, rounded). */
  adjust: z
    .strictObject({
      /** Amount added to the current value (may be negative). */
      by: z.number().optional(),
      /** Factor the current value is multiplied by (> 0). */
      factor: z.number().positive().optional(),
    })
    .optional(),
  /** Value computed from a metric now: `metric × factor` (e.g. memory.high at 1.25 × the cgroup's usage). */
  from: z.strictObject({ metric: z.string(), factor: z.number().positive().optional() }).optional(),
  /** A measured objective: the change is a trial, rolled back when the objective gets worse beyond noise. */
  objective: z
    .strictObject({
      /** Metric to maximise (e.g. read throughput). */
      maximize: z.string().optional(),
      /** Metric to minimise (e.g. a latency). */
      minimize: z.string().optional(),
      /** Length of one measurement window. Default 10 s. */
      window: duration.optional(),
      /** Windows measured before and after the change (at least 3). Default 4. */
      windows: z.number().int().min(3).max(60).optional(),
      /** Smallest relative worsening that counts (0 … 1). Default 0.02. */
      margin: z.number().min(0).max(1).optional(),
      /**
       * Metrics the change must not make worse either (e.g. the writers' throughput when the objective
       * is a write latency), measured in the same windows; any one worse beyond noise rolls the change back.
       */
      guard: z
        .array(
          z.strictObject({
            /** Metric that must not go down. */
            maximize: z.string().optional(),
            /** Metric that must not go up. */
            minimize: z.string().optional(),
            /** Smallest relative worsening that counts (0 … 1). Default: the objective's margin. */
            margin: z.number().min(0).max(1).optional(),
          }),
        )
        .max(8)
        .optional(),
    })
    .optional(),
  /** Never go below this. */
  min: z.number().optional(),
  /** Never go above this. */
  max: z.number().optional(),
});

const scope = z.union([
  z.literal('host'),
  z.strictObject({
    /** cgroup v2 path under `/sys/fs/cgroup`. */
    cgroup: z.string(),
  }),
  z.strictObject({
    /** Processes matched by command name, optionally only in one cgroup. */
    process: z.strictObject({ comm: z.string(), cgroup: z.string().optional() }),
  }),
  z.strictObject({
    /** One rule instance per target of this kind. */
    each: z.enum(['process', 'cgroup', 'device', 'interface', 'policy']),
    /** Only the N targets with the highest `by` value. */
    top: z.number().int().min(1).max(100).optional(),
    /** The metric whose series name (and rank) the targets. */
    by: z.string().optional(),
    /** Glob the target's name must match (`sd*|nvme*|vd*`). */
    match: z.string().optional(),
    /** Globs of names never selected, besides the protected ones. */
    exclude: z.array(z.string()).optional(),
  }),
]);

const rule = z.strictObject({
  /** Unique lower-kebab name in the policy; the "reason" in change logs. */
  name,
  /** One sentence for humans. */
  description: z.string().optional(),
  /** The condition: an expression string or an `{all|any|not}` object of them. */
  when,
  /** Actions, in order (at least one). */
  then: z.array(action).min(1),
  /** Integer 0 … 100; higher wins when rules want the same knob. Default 50. */
  priority: z.number().int().min(0).max(100).optional(),
  /** Time before the rule may fire again: seconds, or a duration string such as `5m`. Default 300 s. */
  cooldown: duration.optional(),
  /** Mode of this rule (defaults to the policy's). */
  mode: mode.optional(),
  /** `host` (default), `{cgroup}` or `{process}`. */
  scope: scope.optional(),
  /** Free-form tags. */
  tags: tags.optional(),
});

/** The zod schema of a policy document, as written (before expressions are parsed). */
export const policyDocumentSchema = z.strictObject({
  /** Always `ainka.dev/v1`. */
  apiVersion: z.literal('ainka.dev/v1'),
  /** Always `Policy`. */
  kind: z.literal('Policy'),
  /** Policy name (lower-kebab). */
  name,
  /** One sentence for humans. */
  description: z.string().optional(),
  /** Default mode of the rules, `advise` (default) or `enforce`. */
  mode: mode.optional(),
  /** Free-form tags. */
  tags: tags.optional(),
  /** The rules (at least one). */
  rules: z.array(rule).min(1),
});

/** A policy document as written. */
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
