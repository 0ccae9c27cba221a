import { z } from 'zod';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-kebab-case (a-z, 0-9, -); rename it, e.g. reduce-swappiness' });
const mode = z.enum(['advise', 'enforce']);
const tags = z.array(z.string());
const duration = z.union([z.number().nonnegative(), z.string()]);

/** A `when` written as an object: `{all: [...]}`, `{any: [...]}`, `{not: ...}`; leaves are expression strings. */
export type WhenInput = string | { all: WhenInput[] } | { any: WhenInput[] } | { not: WhenInput };

const when: z.ZodType<WhenInput> = z.lazy(() =>
  z.union([z.string(), z.strictObject({ all: z.array(when).min(1) }), z.strictObject({ any: z.array(when).min(1) }), z.strictObject({ not: when })]),
);

const action = z.strictObject({
  knob: z.string(),
  set: z.union([z.string(), z.number()]).optional(),
  adjust: z.strictObject({ by: z.number().optional(), factor: z.number().positive().optional() }).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

const scope = z.union([
  z.literal('host'),
  z.strictObject({ cgroup: z.string() }),
  z.strictObject({ process: z.strictObject({ comm: z.string(), cgroup: z.string().optional() }) }),
]);

const rule = z.strictObject({
  name,
  description: z.string().optional(),
  when,
  then: z.array(action).min(1),
  priority: z.number().int().min(0).max(100).optional(),
  cooldown: duration.optional(),
  mode: mode.optional(),
  scope: scope.optional(),
  tags: tags.optional(),
});

/** The zod schema of a policy document, as written (before expressions are parsed). */
export const policyDocumentSchema = z.strictObject({
  apiVersion: z.literal('ainka.dev/v1'),
  kind: z.literal('Policy'),
  name,
  description: z.string().optional(),
  mode: mode.optional(),
  tags: tags.optional(),
  rules: z.array(rule).min(1),
});

/** A policy document as written. */
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
