/**
 * The local API of `ainkad`: one JSON object per line on a Unix socket, each request answered by one
 * response with the same `id`. These types are the contract between the daemon and `ainka`.
 *
 * @packageDocumentation
 */
import type { ChangeEntry } from '@ainka/actuators';
import type { KernelCounters } from '@ainka/ipc';

/** Methods of the local API. Methods marked "changes" need an allowed uid. @public */
export type ApiMethod =
  | 'status'
  | 'snapshot'
  | 'advise'
  | 'actions'
  | 'explain'
  | 'anomalies'
  | 'forecast'
  | 'history'
  | 'policy.list'
  | 'policy.validate'
  | 'policy.apply'
  | 'rollback'
  | 'alerts'
  | 'compliance'
  | 'compliance.enforce'
  | 'baseline.record'
  | 'baseline.show'
  /** The dashboard's URL and admin-token file (null when the dashboard is off). */
  | 'dashboard';

/** The methods that change the machine or the daemon. @public */
export const mutatingMethods: readonly ApiMethod[] = ['policy.apply', 'rollback', 'compliance.enforce', 'baseline.record'];

/** One request line. @public */
export interface ApiRequest {
  readonly id: number;
  readonly method: ApiMethod;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** One response line. @public */
export type ApiResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/** A series' value with its key, as evidence. @public */
export interface Evidence {
  /** Series key, e.g. `psi.cpu.some_avg10` or `disk.write_bytes_per_second{device="vda"}`. */
  readonly series: string;
  /** Observed value. */
  readonly value: number;
  /** The condition it met, e.g. `> 0.9 for 5 s`. */
  readonly condition: string;
}

/** Percentiles of a latency histogram (milliseconds). @public */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  /** Budget in ms, and how many observations exceeded it. */
  readonly budgetMs: number;
  readonly overBudget: number;
  /** Bucket upper bounds (ms) and counts, for histograms in `ainka top`. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
}

/** One decision layer's state. @public */
export interface LayerStatus {
  readonly name: 'immediate' | 'fast' | 'deep';
  readonly available: boolean;
  /** Why it is unavailable, naming the fix. */
  readonly reason?: string;
  readonly latency: LatencySummary | null;
  /** Immediate layer: rules in the kernel policy cache. */
  readonly rules?: number;
}

/** A capability (collector, eBPF, kernel module) and whether it works here. @public */
export interface CapabilityStatus {
  readonly id: string;
  readonly available: boolean;
  readonly reason?: string;
}

/**
 * One eBPF object of `@ainka/ebpf` (one per concern: `sched` is `sched.bpf.o`) and its counters since
 * ainkad started, as `status` and the dashboard show them (`EbpfHost.stats()`). @public
 */
export interface EbpfObjectStatus {
  /** The concern, which names the object: `sched`, `net`, `process`, `block`, `syscall`, `security`. */
  readonly concern: string;
  /** Its file, e.g. `sched.bpf.o`. */
  readonly file: string;
  /** Whether it hands records over through a ring buffer (else `records` stays 0: it fills maps read on a poll). */
  readonly ringBuffer: boolean;
  /** Who holds it: `telemetry` (the metric streams) or `guard` (the security events). */
  readonly owner: 'telemetry' | 'guard';
  /** Loaded and attached now (an object is loaded while a stream of its concern has a subscriber). */
  readonly loaded: boolean;
  /** Records delivered from its ring buffer. */
  readonly records: number;
  /**
   * Records the kernel could not hand over: the ring buffer was full, or an aggregation map had no room
   * (the object's `drops` per-CPU counter, summed over CPUs and over every load). On `/metrics` as
   * `ainka_ebpf_kernel_drops_total{concern}`.
   */
  readonly kernelDrops: number;
  /** Records that could not be decoded (`ainka_ebpf_decode_errors_total{concern}`). */
  readonly decodeErrors: number;
}

/** Result of `status`. @public */
export interface StatusResult {
  readonly pid: number;
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly mode: 'advise' | 'enforce';
  readonly stateDir: string;
  readonly socket: string;
  readonly metricsUrl: string | null;
  readonly source: 'live' | 'replay';
  readonly ticks: number;
  readonly series: number;
  readonly detectors: number;
  readonly seriesPerSecond: number;
  readonly rssBytes: number;
  readonly layers: readonly LayerStatus[];
  readonly capabilities: readonly CapabilityStatus[];
  /** Every eBPF object loaded since start (telemetry's and the guard's) with its drop counters; empty when eBPF is off. */
  readonly ebpf: readonly EbpfObjectStatus[];
  readonly policies: number;
  readonly activeAnomalies: number;
  readonly pendingAdvice: number;
  readonly managedKnobs: number;
  readonly recovery: { readonly reverted: readonly number[]; readonly completed: readonly number[]; readonly rolledBackSessions: readonly string[] };
  /** Self-healing (`@ainka/healing`): open findings and the latest records; absent when healing is off. */
  readonly healing?: HealingStatus;
  /** The optimizer's running objective trial (enforce mode), or null: one at a time, measured before and after its change. */
  readonly trial?: TrialStatus | null;
}

/** The running objective trial, as `status` shows it. @public */
export interface TrialStatus {
  readonly id: number;
  readonly knob: string;
  readonly value: string;
  readonly rule: string;
  /** `baseline` → `applying` → `settling` → `measuring`. */
  readonly phase: string;
  readonly startedAt: number;
}

/** A finding of self-healing (a leak, a drift, a failing service, memory pressure) and what was done about it. @public */
export interface HealingRecord {
  /** Stable id, `H<n>`: `ainka explain H3`. */
  readonly id: string;
  readonly kind: 'leak' | 'drift' | 'service' | 'pressure';
  /** Stable key of the subject (`pid:1234:98765/memory`, `sysctl:vm.swappiness`). */
  readonly key: string;
  /** `open` while the condition lasts, `resolved` once it is gone. */
  readonly status: 'open' | 'resolved';
  /** One sentence naming the subject, the rate or the difference, and the ETA or who changed it. */
  readonly summary: string;
  /** What healing proposes or did, and why that remedy. */
  readonly remedy: string;
  readonly evidence: readonly Evidence[];
  /** Ids of the action records (`D<n>`) of the changes asked for; their journal ids roll them back. */
  readonly actions: readonly string[];
  readonly at: number;
  readonly lastAt: number;
}

/** Self-healing in `status`. @public */
export interface HealingStatus {
  readonly mode: 'advise' | 'enforce';
  readonly open: number;
  /** The newest records (open first). */
  readonly records: readonly HealingRecord[];
  /** Units healing never touches. */
  readonly protectedUnits: readonly string[];
  /** Parts of healing that run, and why the others do not. */
  readonly parts: readonly CapabilityStatus[];
}

/** An anomaly (alert) raised by per-series detection. @public */
export interface AnomalyRecord {
  /** Stable id, `A<n>`. */
  readonly id: string;
  readonly series: string;
  readonly value: number;
  readonly expected: number | null;
  readonly score: number;
  readonly reason: string;
  readonly at: number;
  /** Last time the series was still anomalous. */
  readonly lastAt: number;
  readonly count: number;
  /**
   * Id of the first anomaly of the host-level group this one belongs to (its own id when it opened the
   * group): anomalies opening within `ml.anomaly.groupSeconds` of it, e.g. the series a starting load moves.
   */
  readonly group: string;
  /** Position in that group when it opened (1 for the group's first). */
  readonly groupIndex: number;
}

/** One piece of advice (or applied action): a rule hit turned into a knob change. @public */
export interface ActionRecord {
  /** Stable id, `D<n>`. */
  readonly id: string;
  readonly policy: string;
  readonly rule: string;
  readonly knob: string;
  readonly value: string;
  readonly mode: 'advise' | 'enforce';
  /**
   * `proposed` (advice), `applied`, `skipped`, `failed`, `rolled-back`; decisions of the kernel policy cache
   * (ids `K<n>`): `kernel-hit`, `kernel-request`, `kernel-observed`, `kernel-applied`, `kernel-reverted`, `kernel-watchdog`.
   */
  readonly status: string;
  readonly before: string | null;
  /** The "what changed and why" line. */
  readonly line: string;
  readonly because: string;
  readonly evidence: readonly Evidence[];
  /** Journal change id when applied. */
  readonly changeId: number | null;
  readonly at: number;
  /** Sample-to-decision latency of the tick that produced it (ms). */
  readonly latencyMs: number;
}

/** A forecast for one series. @public */
export interface ForecastResult {
  readonly series: string;
  readonly method: string;
  readonly horizonSeconds: number;
  readonly last: number | null;
  readonly points: readonly { readonly t: number; readonly value: number; readonly lower: number; readonly upper: number }[];
  /** Time until the series crosses `limit`, when a limit is known. */
  readonly capacity: { readonly limit: number; readonly secondsToLimit: number | null; readonly note: string } | null;
}

/** What `snapshot` returns: everything `ainka top` draws. @public */
export interface SnapshotResult {
  readonly status: StatusResult;
  /** Headline values (CPU, memory, PSI, disk, network). */
  readonly headline: Readonly<Record<string, number>>;
  /** Recent history of the headline series (oldest first), for sparklines. */
  readonly trends: Readonly<Record<string, readonly number[]>>;
  readonly anomalies: readonly AnomalyRecord[];
  readonly advice: readonly ActionRecord[];
  /** Top processes by CPU. */
  readonly processes: readonly { readonly pid: string; readonly comm: string; readonly cores: number; readonly rssBytes: number }[];
}

/** A policy as the daemon knows it. @public */
export interface PolicySummary {
  readonly name: string;
  readonly mode: 'advise' | 'enforce';
  readonly source: string;
  readonly rules: readonly { readonly name: string; readonly description: string; readonly enabled: boolean }[];
}

/** Result of `policy.validate`. @public */
export interface PolicyValidation {
  readonly valid: boolean;
  readonly errors: readonly string[];
  readonly policies: readonly PolicySummary[];
}

/** One history point. @public */
export interface HistoryPoint {
  readonly t: number;
  readonly value: number;
}

/** Result of `history`. @public */
export interface HistoryResult {
  readonly series: readonly { readonly series: string; readonly points: readonly HistoryPoint[] }[];
}

// ---------------------------------------------------------------------------------------------------
// The dashboard's HTTP API (`GET /api/…` of the dashboard server on 127.0.0.1): the same records as the
// socket API, grouped the way the dashboard page reads them. `@ainka/dashboard` imports these types.

/** A verdict of the optimizer on one trial change (its effect on the objective). @public */
export interface OptimizerVerdict {
  readonly trial: number;
  readonly knob: string;
  readonly value: string;
  /** `kept`, `rolled-back`, … */
  readonly decision: string;
  readonly why: string;
  readonly changeId: number | null;
}

/** `GET /api/overview`: what the page needs to start. @public */
export interface DashboardOverview {
  /** The caller may apply and roll back (it holds the admin token). */
  readonly admin: boolean;
  readonly tickMs: number;
  /** The series charted on the first screen. */
  readonly headline: readonly string[];
  readonly forecastHorizonSeconds: number;
  readonly snapshot: SnapshotResult;
}

/** `GET /api/series`: every series key with a live window. @public */
export interface DashboardSeriesList {
  readonly series: readonly string[];
}

/** `GET /api/window?series=`: the live window of one series. @public */
export interface DashboardWindow {
  readonly series: string;
  readonly points: readonly HistoryPoint[];
}

/** `GET /api/history?series=&range=`: one series from the history store, in buckets of `stepMs`. @public */
export interface DashboardHistory extends HistoryResult {
  readonly stepMs: number;
  /** The history tiers the buckets came from (`raw`, `1m`, …). */
  readonly tiers: readonly string[];
}

/** `GET /api/anomalies`: every anomaly kept, and the ids of those still open. @public */
export interface DashboardAnomalies {
  readonly anomalies: readonly AnomalyRecord[];
  readonly active: readonly string[];
}

/** `GET /api/forecast?series=`: a forecast, or why there is none yet. @public */
export interface DashboardForecast {
  readonly forecast: ForecastResult | null;
  readonly reason?: string;
}

/** `GET /api/decisions`: advice and actions, the journal, the changes still applied and the optimizer's verdicts. @public */
export interface DashboardDecisions {
  readonly mode: 'advise' | 'enforce';
  readonly actions: readonly ActionRecord[];
  /** Journal change ids still applied. */
  readonly active: readonly number[];
  /** The last 200 journal entries. */
  readonly journal: readonly ChangeEntry[];
  readonly verdicts: readonly OptimizerVerdict[];
}

/** ainkad's own cost, as the health panel shows it. @public */
export interface DaemonCost {
  /** CPU of ainkad over the last second or more, % of one core. */
  readonly cpuPercent: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly ticks: number;
  readonly series: number;
  readonly detectors: number;
  readonly seriesPerSecond: number;
  readonly uptimeSeconds: number;
  /** Open live streams (dashboard tabs). */
  readonly streams: number;
}

/** `GET /api/health`: layers, capabilities, eBPF objects, the kernel module and ainkad's cost. @public */
export interface DashboardHealth {
  readonly layers: readonly LayerStatus[];
  readonly capabilities: readonly CapabilityStatus[];
  readonly ebpf: CapabilityStatus & { readonly objects: readonly EbpfObjectStatus[] };
  readonly module:
    | { readonly loaded: true; readonly rules: number; readonly counters: KernelCounters | null }
    | { readonly loaded: false; readonly reason: string | null };
  readonly cost: DaemonCost;
  readonly source: string;
  readonly mode: string;
}
