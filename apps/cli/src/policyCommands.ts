import { offlinePolicyStage, type PolicySummary, type PolicyValidation } from '@ainka/daemon';
import { readFileSync } from 'node:fs';
import type { Context } from './context.js';
import { EXIT } from './exitCodes.js';
import { Progress } from './progress.js';

function read(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

function renderPolicies(ps: readonly PolicySummary[]): string {
  return ps.map((p) => `${p.name}  (${p.mode}, from ${p.source})\n${p.rules.map((r) => `  ${r.enabled ? '✓' : '✗'} ${r.name}: ${r.description}`).join('\n')}`).join('\n\n');
}

/** `ainka policy validate <file…>`: checked locally (no daemon needed). */
export function policyValidateCommand(ctx: Context, files: readonly string[]): number {
  const engine = offlinePolicyStage();
  const results: (PolicyValidation & { file: string })[] = files.map((f) => ({ file: f, ...engine.validate(read(f), f) }));
  const ok = results.every((r) => r.valid);
  ctx.print({ valid: ok, results }, () => results.map((r) => (r.valid ? `${r.file}: valid (${r.policies.map((p) => `${p.name}, ${p.rules.length} rules, ${p.mode}`).join('; ')})` : `${r.file}: invalid\n  ${r.errors.join('\n  ')}`)).join('\n'));
  return ok ? EXIT.ok : EXIT.invalid;
}

/** `ainka policy apply <file…>`: validated by the daemon, stored in its state dir and loaded. */
export async function policyApplyCommand(ctx: Context, files: readonly string[]): Promise<number> {
  const progress = new Progress('applying policies', files.length, ctx.json);
  const applied: PolicySummary[] = [];
  try {
    await ctx.withClient(async (c) => {
      for (const f of files) {
        const r = await c.call<{ policies: PolicySummary[] }>('policy.apply', { text: read(f), source: f });
        applied.push(...r.policies);
        progress.tick(1, f);
      }
    });
  } finally {
    progress.end();
  }
  ctx.print({ applied }, () => `applied:\n${renderPolicies(applied)}`);
  return EXIT.ok;
}

/** `ainka policy list`. */
export async function policyListCommand(ctx: Context): Promise<number> {
  const r = await ctx.withClient((c) => c.call<{ policies: PolicySummary[] }>('policy.list'));
  ctx.print(r, () => renderPolicies(r.policies));
  return EXIT.ok;
}
