import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeManager } from '@ainka/actuators';
import { EbpfStreams } from '@ainka/ebpf';
import { BaselineStore, enforceCompliance, Guard, Responder, runCompliance, starterRules, type ComplianceReport, type GuardAlert, type RulesSource } from '@ainka/guard';
import type { AlertManager } from '@ainka/telemetry';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ApiMethod } from './api.js';
import type { ApiHandler } from './apiServer.js';
import type { CapabilityStatus } from './api.js';
import type { EbpfStatsByConcern } from './capabilities.js';
import type { DaemonConfig } from './config.js';
import { describeError } from './errors.js';
import type { Logger } from './logger.js';

/** One guard alert as the API returns it (bigints as strings, the process tree flattened). */
export interface GuardAlertRecord {
  readonly id: string;
  readonly rule: string;
  readonly severity: string;
  readonly summary: string;
  readonly at: number;
  readonly tree: string;
  readonly processes: readonly { readonly pid: number; readonly ppid: number; readonly uid: number; readonly name: string; readonly exe: string; readonly cmdline: string }[];
  readonly baseline?: string;
  readonly latencyMs?: number;
  readonly response?: { readonly action: string; readonly status: string; readonly line: string; readonly changeId?: number };
  readonly tags: readonly string[];
}

/** What the guard stage needs from the daemon. */
export interface GuardStageDeps {
  readonly config: DaemonConfig;
  readonly stateDir: string;
  readonly log: Logger;
  readonly alerts: AlertManager;
  readonly changes: ChangeManager;
  /** eBPF is usable here (probed by the daemon). */
  readonly ebpfAvailable: boolean;
}

/** The host security monitor inside ainkad: eBPF security events → rules → alerts (and advisory responses). */
export class GuardStage {
  readonly guard?: Guard;
  private statusNow: CapabilityStatus;
  private readonly streams?: EbpfStreams;
  private readonly deps: GuardStageDeps;
  private readonly baselines?: BaselineStore;
  private flushTimer?: NodeJS.Timeout;

  private constructor(deps: GuardStageDeps, guard: Guard | undefined, streams: EbpfStreams | undefined, baselines: BaselineStore | undefined, status: CapabilityStatus) {
    this.deps = deps;
    this.guard = guard;
    this.streams = streams;
    this.baselines = baselines;
    this.statusNow = status;
  }

  /** The guard's capability: available, or why not (disabled, no eBPF, or its security events failed). */
  get status(): CapabilityStatus {
    return this.statusNow;
  }

  /** Starts the guard when configured and eBPF works; otherwise reports why not. */
  static start(deps: GuardStageDeps): GuardStage {
    const g = deps.config.guard;
    const off = (reason: string): GuardStage => new GuardStage(deps, undefined, undefined, undefined, { id: 'guard', available: false, reason });
    if (g.enabled === 'off') return off('disabled by config (guard.enabled: off)');
    if (deps.config.telemetry.replay !== null) return off('replaying a recording: no live security events');
    if (!deps.ebpfAvailable) return off('eBPF is unavailable here (see the ebpf capability): no security events');
    const sources: RulesSource[] = [];
    if (g.starter) sources.push({ text: starterRules, file: 'starter.yaml' });
    for (const f of g.rules) sources.push({ text: readFileSync(f, 'utf8'), file: f });
    let baselines: BaselineStore | undefined;
    try {
      baselines = new BaselineStore({ path: join(deps.stateDir, 'baselines.db'), maxExecutables: g.baselineMaxExecutables });
      const responder = new Responder({ changes: deps.changes, allowEnforce: g.responses === 'enforce' });
      let stage: GuardStage | undefined;
      const onStreamError = (err: unknown): void => {
        const e = describeError(err);
        deps.log.error({ event: 'guard-stream-failed', err: e }, `guard stopped: its security events failed (${e.message}); ainkad goes on without detection rules`);
        if (stage !== undefined) stage.statusNow = { id: 'guard', available: false, reason: `security events failed: ${e.message}` };
      };
      const guard = new Guard({ rules: sources, baseline: baselines, respond: (a) => responder.respond(a), onStreamError });
      const bpfDir = deps.config.telemetry.ebpfObjects;
      const streams = new EbpfStreams({ drainIntervalMs: 50, pollIntervalMs: 1000, ringBytes: deps.config.telemetry.ebpfRingKiB * 1024, ...(bpfDir !== null ? { bpfDir } : {}) });
      stage = new GuardStage(deps, guard, streams, baselines, { id: 'guard', available: true });
      guard.alerts$.subscribe((a) => stage.onAlert(a));
      guard.start(streams);
      stage.flushTimer = setInterval(() => baselines?.flush(), 30_000);
      stage.flushTimer.unref();
      deps.log.info({ rules: guard.detector.rules.rules.length, watches: streams.host.securityWatches.length, responses: g.responses }, `guard started: ${guard.detector.rules.rules.length} detection rules, responses ${g.responses}`);
      return stage;
    } catch (err) {
      baselines?.close();
      deps.log.error({ err: describeError(err) }, `guard not started: ${describeError(err).message}`);
      return off(`failed to start: ${describeError(err).message}`);
    }
  }

  private onAlert(a: GuardAlert): void {
    this.deps.log.warn({ event: 'guard-alert', rule: a.rule, severity: a.severity, tree: a.tree, latencyMs: a.latencyMs, tags: a.tags }, `guard ${a.severity} ${a.rule}: ${a.summary} [${a.tree}]`);
    this.deps.alerts.raise({
      name: `guard_${a.rule.replace(/-/g, '_')}`,
      severity: a.severity,
      summary: a.summary,
      labels: { rule: a.rule, exe: a.event.proc.exe || a.event.proc.name },
      evidence: { note: `${a.tree}${a.baseline ? `; ${a.baseline.explanation}` : ''}` },
      timestamp: a.time,
    });
  }

  /** Recent alerts, newest first. */
  alerts(limit = 100): GuardAlertRecord[] {
    return [...(this.guard?.recent() ?? [])].reverse().slice(0, limit).map(toRecord);
  }

  /** Stops the guard and closes its baselines and eBPF object. */
  stop(): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.guard?.stop();
    this.streams?.host.closeAll();
    try {
      this.baselines?.close();
    } catch (err) {
      this.deps.log.error({ err: describeError(err) }, 'baseline close failed');
    }
  }

  /** Counters of the guard's eBPF object (`security`), once the guard has loaded it. */
  ebpfStats(): EbpfStatsByConcern | undefined {
    return this.streams?.host.stats();
  }

  /** API methods: `alerts`, `compliance`, `compliance.enforce`. */
  handlers(h: Map<ApiMethod, ApiHandler>): void {
    h.set('alerts', (p) => ({ guard: this.status, alerts: this.alerts(typeof p.limit === 'number' ? p.limit : 100), stats: this.guard?.stats() ?? null }));
    h.set('compliance', () => runCompliance({ root: this.deps.config.root }));
    h.set('compliance.enforce', async (p) => {
      const report: ComplianceReport = runCompliance({ root: this.deps.config.root });
      const ids = Array.isArray(p.ids) ? p.ids.filter((x): x is string => typeof x === 'string') : undefined;
      const r = await enforceCompliance(report, this.deps.changes, ids);
      for (const o of r.outcomes) this.deps.log.info({ event: 'compliance', outcome: o }, o.line);
      return { report, outcomes: r.outcomes };
    });
  }

  /** Guard series on /metrics. */
  registerMetrics(registry: Registry): void {
    const registers = [registry];
    const stats = (): ReturnType<Guard['stats']> | undefined => this.guard?.stats();
    new Counter({
      name: 'ainka_guard_events_total',
      help: 'Security events evaluated by the guard rules, by type.',
      labelNames: ['type'],
      registers,
      collect() {
        this.reset();
        for (const [type, n] of Object.entries(stats()?.events ?? {})) this.inc({ type }, n);
      },
    });
    new Counter({
      name: 'ainka_guard_alerts_total',
      help: 'Alerts raised by the guard, by rule.',
      labelNames: ['rule'],
      registers,
      collect() {
        this.reset();
        for (const [rule, n] of Object.entries(stats()?.alerts ?? {})) this.inc({ rule }, n);
      },
    });
    new Gauge({
      name: 'ainka_guard_alert_latency_seconds',
      help: 'Kernel event to alert latency of the guard (stat: last, max, mean).',
      labelNames: ['stat'],
      registers,
      collect() {
        this.reset();
        const l = stats()?.latencyMs;
        if (!l || l.count === 0) return;
        this.set({ stat: 'last' }, l.last / 1000);
        this.set({ stat: 'max' }, l.max / 1000);
        this.set({ stat: 'mean' }, l.sum / l.count / 1000);
      },
    });
    new Gauge({
      name: 'ainka_guard_processes',
      help: 'Processes in the guard process tree.',
      registers,
      collect() {
        this.set(stats()?.processes ?? 0);
      },
    });
  }
}

function toRecord(a: GuardAlert): GuardAlertRecord {
  return {
    id: `G${a.id}`,
    rule: a.rule,
    severity: a.severity,
    summary: a.summary,
    at: a.time,
    tree: a.tree,
    processes: a.processes.map((p) => ({ pid: p.pid, ppid: p.ppid, uid: p.uid, name: p.name, exe: p.exe, cmdline: p.argv.join(' ') })),
    ...(a.baseline ? { baseline: a.baseline.explanation } : {}),
    ...(a.latencyMs !== undefined ? { latencyMs: a.latencyMs } : {}),
    ...(a.response ? { response: a.response } : {}),
    tags: a.tags,
  };
}
