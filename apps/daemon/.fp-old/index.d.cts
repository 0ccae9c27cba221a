import { z } from 'zod';
import { HistoryManager, MetricSample, MetricUnit } from '@ainka/telemetry';
import { Policy } from '@ainka/policy';

/**
 * The local API of `ainkad`: one JSON object per line on a Unix socket, each request answered by one
 * response with the same `id`. These types are the contract between the daemon and `ainka`.
 *
 * @packageDocumentation
 */
/** Methods of the local API. Methods marked "changes" need an allowed uid. @public */
type ApiMethod = 'status' | 'snapshot' | 'advise' | 'actions' | 'explain' | 'anomalies' | 'forecast' | 'history' | 'policy.list' | 'policy.validate' | 'policy.apply' | 'rollback';
/** The methods that change the machine or the daemon. @public */
declare const mutatingMethods: readonly ApiMethod[];
/** One request line. @public */
interface ApiRequest {
    readonly id: number;
    readonly method: ApiMethod;
    readonly params?: Readonly<Record<string, unknown>>;
}
/** One response line. @public */
type ApiResponse = {
    readonly id: number;
    readonly ok: true;
    readonly result: unknown;
} | {
    readonly id: number;
    readonly ok: false;
    readonly error: {
        readonly code: string;
        readonly message: string;
    };
};
/** A series' value with its key, as evidence. @public */
interface Evidence {
    /** Series key, e.g. `psi.cpu.some_avg10` or `disk.write_bytes_per_second{device="vda"}`. */
    readonly series: string;
    /** Observed value. */
    readonly value: number;
    /** The condition it met, e.g. `> 0.9 for 5 s`. */
    readonly condition: string;
}
/** Percentiles of a latency histogram (milliseconds). @public */
interface LatencySummary {
    readonly count: number;
    readonly p50: number | null;
    readonly p90: number | null;
    readonly p99: number | null;
    readonly max: number | null;
    /** Budget in ms, and how many observations exceeded it. */
    readonly budgetMs: number;
    readonly overBudget: number;
    /** Bucket upper bounds (ms) and counts, for histograms in `ainka top`. */
    readonly buckets: readonly {
        readonly le: number;
        readonly count: number;
    }[];
}
/** One decision layer's state. @public */
interface LayerStatus {
    readonly name: 'immediate' | 'fast' | 'deep';
    readonly available: boolean;
    /** Why it is unavailable, naming the fix. */
    readonly reason?: string;
    readonly latency: LatencySummary | null;
    /** Immediate layer: rules in the kernel policy cache. */
    readonly rules?: number;
}
/** A capability (collector, eBPF, kernel module) and whether it works here. @public */
interface CapabilityStatus {
    readonly id: string;
    readonly available: boolean;
    readonly reason?: string;
}
/** Result of `status`. @public */
interface StatusResult {
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
    readonly policies: number;
    readonly activeAnomalies: number;
    readonly pendingAdvice: number;
    readonly managedKnobs: number;
    readonly recovery: {
        readonly reverted: readonly number[];
        readonly completed: readonly number[];
        readonly rolledBackSessions: readonly string[];
    };
}
/** An anomaly (alert) raised by per-series detection. @public */
interface AnomalyRecord {
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
}
/** One piece of advice (or applied action): a rule hit turned into a knob change. @public */
interface ActionRecord {
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
interface ForecastResult {
    readonly series: string;
    readonly method: string;
    readonly horizonSeconds: number;
    readonly last: number | null;
    readonly points: readonly {
        readonly t: number;
        readonly value: number;
        readonly lower: number;
        readonly upper: number;
    }[];
    /** Time until the series crosses `limit`, when a limit is known. */
    readonly capacity: {
        readonly limit: number;
        readonly secondsToLimit: number | null;
        readonly note: string;
    } | null;
}
/** What `snapshot` returns: everything `ainka top` draws. @public */
interface SnapshotResult {
    readonly status: StatusResult;
    /** Headline values (CPU, memory, PSI, disk, network). */
    readonly headline: Readonly<Record<string, number>>;
    /** Recent history of the headline series (oldest first), for sparklines. */
    readonly trends: Readonly<Record<string, readonly number[]>>;
    readonly anomalies: readonly AnomalyRecord[];
    readonly advice: readonly ActionRecord[];
    /** Top processes by CPU. */
    readonly processes: readonly {
        readonly pid: string;
        readonly comm: string;
        readonly cores: number;
        readonly rssBytes: number;
    }[];
}
/** A policy as the daemon knows it. @public */
interface PolicySummary {
    readonly name: string;
    readonly mode: 'advise' | 'enforce';
    readonly source: string;
    readonly rules: readonly {
        readonly name: string;
        readonly description: string;
        readonly enabled: boolean;
    }[];
}
/** Result of `policy.validate`. @public */
interface PolicyValidation {
    readonly valid: boolean;
    readonly errors: readonly string[];
    readonly policies: readonly PolicySummary[];
}
/** One history point. @public */
interface HistoryPoint {
    readonly t: number;
    readonly value: number;
}
/** Result of `history`. @public */
interface HistoryResult {
    readonly series: readonly {
        readonly series: string;
        readonly points: readonly HistoryPoint[];
    }[];
}

/**
 * A client of the daemon's local API (JSON lines on a Unix socket).
 *
 * @example
 * ```ts
 * const c = await DaemonClient.connect('/run/ainka/ainkad.sock');
 * console.log(await c.call('status'));
 * c.close();
 * ```
 * @public
 */
declare class DaemonClient {
    private readonly socket;
    private nextId;
    private buffer;
    private readonly pending;
    private constructor();
    /** Connect to the socket; rejects with `ERR_AINKA_DAEMON_UNREACHABLE` when nobody listens. */
    static connect(path: string, timeoutMs?: number): Promise<DaemonClient>;
    /** Call a method; rejects with the daemon's error (its `code` kept). */
    call<T = unknown>(method: ApiMethod, params?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
    /** Close the connection. */
    close(): void;
    private onData;
    private failAll;
}

/** Stable error codes of the daemon and its local API. @public */
type DaemonErrorCode = 'ERR_AINKA_DAEMON_CONFIG_INVALID' | 'ERR_AINKA_DAEMON_CONFIG_UNREADABLE' | 'ERR_AINKA_DAEMON_SOCKET_IN_USE' | 'ERR_AINKA_DAEMON_UNREACHABLE' | 'ERR_AINKA_DAEMON_PERMISSION_DENIED' | 'ERR_AINKA_DAEMON_BAD_REQUEST' | 'ERR_AINKA_DAEMON_NOT_FOUND' | 'ERR_AINKA_DAEMON_TIMEOUT' | 'ERR_AINKA_DAEMON_UNAVAILABLE' | 'ERR_AINKA_DAEMON_POLICY_INVALID' | 'ERR_AINKA_DAEMON_INTERNAL';
/**
 * An error of `ainkad` or its API. `code` is the contract; the message names the problem and the fix.
 * @public
 */
declare class DaemonError extends Error {
    /** Stable error code. */
    readonly code: DaemonErrorCode;
    constructor(code: DaemonErrorCode, message: string, options?: {
        cause?: unknown;
    });
}
/** The `{ code, message }` of any thrown value, for logs and API replies. @public */
declare function describeError(err: unknown): {
    code: string;
    message: string;
};

/** Where `ainkad` keeps its files by default. @public */
interface DefaultPaths {
    /** SQLite history, the change journal and applied policies. */
    readonly stateDir: string;
    /** The local API's Unix socket. */
    readonly socket: string;
    /** The config file read when `--config` is not given (it need not exist). */
    readonly config: string;
}
/**
 * Default paths: `/var/lib/ainka`, `/run/ainka/ainkad.sock` and `/etc/ainka/ainkad.yaml` for root;
 * `~/.local/state/ainka` (or `$XDG_STATE_HOME/ainka`), `$XDG_RUNTIME_DIR/ainka/ainkad.sock` (else in the
 * state dir) and `~/.config/ainka/ainkad.yaml` otherwise. `AINKA_STATE_DIR` / `AINKA_SOCKET` override.
 *
 * @public
 */
declare function defaultPaths(env?: NodeJS.ProcessEnv): DefaultPaths;

/**
 * The zod schema of `ainkad.yaml`. Every key has a default, so an empty file (or none) is a valid config.
 * Unknown keys are errors (a typo must not silently fall back to a default).
 *
 * @public
 */
declare const daemonConfigSchema: z.ZodObject<{
    mode: z.ZodDefault<z.ZodEnum<{
        advise: "advise";
        enforce: "enforce";
    }>>;
    stateDir: z.ZodDefault<z.ZodNullable<z.ZodString>>;
    root: z.ZodDefault<z.ZodString>;
    telemetry: z.ZodPrefault<z.ZodObject<{
        intervalMs: z.ZodDefault<z.ZodNumber>;
        procRoot: z.ZodDefault<z.ZodString>;
        processes: z.ZodPrefault<z.ZodObject<{
            enabled: z.ZodDefault<z.ZodBoolean>;
            topN: z.ZodDefault<z.ZodNumber>;
            intervalMs: z.ZodDefault<z.ZodNumber>;
        }, z.core.$strict>>;
        cgroups: z.ZodPrefault<z.ZodObject<{
            enabled: z.ZodDefault<z.ZodBoolean>;
            maxDepth: z.ZodDefault<z.ZodNumber>;
            maxCgroups: z.ZodDefault<z.ZodNumber>;
        }, z.core.$strict>>;
        replay: z.ZodDefault<z.ZodNullable<z.ZodString>>;
        replayLoop: z.ZodDefault<z.ZodBoolean>;
        ebpf: z.ZodDefault<z.ZodEnum<{
            auto: "auto";
            off: "off";
        }>>;
    }, z.core.$strict>>;
    kernel: z.ZodPrefault<z.ZodObject<{
        module: z.ZodDefault<z.ZodEnum<{
            auto: "auto";
            off: "off";
        }>>;
    }, z.core.$strict>>;
    logs: z.ZodPrefault<z.ZodObject<{
        enabled: z.ZodDefault<z.ZodBoolean>;
        journal: z.ZodDefault<z.ZodBoolean>;
    }, z.core.$strict>>;
    history: z.ZodPrefault<z.ZodObject<{
        enabled: z.ZodDefault<z.ZodBoolean>;
        retentionHours: z.ZodDefault<z.ZodNumber>;
        maxMegabytes: z.ZodDefault<z.ZodNumber>;
        flushIntervalMs: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
    ml: z.ZodPrefault<z.ZodObject<{
        anomaly: z.ZodPrefault<z.ZodObject<{
            enabled: z.ZodDefault<z.ZodBoolean>;
            threshold: z.ZodDefault<z.ZodNumber>;
            warmup: z.ZodDefault<z.ZodNumber>;
            maxSeries: z.ZodDefault<z.ZodNumber>;
            exclude: z.ZodDefault<z.ZodArray<z.ZodString>>;
        }, z.core.$strict>>;
        windowPoints: z.ZodDefault<z.ZodNumber>;
        forecastHorizonSeconds: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
    layers: z.ZodPrefault<z.ZodObject<{
        immediateBudgetMs: z.ZodDefault<z.ZodNumber>;
        fastBudgetMs: z.ZodDefault<z.ZodNumber>;
        deepIntervalMs: z.ZodDefault<z.ZodNumber>;
        deepBudgetMs: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
    policy: z.ZodPrefault<z.ZodObject<{
        builtin: z.ZodDefault<z.ZodBoolean>;
        packs: z.ZodDefault<z.ZodArray<z.ZodString>>;
        files: z.ZodDefault<z.ZodArray<z.ZodString>>;
    }, z.core.$strict>>;
    actions: z.ZodPrefault<z.ZodObject<{
        rollbackOnExit: z.ZodDefault<z.ZodBoolean>;
        recovery: z.ZodDefault<z.ZodEnum<{
            revert: "revert";
            complete: "complete";
        }>>;
        maxPerMinute: z.ZodDefault<z.ZodNumber>;
        cooldownSeconds: z.ZodDefault<z.ZodNumber>;
        adminCheckIntervalMs: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
    api: z.ZodPrefault<z.ZodObject<{
        socket: z.ZodDefault<z.ZodNullable<z.ZodString>>;
        socketMode: z.ZodDefault<z.ZodString>;
    }, z.core.$strict>>;
    metrics: z.ZodPrefault<z.ZodObject<{
        enabled: z.ZodDefault<z.ZodBoolean>;
        host: z.ZodDefault<z.ZodString>;
        port: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
    log: z.ZodPrefault<z.ZodObject<{
        level: z.ZodDefault<z.ZodEnum<{
            error: "error";
            fatal: "fatal";
            warn: "warn";
            info: "info";
            debug: "debug";
            trace: "trace";
            silent: "silent";
        }>>;
        live: z.ZodDefault<z.ZodBoolean>;
        liveIntervalMs: z.ZodDefault<z.ZodNumber>;
    }, z.core.$strict>>;
}, z.core.$strict>;
/** A validated daemon config (every default filled in). @public */
type DaemonConfig = z.infer<typeof daemonConfigSchema>;
/** Parse and validate a config object; the error names each bad key and the fix. @public */
declare function parseDaemonConfig(input: unknown, source?: string): DaemonConfig;
/** Read and validate a YAML config file. @public */
declare function loadDaemonConfig(path: string): DaemonConfig;
/** The default config as commented YAML (what `ainkad --print-default-config` prints). @public */
declare function defaultConfigYaml(): string;

/** Options of {@link openHistory}. @public */
interface OpenHistoryOptions {
    /** Database file (`<stateDir>/history.db`). */
    readonly path: string;
    /** Raw-tier retention. */
    readonly retentionMs?: number;
    /** On-disk bound. */
    readonly maxBytes?: number;
    /** Flush interval. */
    readonly flushIntervalMs?: number;
}
/** Parse `name{k="v",…}` (a series key) into a name and labels. @public */
declare function parseSeriesKey(key: string): {
    name: string;
    labels?: Record<string, string>;
};
/**
 * The daemon's history: `@ainka/telemetry`'s HistoryManager (SQLite, WAL, downsampling tiers, size bound)
 * under `<stateDir>/history.db`, plus the query shape of the local API. `ainka history` opens the same
 * file directly when the daemon is down.
 *
 * @public
 */
declare class DaemonHistory {
    readonly manager: HistoryManager;
    constructor(opts: OpenHistoryOptions);
    /** Buffer samples for the next flush. */
    write(samples: readonly MetricSample[]): void;
    /** Points of a metric (every series of that name) or of one series key, from `since` until now. */
    query(series: string, since: number, until?: number): HistoryResult;
    /** Flush and close. */
    close(): void;
}

/**
 * The last `capacity` points of every series, in fixed typed-array rings (8 + 8 bytes per point).
 * It backs `ainka top`, `explain`, rule durations ("for 30 s") and the deep layer's refits.
 */
declare class SeriesWindows {
    readonly capacity: number;
    private readonly rings;
    constructor(capacity: number);
    /** Append one point. */
    push(key: string, t: number, v: number): void;
    /** Latest value, or undefined. */
    last(key: string): number | undefined;
    /** Points (oldest first), optionally only those at or after `since` (ms). */
    points(key: string, since?: number): {
        t: number;
        value: number;
    }[];
    /** Values only, oldest first, at most `n`. */
    values(key: string, n?: number): number[];
    /** True when every point since `since` satisfies `pred` and the points cover the span. */
    held(key: string, since: number, pred: (v: number) => boolean): boolean;
    /** Every series key. */
    keys(): IterableIterator<string>;
    /** Number of series. */
    get size(): number;
}

/** The latest value of a series, with its name and labels. */
interface LatestSample {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>> | undefined;
    /** The unit of `value` (for the Prometheus exposition). */
    readonly unit: MetricUnit;
    /** Updated in place every tick (no allocation per sample). */
    value: number;
    t: number;
}
/** What rules see on every tick. */
interface RuleContext {
    /** Time of the tick (ms). */
    readonly now: number;
    /** Recent points of every series. */
    readonly windows: SeriesWindows;
    /** Latest sample of every series, by series key. */
    readonly latest: ReadonlyMap<string, LatestSample>;
    /** Latest samples grouped by metric name. */
    readonly byName: ReadonlyMap<string, readonly LatestSample[]>;
    /** Whether a series is anomalous now. */
    isAnomalous(series: string): boolean;
}
/** A rule hit: the change a policy asks for, and why. */
interface Decision {
    readonly policy: string;
    readonly rule: string;
    readonly knob: string;
    readonly value: string;
    readonly mode: 'advise' | 'enforce';
    readonly because: string;
    readonly evidence: readonly Evidence[];
}

/** The fast layer's rule engine: the policies the daemon evaluates on every tick. */
interface PolicyEngine {
    /** Loaded policies. */
    list(): PolicySummary[];
    /** Validate a policy document without loading it. */
    validate(text: string, source: string): PolicyValidation;
    /** Load (or replace, by name) the policies of a document; throws `ERR_AINKA_DAEMON_POLICY_INVALID`. */
    load(text: string, source: string): PolicySummary[];
    /** Evaluate every enabled rule. */
    evaluate(ctx: RuleContext): Decision[];
}
/** The built-in pack as a policy document (advise mode, every rule with its defaults). */
declare function builtinPolicyYaml(): string;
/** The daemon's {@link PolicyEngine} over the built-in rule table. */
declare class BuiltinPolicyEngine implements PolicyEngine {
    private readonly policies;
    list(): PolicySummary[];
    validate(text: string, source: string): PolicyValidation;
    load(text: string, source: string): PolicySummary[];
    evaluate(ctx: RuleContext): Decision[];
}

/** What a built-in rule asks for. */
interface RuleHitSpec {
    readonly knob: string;
    readonly value: string;
    readonly because: string;
    readonly evidence: Evidence[];
}
/** A built-in rule: parameters with defaults and a check that returns the change and its evidence. */
interface BuiltinRule {
    readonly id: string;
    readonly description: string;
    readonly defaults: Readonly<Record<string, number>>;
    check(ctx: RuleContext, p: Readonly<Record<string, number>>): RuleHitSpec | RuleHitSpec[] | undefined;
}
/**
 * The built-in policy pack, as a table. Each row is one rule whose thresholds a policy file may override.
 * These rules are composition glue until `@ainka/policy` ships its compiled rule language; they use only
 * knobs from the `@ainka/actuators` catalogue, so every change they ask for is bounded and reversible.
 */
declare const builtinRules: readonly BuiltinRule[];

/** Lookups from the ML stages that rules may use (`anomaly(x) > 0.9`, `forecast(x, 10m) > …`). */
interface MlLookups {
    anomalyScore(series: string): number | undefined;
    forecast(series: string, horizonSeconds: number): number | undefined;
}
/**
 * The fast layer over `@ainka/policy`: policies in its language (YAML with `apiVersion: ainka.dev/v1`),
 * compiled once by its RuleEngine, evaluated on a MetricFrame filled from the latest series every tick,
 * and turned into deduplicated, ordered plans by its ActionGenerator.
 */
declare class LibraryPolicyEngine implements PolicyEngine {
    private readonly policies;
    private engine;
    private readonly generator;
    private readonly ml;
    private latestProcesses;
    constructor(ml: MlLookups);
    /** The shipped pack names. */
    static packNames(): string[];
    /** Load a shipped pack by name. */
    loadPack(name: string): PolicySummary[];
    list(): PolicySummary[];
    /** The loaded policies (for the kernel policy cache). */
    loaded(): Policy[];
    validate(text: string, source: string): PolicyValidation;
    load(text: string, source: string): PolicySummary[];
    private recompile;
    evaluate(ctx: RuleContext): Decision[];
}
/**
 * The daemon's engine: the built-in rule table (rules whose targets are computed from the machine, e.g.
 * the pid of the top CPU consumer) and `@ainka/policy` for policies in its language. A document goes to
 * `@ainka/policy` when it has `apiVersion`/`kind`, else to the built-in table (`rules: [{use: …}]`).
 */
declare class CompositePolicyEngine implements PolicyEngine {
    readonly builtin: PolicyEngine;
    readonly library: LibraryPolicyEngine;
    constructor(builtin: PolicyEngine, library: LibraryPolicyEngine);
    private pick;
    list(): PolicySummary[];
    validate(text: string, source: string): PolicyValidation;
    load(text: string, source: string): PolicySummary[];
    evaluate(ctx: RuleContext): Decision[];
}

export { type ActionRecord, type AnomalyRecord, type ApiMethod, type ApiRequest, type ApiResponse, BuiltinPolicyEngine, type BuiltinRule, type CapabilityStatus, CompositePolicyEngine, DaemonClient, type DaemonConfig, DaemonError, type DaemonErrorCode, DaemonHistory, type Decision, type DefaultPaths, type Evidence, type ForecastResult, type HistoryPoint, type HistoryResult, type LatencySummary, type LatestSample, type LayerStatus, LibraryPolicyEngine, type MlLookups, type OpenHistoryOptions, type PolicyEngine, type PolicySummary, type PolicyValidation, type RuleContext, type RuleHitSpec, SeriesWindows, type SnapshotResult, type StatusResult, builtinPolicyYaml, builtinRules, daemonConfigSchema, defaultConfigYaml, defaultPaths, describeError, loadDaemonConfig, mutatingMethods, parseDaemonConfig, parseSeriesKey };
