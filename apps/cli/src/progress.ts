import { bar } from './format.js';

/**
 * A progress bar on stderr for long work (only on a terminal, never in --json mode, so pipes stay clean).
 */
export class Progress {
  private readonly enabled: boolean;
  private done = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    quiet = false,
  ) {
    this.enabled = !quiet && process.stderr.isTTY === true && total > 0;
    this.draw();
  }

  /** Advance by `n` steps, with an optional note. */
  tick(n = 1, note = ''): void {
    this.done = Math.min(this.total, this.done + n);
    this.draw(note);
  }

  private draw(note = ''): void {
    if (!this.enabled) return;
    const f = this.done / this.total;
    process.stderr.write(`\r${this.label} ${bar(f, 24)} ${String(Math.round(f * 100)).padStart(3)}% ${note}`.slice(0, (process.stderr.columns ?? 100) - 1).padEnd(Math.min(100, (process.stderr.columns ?? 100) - 1)));
  }

  /** Clear the line. */
  end(): void {
    if (this.enabled) process.stderr.write('\r\x1b[2K');
  }
}
