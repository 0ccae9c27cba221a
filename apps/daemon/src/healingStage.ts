import { LeakDetector, Protection, formatDuration, formatRate, leakRemedy, readCgroup, cgroupRoot, type HealingChange, type LeakFinding } from '@ainka/healing';
import type { ActionStage } from './actionStage.js';
import type { ActionRecord, CapabilityStatus, Evidence, HealingRecord, HealingStatus } from './api.js';
import type { DaemonConfig } from './config.js';
import { describeError } from './errors.js';
import type { Logger } from './logger.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a healing part reports each time it looks. */
export interface HealingReport {
  readonly kind: HealingRecord['kind'];
  readonly key: string;
  readonly summary: string;
  readonly remedy: string;
  readonly evidence: readonly Evidence[];
  /** The change to ask `@ainka/actuators` for, if any. */
  readonly change?: HealingChange | undefined;
}

/** Options of {@link HealingStage}. */
export interface HealingStageOptions {
  readonly config: DaemonConfig;
  readonly actions: ActionStage;
  readonly log: Logger;
  /** Called with every action record healing produced (the daemon's counters and live view). */
  readonly onAction?: (r: ActionRecord) => void;
}

/**
 * ainkad's self-healing composition: runs the parts of `@ainka/healing` on their own timers, keeps one
 * record (`H<n>`) per finding for `status` and `explain`, and sends remedies to the action stage as
 * decisions of policy `healing` — so they are advice unless both the daemon and `healing.mode` enforce,
 * and applied ones are journaled and rolled back like every other change.
 */
export class HealingStage {
  private readonly records: Mutable<HealingRecord>[] = [];
  private readonly open = new Map<string, Mutable<HealingRecord>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly parts: CapabilityStatus[] = [];
  private nextId = 1;
  readonly protection: Protection;
  private leaks: LeakDetector | undefined;

  constructor(private readonly opts: HealingStageOptions) {
    this.protection = new Protection(opts.config.healing.protectedUnits);
  }

  private get mode(): 'advise' | 'enforce' {
    return this.opts.config.healing.mode;
  }

  /** Start the parts the configuration enables. */
  start(): void {
    const h = this.opts.config.healing;
    const root = this.opts.config.telemetry.procRoot;
    if (h.leaks.enabled) {
      this.leaks = new LeakDetector({ root, windowMs: h.leaks.windowSeconds * 1000, minSpanMs: h.leaks.minSpanSeconds * 1000, horizonSeconds: h.leaks.horizonHours * 3600 });
      this.every(h.leaks.intervalMs, () => this.leakCycle(root));
      this.parts.push({ id: 'healing:leaks', available: true });
    } else this.parts.push({ id: 'healing:leaks', available: false, reason: 'healing.leaks.enabled is false' });
  }

  /** Run `fn` every `ms`, logging (never throwing) its failures. */
  every(ms: number, fn: () => void | Promise<void>): void {
    const run = async (): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        this.opts.log.warn({ err: describeError(err) }, `healing: ${describeError(err).message}`);
      }
    };
    const t = setInterval(() => void run(), ms);
    t.unref();
    this.timers.push(t);
  }

  /** Register a part's availability (for `status`). */
  part(status: CapabilityStatus): void {
    this.parts.push(status);
  }

  private leakCycle(root: string): Promise<void> {
    const d = this.leaks as LeakDetector;
    const now = Date.now();
    d.sample(now);
    const mount = cgroupRoot(root);
    const reports = d.evaluate().map((f) => this.leakReport(f, root, mount));
    return this.observe('leak', reports);
  }

  private leakReport(f: LeakFinding, root: string, mount: string): HealingReport {
    const s = f.subject;
    const series = s.kind === 'process' ? `process.${f.resource}{pid="${s.pid}",comm="${s.comm}"}` : `cgroup.${f.resource}{cgroup="${s.cgroup}"}`;
    const remedy = leakRemedy(f, this.protection, readCgroup(root, mount, s.cgroup).memoryCurrent);
    const evidence: Evidence[] = [
      { series, value: f.current, condition: `grows ${formatRate(f.resource, f.growth.ratePerSecond)} (Theil–Sen on ${f.growth.floors.length} floors over ${formatDuration(f.growth.spanSeconds)}, tau ${f.growth.tau.toFixed(2)}, conservative ${formatRate(f.resource, f.growth.lowerRatePerSecond)})` },
      { series: `limit{${f.limitName}}`, value: f.headroom, condition: `left before the limit; reached in ~${formatDuration(f.etaSeconds)}` },
    ];
    return { kind: 'leak', key: f.key, summary: f.summary, remedy: remedy.note, evidence, change: remedy.change };
  }

  /**
   * Record what a part sees now: new keys open a record, keys still present refresh theirs, keys of that
   * kind no longer present are resolved. Remedies go to the action stage (deduplicated and rate-limited there).
   */
  async observe(kind: HealingRecord['kind'], reports: readonly HealingReport[]): Promise<void> {
    const now = Date.now();
    const seen = new Set<string>();
    for (const r of reports) {
      seen.add(r.key);
      let rec = this.open.get(r.key);
      if (rec === undefined) {
        rec = { id: `H${this.nextId++}`, kind, key: r.key, status: 'open', summary: r.summary, remedy: r.remedy, evidence: r.evidence, actions: [], at: now, lastAt: now };
        this.open.set(r.key, rec);
        this.records.push(rec);
        if (this.records.length > 500) this.records.splice(0, this.records.length - 500);
        this.opts.log.warn({ event: 'healing', healing: { id: rec.id, kind, key: r.key, change: r.change } }, `healing ${rec.id} (${kind}): ${r.summary}; remedy: ${r.remedy}`);
      } else {
        Object.assign(rec, { summary: r.summary, remedy: r.remedy, evidence: r.evidence, lastAt: now });
      }
      if (r.change !== undefined) await this.ask(rec, r.change);
    }
    for (const [key, rec] of this.open) {
      if (rec.kind !== kind || seen.has(key)) continue;
      rec.status = 'resolved';
      rec.lastAt = now;
      this.open.delete(key);
      this.opts.log.info({ event: 'healing', healing: { id: rec.id, kind, key, status: 'resolved' } }, `healing ${rec.id} (${kind}) resolved: ${rec.summary}`);
    }
  }

  private async ask(rec: Mutable<HealingRecord>, change: HealingChange): Promise<void> {
    const a = this.opts.actions;
    if (a.inFlight) return; // asked again on the next cycle
    const out = await a.handle(
      [{ policy: 'healing', rule: rec.kind, knob: change.knob, value: change.value, mode: this.mode, because: `healing ${rec.id}: ${rec.summary}; ${rec.remedy}`, evidence: rec.evidence }],
      Date.now(),
      0,
    );
    for (const r of out) {
      rec.actions = [...rec.actions, r.id];
      this.opts.onAction?.(r);
    }
  }

  /** A record by id (`H3`). */
  find(id: string): HealingRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  /** Every record, newest first. */
  all(): HealingRecord[] {
    return [...this.records].reverse();
  }

  /** What `status` shows. */
  status(): HealingStatus {
    const all = this.all();
    return {
      mode: this.mode,
      open: this.open.size,
      records: [...all.filter((r) => r.status === 'open'), ...all.filter((r) => r.status !== 'open')].slice(0, 20),
      protectedUnits: this.protection.protectedUnits,
      parts: this.parts,
    };
  }

  /** Stop every timer. */
  close(): void {
    for (const t of this.timers) clearInterval(t);
  }
}
