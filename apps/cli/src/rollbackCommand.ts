import type { Context } from './context.js';
import { EXIT } from './exitCodes.js';
import { Progress } from './progress.js';

interface Outcome {
  knob: string;
  status: string;
  line: string;
  code?: string;
}

/** `ainka rollback [id] | --all`: undo applied changes through the daemon's journal. */
export async function rollbackCommand(ctx: Context, id: string | undefined, o: { all?: boolean }): Promise<number> {
  if (id === undefined && o.all !== true) {
    process.stderr.write('ainka: say what to roll back: a change id (ainka rollback 12, or an action id D3) or --all\n');
    return EXIT.usage;
  }
  const progress = new Progress(o.all === true ? 'rolling back every change' : `rolling back ${id ?? ''}`, 1, ctx.json);
  let r: { batch?: number; outcomes: Outcome[] };
  try {
    r = await ctx.withClient((c) => c.call<{ batch?: number; outcomes: Outcome[] }>('rollback', o.all === true ? { all: true } : { id }, 60_000));
    progress.tick();
  } finally {
    progress.end();
  }
  ctx.print(r, () => (r.outcomes.length === 0 ? 'nothing to roll back' : r.outcomes.map((x) => `${x.status.padEnd(8)} ${x.line}`).join('\n')));
  return r.outcomes.some((x) => x.status === 'failed') ? EXIT.failure : EXIT.ok;
}
