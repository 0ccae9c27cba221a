import { parseDuration, type SnapshotResult } from '@ainka/daemon';
import type { Context } from './context.js';
import { EXIT } from './exitCodes.js';
import { renderTop } from './topView.js';

/** `ainka top`: a live view (q or Ctrl-C quits); `--once` prints one frame; `--json` one snapshot. */
export async function topCommand(ctx: Context, o: { once?: boolean; interval: string }): Promise<number> {
  const intervalMs = parseDuration(o.interval, 'ms', '--interval');
  return ctx.withClient(async (c) => {
    const first = await c.call<SnapshotResult>('snapshot');
    if (ctx.json || o.once === true || process.stdout.isTTY !== true) {
      ctx.print(first, () => renderTop(first, process.stdout.columns ?? 120, process.stdout.rows ?? 40));
      return EXIT.ok;
    }
    const out = process.stdout;
    out.write('\x1b[?1049h\x1b[?25l');
    let done = false;
    let resolveDone: () => void = () => undefined;
    const finished = new Promise<void>((r) => (resolveDone = r));
    const quit = () => {
      if (done) return;
      done = true;
      resolveDone();
    };
    const draw = (s: SnapshotResult) => out.write(`\x1b[H\x1b[2J${renderTop(s, out.columns ?? 120, out.rows ?? 40)}`);
    draw(first);
    const timer = setInterval(() => {
      c.call<SnapshotResult>('snapshot').then(draw, () => quit());
    }, Math.max(100, intervalMs));
    process.on('SIGINT', quit);
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on('data', (k: Buffer) => {
        const s = k.toString();
        if (s === 'q' || s === '\u0003' || s === '\u001b') quit();
      });
    }
    await finished;
    clearInterval(timer);
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
    out.write('\x1b[?25h\x1b[?1049l');
    return EXIT.ok;
  });
}
