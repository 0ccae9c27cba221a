import { counterDelta } from './counters.js';
import { malformed, TelemetryError } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import type { MetricLabels, MetricSample } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/** One line (`some` or `full`) of a PSI file. Averages are percent; `totalUs` is microseconds. @public */
export interface PressureLine {
  /** Percent of time stalled, 10 s average. */
  readonly avg10: number;
  /** Percent of time stalled, 60 s average. */
  readonly avg60: number;
  /** Percent of time stalled, 300 s average. */
  readonly avg300: number;
  /** Total stall time in microseconds. */
  readonly totalUs: number;
}

/** A parsed PSI file (`/proc/pressure/*`, `<cgroup>/*.pressure`). `full` is absent for system CPU before 5.13. @public */
export interface Pressure {
  /** At least one task stalled. */
  readonly some: PressureLine;
  /** All non-idle tasks stalled. */
  readonly full?: PressureLine;
}

/** Parses a pressure stall information file. @public */
export function parsePressure(text: string, file = '/proc/pressure'): Pressure {
  let some: PressureLine | undefined;
  let full: PressureLine | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const m = /^(some|full) avg10=(\d+\.\d+) avg60=(\d+\.\d+) avg300=(\d+\.\d+) total=(\d+)\s*$/.exec(line);
    if (m === null) throw malformed(file, i + 1, line, '"some|full avg10=… avg60=… avg300=… total=…"');
    const p = { avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]), totalUs: Number(m[5]) };
    if (m[1] === 'some') some = p;
    else full = p;
  }
  if (some === undefined) throw malformed(file, 1, lines[0] ?? '', 'a "some" line');
  return full === undefined ? { some } : { some, full };
}

/** Samples for one PSI file under a metric prefix (`psi.memory`, `cgroup.memory_pressure` …). @internal */
export function pressureSamples(
  prefix: string,
  cur: Pressure,
  prev: Pressure | undefined,
  dtMs: number,
  now: number,
  labels: MetricLabels | undefined,
  out: MetricSample[],
  sep = '.',
): void {
  const kinds: Array<['some' | 'full', PressureLine | undefined, PressureLine | undefined]> = [
    ['some', cur.some, prev?.some],
    ['full', cur.full, prev?.full],
  ];
  for (const [kind, line, before] of kinds) {
    if (line === undefined) continue;
    const base = `${prefix}${sep}${kind}`;
    const put = (name: string, unit: MetricSample['unit'], value: number): void => {
      out.push(labels === undefined ? { name, unit, value, timestamp: now } : { name, unit, value, labels, timestamp: now });
    };
    put(`${base}_avg10`, 'percent', line.avg10);
    put(`${base}_avg60`, 'percent', line.avg60);
    put(`${base}_avg300`, 'percent', line.avg300);
    put(`${base}_stall_seconds_total`, 'total', line.totalUs / 1e6);
    if (before !== undefined && dtMs > 0) {
      put(`${base}_stall_ratio`, 'ratio', Math.min(1, counterDelta(before.totalUs, line.totalUs, 64) / 1000 / dtMs));
    }
  }
}

const resources = ['cpu', 'memory', 'io'] as const;

/**
 * `/proc/pressure/{cpu,memory,io}`: `psi.<resource>.{some,full}_{avg10,avg60,avg300}` (percent),
 * `…_stall_seconds_total` and `…_stall_ratio` (share of the last tick spent stalled).
 * Unavailable (with the fix in the reason) on kernels without CONFIG_PSI or booted with psi=0.
 *
 * @public
 */
export class PressureSource implements MetricSource {
  readonly id = 'proc.pressure';
  private readonly files: KernelFiles;
  private prev = new Map<string, Pressure>();
  private prevMs = 0;

  constructor(options: { readonly root?: string } = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    const out: MetricSample[] = [];
    const dt = ctx.monotonicMs - this.prevMs;
    let firstError: TelemetryError | undefined;
    const next = new Map<string, Pressure>();
    for (const r of resources) {
      const rel = `proc/pressure/${r}`;
      let cur: Pressure;
      try {
        cur = parsePressure(this.files.read(rel), this.files.path(rel));
      } catch (err) {
        // EOPNOTSUPP when psi=0 at runtime; ENOENT without CONFIG_PSI.
        if (err instanceof TelemetryError && err.code !== 'ERR_AINKA_TELEMETRY_MALFORMED_INPUT') {
          firstError ??= err;
          continue;
        }
        throw err;
      }
      next.set(r, cur);
      pressureSamples(`psi.${r}`, cur, this.prev.get(r), dt, ctx.now, undefined, out);
    }
    this.prev = next;
    this.prevMs = ctx.monotonicMs;
    if (out.length === 0 && firstError !== undefined) throw firstError;
    return out;
  }
}
