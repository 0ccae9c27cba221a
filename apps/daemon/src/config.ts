import { readFileSync } from 'node:fs';
import { Document, parse as parseYaml, YAMLMap, isMap, isScalar, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { parseDuration, type DurationUnit } from './duration.js';
import { DaemonError } from './errors.js';

const mode = z.enum(['advise', 'enforce']);

/**
 * A duration key: a number in the key's unit (`intervalMs: 500`), or a string with units that
 * `parseDuration` converts to it (`intervalMs: 500ms`, `retentionHours: 1d`, `cooldownSeconds: 1h30m`).
 */
function duration<T extends z.ZodType>(unit: DurationUnit, schema: T) {
  return z.preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return parseDuration(value, unit, 'the duration');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, input: value });
      return z.NEVER;
    }
  }, schema);
}

/**
 * The zod schema of `ainkad.yaml`. Every key has a default, so an empty file (or none) is a valid config.
 * Unknown keys are errors (a typo must not silently fall back to a default).
 *
 * @public
 */
export const daemonConfigSchema = z
  .object({
    mode: mode.default('advise'),
    stateDir: z.string().min(1).nullable().default(null),
    root: z.string().min(1).default('/'),
    telemetry: z
      .object({
        intervalMs: duration('ms', z.number().int().min(10).max(60_000).default(1000)),
        procRoot: z.string().min(1).default('/'),
        processes: z.object({ enabled: z.boolean().default(true), topN: z.number().int().min(1).max(1000).default(10), intervalMs: duration('ms', z.number().int().min(100).default(5000)) }).strict().prefault({}),
        cgroups: z.object({ enabled: z.boolean().default(true), maxDepth: z.number().int().min(0).max(8).default(2), maxCgroups: z.number().int().min(1).max(4096).default(64) }).strict().prefault({}),
        replay: z.string().min(1).nullable().default(null),
        replayLoop: z.boolean().default(false),
        replayTime: z.enum(['live', 'recorded']).default('live'),
        ebpf: z.enum(['auto', 'off']).default('auto'),
        ebpfObjects: z.string().min(1).nullable().default(null),
        ebpfRingKiB: z
          .number()
          .int()
          .min(4)
          .max(1 << 20)
          .refine((n) => (n & (n - 1)) === 0, { message: 'must be a power of two (4, 8, …, 256, 512, …)' })
          .default(256),
      })
      .strict()
      .prefault({}),
    kernel: z.object({ module: z.enum(['auto', 'off']).default('auto') }).strict().prefault({}),
    logs: z.object({ enabled: z.boolean().default(true), journal: z.boolean().default(true) }).strict().prefault({}),
    history: z
      .object({
        enabled: z.boolean().default(true),
        retentionHours: duration('h', z.number().positive().max(24 * 366).default(6)),
        maxMegabytes: z.number().positive().default(256),
        flushIntervalMs: duration('ms', z.number().int().min(100).default(5000)),
      })
      .strict()
      .prefault({}),
    ml: z
      .object({
        anomaly: z
          .object({
            enabled: z.boolean().default(true),
            threshold: z.number().min(0).max(1).default(0.99),
            warmup: z.number().int().min(1).default(60),
            warmupSeconds: duration('s', z.number().min(0).default(120)),
            maxSeries: z.number().int().min(1).default(5000),
            exclude: z.array(z.string()).default(['*_total', 'process.*', '*.info']),
            groupSeconds: duration('s', z.number().min(0).default(30)),
          })
          .strict()
          .prefault({}),
        windowPoints: z.number().int().min(10).max(100_000).default(300),
        forecastHorizonSeconds: duration('s', z.number().positive().default(600)),
      })
      .strict()
      .prefault({}),
    layers: z
      .object({
        immediateBudgetMs: duration('ms', z.number().positive().default(1)),
        fastBudgetMs: duration('ms', z.number().positive().default(100)),
        deepIntervalMs: duration('ms', z.number().int().min(100).default(30_000)),
        deepBudgetMs: duration('ms', z.number().positive().default(10_000)),
      })
      .strict()
      .prefault({}),
    guard: z
      .object({
        enabled: z.enum(['auto', 'off']).default('auto'),
        starter: z.boolean().default(true),
        rules: z.array(z.string()).default([]),
        responses: mode.default('advise'),
        baselineMaxExecutables: z.number().int().min(1).max(1_000_000).default(4096),
      })
      .strict()
      .prefault({}),
    policy: z
      .object({
        builtin: z.boolean().optional(),
        packs: z.array(z.string()).default(['server']),
        files: z.array(z.string()).default([]),
        protect: z.array(z.string()).default([]),
        watchDirs: z.array(z.string().min(1)).default([]),
        watchIntervalMs: duration('ms', z.number().int().min(100).default(10_000)),
      })
      .strict()
      .prefault({}),
    actions: z
      .object({
        rollbackOnExit: z.boolean().default(true),
        recovery: z.enum(['revert', 'complete']).default('revert'),
        maxPerMinute: z.number().int().min(0).default(6),
        cooldownSeconds: duration('s', z.number().min(0).default(60)),
        adminCheckIntervalMs: duration('ms', z.number().int().min(100).default(30_000)),
        trialCooldownMinutes: duration('m', z.number().min(0).default(60)),
      })
      .strict()
      .prefault({}),
    healing: z
      .object({
        enabled: z.boolean().default(true),
        mode: mode.default('advise'),
        protectedUnits: z.array(z.string().min(1)).default([]),
        leaks: z
          .object({
            enabled: z.boolean().default(true),
            intervalMs: duration('ms', z.number().int().min(100).default(5000)),
            windowSeconds: duration('s', z.number().positive().default(300)),
            minSpanSeconds: duration('s', z.number().positive().default(120)),
            horizonHours: duration('h', z.number().positive().default(6)),
          })
          .strict()
          .prefault({}),
        services: z
          .object({
            enabled: z.boolean().default(true),
            minDelaySeconds: duration('s', z.number().positive().default(1)),
            maxDelaySeconds: duration('s', z.number().positive().default(300)),
            healthyRunSeconds: duration('s', z.number().positive().default(60)),
            crashLoopFailures: z.number().int().min(2).default(3),
          })
          .strict()
          .prefault({}),
        drift: z
          .object({
            enabled: z.boolean().default(true),
            sysctlIntervalMs: duration('ms', z.number().int().min(100).nullable().default(null)),
            fullIntervalMs: duration('ms', z.number().int().min(1000).default(30_000)),
          })
          .strict()
          .prefault({}),
        pressure: z
          .object({
            enabled: z.boolean().default(true),
            intervalMs: duration('ms', z.number().int().min(200).default(2000)),
            someAvg10Percent: z.number().gt(0).max(100).default(20),
            minAvailablePercent: z.number().min(0).lt(100).default(10),
            sustainSeconds: duration('s', z.number().min(0).default(10)),
            stepSeconds: duration('s', z.number().positive().default(30)),
            allowKill: z.boolean().default(false),
            prefer: z.array(z.string().min(1)).default([]),
            avoid: z.array(z.string().min(1)).default([]),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        socket: z.string().min(1).nullable().default(null),
        socketMode: z.string().regex(/^0?[0-7]{3}$/).default('0660'),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(9464),
      })
      .strict()
      .prefault({}),
    dashboard: z
      .object({
        enabled: z.boolean().default(false),
        port: z.number().int().min(0).max(65535).default(9465),
        assets: z.string().min(1).nullable().default(null),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        live: z.boolean().default(false),
        liveIntervalMs: duration('ms', z.number().int().min(100).default(2000)),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** A validated daemon config (every default filled in). @public */
export type DaemonConfig = z.infer<typeof daemonConfigSchema>;

/** What each config key means; printed as comments by `ainkad --print-default-config`. */
const docs: Record<string, string> = {
  mode: 'advise (default): propose changes, write nothing. enforce: apply the actions of policies whose own mode is enforce.',
  stateDir: 'SQLite history, change journal and applied policies. null: /var/lib/ainka as root, else ~/.local/state/ainka.',
  root: 'Root of the file tree actions write under (/ on a live machine; a temporary tree in tests).',
  telemetry: 'Collectors (@ainka/telemetry), one tick drives them all.',
  'telemetry.intervalMs': 'Tick interval.',
  'telemetry.procRoot': 'Root the collectors read /proc and /sys under.',
  'telemetry.processes': 'Top-N processes by CPU (the costliest collector; its own interval).',
  'telemetry.cgroups': 'cgroup v2 (or v1) per-cgroup statistics, breadth-first to maxDepth.',
  'telemetry.replay': 'Path of a recorded stream (JSON lines written by `ainkad record`) to replay instead of the live machine.',
  'telemetry.replayLoop': 'Start the recording again when it ends.',
  'telemetry.replayTime': 'live: stamp replayed ticks with the live clock (one recorded tick per interval); recorded: with the recording\'s own clock, so its durations hold at any --interval (fast tests).',
  'telemetry.ebpf': 'auto: use the eBPF programs (@ainka/ebpf) when root and BPF allow it; off: never.',
  'telemetry.ebpfObjects': 'Directory of the eBPF objects and manifest.json to load instead of those shipped in @ainka/ebpf (null: shipped). A concern whose object fails to load is reported and the others go on.',
  'telemetry.ebpfRingKiB': 'Ring buffer of each eBPF object with one (process, net; the guard\'s security), a power of two in KiB; it costs twice its size in RSS. Raise it when ainka_ebpf_kernel_drops_total grows (the AinkaEbpfDrops alert).',
  kernel: 'The AINKA kernel module (@ainka/ipc): the immediate decision layer (policy cache).',
  'kernel.module': 'auto: use it when loaded; off: never.',
  guard: 'Host security monitor (@ainka/guard): detection rules over eBPF security events, baselines, advisory responses.',
  'guard.enabled': 'auto: run when eBPF works and telemetry is live; off: never.',
  'guard.starter': 'Load the starter detection rules.',
  'guard.rules': 'Extra DetectionRules files, loaded after the starter pack (lists, exceptions, rules).',
  'guard.responses': 'advise (default): responses are proposed only; enforce: rules with response mode enforce act (journaled).',
  'guard.baselineMaxExecutables': 'Executables kept in <stateDir>/baselines.db.',
  logs: 'Kernel log analysis (@ainka/telemetry LogAnalyzer): OOM kills, hung tasks, I/O errors, lockups, segfaults and unit failures become alerts.',
  'logs.enabled': 'Read /dev/kmsg (needs root or CAP_SYSLOG; reported unavailable otherwise).',
  'logs.journal': 'Also follow `journalctl -o json -f` when journalctl exists.',
  history: 'Embedded SQLite history (<stateDir>/history.db).',
  'history.retentionHours': 'Raw samples older than this are deleted.',
  'history.maxMegabytes': 'On-disk bound of the database; oldest samples go first.',
  'history.flushIntervalMs': 'Samples are inserted in one transaction per flush.',
  ml: 'Per-series anomaly detection, forecasts and capacity (@ainka/ml).',
  'ml.anomaly.threshold': 'Calibrated score in [0, 1] at which an anomaly opens: score s means about (1 − s) / s chance alarms per day on one series (0.99: one per 100 days, i.e. ~1 per day per 100 series).',
  'ml.anomaly.warmup': 'Samples each series learns from before its scores can be certain.',
  'ml.anomaly.warmupSeconds': 'Seconds each series learns from before its scores can be certain (both warm-ups must pass).',
  'ml.anomaly.maxSeries': 'At most this many series get a detector (memory bound).',
  'ml.anomaly.groupSeconds': 'Anomalies opening within this many seconds of the first of a host-level group join it: one alert for a load that moves many series at once (0: one alert per series).',
  'ml.anomaly.exclude': 'Glob patterns (picomatch: * any run of characters, dots included; ? one character; {a,b} alternatives) of metric names left out of detection.',
  'ml.windowPoints': 'Recent points kept in memory per series (top, explain, forecasts).',
  'ml.forecastHorizonSeconds': 'How far ahead forecasts and capacity estimates look.',
  layers: 'The three decision layers: immediate (kernel policy cache), fast (userspace rules on every tick), deep (retraining).',
  'layers.immediateBudgetMs': 'Budget of the kernel policy cache\'s evaluation per sample (its own eval-ns counters); overruns are counted and logged.',
  'layers.fastBudgetMs': 'Sample-to-decision budget of the fast layer; overruns are counted and logged.',
  'layers.deepIntervalMs': 'How often the deep layer (model refits, forecasts, capacity) runs.',
  'layers.deepBudgetMs': 'Budget of one deep cycle; overruns are counted and logged.',
  policy: 'Policies the fast layer evaluates.',
  'policy.packs': 'Shipped @ainka/policy packs to load: server (default: general rules for any server), throughput, latency, balanced, powersave, memory-pressure, network-under-loss.',
  'policy.files': 'Extra policy files (YAML or JSON, @ainka/policy language); `ainka policy apply` adds to <stateDir>/policies.',
  'policy.watchDirs': 'Directories of policy files to watch (a mounted ConfigMap; `ainka fleet learn --out` output): each file is validated by this host before use, a refused file is logged and never used, a changed file is validated again.',
  'policy.watchIntervalMs': 'How often the watched directories are re-read.',
  'policy.protect': 'Globs of process names and cgroup/unit names rules never select, besides pid 1, kernel threads, ainkad, sshd, journald, logind and D-Bus.',
  actions: 'Journaled, reversible changes (@ainka/actuators).',
  'actions.rollbackOnExit': 'Roll back this session\'s changes on shutdown (and after a crash, on the next start).',
  'actions.recovery': 'What to do on start with a change a crash interrupted: revert or complete.',
  'actions.cooldownSeconds': 'The same knob is not proposed or changed again within this time (one line per decision, not per tick).',
  'actions.maxPerMinute': 'Rate limit of applied (enforced) changes.',
  'actions.adminCheckIntervalMs': 'How often managed knobs are checked for writes by someone else.',
  healing: 'Self-healing (@ainka/healing): leaks, drift, services, pressure. Every change goes through the journal and can be rolled back.',
  'healing.mode': 'advise (default): report findings and propose remedies. enforce: apply remedies (only when the daemon mode is enforce too).',
  'healing.protectedUnits': 'Units never restarted, throttled, frozen or killed, in addition to ainkad, sshd, systemd-journald, systemd-logind, dbus and PID 1.',
  'healing.leaks': 'Per-process and per-cgroup memory, descriptors, sockets and threads followed from /proc and cgroupfs; robust growth (Theil–Sen on floors) with the time to the limit.',
  'healing.leaks.intervalMs': 'Sampling interval of every process and cgroup.',
  'healing.leaks.windowSeconds': 'History kept per series.',
  'healing.leaks.minSpanSeconds': 'History a series needs before it can be called a leak.',
  'healing.leaks.horizonHours': 'Only leaks that reach their limit within this time are reported.',
  'healing.services': 'Failed systemd services (watched over D-Bus): restarted after a delay learned from the unit\'s own time to failure; crash loops are reported with their journal lines and not restarted; masked and admin-stopped units are left alone.',
  'healing.services.minDelaySeconds': 'Shortest delay before a restart.',
  'healing.services.maxDelaySeconds': 'Longest delay before a restart.',
  'healing.services.healthyRunSeconds': 'A run shorter than this counts as a quick failure.',
  'healing.services.crashLoopFailures': 'Quick failures within 10 minutes that make a crash loop.',
  'healing.drift': 'Drift from the baseline recorded with `ainka baseline record` (<stateDir>/baseline.json): shown with who changed it; items marked enforce are restored in enforce mode.',
  'healing.drift.sysctlIntervalMs': 'How often sysctls are compared (null: every telemetry tick).',
  'healing.drift.fullIntervalMs': 'How often files, modules, mounts and enabled units are compared.',
  'healing.pressure': 'oomd-like memory pressure remediation on the culprit cgroup, smallest blast radius first: memory.high 10 % under its usage, then cgroup.freeze, then (allowKill only) kill its largest process; one step per stepSeconds while the pressure lasts. Protected units, slices and ainkad are never culprits.',
  'healing.pressure.intervalMs': 'How often PSI, MemAvailable and every cgroup\'s memory are read.',
  'healing.pressure.someAvg10Percent': 'Memory PSI some avg10 (machine or one cgroup) at or above which there is pressure.',
  'healing.pressure.minAvailablePercent': 'MemAvailable below this percentage of MemTotal is pressure too (no swap, no PSI).',
  'healing.pressure.sustainSeconds': 'Pressure must last this long before the first step.',
  'healing.pressure.stepSeconds': 'At least this long between two steps on one cgroup (each step is verified in this window).',
  'healing.pressure.allowKill': 'Allow the last step, a SIGKILL of the culprit\'s largest process (irreversible). Off: the ladder stops at freeze.',
  'healing.pressure.prefer': 'Unit names or cgroup path prefixes to pick first as the culprit.',
  'healing.pressure.avoid': 'Unit names or cgroup path prefixes to pick only when nothing else qualifies.',
  'actions.trialCooldownMinutes': 'Enforce mode: a change whose rule names an objective is a trial, measured over windows before and after and rolled back when the objective got worse beyond noise; the rule then waits this long.',
  api: 'Local API: JSON lines on a Unix socket.',
  'api.socket': 'null: /run/ainka/ainkad.sock as root, else $XDG_RUNTIME_DIR/ainka/ainkad.sock (or in stateDir).',
  'api.socketMode': 'File mode of the socket (0660: owner and group). Each connection is also checked with SO_PEERCRED: root, the daemon user and members of the socket group may read; only root and the daemon user may change the system.',
  metrics: 'Prometheus exposition (GET /metrics).',
  'metrics.host': 'Listen address; keep it on loopback.',
  'metrics.port': 'Listen port (0: any free port, printed at start).',
  log: 'Structured logs (pino, JSON on stdout).',
  dashboard: 'Live web dashboard (apps/dashboard) on http://127.0.0.1:<port>/ (loopback only): read-only for anyone who can reach it; applying advice and rollbacks need the admin token in <stateDir>/dashboard.token (0600; `ainka dashboard` prints the URL with it).',
  'dashboard.enabled': 'Serve the dashboard (npm start turns it on with --dashboard).',
  'dashboard.port': 'Listen port on 127.0.0.1 (0: any free port, printed at start).',
  'dashboard.assets': 'Directory of the built dashboard (null: the dist/ of @ainka/dashboard).',
  'log.live': 'Print a human-readable live view (what AINKA sees and would do) on stderr.',
};

/** Parse and validate a config object; the error names each bad key and the fix. @public */
export function parseDaemonConfig(input: unknown, source = 'config'): DaemonConfig {
  const r = daemonConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new DaemonError(
    'ERR_AINKA_DAEMON_CONFIG_INVALID',
    `${source} is invalid:\n${lines.join('\n')}\nfix these keys (\`ainkad --print-default-config\` shows every key with its default and meaning).`,
  );
}

/** Read and validate a YAML config file. @public */
export function loadDaemonConfig(path: string): DaemonConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DaemonError('ERR_AINKA_DAEMON_CONFIG_UNREADABLE', `cannot read config ${path}: ${(err as Error).message}; fix the path or omit --config to use the defaults.`, { cause: err });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new DaemonError('ERR_AINKA_DAEMON_CONFIG_INVALID', `config ${path} is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  return parseDaemonConfig(data, `config ${path}`);
}

function annotate(node: YamlNode | null | undefined, prefix: string): void {
  if (!isMap(node)) return;
  for (const pair of (node as YAMLMap).items) {
    if (!isScalar(pair.key)) continue;
    const path = prefix === '' ? String(pair.key.value) : `${prefix}.${String(pair.key.value)}`;
    const doc = docs[path];
    if (doc !== undefined) pair.key.commentBefore = ` ${doc}`;
    annotate(pair.value as YamlNode, path);
  }
}

/** The default config as commented YAML (what `ainkad --print-default-config` prints). @public */
export function defaultConfigYaml(): string {
  const doc = new Document(daemonConfigSchema.parse({}));
  doc.commentBefore = ' ainkad configuration. Every key is optional; these are the defaults.\n Durations (keys ending in Ms, Seconds, Minutes or Hours) take a number in that unit or a string with units: 500ms, 90s, 5m, 1h30m, 2d.';
  annotate(doc.contents as YamlNode, '');
  return doc.toString({ lineWidth: 0 });
}
