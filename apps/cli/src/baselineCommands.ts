import type { Context } from './context.js';
import { EXIT } from './exitCodes.js';

interface DriftView {
  readonly id: string;
  readonly kind: string;
  readonly expected: string;
  readonly observed: string;
  readonly enforce: boolean;
  readonly who?: string;
  readonly diff?: string;
}

interface BaselineView {
  readonly path: string;
  readonly recordedAt: number | null;
  readonly items: number;
  readonly enforce: readonly string[];
  readonly drift: readonly DriftView[];
}

/** Render drift items as a diff a person reads. */
export function renderDrift(v: BaselineView): string {
  if (v.recordedAt === null) return 'no baseline recorded: run `ainka baseline record`';
  const head = `baseline ${v.path}: ${v.items} items, recorded ${new Date(v.recordedAt).toISOString()}, enforced: ${v.enforce.length === 0 ? 'none' : v.enforce.join(', ')}`;
  if (v.drift.length === 0) return `${head}\nno drift`;
  const lines = [head, `${v.drift.length} item(s) drifted:`];
  for (const d of v.drift) {
    lines.push(`${d.enforce ? '[enforce] ' : ''}${d.id}`, `  - ${d.expected}`, `  + ${d.observed}`);
    if (d.who !== undefined) lines.push(`  by: ${d.who}`);
    if (d.diff !== undefined && d.diff !== '') lines.push(...d.diff.split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n');
}

/** `ainka baseline record`: record the machine as the declared baseline. */
export async function baselineRecordCommand(ctx: Context, o: { sysctl?: string[]; file?: string[]; enforce?: string[] }): Promise<number> {
  const params: Record<string, unknown> = {};
  if (o.sysctl !== undefined) params.sysctls = o.sysctl;
  if (o.file !== undefined) params.files = o.file;
  if (o.enforce !== undefined) params.enforce = o.enforce;
  const r = await ctx.withClient((c) => c.call<BaselineView>('baseline.record', params));
  ctx.print(r, () => `recorded ${r.items} items in ${r.path}; enforced: ${r.enforce.length === 0 ? 'none (drift is shown, never corrected)' : r.enforce.join(', ')}`);
  return EXIT.ok;
}

/** `ainka baseline diff`: what drifted from the baseline, with who changed it when known. */
export async function baselineDiffCommand(ctx: Context, o: { exitCode?: boolean }): Promise<number> {
  const r = await ctx.withClient((c) => c.call<BaselineView>('baseline.show'));
  ctx.print(r, () => renderDrift(r));
  return o.exitCode === true && r.drift.length > 0 ? EXIT.advicePending : EXIT.ok;
}
