import type { MetricSample, MetricSource, SampleBatch } from '@ainka/telemetry';
import { createWriteStream, readFileSync } from 'node:fs';
import type { Observable, Subscription } from 'rxjs';
import { DaemonError } from './errors.js';

/** One recorded tick: `{ "t": ms, "s": [[name, labels|null, value, unit], …] }` per line. */
interface RecordedTick {
  readonly t: number;
  readonly s: readonly (readonly [string, Record<string, string> | null, number, MetricSample['unit']])[];
}

/**
 * A telemetry source that replays a recording made by `ainkad record`, one recorded tick per live tick,
 * re-stamped with the current time (so rules with durations behave as they did when recorded).
 */
export class ReplaySource implements MetricSource {
  readonly id = 'replay';
  private readonly ticks: RecordedTick[];
  private i = 0;
  private readonly loop: boolean;
  private readonly recorded: boolean;
  private readonly base = Date.now();
  private offset = 0;
  private lastNow = 0;
  /** Set once the recording ran out (and `loop` is off). */
  ended = false;

  /**
   * @param loop start again when the recording ends.
   * @param recordedTime stamp ticks with the recording's own clock (from now on) instead of the live one,
   * so a recording made at 1 s per tick replays its durations exactly at any `--interval`.
   */
  constructor(path: string, loop: boolean, recordedTime = false) {
    this.recorded = recordedTime;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new DaemonError('ERR_AINKA_DAEMON_CONFIG_INVALID', `cannot read the recording ${path} (telemetry.replay): ${(err as Error).message}; record one with \`ainkad record --out ${path}\`.`);
    }
    this.ticks = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l, n) => {
        try {
          return JSON.parse(l) as RecordedTick;
        } catch {
          throw new DaemonError('ERR_AINKA_DAEMON_CONFIG_INVALID', `${path}:${n + 1} is not a recorded tick (JSON); re-record it with \`ainkad record\`.`);
        }
      });
    this.loop = loop;
  }

  private span(): number {
    const first = this.ticks[0];
    const last = this.ticks[this.ticks.length - 1];
    if (first === undefined || last === undefined) return 0;
    const step = this.ticks.length > 1 ? (last.t - first.t) / (this.ticks.length - 1) : 1000;
    return last.t - first.t + step;
  }

  /** The time of the next tick: the live clock, or the recording's clock (`recordedTime`). */
  now(): number {
    if (!this.recorded) return Date.now();
    const t0 = this.ticks[0]?.t ?? 0;
    let idx = this.i;
    let off = this.offset;
    if (idx >= this.ticks.length) {
      if (!this.loop) return (this.lastNow = this.lastNow + 1000);
      idx = 0;
      off += this.span();
    }
    this.lastNow = this.base + off + ((this.ticks[idx]?.t ?? t0) - t0);
    return this.lastNow;
  }

  /** Number of recorded ticks. */
  get length(): number {
    return this.ticks.length;
  }

  collect(ctx: { now: number }): MetricSample[] {
    if (this.i >= this.ticks.length) {
      if (!this.loop || this.ticks.length === 0) {
        this.ended = true;
        return [];
      }
      this.i = 0;
      this.offset += this.span();
    }
    const tick = this.ticks[this.i++] as RecordedTick;
    return tick.s.map(([name, labels, value, unit]) => (labels === null ? { name, value, unit, timestamp: ctx.now } : { name, labels, value, unit, timestamp: ctx.now }));
  }
}

/** Write every batch of a collector to a recording until `stop()`; returns the number of ticks written. */
export function recordBatches(batches$: Observable<SampleBatch>, path: string): { stop: () => Promise<number> } {
  const out = createWriteStream(path, { flags: 'w' });
  let n = 0;
  const sub: Subscription = batches$.subscribe({
    next: (b) => {
      const line: RecordedTick = { t: b.timestamp, s: b.samples.map((s) => [s.name, s.labels === undefined ? null : { ...s.labels }, s.value, s.unit] as const) };
      out.write(`${JSON.stringify(line)}\n`);
      n++;
    },
    // The recording ends with the last complete tick; stop() still resolves with the count.
    error: () => out.end(),
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        sub.unsubscribe();
        out.end(() => resolve(n));
      }),
  };
}
