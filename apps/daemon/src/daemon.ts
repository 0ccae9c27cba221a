import { MetricsCollector, SeriesWindows, createDefaultSources, seriesKey, type MetricSource, type SampleBatch } from '@ainka/telemetry';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Subscription } from 'rxjs';
import { ActionStage } from './actionStage.js';
import { AlertStage } from './alertStage.js';
import { createAnomalyBank, toAnomalyRecord } from './anomalyStage.js';
import type { ActionRecord, AnomalyRecord, CapabilityStatus, EbpfObjectStatus, ForecastResult, LayerStatus, SnapshotResult, StatusResult } from './api.js';
import { probeOptionalPaths, type EbpfStatsByConcern, type OptionalPaths } from './capabilities.js';
import { WatchedPolicies } from './watchedPolicies.js';
import type { DaemonConfig } from './config.js';
import { describeError } from './errors.js';
import { forecastSeries } from './forecastStage.js';
import { GuardStage } from './guardStage.js';
import { HealingStage } from './healingStage.js';
import { headlineSeries, sumOf, summedMetrics } from './headline.js';
import { DaemonHistory } from './history.js';
import { ImmediateStage } from './immediateStage.js';
import { createDecisionLatencyMetric, LatencyHistogram } from './latency.js';
import type { Logger } from './logger.js';
import { defaultPaths } from './paths.js';
import { knownMetrics, PolicyStage } from './policyStage.js';
import { OptimizerStage } from './optimizerStage.js';
import { resolveMetric } from '@ainka/policy';
import type { AnomalyBank } from '@ainka/ml';
import { ReplaySource } from './replay.js';
import type { LatestSample } from './ruleContext.js';
import { version } from './version.js';

/** Events the live view and tests listen to. */
export interface DaemonEvents {
  onAnomaly?(a: AnomalyRecord): void;
  onAction?(a: ActionRecord): void;
  onTick?(batch: SampleBatch, fastMs: number): void;
  onDeep?(ms: number): void;
}

const wallNow = (): number => performance.timeOrigin + performance.now();

/** Longest stretch (ms) the fast layer runs before it lets the event loop serve I/O (API requests). */
const TICK_SLICE_MS = 5;

/** Resolves after the event loop has served pending I/O (a macrotask turn). */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The daemon's own cgroup (v2), so selectors never pick it. */
function selfCgroup(): { selfCgroup?: string } {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'));
    return line === undefined ? {} : { selfCgroup: line.slice(3) };
  } catch {
    return {};
  }
}

/**
 * `ainkad`'s composition: telemetry (collectors or a replay) → per-series anomaly detection and windows
 * → policy rules (fast layer, every tick) → actions (advice or journaled changes); a deep layer refits
 * forecasts and capacity estimates; the immediate layer is the kernel module's policy cache when loaded.
 */
export class Daemon {
  readonly config: DaemonConfig;
  readonly stateDir: string;
  readonly socketPath: string;
  readonly log: Logger;
  readonly windows: SeriesWindows;
  readonly anomalies: AnomalyBank;
  readonly policy: PolicyStage;
  /** Trials of changes whose rules name an objective (enforce mode). */
  readonly optimizer: OptimizerStage;
  /** `ainka_decision_latency_seconds{layer}` (prom-client), fed by every layer's {@link LatencyHistogram}. */
  readonly decisionLatency = createDecisionLatencyMetric();
  readonly fast: LatencyHistogram;
  readonly deep: LatencyHistogram;
  readonly startedAt = Date.now();
  private readonly events: DaemonEvents;
  private readonly latest = new Map<string, LatestSample>();
  private readonly byName = new Map<string, LatestSample[]>();
  private collector!: MetricsCollector;
  private replay: ReplaySource | undefined;
  private history: DaemonHistory | undefined;
  actions!: ActionStage;
  alerts!: AlertStage;
  /** Self-healing (leaks, drift, services, pressure), when `healing.enabled`. */
  healing: HealingStage | undefined;
  private optional!: OptionalPaths;
  /** The host security monitor (guard/guardStage.ts). */
  guard: GuardStage | undefined;
  /** Policy files in `policy.watchDirs` (operator ConfigMaps, fleet policies), validated before use. */
  watched: WatchedPolicies | undefined;
  /** The immediate layer (the kernel policy cache), when the module is loaded and could be opened. */
  immediate: ImmediateStage | undefined;
  private immediateProblem: string | undefined;
  private sub: Subscription | undefined;
  private timers: NodeJS.Timeout[] = [];
  private forecasts = new Map<string, ForecastResult>();
  private readonly forecastFitAt = new Map<string, number>();
  private ticks = 0;
  /** Times the fast layer yielded to the event loop in the middle of a tick (since start). */
  tickSlices = 0;
  private lastSampleCount = 0;
  /** (tick time, samples) of recent ticks, for the series/s rate. */
  private readonly recentTicks: { t: number; n: number }[] = [];
  private stopping = false;
  /** Counters exported on /metrics. */
  readonly counters = { anomalies: 0, actions: new Map<string, number>(), fastOverBudget: 0, deepOverBudget: 0, tickErrors: 0, kernelDecisions: new Map<string, number>(), ruleDecisions: new Map<string, number>() };

  constructor(config: DaemonConfig, log: Logger, events: DaemonEvents = {}) {
    this.config = config;
    this.log = log;
    this.events = events;
    const paths = defaultPaths();
    this.stateDir = resolve(config.stateDir ?? paths.stateDir);
    this.socketPath = resolve(config.api.socket ?? paths.socket);
    this.windows = new SeriesWindows(config.ml.windowPoints);
    this.anomalies = createAnomalyBank(config.ml.anomaly);
    this.policy = new PolicyStage({
      metrics: knownMetrics(),
      protection: { selfPid: process.pid, protect: config.policy.protect, ...selfCgroup() },
      readKnob: (knob) => this.actions.read(knob),
    });
    this.optimizer = new OptimizerStage({
      actions: () => this.actions,
      runtime: this.policy.runtime,
      log,
      cooldownAfterRollbackMs: config.actions.trialCooldownMinutes * 60_000,
      onRecord: (r) => this.recordAction(r),
    });
    this.fast = new LatencyHistogram(config.layers.fastBudgetMs, 1024, this.decisionLatency.labels({ layer: 'fast' }));
    this.deep = new LatencyHistogram(config.layers.deepBudgetMs, 256, this.decisionLatency.labels({ layer: 'deep' }));
    // Both layers are exposed from the start (count 0), not only after their first observation.
    this.decisionLatency.zero({ layer: 'fast' });
    this.decisionLatency.zero({ layer: 'deep' });
  }

  /** Where applied policies are kept. */
  get policyDir(): string {
    return join(this.stateDir, 'policies');
  }

  /** Start everything; resolves once the first tick is scheduled. */
  async start(): Promise<void> {
    const c = this.config;
    mkdirSync(this.stateDir, { recursive: true, mode: 0o750 });
    mkdirSync(this.policyDir, { recursive: true, mode: 0o750 });
    this.loadPolicies();
    if (c.policy.watchDirs.length > 0) {
      this.watched = new WatchedPolicies(c.policy.watchDirs, this.policy, this.log);
      this.watched.scan();
    }

    this.optional = await probeOptionalPaths(c.kernel.module, c.telemetry.ebpf, {
      ...(c.telemetry.ebpfObjects !== null ? { ebpfObjects: c.telemetry.ebpfObjects } : {}),
      ebpfRingBytes: c.telemetry.ebpfRingKiB * 1024,
      onEbpfStreamError: (stream, err) => this.log.warn({ event: 'ebpf-stream-failed', stream, err: describeError(err) }, `eBPF ${stream} stopped: ${describeError(err).message}; the other eBPF streams and procfs telemetry go on`),
    });
    for (const cap of [this.optional.kernel, this.optional.ebpf]) {
      if (!cap.available) this.log.warn({ capability: cap.id, reason: cap.reason }, `${cap.id} unavailable: ${cap.reason ?? 'unknown reason'}; continuing with procfs telemetry`);
    }

    let sources: MetricSource[];
    if (c.telemetry.replay !== null) {
      this.replay = new ReplaySource(c.telemetry.replay, c.telemetry.replayLoop, c.telemetry.replayTime === 'recorded');
      sources = [this.replay];
      this.log.info({ replay: c.telemetry.replay, ticks: this.replay.length }, `replaying ${this.replay.length} recorded ticks from ${c.telemetry.replay}`);
    } else {
      sources = createDefaultSources({
        root: c.telemetry.procRoot,
        processes: c.telemetry.processes.enabled ? { topN: c.telemetry.processes.topN, minIntervalMs: c.telemetry.processes.intervalMs } : false,
        cgroups: c.telemetry.cgroups.enabled ? { maxDepth: c.telemetry.cgroups.maxDepth, maxCgroups: c.telemetry.cgroups.maxCgroups } : false,
      });
      sources.push(...this.optional.sources);
    }
    const replay = this.replay;
    // The fast layer consumes each batch in slices; the collector awaits it and yields between its sources,
    // so no tick holds the event loop (and the API socket) for its whole length.
    this.collector = new MetricsCollector({
      sources,
      intervalMs: c.telemetry.intervalMs,
      consumer: (b) => this.onBatch(b),
      yieldBetweenSources: true,
      ...(replay !== undefined ? { now: () => replay.now() } : {}),
    });

    if (c.history.enabled) {
      this.history = new DaemonHistory({
        path: join(this.stateDir, 'history.db'),
        retentionMs: c.history.retentionHours * 3600_000,
        maxBytes: c.history.maxMegabytes * 1024 * 1024,
        flushIntervalMs: c.history.flushIntervalMs,
      });
    }

    const applyDelay = Number(process.env.AINKA_TEST_APPLY_DELAY_MS ?? 0);
    this.actions = await ActionStage.open({
      stateDir: this.stateDir,
      root: c.root,
      mode: c.mode,
      rollbackOnExit: c.actions.rollbackOnExit,
      recovery: c.actions.recovery,
      maxPerMinute: c.actions.maxPerMinute,
      cooldownMs: c.actions.cooldownSeconds * 1000,
      log: (line) => this.log.info({ event: 'change' }, line),
      ...(applyDelay > 0 ? { applyDelayMs: applyDelay } : {}),
    });
    const rec = this.actions.manager.recovery;
    if (rec.reverted.length + rec.completed.length + rec.rolledBackSessions.length > 0) {
      this.log.warn({ recovery: rec }, `recovered from the journal: reverted batches [${rec.reverted.join(', ')}], completed [${rec.completed.join(', ')}], rolled back sessions [${rec.rolledBackSessions.join(', ')}]`);
    }

    if (this.optional.kernel.available) await this.openImmediate();
    if (c.healing.enabled && c.telemetry.replay === null) {
      this.healing = new HealingStage({ config: c, actions: this.actions, stateDir: this.stateDir, log: this.log, onAction: (r) => this.events.onAction?.(r) });
      this.healing.start();
    }

    this.alerts = new AlertStage({
      logs: c.logs.enabled && c.telemetry.replay === null,
      journal: c.logs.journal,
      root: c.telemetry.procRoot,
      sink: {
        name: 'log',
        send: (n) => {
          for (const a of n.alerts) this.log.info({ event: 'alert', alert: { fingerprint: a.fingerprint, name: a.name, severity: a.severity, status: a.status, labels: a.labels, occurrences: a.occurrences } }, `alert ${a.status} ${a.severity} ${a.name}: ${a.summary}`);
        },
      },
    });
    this.alerts.start(
      (d) => this.log.warn({ event: 'kernel-log', kind: d.kind, details: d.details }, `kernel log: ${d.summary}`),
      (err) => this.log.warn({ event: 'kernel-log-failed', err: describeError(err) }, `kernel log analysis stopped: ${describeError(err).message}`),
    );
    this.guard = GuardStage.start({ config: c, stateDir: this.stateDir, log: this.log, alerts: this.alerts.manager, changes: this.actions.manager, ebpfAvailable: this.optional.ebpf.available });

    this.sub = this.collector.batches$.subscribe({
      error: (err: unknown) => this.log.error({ err: describeError(err) }, 'telemetry stream failed'),
    });
    this.collector.start();
    this.timers.push(setInterval(() => this.deepCycle(), c.layers.deepIntervalMs));
    this.timers.push(setInterval(() => void this.checkAdmin(), c.actions.adminCheckIntervalMs));
    if (this.watched !== undefined) {
      const w = this.watched;
      this.timers.push(setInterval(() => {
        if (w.scan().changed.length > 0) void this.immediate?.push(this.policy.runtime.loaded());
      }, c.policy.watchIntervalMs));
    }
    for (const t of this.timers) t.unref();
    setTimeout(() => {
      for (const s of this.collector.status()) if (!s.available) this.log.warn({ source: s.id, code: s.code }, `collector ${s.id} unavailable: ${s.reason ?? ''}`);
    }, Math.min(2500, c.telemetry.intervalMs * 2 + 50)).unref();
    this.log.info(
      { mode: c.mode, stateDir: this.stateDir, socket: this.socketPath, root: c.root, uid: process.getuid?.() },
      `ainkad ${version} started in ${c.mode} mode (${c.mode === 'advise' ? 'proposes changes, writes nothing' : 'applies the actions of enforce-mode policies'})`,
    );
  }

  /** The immediate layer: open the module, push the kernel-compilable policies, record its events. */
  private async openImmediate(): Promise<void> {
    try {
      this.immediate = await ImmediateStage.open({
        mode: this.config.mode,
        log: this.log,
        budgetMs: this.config.layers.immediateBudgetMs,
        latencySink: this.decisionLatency.labels({ layer: 'immediate' }),
        onDecision: (d) => {
          const r = this.actions?.note(d);
          if (r === undefined) return;
          this.counters.kernelDecisions.set(r.status, (this.counters.kernelDecisions.get(r.status) ?? 0) + 1);
          this.events.onAction?.(r);
        },
      });
      await this.immediate.push(this.policy.runtime.loaded());
      await this.immediate.poll();
    } catch (err) {
      this.immediateProblem = `the ainka module is loaded but could not be opened: ${describeError(err).message}`;
      this.log.warn({ capability: 'kernel-module', reason: this.immediateProblem }, `immediate layer off: ${this.immediateProblem}`);
    }
  }

  private loadPolicies(): void {
    if (this.config.policy.builtin !== undefined) this.log.warn({ key: 'policy.builtin' }, 'policy.builtin is ignored: the built-in rules are now policies of the server pack (policy.packs)');
    for (const pack of this.config.policy.packs) {
      try {
        this.policy.loadPack(pack);
      } catch (err) {
        this.log.error({ pack, err: describeError(err) }, `policy pack ${pack} not loaded: ${describeError(err).message}`);
      }
    }
    const files = [...this.config.policy.files];
    try {
      for (const f of readdirSync(this.policyDir).sort()) if (/\.(ya?ml|json)$/.test(f)) files.push(join(this.policyDir, f));
    } catch {
      // no applied policies yet
    }
    for (const f of files) {
      try {
        this.policy.load(readFileSync(f, 'utf8'), f);
      } catch (err) {
        this.log.error({ file: f, err: describeError(err) }, `policy ${f} not loaded: ${describeError(err).message}`);
      }
    }
  }

  /** Validate, store under `<stateDir>/policies/<name>.yaml` and load a policy document. */
  applyPolicy(text: string, source: string): ReturnType<PolicyStage['load']> {
    const loaded = this.policy.load(text, source);
    for (const p of loaded) {
      writeFileSync(join(this.policyDir, `${p.name}.yaml`), text, { mode: 0o640 });
      this.log.info({ policy: p.name, mode: p.mode, source }, `policy ${p.name} applied (${p.mode} mode, ${p.rules.length} rules)`);
    }
    void this.immediate?.push(this.policy.runtime.loaded());
    return loaded;
  }

  /**
   * The fast layer: runs on every tick, from samples to decisions. It yields to the event loop whenever it
   * has run for {@link TICK_SLICE_MS} (the API socket, eBPF ring drains and timers get their turn in the
   * middle of a large tick); the collector awaits it, so the next tick never overlaps it.
   */
  private async onBatch(batch: SampleBatch): Promise<void> {
    if (this.stopping) return;
    let sliceStart = performance.now();
    /** True when the tick should go on (it yielded if its slice was used up); false once the daemon stops. */
    const slice = async (): Promise<boolean> => {
      if (performance.now() - sliceStart < TICK_SLICE_MS) return true;
      await yieldToLoop();
      this.tickSlices++;
      sliceStart = performance.now();
      return !this.stopping;
    };
    try {
      this.ticks++;
      this.lastSampleCount = batch.samples.length;
      this.recentTicks.push({ t: batch.timestamp, n: batch.samples.length });
      while (this.recentTicks.length > 0 && batch.timestamp - (this.recentTicks[0] as { t: number }).t > 10_000) this.recentTicks.shift();
      const t = batch.timestamp;
      const byName = this.byName;
      const detect = this.config.ml.anomaly.enabled;
      const samples = batch.samples;
      for (let i = 0; i < samples.length; i++) {
        if ((i & 63) === 63 && !(await slice())) return;
        const s = samples[i] as (typeof samples)[number];
        const key = seriesKey(s);
        let l = this.latest.get(key);
        if (l === undefined) {
          // A new series: one record for its lifetime, updated in place on every tick.
          l = { name: s.name, labels: s.labels, unit: s.unit, value: s.value, t };
          this.latest.set(key, l);
          let list = byName.get(s.name);
          if (list === undefined) byName.set(s.name, (list = []));
          list.push(l);
        } else {
          l.value = s.value;
          l.t = t;
        }
        this.windows.push(key, t, s.value);
        if (detect) {
          const incident = this.anomalies.update(key, s.name, t, s.value);
          if (incident !== undefined) {
            const opened = toAnomalyRecord(incident);
            this.counters.anomalies++;
            this.log.info({ event: 'anomaly', anomaly: opened }, `anomaly ${opened.id} on ${opened.series}: ${opened.reason}`);
            // One alert per host-level group: later members refresh the group's first alert.
            const leader = opened.group === opened.id ? undefined : this.anomalies.find(opened.group);
            if (leader === undefined) this.alerts.anomaly(opened, this.windows.points(key).slice(-10));
            else this.alerts.anomalyJoined(opened, toAnomalyRecord(leader), this.windows.points(key).slice(-10));
            this.events.onAnomaly?.(opened);
          }
        }
      }
      // Series of slower sources stay available to rules; series gone for 10 minutes are forgotten.
      if (this.ticks % 64 === 0) this.forgetStale(t - 600_000);
      for (const m of summedMetrics) {
        const v = sumOf(byName, m);
        if (v !== undefined) this.windows.push(`sum(${m})`, t, v);
      }
      this.history?.write(batch.samples);
      if (!(await slice())) return;
      const evaluated = this.policy.evaluate(byName, t, { anomalyScore: (k) => this.anomalies.score(k), forecast: (k, h) => this.forecastAt(k, h) });
      // In enforce mode, changes whose rules name an objective are trials (one at a time).
      const decisions = this.config.mode === 'enforce' ? this.optimizer.take(evaluated, t) : evaluated;
      this.optimizer.tick(t, (m) => resolveMetric({ series: (n) => byName.get(n) ?? [] }, m, t));
      const fastMs = Math.max(0, wallNow() - t);
      if (this.fast.observe(fastMs)) {
        this.counters.fastOverBudget++;
        this.log.warn({ layer: 'fast', ms: fastMs, budgetMs: this.fast.budgetMs }, `fast layer over budget: ${fastMs.toFixed(1)} ms from sample to decision`);
      }
      this.events.onTick?.(batch, fastMs);
      if (decisions.length > 0 && !this.actions.inFlight) {
        void this.actions.handle(decisions, t, fastMs).then(
          (records) => {
            for (const r of records) this.recordAction(r);
          },
          (err: unknown) => this.log.error({ err: describeError(err) }, `actions failed: ${describeError(err).message}`),
        );
      }
      if (this.replay?.ended === true && this.ticks % 50 === 0) this.log.info('replay finished; waiting (set telemetry.replayLoop to loop)');
    } catch (err) {
      this.counters.tickErrors++;
      this.log.error({ err: describeError(err) }, `tick failed: ${describeError(err).message}`);
    }
  }

  private recordAction(r: ActionRecord): void {
    this.counters.actions.set(r.status, (this.counters.actions.get(r.status) ?? 0) + 1);
    this.counters.ruleDecisions.set(`${r.policy}\0${r.rule}\0${r.status}`, (this.counters.ruleDecisions.get(`${r.policy}\0${r.rule}\0${r.status}`) ?? 0) + 1);
    this.log.info({ event: 'action', action: { id: r.id, policy: r.policy, rule: r.rule, knob: r.knob, value: r.value, before: r.before, status: r.status, mode: r.mode, evidence: r.evidence, changeId: r.changeId, at: r.at, latencyMs: r.latencyMs } }, r.line);
    this.events.onAction?.(r);
  }

  private forgetStale(before: number): void {
    // the per-series windows and detectors of series gone for as long (a process that exited, a removed cgroup)
    this.windows.forgetBefore(before);
    this.anomalies.forgetBefore(before);
    let removed = false;
    for (const [key, l] of this.latest) {
      if (l.t < before) {
        this.latest.delete(key);
        removed = true;
      }
    }
    if (!removed) return;
    for (const [name, list] of this.byName) {
      const kept = list.filter((l) => l.t >= before);
      if (kept.length === 0) this.byName.delete(name);
      else this.byName.set(name, kept);
    }
  }

  /** The deep layer: refit forecasts and capacity estimates of the headline series. */
  deepCycle(): number {
    const start = performance.now();
    const horizon = this.config.ml.forecastHorizonSeconds;
    for (const key of headlineSeries) {
      const pts = this.windows.points(key);
      if (pts.length < 10) continue;
      try {
        this.forecasts.set(key, forecastSeries(key, key.replace(/^sum\((.*)\)$/, '$1'), pts, horizon));
      } catch (err) {
        this.log.debug({ err: describeError(err), series: key }, 'forecast failed');
      }
    }
    const ms = performance.now() - start;
    if (this.deep.observe(ms)) {
      this.counters.deepOverBudget++;
      this.log.warn({ layer: 'deep', ms }, `deep layer over budget: ${ms.toFixed(0)} ms`);
    }
    this.events.onDeep?.(ms);
    return ms;
  }

  private async checkAdmin(): Promise<void> {
    try {
      await this.actions.manager.checkAdminWrites();
    } catch (err) {
      this.log.warn({ err: describeError(err) }, 'admin-write check failed');
    }
  }

  /** The deep layer's forecast of any series `horizonSeconds` ahead (for policy conditions); refitted at most every deep interval. */
  private forecastAt(key: string, horizonSeconds: number): number | undefined {
    let f = this.forecasts.get(key);
    const pts = this.windows.points(key);
    if ((f === undefined || (pts.at(-1)?.timestamp ?? 0) - (this.forecastFitAt.get(key) ?? 0) > this.config.layers.deepIntervalMs) && pts.length >= 10) {
      try {
        f = forecastSeries(key, key.replace(/\{.*$/, ''), pts, Math.max(horizonSeconds, this.config.ml.forecastHorizonSeconds));
        this.forecasts.set(key, f);
        this.forecastFitAt.set(key, pts.at(-1)?.timestamp ?? 0);
      } catch (err) {
        this.log.debug({ err: describeError(err), series: key }, 'forecast failed');
      }
    }
    if (f === undefined || f.points.length === 0) return undefined;
    const target = (this.windows.lastAt(key) ?? Date.now()) + horizonSeconds * 1000;
    return (f.points.find((p) => p.t >= target) ?? f.points[f.points.length - 1])?.value;
  }

  /** A forecast of one series or metric (on demand, from the in-memory window). */
  forecast(series: string): ForecastResult {
    const cached = this.forecasts.get(series);
    if (cached !== undefined) return cached;
    let key = series;
    if (this.windows.points(key).length === 0) {
      const first = this.byName.get(series)?.[0];
      if (first !== undefined) key = seriesKey(first);
    }
    const name = key.replace(/^sum\((.*)\)$/, '$1').replace(/\{.*$/, '');
    return forecastSeries(key, name, this.windows.points(key), this.config.ml.forecastHorizonSeconds);
  }

  /** History of a series or metric from the SQLite store. */
  historyOf(series: string, since: number): ReturnType<DaemonHistory['query']> {
    if (this.history === undefined) return { series: [] };
    return this.history.query(series, since);
  }

  /** History in `stepMs` buckets from the SQLite tiers (the dashboard's hour/day/month views). */
  historyBuckets(series: string, from: number, to: number, stepMs: number): ReturnType<DaemonHistory['buckets']> {
    if (this.history === undefined) return { stepMs, tiers: [], series: [] };
    return this.history.buckets(series, from, to, stepMs);
  }

  /** The three decision layers and their latency. */
  layers(): LayerStatus[] {
    const k = this.optional?.kernel;
    const im = this.immediate;
    return [
      im !== undefined
        ? { name: 'immediate', available: true, latency: im.summary(), rules: im.ruleCount }
        : { name: 'immediate', available: false, reason: this.immediateProblem ?? k?.reason ?? 'not probed yet', latency: null },
      { name: 'fast', available: true, latency: this.fast.summary() },
      { name: 'deep', available: true, latency: this.deep.summary() },
    ];
  }

  /** Capabilities: optional kernel paths and every collector. */
  capabilities(): CapabilityStatus[] {
    const out: CapabilityStatus[] = [];
    if (this.optional !== undefined) out.push(this.optional.kernel, this.optional.ebpf);
    if (this.alerts !== undefined) out.push(...this.alerts.status());
    if (this.guard !== undefined) out.push(this.guard.status);
    for (const s of this.collector?.status() ?? []) out.push(s.available ? { id: `collector:${s.id}`, available: true } : { id: `collector:${s.id}`, available: false, reason: s.reason ?? 'unknown' });
    return out;
  }

  /** The `status` API result. */
  status(metricsUrl: string | null): StatusResult {
    const now = Date.now();
    return {
      pid: process.pid,
      version,
      uptimeSeconds: Math.round((now - this.startedAt) / 1000),
      mode: this.config.mode,
      stateDir: this.stateDir,
      socket: this.socketPath,
      metricsUrl,
      source: this.replay === undefined ? 'live' : 'replay',
      ticks: this.ticks,
      series: this.windows.size,
      detectors: this.anomalies.detectorCount,
      seriesPerSecond: this.seriesRate(),
      rssBytes: process.memoryUsage.rss(),
      layers: this.layers(),
      capabilities: this.capabilities(),
      ebpf: this.ebpfObjects() ?? [],
      policies: this.policy.list().length,
      activeAnomalies: this.anomalies.active().length,
      pendingAdvice: this.actions?.advice(now).length ?? 0,
      managedKnobs: this.actions?.manager.managed().length ?? 0,
      recovery: this.actions?.manager.recovery ?? { reverted: [], completed: [], rolledBackSessions: [] },
      ...(this.healing !== undefined ? { healing: this.healing.status() } : {}),
      trial: this.optimizer.status(),
    };
  }

  /** Samples per second over the last 10 s of ticks (slow sources included). */
  private seriesRate(): number {
    const r = this.recentTicks;
    if (r.length === 0) return 0;
    const span = Math.max(this.config.telemetry.intervalMs, (r[r.length - 1] as { t: number }).t - (r[0] as { t: number }).t + this.config.telemetry.intervalMs);
    let n = 0;
    for (const x of r) n += x.n;
    return Math.round((n * 1000) / span);
  }

  /** Latest value of a headline series. */
  headlineValue(key: string): number | undefined {
    return this.windows.last(key);
  }

  /** Everything `ainka top` draws. */
  snapshot(metricsUrl: string | null): SnapshotResult {
    const headline: Record<string, number> = {};
    const trends: Record<string, number[]> = {};
    for (const k of headlineSeries) {
      const v = this.windows.last(k);
      if (v !== undefined) headline[k] = v;
      trends[k] = this.windows.values(k, 60);
    }
    const fresh = Date.now() - 3 * this.config.telemetry.processes.intervalMs;
    const procs = (this.byName.get('process.cpu_cores') ?? [])
      .filter((s) => s.t >= fresh)
      .map((s) => ({
        pid: s.labels?.pid ?? '?',
        comm: s.labels?.comm ?? '?',
        cores: s.value,
        rssBytes: this.latest.get(seriesKey({ name: 'process.rss_bytes', labels: s.labels }))?.value ?? 0,
      }))
      .sort((a, b) => b.cores - a.cores)
      .slice(0, 8);
    return {
      status: this.status(metricsUrl),
      headline,
      trends,
      anomalies: this.anomalies.active().slice(0, 20).map(toAnomalyRecord),
      advice: this.actions.advice(Date.now()).slice(0, 20),
      processes: procs,
    };
  }

  /**
   * Every eBPF object loaded since start with its counters (kernel drops, decode errors): telemetry's
   * objects, then the guard's. Undefined when eBPF does not run here (for `status`, /metrics, the dashboard).
   */
  ebpfObjects(): EbpfObjectStatus[] | undefined {
    const telemetry = this.optional?.ebpfStats;
    if (telemetry === undefined) return undefined;
    const out: EbpfObjectStatus[] = [];
    const add = (owner: EbpfObjectStatus['owner'], stats: EbpfStatsByConcern | undefined): void => {
      for (const [concern, s] of Object.entries(stats ?? {})) {
        if (s !== undefined) out.push({ concern, file: s.file, ringBuffer: s.ringBuffer, owner, loaded: s.loaded, records: s.records, kernelDrops: s.kernelDrops, decodeErrors: s.decodeErrors });
      }
    };
    add('telemetry', telemetry());
    add('guard', this.guard?.ebpfStats());
    return out;
  }

  /** Every collector's availability (for /metrics). */
  sourceStatus(): ReturnType<MetricsCollector['status']> {
    return this.collector?.status() ?? [];
  }

  /** Latest samples (for /metrics). */
  latestSamples(): ReadonlyMap<string, LatestSample> {
    return this.latest;
  }

  /** Stop: collectors, timers, journal session (rollback-on-exit when configured), history. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({ reason }, `stopping (${reason})`);
    for (const t of this.timers) clearInterval(t);
    this.healing?.close();
    this.sub?.unsubscribe();
    this.collector?.close();
    this.optional?.close();
    await this.immediate?.close();
    this.alerts?.close();
    this.guard?.stop();
    if (this.actions !== undefined) {
      try {
        await this.actions.close();
      } catch (err) {
        this.log.error({ err: describeError(err) }, `journal close failed: ${describeError(err).message}`);
      }
      this.log.info({ summary: this.actions.manager.summary() }, this.actions.manager.summary().split('\n').join('; '));
    }
    try {
      this.history?.close();
    } catch (err) {
      this.log.error({ err: describeError(err) }, 'history close failed');
    }
  }
}
