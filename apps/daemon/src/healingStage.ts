import { defaultWhoChanged } from '@ainka/actuators';
import {
  BlobStore,
  LeakDetector,
  PressureResponder,
  Protection,
  ServiceHealer,
  SystemdWatcher,
  unitJournal,
  cgroupRoot,
  checkDrift,
  formatDuration,
  formatRate,
  leakRemedy,
  parseNofile,
  parseBaseline,
  readCgroup,
  readCgroupMemory,
  readPressureSample,
  recordBaseline,
  type Baseline,
  type BaselineKind,
  type BaselineSpec,
  type DriftItem,
  type HealingChange,
  type LeakFinding,
  type PressureFinding,
  type StepOutcome,
  type UnitEvent,
} from '@ainka/healing';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionStage } from './actionStage.js';
import type { ActionRecord, CapabilityStatus, Evidence, HealingRecord, HealingStatus } from './api.js';
import type { DaemonConfig } from './config.js';
import { describeError } from './errors.js';
import type { Logger } from './logger.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function readFileSyncOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The daemon's own cgroup v2 path (relative to the cgroup root), from `/proc/self/cgroup` under a root. */
function ownCgroup(root: string): string | undefined {
  const self = /^0::\/?(.*)$/m.exec(readFileSyncOr(join(root, 'proc/self/cgroup')))?.[1]?.trim();
  return self === undefined || self === '' ? undefined : self;
}

/** What a healing part reports each time it looks. */
export interface HealingReport {
  readonly kind: HealingRecord['kind'];
  readonly key: string;
  readonly summary: string;
  readonly remedy: string;
  readonly evidence: readonly Evidence[];
  /** The change to ask `@ainka/actuators` for, if any. */
  readonly change?: HealingChange | undefined;
  /** Restore exactly (a recorded value): no damped step. */
  readonly exact?: boolean;
  /** What the change acts on (a unit, else a cgroup): one healing part at a time owns a target. */
  readonly target?: string | undefined;
  /** Own the target as soon as it is named, not only once a change there was applied (acute pressure). */
  readonly claim?: boolean;
  /** Recompute the change just before it is asked for (a value that depends on the moment, like memory.high). */
  readonly refresh?: () => HealingChange;
  /** Told what became of the change (applied and read back, or why not). */
  readonly settle?: (o: StepOutcome & { readonly value: string }) => void;
}

/** The part that acted on a target last, and when: the other parts defer to it while it owns the target. */
interface TargetOwner {
  readonly kind: HealingRecord['kind'];
  readonly key: string;
  readonly id: string;
  readonly at: number;
}

/** What `baseline.show` returns. */
export interface BaselineView {
  readonly path: string;
  readonly recordedAt: number | null;
  readonly items: number;
  readonly enforce: readonly string[];
  readonly drift: readonly DriftItem[];
}

/** Options of {@link HealingStage}. */
export interface HealingStageOptions {
  readonly config: DaemonConfig;
  readonly actions: ActionStage;
  /** Where `baseline.json` and the content blobs live. */
  readonly stateDir: string;
  readonly log: Logger;
  /** Called with every action record healing produced (the daemon's counters and live view). */
  readonly onAction?: (r: ActionRecord) => void;
}

/**
 * Processes whose `stat`/`status` descriptors the leak sampler keeps open between samples (two each; about
 * half its procfs CPU): 512, or an eighth of this process's soft descriptor limit when that is lower (node
 * raises the soft limit to the hard one at start; a hard limit of 1,024 leaves room for everything else).
 */
function keptProcesses(): number {
  let soft: number | null = null;
  try {
    soft = parseNofile(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    // not Linux procfs: keep none
    return 0;
  }
  return soft === null ? 512 : Math.min(512, Math.floor(soft / 8));
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
  private baseline: Baseline | undefined;
  private readonly blobs: BlobStore;
  private lastDrift: DriftItem[] = [];
  private sampling = false;
  private watcher: SystemdWatcher | undefined;
  private healer: ServiceHealer | undefined;
  private readonly unitStates = new Map<string, string>();
  private pressure: PressureResponder | undefined;
  /** Where the pressure ladder reads cgroups (root and cgroup v2 mount under it). */
  private pressureFs: { readonly root: string; readonly mount: string } | undefined;
  private closed = false;
  /** Units whose process the pressure ladder killed: the service part does not restart them. */
  private readonly pressureKilled = new Set<string>();
  /** One owner per target (unit or cgroup): the part whose change was applied there. */
  private readonly owners = new Map<string, TargetOwner>();

  constructor(private readonly opts: HealingStageOptions) {
    // ainkad's own cgroup (and the service owning it, whatever it is called) is never acted on by any part.
    const self = ownCgroup(opts.config.telemetry.procRoot);
    this.protection = new Protection(opts.config.healing.protectedUnits, [], self !== undefined ? { cgroups: [self] } : {});
    this.blobs = new BlobStore(join(opts.stateDir, 'blobs'));
  }

  /** Path of the recorded baseline. */
  get baselinePath(): string {
    return join(this.opts.stateDir, 'baseline.json');
  }

  private get mode(): 'advise' | 'enforce' {
    return this.opts.config.healing.mode;
  }

  /** Start the parts the configuration enables. */
  start(): void {
    const h = this.opts.config.healing;
    const root = this.opts.config.telemetry.procRoot;
    if (h.leaks.enabled) {
      this.leaks = new LeakDetector({ root, windowMs: h.leaks.windowSeconds * 1000, minSpanMs: h.leaks.minSpanSeconds * 1000, horizonSeconds: h.leaks.horizonHours * 3600, keepOpenProcesses: keptProcesses() });
      this.every(h.leaks.intervalMs, () => this.leakCycle(root));
      this.parts.push({ id: 'healing:leaks', available: true });
    } else this.parts.push({ id: 'healing:leaks', available: false, reason: 'healing.leaks.enabled is false' });
    if (h.drift.enabled) {
      if (existsSync(this.baselinePath)) this.baseline = parseBaseline(readFileSync(this.baselinePath, 'utf8'), this.baselinePath);
      this.every(h.drift.sysctlIntervalMs ?? this.opts.config.telemetry.intervalMs, () => this.driftCycle(['sysctl']));
      this.every(h.drift.fullIntervalMs, () => this.driftCycle(['module', 'mount', 'file', 'unit']));
      this.parts.push(this.baseline !== undefined ? { id: 'healing:drift', available: true } : { id: 'healing:drift', available: false, reason: 'no baseline yet: record one with `ainka baseline record`' });
    } else this.parts.push({ id: 'healing:drift', available: false, reason: 'healing.drift.enabled is false' });
    if (h.pressure.enabled) this.startPressure(root);
    else this.parts.push({ id: 'healing:pressure', available: false, reason: 'healing.pressure.enabled is false' });
    if (h.services.enabled) void this.startServices();
    else this.parts.push({ id: 'healing:services', available: false, reason: 'healing.services.enabled is false' });
  }

  /** The pressure ladder, when cgroup v2 has the memory controller. */
  private startPressure(root: string): void {
    const p = this.opts.config.healing.pressure;
    const mount = cgroupRoot(root);
    if (!/\bmemory\b/.test(readFileSyncOr(join(root, mount, 'cgroup.controllers')))) {
      this.parts.push({ id: 'healing:pressure', available: false, reason: `no memory controller in cgroup v2 at /${mount} (cgroup v1 or hybrid layout): memory.high and cgroup.freeze do not exist` });
      return;
    }
    const self = ownCgroup(root);
    this.pressure = new PressureResponder(this.protection, {
      someAvg10Percent: p.someAvg10Percent,
      minAvailableFraction: p.minAvailablePercent / 100,
      sustainMs: p.sustainSeconds * 1000,
      stepMs: p.stepSeconds * 1000,
      allowKill: p.allowKill,
      prefer: p.prefer,
      avoid: p.avoid,
      ...(self !== undefined ? { exclude: [self] } : {}),
    });
    this.pressureFs = { root, mount };
    this.every(p.intervalMs, () => this.pressureCycle(root, mount));
    this.parts.push({ id: 'healing:pressure', available: true });
  }

  private pressureCycle(root: string, mount: string): Promise<void> {
    const f = (this.pressure as PressureResponder).evaluate(readPressureSample(root, mount, Date.now()));
    return this.observe('pressure', f === undefined ? [] : [this.pressureReport(f, root, mount)]);
  }

  private pressureReport(f: PressureFinding, root: string, mount: string): HealingReport {
    const responder = this.pressure as PressureResponder;
    const evidence: Evidence[] = f.signals.map((s) => ({ series: `pressure{cgroup="${f.cgroup}"}`, value: 1, condition: s }));
    const change = f.change;
    // Marked before the kill is asked for: the unit's failure may reach the service part before the answer does.
    if (change?.knob.startsWith('process:') === true && f.unit !== undefined) this.pressureKilled.add(f.unit);
    // The ladder owns its culprit from the moment it names it: pressure is acute, a leak is a forecast.
    if (change === undefined) return { kind: 'pressure', key: f.key, summary: f.summary, remedy: f.remedy, evidence, target: f.unit ?? f.cgroup, claim: true };
    return {
      kind: 'pressure',
      key: f.key,
      summary: f.summary,
      remedy: f.remedy,
      evidence,
      change,
      target: f.unit ?? f.cgroup,
      claim: true,
      // memory.high is 10 % under the usage *when it is written*: the culprit may grow while the action stage
      // is busy, and a target computed from an older sample is then refused as below the knob's floor.
      refresh: () => {
        if (f.step !== 'throttle') return change;
        const now = readCgroupMemory(root, mount, f.cgroup);
        return now === undefined ? change : { knob: change.knob, value: String(responder.throttleTarget(now.current)) };
      },
      settle: (o) => responder.settle(f.cgroup, f.step, o),
    };
  }

  /** Watch systemd over D-Bus (async: the bus may be slow or absent). */
  private async startServices(): Promise<void> {
    const s = this.opts.config.healing.services;
    this.healer = new ServiceHealer(this.protection, { minDelayMs: s.minDelaySeconds * 1000, maxDelayMs: s.maxDelaySeconds * 1000, healthyRunMs: s.healthyRunSeconds * 1000, crashLoopFailures: s.crashLoopFailures });
    try {
      this.watcher = await SystemdWatcher.open((e) => void this.onUnit(e).catch((err: unknown) => this.opts.log.warn({ err: describeError(err) }, `healing: ${describeError(err).message}`)));
      this.setPart({ id: 'healing:services', available: true });
    } catch (err) {
      // The bus may come up after ainkad, or answer slowly on a loaded machine: try again, quietly, every 30 s.
      this.setPart({ id: 'healing:services', available: false, reason: `${describeError(err).message} (retrying every 30 s)` });
      if (this.closed) return;
      const t = setTimeout(() => void this.startServices(), 30_000);
      t.unref();
      this.timers.push(t);
    }
  }

  private setPart(status: CapabilityStatus): void {
    const i = this.parts.findIndex((p) => p.id === status.id);
    if (i >= 0) this.parts[i] = status;
    else this.parts.push(status);
  }

  private async onUnit(e: UnitEvent): Promise<void> {
    const healer = this.healer as ServiceHealer;
    this.unitStates.set(e.unit, e.activeState);
    const d = healer.observe(e);
    const key = `unit:${e.unit}`;
    const evidence: Evidence[] = [{ series: `unit.failures{unit="${e.unit}"}`, value: healer.failures(e.unit).length, condition: `${e.activeState}${e.subState !== undefined ? `/${e.subState}` : ''}${e.result !== undefined ? ` (result ${e.result})` : ''}; times to failure ${healer.failures(e.unit).map((f) => (Number.isFinite(f) ? `${(f / 1000).toFixed(1)} s` : '?')).join(', ') || 'none'}` }];
    if (d.action === 'none') {
      if (e.activeState === 'active') this.resolve(key);
      return;
    }
    if (this.pressureKilled.has(e.unit) && e.activeState === 'failed') {
      await this.event({ kind: 'service', key, summary: `${e.unit} failed after the pressure ladder killed its largest process`, remedy: 'not restarted: it would bring the memory pressure back; start it by hand when there is room', evidence });
      return;
    }
    if (d.action === 'respect') {
      await this.event({ kind: 'service', key, summary: d.reason, remedy: 'left alone: the administrator decided', evidence });
      return;
    }
    if (d.action === 'give-up') {
      const lines = await unitJournal(e.unit);
      const journal: Evidence[] = lines.map((l) => ({ series: `journal{unit="${e.unit}"}`, value: l.priority, condition: `${new Date(l.at).toISOString()} ${l.message}` }));
      await this.event({ kind: 'service', key, summary: d.reason, remedy: 'not restarted: restarting a crash loop does not help; the journal lines below say why it fails', evidence: [...evidence, ...journal] });
      return;
    }
    await this.event({ kind: 'service', key, summary: d.reason, remedy: `restart ${e.unit} in ${(d.delayMs / 1000).toFixed(1)} s (delay learned from its own time to failure)`, evidence });
    const t = setTimeout(() => {
      if (this.unitStates.get(e.unit) !== 'failed') return; // someone else started it meanwhile
      if (this.pressureKilled.has(e.unit)) return; // the pressure ladder killed it since
      void this.event({ kind: 'service', key, summary: d.reason, remedy: `restart ${e.unit} now (after ${(d.delayMs / 1000).toFixed(1)} s)`, evidence, change: { knob: `systemd:${e.unit}:restart`, value: 'restart' }, target: e.unit });
    }, d.delayMs);
    t.unref();
    this.timers.push(t);
  }

  /** Open or refresh one record from an event (parts that report changes, not snapshots). */
  async event(r: HealingReport): Promise<void> {
    const now = Date.now();
    let rec = this.open.get(r.key);
    if (rec === undefined) {
      rec = { id: `H${this.nextId++}`, kind: r.kind, key: r.key, status: 'open', summary: r.summary, remedy: r.remedy, evidence: r.evidence, actions: [], at: now, lastAt: now };
      this.open.set(r.key, rec);
      this.records.push(rec);
      if (this.records.length > 500) this.records.splice(0, this.records.length - 500);
    } else Object.assign(rec, { summary: r.summary, remedy: r.remedy, evidence: r.evidence, lastAt: now });
    this.opts.log.warn({ event: 'healing', healing: { id: rec.id, kind: r.kind, key: r.key, change: r.change } }, `healing ${rec.id} (${r.kind}): ${r.summary}; remedy: ${r.remedy}`);
    if (r.change !== undefined) await this.ask(rec, r);
  }

  /** Resolve the open record of a key. */
  resolve(key: string): void {
    const rec = this.open.get(key);
    if (rec === undefined) return;
    rec.status = 'resolved';
    rec.lastAt = Date.now();
    this.open.delete(key);
    this.opts.log.info({ event: 'healing', healing: { id: rec.id, kind: rec.kind, key, status: 'resolved' } }, `healing ${rec.id} (${rec.kind}) resolved: ${rec.summary}`);
  }

  /** Record the machine as the declared baseline (`ainka baseline record`), replacing the previous one. */
  recordBaseline(spec: BaselineSpec): BaselineView {
    const b = recordBaseline(this.opts.config.telemetry.procRoot, spec, this.blobs);
    writeFileSync(`${this.baselinePath}.tmp`, `${JSON.stringify(b, null, 1)}\n`, { mode: 0o640 });
    renameSync(`${this.baselinePath}.tmp`, this.baselinePath);
    this.baseline = b;
    const i = this.parts.findIndex((p) => p.id === 'healing:drift');
    if (i >= 0) this.parts[i] = { id: 'healing:drift', available: true };
    this.opts.log.info({ event: 'baseline', items: b.items.length, enforce: spec.enforce ?? [] }, `baseline recorded: ${b.items.length} items (${(spec.enforce ?? []).length} enforced) in ${this.baselinePath}`);
    return this.baselineView();
  }

  /** The baseline and the drift found now (`ainka baseline diff`). */
  baselineView(): BaselineView {
    const b = this.baseline;
    const drift = b === undefined ? [] : checkDrift(this.opts.config.telemetry.procRoot, b, { blobs: this.blobs, who: this.who });
    return { path: this.baselinePath, recordedAt: b?.recordedAt ?? null, items: b?.items.length ?? 0, enforce: b?.items.filter((i) => i.enforce).map((i) => i.id) ?? [], drift };
  }

  private readonly who = (root: string, item: { id: string; kind: BaselineKind; observed: string }): string | undefined =>
    item.kind === 'sysctl' ? defaultWhoChanged(root, item.id, item.observed) : undefined;

  private driftCycle(kinds: BaselineKind[]): Promise<void> {
    const b = this.baseline;
    if (b === undefined) return Promise.resolve();
    const drift = checkDrift(this.opts.config.telemetry.procRoot, b, { kinds, blobs: this.blobs, who: this.who });
    this.lastDrift = [...this.lastDrift.filter((d) => !kinds.includes(d.kind)), ...drift];
    return this.observe('drift', this.lastDrift.map((d) => this.driftReport(d)));
  }

  private driftReport(d: DriftItem): HealingReport {
    const name = d.id.slice(d.kind.length + 1);
    const what = d.kind === 'file' ? `file ${name} changed (${d.expected.slice(0, 19)}… → ${d.observed === 'absent' ? 'deleted' : `${d.observed.slice(0, 19)}…`})` : `${d.kind} ${name}: ${d.expected} → ${d.observed}`;
    const summary = `drift from the baseline: ${what}${d.who !== undefined ? `; by ${d.who}` : ''}`;
    const evidence: Evidence[] = [{ series: d.id, value: 1, condition: `baseline ${d.expected}, now ${d.observed}${d.diff !== undefined ? `\n${d.diff}` : ''}` }];
    let change: HealingChange | undefined;
    let remedy: string;
    if (!d.enforce) remedy = 'shown only: the baseline does not mark this item enforce';
    else if (d.kind === 'sysctl') {
      change = { knob: d.id, value: d.expected };
      remedy = `restore ${name} to ${d.expected} (enforce item)`;
    } else if (d.kind === 'file') {
      change = { knob: `file:${name.replace(/^\/+/, '')}:content`, value: d.expected };
      remedy = `restore ${name} from the recorded content (enforce item; the replaced bytes are kept for rollback)`;
    } else remedy = `restore by hand: AINKA does not change ${d.kind}s`;
    return { kind: 'drift', key: d.id, summary, remedy, evidence, change, exact: true };
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

  private async leakCycle(root: string): Promise<void> {
    const d = this.leaks as LeakDetector;
    if (this.sampling) return;
    this.sampling = true;
    try {
      await d.sampleAsync(Date.now());
    } finally {
      this.sampling = false;
    }
    const mount = cgroupRoot(root);
    const reports = d.evaluate().map((f) => this.leakReport(f, root, mount));
    return this.observe('leak', reports);
  }

  private leakReport(f: LeakFinding, root: string, mount: string): HealingReport {
    const s = f.subject;
    const series = s.kind === 'process' ? `process.${f.resource}{pid="${s.pid}",comm="${s.comm}"}` : `cgroup.${f.resource}{cgroup="${s.cgroup}"}`;
    const remedy = leakRemedy(f, this.protection, readCgroup(root, mount, s.cgroup).memoryCurrent, this.opts.config.healing.pressure.avoid);
    const evidence: Evidence[] = [
      { series, value: f.current, condition: `grows ${formatRate(f.resource, f.growth.ratePerSecond)} (Theil–Sen on ${f.growth.floors.length} floors over ${formatDuration(f.growth.spanSeconds)}, tau ${f.growth.tau.toFixed(2)}, conservative ${formatRate(f.resource, f.growth.lowerRatePerSecond)})` },
      { series: `limit{${f.limitName}}`, value: f.headroom, condition: `left before the limit; reached in ~${formatDuration(f.etaSeconds)}` },
    ];
    return { kind: 'leak', key: f.key, summary: f.summary, remedy: remedy.note, evidence, change: remedy.change, target: s.unit ?? s.cgroup };
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
        Object.assign(rec, { summary: r.summary, evidence: r.evidence, lastAt: now }, rec.remedy.startsWith('rolled back') ? {} : { remedy: r.remedy });
      }
      if (r.claim === true && r.target !== undefined && this.ownerOf(r.target, kind, now) === undefined) this.owners.set(r.target, { kind, key: r.key, id: rec.id, at: now });
      if (r.change !== undefined) await this.ask(rec, r);
    }
    for (const [key, rec] of this.open) {
      if (rec.kind !== kind || seen.has(key)) continue;
      rec.status = 'resolved';
      rec.lastAt = now;
      this.open.delete(key);
      this.opts.log.info({ event: 'healing', healing: { id: rec.id, kind, key, status: 'resolved' } }, `healing ${rec.id} (${kind}) resolved: ${rec.summary}`);
    }
  }

  /**
   * The part that owns a target now, if another part than `kind`: a pressure ladder owns its culprit while
   * its record is open and, after that, while a step it took there is still in force (a restart by the leak
   * part would silently undo a throttle or a freeze the ladder is relying on); any part owns a target for a
   * while after its change there was applied (a restart needs time to take effect). The other parts defer
   * to it, so one target never gets two responses.
   */
  private ownerOf(target: string | undefined, kind: HealingRecord['kind'], now: number): TargetOwner | undefined {
    if (target === undefined) return undefined;
    const o = this.owners.get(target);
    if (o === undefined || o.kind === kind) return undefined;
    const holdMs = Math.max(30_000, 2 * this.opts.config.healing.pressure.stepSeconds * 1000);
    if ((o.kind === 'pressure' && (this.open.has(o.key) || this.ladderHolds(o.key) !== undefined)) || now - o.at < holdMs) return o;
    this.owners.delete(target);
    return undefined;
  }

  /** The ladder step still in force on the cgroup of a pressure record's key (`pressure:<cgroup>`), if any. */
  private ladderHolds(key: string): string | undefined {
    const fs = this.pressureFs;
    if (this.pressure === undefined || fs === undefined || !key.startsWith('pressure:')) return undefined;
    const c = readCgroupMemory(fs.root, fs.mount, key.slice('pressure:'.length));
    return c === undefined ? undefined : this.pressure.holding(c);
  }

  private async ask(rec: Mutable<HealingRecord>, r: HealingReport): Promise<void> {
    const a = this.opts.actions;
    const outcome = (applied: boolean, reason: string, value: string): void => {
      if (!applied) this.opts.log.info({ event: 'healing', healing: { id: rec.id, kind: rec.kind, key: rec.key, notApplied: reason } }, `healing ${rec.id} (${rec.kind}): ${r.change?.knob} not applied: ${reason}`);
      r.settle?.({ applied, reason, value });
    };
    // Another plan is being applied: wait for it (bounded) rather than drop a one-shot step of a ladder.
    for (let waited = 0; a.inFlight && waited < 10_000; waited += 50) await new Promise((res) => setTimeout(res, 50));
    const change = r.refresh?.() ?? (r.change as HealingChange);
    if (a.inFlight) return outcome(false, 'not asked: another plan was still being applied after 10 s', change.value);
    // One response per target: a part defers to the part that already acts there, and says so.
    const owner = this.ownerOf(r.target, rec.kind, Date.now());
    if (owner !== undefined) {
      const held = owner.kind === 'pressure' && !this.open.has(owner.key) ? this.ladderHolds(owner.key) : undefined;
      const why = `deferred: the ${owner.kind} part (${owner.id}) owns ${r.target} (since ${((Date.now() - owner.at) / 1000).toFixed(0)} s ago${held !== undefined ? `; its ${held} step is still in force` : ''}); one response per target`;
      rec.remedy = `${why} (was: ${r.remedy})`;
      return outcome(false, why, change.value);
    }
    // A remedy someone rolled back is not asked for again for that subject: the rollback is their answer.
    const history = a.manager.history();
    const undone = this.records.filter((x) => x.key === rec.key).flatMap((x) => x.actions).some((id) => {
      const changeId = a.find(id)?.changeId;
      return changeId !== null && changeId !== undefined && history.find((c) => c.id === changeId)?.status === 'rolled-back';
    });
    if (undone) {
      if (!rec.remedy.startsWith('rolled back')) rec.remedy = `rolled back by request: not asked for again (was: ${rec.remedy})`;
      return outcome(false, 'rolled back by request earlier: not asked for again', change.value);
    }
    const out = await a.handle(
      [{ policy: 'healing', rule: rec.kind, knob: change.knob, value: change.value, mode: this.mode, because: `healing ${rec.id}: ${rec.summary}; ${rec.remedy}`, evidence: rec.evidence, ...(r.exact === true ? { exact: true } : {}) }],
      Date.now(),
      0,
    );
    for (const x of out) {
      rec.actions = [...rec.actions, x.id];
      this.opts.onAction?.(x);
    }
    const applied = out.find((x) => x.status === 'applied');
    if (applied !== undefined && r.target !== undefined) this.owners.set(r.target, { kind: rec.kind, key: rec.key, id: rec.id, at: Date.now() });
    const first = out[0];
    if (first !== undefined) return outcome(applied !== undefined, `${first.id} ${first.status}: ${first.line}`, applied?.value ?? change.value);
    const earlier = rec.actions.map((id) => a.find(id)).filter((x) => x?.knob === change.knob).at(-1);
    outcome(false, `not asked again within the action cool-down${earlier !== undefined ? `; last answer: ${earlier.id} ${earlier.status}: ${earlier.line}` : ''}`, change.value);
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
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.watcher?.close();
    this.leaks?.close();
  }
}
