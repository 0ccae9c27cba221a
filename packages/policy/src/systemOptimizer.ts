import { PolicyError, PolicyErrorCode } from './errors.js';

/** A knob setting the optimizer can try: a number (ordered) or a word such as a congestion-control name. */
export type OptimizerValue = number | string;

/** Options of {@link SystemOptimizer}. */
export interface SystemOptimizerOptions<T extends OptimizerValue = number> {
  /** Knob being tuned (for messages), e.g. `block:sda:read_ahead_kb`. */
  readonly knob: string;
  /** The settings it may try, in an order where neighbours are similar (ascending numbers, e.g. read_ahead_kb 128 … 4096, or words such as `['reno', 'cubic', 'bbr']`); all inside the knob's bounds. */
  readonly candidates: readonly T[];
  /** The current setting: the baseline every other setting is judged against. */
  readonly initial: T;
  /** Initial trust-region radius, in candidate steps around the best-known setting. Default 1. */
  readonly trustRadius?: number;
  /** Largest radius the region grows to. Default 4. */
  readonly maxTrustRadius?: number;
  /** Roll back when a setting is worse than the baseline by this fraction of |baseline|. Default 0.05. */
  readonly rollbackMargin?: number;
  /** Observations of a setting before it is judged. Default 3. */
  readonly minSamples?: number;
  /** Confidence multiplier (z) for upper/lower confidence bounds. Default 2. */
  readonly confidence?: number;
}

/** Something the optimizer decided that callers should log. */
export interface OptimizerEvent<T extends OptimizerValue = number> {
  /** `rollback`: a setting was banned and the optimizer went back; `moved`: the best-known setting changed. */
  readonly type: 'rollback' | 'moved';
  /** Knob being tuned. */
  readonly knob: string;
  /** Setting before. */
  readonly from: T;
  /** Setting after. */
  readonly to: T;
  /** Why, in words. */
  readonly why: string;
}

interface Arm {
  n: number;
  mean: number;
  m2: number;
  banned: boolean;
}

/**
 * Learns the best setting of one knob online with a safe bandit: upper-confidence-bound choice among
 * settings inside a trust region around the best-known setting (so it never jumps far from what works),
 * a region that grows only when the best setting moves to its edge, and automatic rollback — the setting is
 * banned and the optimizer returns to the best-known one — when a setting is confidently worse than the
 * baseline by more than `rollbackMargin`. Objectives are "higher is better" (pass −latency for latency).
 */
export class SystemOptimizer<T extends OptimizerValue = number> {
  /** Knob being tuned. */
  readonly knob: string;
  private readonly candidates: readonly T[];
  private readonly arms: Arm[];
  private readonly baseIndex: number;
  private readonly maxRadius: number;
  private readonly margin: number;
  private readonly minSamples: number;
  private readonly z: number;
  private center: number;
  private radius: number;
  private rollbackCount = 0;

  /** @param options candidates, baseline and safety settings. */
  constructor(options: SystemOptimizerOptions<T>) {
    if (options.candidates.length === 0) throw new PolicyError(PolicyErrorCode.optimizerInput, [], `SystemOptimizer for ${options.knob} has no candidate settings; pass the values it may try`);
    this.knob = options.knob;
    this.candidates = options.candidates;
    this.arms = options.candidates.map(() => ({ n: 0, mean: 0, m2: 0, banned: false }));
    this.baseIndex = this.nearest(options.initial);
    this.center = this.baseIndex;
    this.radius = options.trustRadius ?? 1;
    this.maxRadius = options.maxTrustRadius ?? 4;
    this.margin = options.rollbackMargin ?? 0.05;
    this.minSamples = options.minSamples ?? 3;
    this.z = options.confidence ?? 2;
  }

  private nearest(value: T): number {
    if (typeof value === 'string') {
      const i = this.candidates.indexOf(value);
      if (i < 0) throw new PolicyError(PolicyErrorCode.optimizerInput, [], `'${value}' is not one of the candidates of ${this.knob} (${this.candidates.join(', ')}); pass a candidate`);
      return i;
    }
    const v = Number(value);
    let best = 0;
    this.candidates.forEach((c, i) => {
      if (Math.abs(Number(c) - v) < Math.abs(Number(this.candidates[best]) - v)) best = i;
    });
    return best;
  }

  private arm(i: number): Arm {
    return this.arms[i] as Arm;
  }

  /** Pooled noise standard deviation across settings with at least two observations (1 before any). */
  private noise(): number {
    let ss = 0;
    let df = 0;
    for (const a of this.arms) {
      if (a.n >= 2) {
        ss += a.m2;
        df += a.n - 1;
      }
    }
    return df > 0 ? Math.sqrt(ss / df) : 1;
  }

  /** The setting to try next. */
  suggest(): T {
    const base = this.arm(this.baseIndex);
    if (base.n < this.minSamples) return this.candidates[this.baseIndex] as T;
    const lo = Math.max(0, this.center - this.radius);
    const hi = Math.min(this.candidates.length - 1, this.center + this.radius);
    // First, settings in the region that have not been judged yet, nearest to the centre first.
    let pick = -1;
    for (let d = 0; d <= this.radius && pick < 0; d++) {
      for (const i of [this.center - d, this.center + d]) {
        if (i < lo || i > hi || this.arm(i).banned) continue;
        if (this.arm(i).n < this.minSamples) {
          pick = i;
          break;
        }
      }
    }
    if (pick >= 0) return this.candidates[pick] as T;
    const sd = this.noise();
    let bestScore = -Infinity;
    for (let i = lo; i <= hi; i++) {
      const a = this.arm(i);
      if (a.banned) continue;
      const score = a.mean + (this.z * sd) / Math.sqrt(a.n);
      if (score > bestScore || (score === bestScore && Math.abs(i - this.center) < Math.abs(pick - this.center))) {
        bestScore = score;
        pick = i;
      }
    }
    return this.candidates[pick < 0 ? this.center : pick] as T;
  }

  /** Record the objective measured while the knob held `value`. Returns an event to log, if any. */
  observe(value: T, objective: number): OptimizerEvent<T> | undefined {
    const i = this.nearest(value);
    const a = this.arm(i);
    a.n++;
    const delta = objective - a.mean;
    a.mean += delta / a.n;
    a.m2 += delta * (objective - a.mean);
    const base = this.arm(this.baseIndex);
    if (i !== this.baseIndex && a.n >= this.minSamples && base.n >= this.minSamples) {
      const sd = this.noise();
      const floor = base.mean - this.margin * Math.abs(base.mean);
      const upper = a.mean + (this.z * sd) / Math.sqrt(a.n);
      if (upper < floor) {
        a.banned = true;
        this.rollbackCount++;
        const back = this.center === i ? this.baseIndex : this.center;
        this.center = back;
        this.radius = 1;
        return {
          type: 'rollback',
          knob: this.knob,
          from: value,
          to: this.candidates[back] as T,
          why: `objective ${a.mean.toFixed(3)} at ${value} is worse than the baseline ${base.mean.toFixed(3)} by more than ${Math.round(this.margin * 100)} % (with confidence)`,
        };
      }
    }
    // Move the centre to the best judged setting; grow the region when the best sits on its edge.
    let best = this.center;
    for (let k = 0; k < this.arms.length; k++) {
      const arm = this.arm(k);
      if (!arm.banned && arm.n >= this.minSamples && arm.mean > this.arm(best).mean) best = k;
    }
    if (best !== this.center) {
      const from = this.candidates[this.center] as T;
      if (Math.abs(best - this.center) >= this.radius) this.radius = Math.min(this.maxRadius, this.radius + 1);
      this.center = best;
      return { type: 'moved', knob: this.knob, from, to: this.candidates[best] as T, why: `objective ${this.arm(best).mean.toFixed(3)} is the best measured so far` };
    }
    return undefined;
  }

  /** The best-known setting and its mean objective. */
  get best(): {
    /** The setting. */
    readonly value: T;
    /** Mean objective observed at it. */
    readonly mean: number;
    /** Observations behind the mean. */
    readonly samples: number;
  } {
    const a = this.arm(this.center);
    return { value: this.candidates[this.center] as T, mean: a.mean, samples: a.n };
  }

  /** The baseline setting and its mean objective. */
  get baseline(): {
    /** The setting. */
    readonly value: T;
    /** Mean objective observed at it. */
    readonly mean: number;
    /** Observations behind the mean. */
    readonly samples: number;
  } {
    const a = this.arm(this.baseIndex);
    return { value: this.candidates[this.baseIndex] as T, mean: a.mean, samples: a.n };
  }

  /** How many times a setting was rolled back. */
  get rollbacks(): number {
    return this.rollbackCount;
  }

  /** Settings banned after a rollback. */
  banned(): T[] {
    return this.candidates.filter((_, i) => this.arm(i).banned);
  }
}

/** What {@link runOptimizer} needs to drive a real knob. */
export interface OptimizerDriver<T extends OptimizerValue = number> {
  /** Set the knob (e.g. through `ChangeManager.apply`). */
  apply(value: T): Promise<void>;
  /** Measure the objective with the knob at its current value (higher is better). */
  measure(): Promise<number>;
  /** Receives rollback/move events. */
  onEvent?(event: OptimizerEvent<T>): void;
}

/** Run `steps` suggest → apply → measure → observe rounds, then leave the knob at the best-known setting. */
export async function runOptimizer<T extends OptimizerValue>(optimizer: SystemOptimizer<T>, driver: OptimizerDriver<T>, steps: number): Promise<T> {
  let current: T | undefined;
  for (let s = 0; s < steps; s++) {
    const next = optimizer.suggest();
    if (next !== current) {
      await driver.apply(next);
      current = next;
    }
    const event = optimizer.observe(next, await driver.measure());
    if (event) driver.onEvent?.(event);
  }
  const best = optimizer.best.value;
  if (best !== current) await driver.apply(best);
  return best;
}
