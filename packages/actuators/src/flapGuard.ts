/** Anti-flapping settings for one knob. */
export interface FlapGuardOptions {
  /** Minimum time between two changes of the same knob (ms). Default 5 min. */
  minDwellMs: number;
  /** Minimum time before a change may go the opposite way of the previous one (ms). Default 15 min. */
  reversalDwellMs: number;
  /** At most this many changes per `windowMs`. Default 6. */
  maxChanges: number;
  /** Rate-limit window (ms). Default 1 h. */
  windowMs: number;
  /** Damped step for integer knobs: one change lowers the value by at most this fraction, or raises it by at most the inverse factor (0.5: halve or double; always at least 1). Default 0.5; 1 or more disables damping. */
  maxRelativeStep: number;
}

/** The defaults of {@link FlapGuardOptions}. */
export const defaultFlapGuardOptions: Readonly<FlapGuardOptions> = {
  minDwellMs: 5 * 60_000,
  reversalDwellMs: 15 * 60_000,
  maxChanges: 6,
  windowMs: 60 * 60_000,
  maxRelativeStep: 0.5,
};

/** The guard's answer: the value to write (maybe damped), or why not now and when to retry. */
export type FlapDecision =
  | {
      /** The change may happen now. */
      readonly allowed: true;
      /** The value to write: the requested one, or a damped step towards it. */
      readonly value: string;
      /** `value` is a damped step, not the requested value. */
      readonly damped: boolean;
    }
  | {
      /** The change must wait. */
      readonly allowed: false;
      /** Which limit stops it, in words. */
      readonly why: string;
      /** Earliest time a retry can be allowed (ms, on the guard's clock). */
      readonly retryAt: number;
    };

interface KnobHistory {
  times: number[];
  lastDirection: -1 | 0 | 1;
}

function direction(from: string, to: string): -1 | 0 | 1 {
  const a = Number(from);
  const b = Number(to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || from.trim() === '' || to.trim() === '') return 0;
  return b > a ? 1 : b < a ? -1 : 0;
}

/**
 * Per-knob anti-flapping: a minimum dwell time, a longer dwell before reversing direction, a rate limit,
 * and a damped step for integer knobs (so `vm.swappiness` 60 → 10 goes 60 → 30 → 15 → 10, one dwell apart).
 * Time comes from the caller, so tests drive it.
 */
export class FlapGuard {
  private readonly defaults: FlapGuardOptions;
  private readonly overrides: Readonly<Record<string, Partial<FlapGuardOptions>>>;
  private readonly history = new Map<string, KnobHistory>();

  /**
   * @param options defaults for every knob.
   * @param overrides per-knob settings keyed by knob id (`systemd:nginx.service:restart`) or family (`systemd`).
   */
  constructor(options: Partial<FlapGuardOptions> = {}, overrides: Readonly<Record<string, Partial<FlapGuardOptions>>> = {}) {
    this.defaults = { ...defaultFlapGuardOptions, ...options };
    this.overrides = overrides;
  }

  /** Effective settings of a knob. */
  settingsFor(knob: string): FlapGuardOptions {
    const family = knob.slice(0, knob.indexOf(':'));
    return { ...this.defaults, ...this.overrides[family], ...this.overrides[knob] };
  }

  /** May `knob` move from `current` to `target` at time `now`? Integer knobs get a damped value. */
  admit(knob: string, current: string, target: string, now: number, numeric: boolean): FlapDecision {
    const s = this.settingsFor(knob);
    const h = this.history.get(knob);
    if (h && h.times.length > 0) {
      const last = h.times[h.times.length - 1] ?? 0;
      const dir = direction(current, target);
      if (h.lastDirection !== 0 && dir !== 0 && dir !== h.lastDirection && now - last < s.reversalDwellMs) {
        return {
          allowed: false,
          why: `reversing ${knob} ${Math.round((now - last) / 1000)} s after the last change; reversals wait ${Math.round(s.reversalDwellMs / 1000)} s`,
          retryAt: last + s.reversalDwellMs,
        };
      }
      if (now - last < s.minDwellMs) {
        return {
          allowed: false,
          why: `${knob} changed ${Math.round((now - last) / 1000)} s ago; it dwells at least ${Math.round(s.minDwellMs / 1000)} s`,
          retryAt: last + s.minDwellMs,
        };
      }
      const recent = h.times.filter((t) => now - t < s.windowMs);
      if (recent.length >= s.maxChanges) {
        return {
          allowed: false,
          why: `${knob} changed ${recent.length} times in the last ${Math.round(s.windowMs / 1000)} s; the limit is ${s.maxChanges}`,
          retryAt: (recent[0] ?? now) + s.windowMs,
        };
      }
    }
    if (numeric && s.maxRelativeStep < 1) {
      const from = Number(current);
      const to = Number(target);
      if (Number.isInteger(from) && Number.isInteger(to)) {
        // Geometric damping: down to at most (1 − f)×, up to at most 1/(1 − f)× the current value (f = 0.5: halve or double).
        const f = s.maxRelativeStep;
        const base = from === 0 ? Math.abs(to) * f : Math.abs(from) * (to < from ? f : f / (1 - f));
        const limit = Math.max(1, Math.ceil(base));
        if (Math.abs(to - from) > limit) {
          return { allowed: true, value: String(from + Math.sign(to - from) * limit), damped: true };
        }
      }
    }
    return { allowed: true, value: target, damped: false };
  }

  /** Remember that `knob` changed from `from` to `to` at `now`. */
  record(knob: string, from: string, to: string, now: number): void {
    const h = this.history.get(knob) ?? { times: [], lastDirection: 0 };
    h.times.push(now);
    if (h.times.length > 64) h.times.splice(0, h.times.length - 64);
    const dir = direction(from, to);
    if (dir !== 0) h.lastDirection = dir;
    this.history.set(knob, h);
  }
}
