/**
 * The shapes the dashboard reads from ainkad's HTTP API (a subset of `@ainka/daemon`'s API types, kept
 * here so the browser bundle does not depend on the daemon package).
 */

/** A time-stamped value (`t` in ms since the epoch). */
export interface Point {
  readonly t: number;
  readonly value: number;
}

/** An anomaly opened by per-series detection. */
export interface Anomaly {
  readonly id: string;
  readonly series: string;
  readonly value: number;
  readonly expected: number | null;
  readonly score: number;
  readonly reason: string;
  readonly at: number;
  readonly lastAt: number;
  readonly count: number;
}

/** One piece of evidence of a decision. */
export interface Evidence {
  readonly series: string;
  readonly value: number;
  readonly condition: string;
}

/** A decision: advice, an applied change, a kernel policy-cache event. */
export interface Decision {
  readonly id: string;
  readonly policy: string;
  readonly rule: string;
  readonly knob: string;
  readonly value: string;
  readonly mode: 'advise' | 'enforce';
  readonly status: string;
  readonly before: string | null;
  readonly line: string;
  readonly because: string;
  readonly evidence: readonly Evidence[];
  readonly changeId: number | null;
  readonly at: number;
  readonly latencyMs: number;
}

/** A verdict of the optimizer on a trial change (its effect on the objective). */
export interface Verdict {
  readonly trial: number;
  readonly knob: string;
  readonly value: string;
  readonly decision: string;
  readonly why: string;
  readonly changeId: number | null;
}

/** A journaled change. */
export interface JournalChange {
  readonly id: number;
  readonly knob: string;
  readonly before: string;
  readonly after: string;
  readonly reason: string;
  readonly because: string;
}

/** `GET /api/decisions`. */
export interface DecisionsResult {
  readonly mode: 'advise' | 'enforce';
  readonly actions: readonly Decision[];
  /** Journal change ids still applied. */
  readonly active: readonly number[];
  readonly journal: readonly JournalChange[];
  readonly verdicts: readonly Verdict[];
}

/** A forecast with its interval. */
export interface Forecast {
  readonly series: string;
  readonly method: string;
  readonly horizonSeconds: number;
  readonly points: readonly { readonly t: number; readonly value: number; readonly lower: number; readonly upper: number }[];
  readonly capacity: { readonly limit: number; readonly secondsToLimit: number | null; readonly note: string } | null;
}

/** `GET /api/overview`. */
export interface Overview {
  readonly admin: boolean;
  readonly tickMs: number;
  readonly headline: readonly string[];
  readonly forecastHorizonSeconds: number;
  readonly snapshot: { readonly status: { readonly mode: string; readonly source: string; readonly version: string; readonly ticks: number; readonly series: number } };
}

/** `GET /api/history`. */
export interface HistoryBuckets {
  readonly stepMs: number;
  readonly tiers: readonly string[];
  readonly series: readonly { readonly series: string; readonly points: readonly Point[] }[];
}

/** A latency summary of a decision layer. */
export interface Latency {
  readonly count: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly budgetMs: number;
  readonly overBudget: number;
}

/** One eBPF object and its counters since ainkad started (`EbpfObjectStatus` of `@ainka/daemon`). */
export interface EbpfObject {
  readonly concern: string;
  readonly file: string;
  readonly ringBuffer: boolean;
  readonly owner: 'telemetry' | 'guard';
  readonly loaded: boolean;
  readonly records: number;
  readonly kernelDrops: number;
  readonly decodeErrors: number;
}

/** `GET /api/health`. */
export interface Health {
  readonly layers: readonly { readonly name: string; readonly available: boolean; readonly reason?: string; readonly latency: Latency | null; readonly rules?: number }[];
  readonly capabilities: readonly { readonly id: string; readonly available: boolean; readonly reason?: string }[];
  readonly ebpf: { readonly available: boolean; readonly reason?: string; readonly objects: readonly EbpfObject[] };
  readonly module: { readonly loaded: boolean; readonly rules?: number; readonly reason?: string | null; readonly counters?: Record<string, unknown> | null };
  readonly cost: { readonly cpuPercent: number; readonly rssBytes: number; readonly heapUsedBytes: number; readonly ticks: number; readonly series: number; readonly detectors: number; readonly seriesPerSecond: number; readonly uptimeSeconds: number; readonly streams: number };
  readonly source: string;
  readonly mode: string;
}
