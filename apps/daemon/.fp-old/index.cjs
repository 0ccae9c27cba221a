"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/index.ts
var index_exports = {};
__export(index_exports, {
  BuiltinPolicyEngine: () => BuiltinPolicyEngine,
  CompositePolicyEngine: () => CompositePolicyEngine,
  DaemonClient: () => DaemonClient,
  DaemonError: () => DaemonError,
  DaemonHistory: () => DaemonHistory,
  LibraryPolicyEngine: () => LibraryPolicyEngine,
  SeriesWindows: () => SeriesWindows,
  builtinPolicyYaml: () => builtinPolicyYaml,
  builtinRules: () => builtinRules,
  daemonConfigSchema: () => daemonConfigSchema,
  defaultConfigYaml: () => defaultConfigYaml,
  defaultPaths: () => defaultPaths,
  describeError: () => describeError,
  loadDaemonConfig: () => loadDaemonConfig,
  mutatingMethods: () => mutatingMethods,
  parseDaemonConfig: () => parseDaemonConfig,
  parseSeriesKey: () => parseSeriesKey
});
module.exports = __toCommonJS(index_exports);

// src/api.ts
var mutatingMethods = ["policy.apply", "rollback"];

// src/client.ts
var import_node_net = require("net");

// src/errors.ts
var DaemonError = class extends Error {
  /** Stable error code. */
  code;
  constructor(code, message, options) {
    super(message, options);
    this.name = "DaemonError";
    this.code = code;
  }
};
function describeError(err) {
  if (err instanceof Error) {
    const code = err.code;
    return { code: typeof code === "string" ? code : "ERR_AINKA_DAEMON_INTERNAL", message: err.message };
  }
  return { code: "ERR_AINKA_DAEMON_INTERNAL", message: String(err) };
}

// src/client.ts
var DaemonClient = class _DaemonClient {
  socket;
  nextId = 1;
  buffer = "";
  pending = /* @__PURE__ */ new Map();
  constructor(socket) {
    this.socket = socket;
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("close", () => this.failAll(new DaemonError("ERR_AINKA_DAEMON_UNREACHABLE", "the daemon closed the connection; check `journalctl -u ainkad` or its log.")));
    socket.on("error", (err) => this.failAll(new DaemonError("ERR_AINKA_DAEMON_UNREACHABLE", `socket error: ${err.message}`)));
  }
  /** Connect to the socket; rejects with `ERR_AINKA_DAEMON_UNREACHABLE` when nobody listens. */
  static connect(path, timeoutMs = 2e3) {
    return new Promise((resolve, reject) => {
      const s = (0, import_node_net.connect)(path);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new DaemonError("ERR_AINKA_DAEMON_TIMEOUT", `no answer from ${path} within ${timeoutMs} ms; is ainkad stuck? check its log.`));
      }, timeoutMs);
      s.once("connect", () => {
        clearTimeout(timer);
        resolve(new _DaemonClient(s));
      });
      s.once("error", (err) => {
        clearTimeout(timer);
        const why = err.code === "EACCES" ? new DaemonError("ERR_AINKA_DAEMON_PERMISSION_DENIED", `permission denied on ${path}: run as root or as a member of the socket's group.`) : new DaemonError("ERR_AINKA_DAEMON_UNREACHABLE", `ainkad is not running (cannot connect to ${path}: ${err.code ?? err.message}); start it with \`ainkad\` or \`systemctl start ainkad\`, or pass --socket.`);
        reject(why);
      });
    });
  }
  /** Call a method; rejects with the daemon's error (its `code` kept). */
  call(method, params, timeoutMs = 1e4) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new DaemonError("ERR_AINKA_DAEMON_TIMEOUT", `${method} got no answer within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(`${JSON.stringify({ id, method, params })}
`);
    });
  }
  /** Close the connection. */
  close() {
    this.socket.end();
    this.socket.destroy();
  }
  onData(chunk) {
    this.buffer += chunk;
    let nl;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim() === "") continue;
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        continue;
      }
      const p = this.pending.get(msg.id);
      if (p === void 0) continue;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new DaemonError(msg.error.code, msg.error.message));
    }
  }
  failAll(err) {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
};

// src/paths.ts
var import_node_os = require("os");
var import_node_path = require("path");
function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}
function defaultPaths(env = process.env) {
  const root = isRoot();
  const xdg = (v) => v !== void 0 && (0, import_node_path.isAbsolute)(v) ? v : void 0;
  const set = (v) => v !== void 0 && v !== "" ? v : void 0;
  const stateDir = set(env.AINKA_STATE_DIR) ?? (root ? "/var/lib/ainka" : (0, import_node_path.join)(xdg(env.XDG_STATE_HOME) ?? (0, import_node_path.join)((0, import_node_os.homedir)(), ".local", "state"), "ainka"));
  const runtimeDir = xdg(env.XDG_RUNTIME_DIR);
  const runtime = root ? "/run/ainka" : runtimeDir !== void 0 ? (0, import_node_path.join)(runtimeDir, "ainka") : stateDir;
  const socket = set(env.AINKA_SOCKET) ?? (0, import_node_path.join)(runtime, "ainkad.sock");
  const config = root ? "/etc/ainka/ainkad.yaml" : (0, import_node_path.join)(xdg(env.XDG_CONFIG_HOME) ?? (0, import_node_path.join)((0, import_node_os.homedir)(), ".config"), "ainka", "ainkad.yaml");
  return { stateDir, socket, config };
}

// src/config.ts
var import_node_fs = require("fs");
var import_yaml = require("yaml");
var import_zod = require("zod");
var mode = import_zod.z.enum(["advise", "enforce"]);
var daemonConfigSchema = import_zod.z.object({
  mode: mode.default("advise"),
  stateDir: import_zod.z.string().min(1).nullable().default(null),
  root: import_zod.z.string().min(1).default("/"),
  telemetry: import_zod.z.object({
    intervalMs: import_zod.z.number().int().min(10).max(6e4).default(1e3),
    procRoot: import_zod.z.string().min(1).default("/"),
    processes: import_zod.z.object({ enabled: import_zod.z.boolean().default(true), topN: import_zod.z.number().int().min(1).max(1e3).default(10), intervalMs: import_zod.z.number().int().min(100).default(5e3) }).strict().prefault({}),
    cgroups: import_zod.z.object({ enabled: import_zod.z.boolean().default(true), maxDepth: import_zod.z.number().int().min(0).max(8).default(2), maxCgroups: import_zod.z.number().int().min(1).max(4096).default(64) }).strict().prefault({}),
    replay: import_zod.z.string().min(1).nullable().default(null),
    replayLoop: import_zod.z.boolean().default(false),
    ebpf: import_zod.z.enum(["auto", "off"]).default("auto")
  }).strict().prefault({}),
  kernel: import_zod.z.object({ module: import_zod.z.enum(["auto", "off"]).default("auto") }).strict().prefault({}),
  logs: import_zod.z.object({ enabled: import_zod.z.boolean().default(true), journal: import_zod.z.boolean().default(true) }).strict().prefault({}),
  history: import_zod.z.object({
    enabled: import_zod.z.boolean().default(true),
    retentionHours: import_zod.z.number().positive().max(24 * 366).default(6),
    maxMegabytes: import_zod.z.number().positive().default(256),
    flushIntervalMs: import_zod.z.number().int().min(100).default(5e3)
  }).strict().prefault({}),
  ml: import_zod.z.object({
    anomaly: import_zod.z.object({
      enabled: import_zod.z.boolean().default(true),
      threshold: import_zod.z.number().min(0).max(1).default(0.9),
      warmup: import_zod.z.number().int().min(1).default(60),
      maxSeries: import_zod.z.number().int().min(1).default(5e3),
      exclude: import_zod.z.array(import_zod.z.string()).default(["*_total", "process.*", "*.info"])
    }).strict().prefault({}),
    windowPoints: import_zod.z.number().int().min(10).max(1e5).default(300),
    forecastHorizonSeconds: import_zod.z.number().positive().default(600)
  }).strict().prefault({}),
  layers: import_zod.z.object({
    immediateBudgetMs: import_zod.z.number().positive().default(1),
    fastBudgetMs: import_zod.z.number().positive().default(100),
    deepIntervalMs: import_zod.z.number().int().min(100).default(3e4),
    deepBudgetMs: import_zod.z.number().positive().default(1e4)
  }).strict().prefault({}),
  policy: import_zod.z.object({
    builtin: import_zod.z.boolean().default(true),
    packs: import_zod.z.array(import_zod.z.string()).default(["memory-pressure"]),
    files: import_zod.z.array(import_zod.z.string()).default([])
  }).strict().prefault({}),
  actions: import_zod.z.object({
    rollbackOnExit: import_zod.z.boolean().default(true),
    recovery: import_zod.z.enum(["revert", "complete"]).default("revert"),
    maxPerMinute: import_zod.z.number().int().min(0).default(6),
    cooldownSeconds: import_zod.z.number().min(0).default(60),
    adminCheckIntervalMs: import_zod.z.number().int().min(100).default(3e4)
  }).strict().prefault({}),
  api: import_zod.z.object({
    socket: import_zod.z.string().min(1).nullable().default(null),
    socketMode: import_zod.z.string().regex(/^0?[0-7]{3}$/).default("0660")
  }).strict().prefault({}),
  metrics: import_zod.z.object({
    enabled: import_zod.z.boolean().default(true),
    host: import_zod.z.string().default("127.0.0.1"),
    port: import_zod.z.number().int().min(0).max(65535).default(9464)
  }).strict().prefault({}),
  log: import_zod.z.object({
    level: import_zod.z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    live: import_zod.z.boolean().default(false),
    liveIntervalMs: import_zod.z.number().int().min(100).default(2e3)
  }).strict().prefault({})
}).strict();
var docs = {
  mode: "advise (default): propose changes, write nothing. enforce: apply the actions of policies whose own mode is enforce.",
  stateDir: "SQLite history, change journal and applied policies. null: /var/lib/ainka as root, else ~/.local/state/ainka.",
  root: "Root of the file tree actions write under (/ on a live machine; a temporary tree in tests).",
  telemetry: "Collectors (@ainka/telemetry), one tick drives them all.",
  "telemetry.intervalMs": "Tick interval.",
  "telemetry.procRoot": "Root the collectors read /proc and /sys under.",
  "telemetry.processes": "Top-N processes by CPU (the costliest collector; its own interval).",
  "telemetry.cgroups": "cgroup v2 (or v1) per-cgroup statistics, breadth-first to maxDepth.",
  "telemetry.replay": "Path of a recorded stream (JSON lines written by `ainkad record`) to replay instead of the live machine.",
  "telemetry.replayLoop": "Start the recording again when it ends.",
  "telemetry.ebpf": "auto: use the eBPF programs (@ainka/ebpf) when root and BPF allow it; off: never.",
  kernel: "The AINKA kernel module (@ainka/ipc): the immediate decision layer (policy cache).",
  "kernel.module": "auto: use it when loaded; off: never.",
  logs: "Kernel log analysis (@ainka/telemetry LogAnalyzer): OOM kills, hung tasks, I/O errors, lockups, segfaults and unit failures become alerts.",
  "logs.enabled": "Read /dev/kmsg (needs root or CAP_SYSLOG; reported unavailable otherwise).",
  "logs.journal": "Also follow `journalctl -o json -f` when journalctl exists.",
  history: "Embedded SQLite history (<stateDir>/history.db).",
  "history.retentionHours": "Raw samples older than this are deleted.",
  "history.maxMegabytes": "On-disk bound of the database; oldest samples go first.",
  "history.flushIntervalMs": "Samples are inserted in one transaction per flush.",
  ml: "Per-series anomaly detection, forecasts and capacity (@ainka/ml).",
  "ml.anomaly.threshold": "Score in [0, 1] from which a point is reported as an anomaly.",
  "ml.anomaly.warmup": "Samples each series learns from before it can be anomalous.",
  "ml.anomaly.maxSeries": "At most this many series get a detector (memory bound).",
  "ml.anomaly.exclude": "Glob patterns (* wildcard) of series names left out of detection.",
  "ml.windowPoints": "Recent points kept in memory per series (top, explain, forecasts).",
  "ml.forecastHorizonSeconds": "How far ahead forecasts and capacity estimates look.",
  layers: "The three decision layers: immediate (kernel policy cache), fast (userspace rules on every tick), deep (retraining).",
  "layers.immediateBudgetMs": "Budget of the kernel policy cache's evaluation per sample (its own eval-ns counters); overruns are counted and logged.",
  "layers.fastBudgetMs": "Sample-to-decision budget of the fast layer; overruns are counted and logged.",
  "layers.deepIntervalMs": "How often the deep layer (model refits, forecasts, capacity) runs.",
  "layers.deepBudgetMs": "Budget of one deep cycle; overruns are counted and logged.",
  policy: "Policies the fast layer evaluates.",
  "policy.builtin": "Load the built-in policy pack (cpu-saturation, memory-growth, writeback-pressure, io-pressure).",
  "policy.packs": "Shipped @ainka/policy packs to load: throughput, latency, balanced, powersave, memory-pressure, network-under-loss.",
  "policy.files": "Extra policy files (YAML); `ainka policy apply` adds to <stateDir>/policies.",
  actions: "Journaled, reversible changes (@ainka/actuators).",
  "actions.rollbackOnExit": "Roll back this session's changes on shutdown (and after a crash, on the next start).",
  "actions.recovery": "What to do on start with a change a crash interrupted: revert or complete.",
  "actions.cooldownSeconds": "The same knob is not proposed or changed again within this time (one line per decision, not per tick).",
  "actions.maxPerMinute": "Rate limit of applied (enforced) changes.",
  "actions.adminCheckIntervalMs": "How often managed knobs are checked for writes by someone else.",
  api: "Local API: JSON lines on a Unix socket.",
  "api.socket": "null: /run/ainka/ainkad.sock as root, else $XDG_RUNTIME_DIR/ainka/ainkad.sock (or in stateDir).",
  "api.socketMode": "File mode of the socket (0660: owner and group). This is the access check: whoever can open the socket can use the API (Node exposes no SO_PEERCRED).",
  metrics: "Prometheus exposition (GET /metrics).",
  "metrics.host": "Listen address; keep it on loopback.",
  "metrics.port": "Listen port (0: any free port, printed at start).",
  log: "Structured logs (pino, JSON on stdout).",
  "log.live": "Print a human-readable live view (what AINKA sees and would do) on stderr."
};
function parseDaemonConfig(input, source = "config") {
  const r = daemonConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new DaemonError(
    "ERR_AINKA_DAEMON_CONFIG_INVALID",
    `${source} is invalid:
${lines.join("\n")}
fix these keys (\`ainkad --print-default-config\` shows every key with its default and meaning).`
  );
}
function loadDaemonConfig(path) {
  let text;
  try {
    text = (0, import_node_fs.readFileSync)(path, "utf8");
  } catch (err) {
    throw new DaemonError("ERR_AINKA_DAEMON_CONFIG_UNREADABLE", `cannot read config ${path}: ${err.message}; fix the path or omit --config to use the defaults.`, { cause: err });
  }
  let data;
  try {
    data = (0, import_yaml.parse)(text);
  } catch (err) {
    throw new DaemonError("ERR_AINKA_DAEMON_CONFIG_INVALID", `config ${path} is not valid YAML: ${err.message}`, { cause: err });
  }
  return parseDaemonConfig(data, `config ${path}`);
}
function annotate(node, prefix) {
  if (!(0, import_yaml.isMap)(node)) return;
  for (const pair of node.items) {
    if (!(0, import_yaml.isScalar)(pair.key)) continue;
    const path = prefix === "" ? String(pair.key.value) : `${prefix}.${String(pair.key.value)}`;
    const doc = docs[path];
    if (doc !== void 0) pair.key.commentBefore = ` ${doc}`;
    annotate(pair.value, path);
  }
}
function defaultConfigYaml() {
  const doc = new import_yaml.Document(daemonConfigSchema.parse({}));
  doc.commentBefore = " ainkad configuration. Every key is optional; these are the defaults.";
  annotate(doc.contents, "");
  return doc.toString({ lineWidth: 0 });
}

// src/history.ts
var import_telemetry = require("@ainka/telemetry");
var import_node_fs2 = require("fs");
var import_node_path2 = require("path");
function parseSeriesKey(key) {
  const brace = key.indexOf("{");
  if (brace < 0 || !key.endsWith("}")) return { name: key };
  const labels = {};
  const re = /([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*")/g;
  for (const m of key.slice(brace + 1, -1).matchAll(re)) labels[m[1]] = JSON.parse(m[2]);
  return { name: key.slice(0, brace), labels };
}
var DaemonHistory = class {
  manager;
  constructor(opts) {
    (0, import_node_fs2.mkdirSync)((0, import_node_path2.dirname)(opts.path), { recursive: true });
    const raw = opts.retentionMs ?? 6 * 36e5;
    this.manager = new import_telemetry.HistoryManager({
      path: opts.path,
      tiers: [
        { name: "raw", resolutionMs: 1e3, retentionMs: raw },
        { name: "1m", resolutionMs: 6e4, retentionMs: Math.max(30 * 864e5, raw * 2) },
        { name: "1h", resolutionMs: 36e5, retentionMs: Math.max(365 * 864e5, raw * 4) }
      ],
      ...opts.maxBytes !== void 0 ? { maxBytes: opts.maxBytes } : {},
      ...opts.flushIntervalMs !== void 0 ? { flushIntervalMs: opts.flushIntervalMs } : {}
    });
  }
  /** Buffer samples for the next flush. */
  write(samples) {
    this.manager.write(samples);
  }
  /** Points of a metric (every series of that name) or of one series key, from `since` until now. */
  query(series, since, until = Date.now() + 1) {
    const { name, labels } = parseSeriesKey(series);
    this.manager.flush();
    const found = this.manager.query({ name, ...labels !== void 0 ? { labels } : {}, from: since, to: until });
    return { series: found.map((s) => ({ series: (0, import_telemetry.seriesKey)(s), points: s.points.map((p) => ({ t: p.timestamp, value: p.value })) })) };
  }
  /** Flush and close. */
  close() {
    try {
      this.manager.flush();
    } finally {
      this.manager.close();
    }
  }
};

// src/policySet.ts
var import_yaml2 = require("yaml");
var import_zod2 = require("zod");

// src/builtinRules.ts
var import_telemetry2 = require("@ainka/telemetry");
var MiB = 1024 * 1024;
function fmt(v, unit = "") {
  if (unit === "bytes") return v >= MiB ? `${(v / MiB).toFixed(0)} MiB` : `${v.toFixed(0)} B`;
  if (unit === "ratio") return `${(v * 100).toFixed(0)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
function ev(s, condition2) {
  return { series: (0, import_telemetry2.seriesKey)(s), value: s.value, condition: condition2 };
}
var builtinRules = [
  {
    id: "cpu-saturation",
    description: "All CPUs busy for a while and a few processes take most of it: lower their priority (nice) so interactive work keeps running.",
    defaults: { busyRatio: 0.85, forSeconds: 10, minCores: 0.5, nice: 10, maxAgeSeconds: 15, maxProcesses: 3 },
    check(ctx, p) {
      const busy = ctx.latest.get("cpu.busy_ratio");
      if (busy === void 0 || busy.value < p.busyRatio) return void 0;
      if (!ctx.windows.held("cpu.busy_ratio", ctx.now - p.forSeconds * 1e3, (v) => v >= p.busyRatio)) return void 0;
      const procs = (ctx.byName.get("process.cpu_cores") ?? []).filter((s) => ctx.now - s.t <= p.maxAgeSeconds * 1e3);
      const top = procs.filter((s) => s.value >= p.minCores && s.labels?.pid !== void 0 && s.labels.pid !== String(process.pid)).sort((a, b) => b.value - a.value).slice(0, p.maxProcesses);
      const psi = ctx.latest.get("psi.cpu.some_avg10");
      return top.map((s, rank) => {
        const pid = s.labels?.pid;
        const evidence = [ev(busy, `>= ${fmt(p.busyRatio, "ratio")} for ${p.forSeconds} s`), ev(s, `CPU consumer #${rank + 1}, >= ${p.minCores} cores`)];
        if (psi !== void 0) evidence.push(ev(psi, "CPU pressure (PSI some avg10, %)"));
        return {
          knob: `process:${pid}:nice`,
          value: String(p.nice),
          because: `CPU busy ${fmt(busy.value, "ratio")} for ${p.forSeconds} s and ${s.labels?.comm ?? "pid " + pid} (pid ${pid}) uses ${fmt(s.value)} cores`,
          evidence
        };
      });
    }
  },
  {
    id: "memory-growth",
    description: "A cgroup's memory grows fast: cap it with memory.high a little above its current use, so it reclaims instead of pushing the host into the OOM killer.",
    defaults: { growBytes: 128 * MiB, windowSeconds: 20, headroom: 1.25 },
    check(ctx, p) {
      let best;
      for (const s of ctx.byName.get("cgroup.memory_current_bytes") ?? []) {
        const cg2 = s.labels?.cgroup;
        if (cg2 === void 0 || cg2 === "/" || cg2 === "") continue;
        const pts = ctx.windows.points((0, import_telemetry2.seriesKey)(s), ctx.now - p.windowSeconds * 1e3);
        if (pts.length < 2) continue;
        const grew = s.value - Math.min(...pts.map((x) => x.value));
        if (grew >= p.growBytes && (best === void 0 || grew > best.grew)) best = { s, grew };
      }
      if (best === void 0) return void 0;
      const cg = (best.s.labels?.cgroup).replace(/^\/+/, "");
      const target = Math.ceil(best.s.value * p.headroom / 4096) * 4096;
      return {
        knob: `cgroup:${cg}:memory.high`,
        value: String(target),
        because: `cgroup ${cg} grew by ${fmt(best.grew, "bytes")} in ${p.windowSeconds} s to ${fmt(best.s.value, "bytes")}`,
        evidence: [ev(best.s, `grew >= ${fmt(p.growBytes, "bytes")} in ${p.windowSeconds} s`)]
      };
    }
  },
  {
    id: "writeback-pressure",
    description: "Lots of dirty page cache builds up: start background writeback earlier (vm.dirty_background_ratio) so writers do not stall in bursts.",
    defaults: { dirtyBytes: 256 * MiB, forSeconds: 3, ratio: 5 },
    check(ctx, p) {
      const dirty = ctx.latest.get("mem.dirty_bytes");
      if (dirty === void 0 || dirty.value < p.dirtyBytes) return void 0;
      if (!ctx.windows.held("mem.dirty_bytes", ctx.now - p.forSeconds * 1e3, (v) => v >= p.dirtyBytes)) return void 0;
      const evidence = [ev(dirty, `>= ${fmt(p.dirtyBytes, "bytes")} for ${p.forSeconds} s`)];
      const writers = (ctx.byName.get("disk.write_bytes_per_second") ?? []).slice().sort((a, b) => b.value - a.value);
      if (writers[0] !== void 0) evidence.push(ev(writers[0], "busiest disk, write throughput (bytes/s)"));
      return {
        knob: "sysctl:vm.dirty_background_ratio",
        value: String(p.ratio),
        because: `${fmt(dirty.value, "bytes")} of dirty page cache for ${p.forSeconds} s: earlier background writeback spreads the writes out`,
        evidence
      };
    }
  },
  {
    id: "memory-pressure",
    description: "Tasks stall on memory (PSI): widen the watermark gap so kswapd reclaims earlier instead of tasks reclaiming directly.",
    defaults: { someAvg10: 10, forSeconds: 10, watermarkScaleFactor: 100 },
    check(ctx, p) {
      const psi = ctx.latest.get("psi.memory.some_avg10");
      if (psi === void 0 || psi.value < p.someAvg10) return void 0;
      if (!ctx.windows.held("psi.memory.some_avg10", ctx.now - p.forSeconds * 1e3, (v) => v >= p.someAvg10)) return void 0;
      const evidence = [ev(psi, `>= ${p.someAvg10}% for ${p.forSeconds} s`)];
      const stalls = ctx.latest.get("vm.alloc_stalls_per_second");
      if (stalls !== void 0) evidence.push(ev(stalls, "direct-reclaim allocation stalls per second"));
      return {
        knob: "sysctl:vm.watermark_scale_factor",
        value: String(p.watermarkScaleFactor),
        because: `memory pressure ${fmt(psi.value)}% (PSI some avg10) for ${p.forSeconds} s`,
        evidence
      };
    }
  }
];

// src/policySet.ts
var ruleIds = builtinRules.map((r) => r.id);
var policyFileSchema = import_zod2.z.object({
  name: import_zod2.z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes"),
  description: import_zod2.z.string().optional(),
  mode: import_zod2.z.enum(["advise", "enforce"]).default("advise"),
  rules: import_zod2.z.array(
    import_zod2.z.object({
      use: import_zod2.z.enum(ruleIds),
      enabled: import_zod2.z.boolean().default(true),
      params: import_zod2.z.record(import_zod2.z.string(), import_zod2.z.number()).default({})
    }).strict()
  ).min(1)
}).strict();
function parseDocs(text, source) {
  let data;
  try {
    data = (0, import_yaml2.parse)(text);
  } catch (err) {
    return { policies: [], errors: [`${source}: not valid YAML: ${err.message}`] };
  }
  const items = Array.isArray(data) ? data : [data];
  const policies = [];
  const errors = [];
  items.forEach((item, i) => {
    const r = policyFileSchema.safeParse(item);
    const where = items.length > 1 ? `${source}[${i}]` : source;
    if (!r.success) {
      for (const issue of r.error.issues) errors.push(`${where}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
      return;
    }
    const rules = [];
    for (const [j, rr] of r.data.rules.entries()) {
      const rule = builtinRules.find((b) => b.id === rr.use);
      for (const k of Object.keys(rr.params)) {
        if (!(k in rule.defaults)) errors.push(`${where}: rules.${j}.params.${k}: unknown parameter of ${rule.id}; known: ${Object.keys(rule.defaults).join(", ")}`);
      }
      rules.push({ rule, enabled: rr.enabled, params: { ...rule.defaults, ...rr.params } });
    }
    policies.push({ name: r.data.name, mode: r.data.mode, source, rules });
  });
  return { policies, errors };
}
function summarize(p) {
  return { name: p.name, mode: p.mode, source: p.source, rules: p.rules.map((r) => ({ name: r.rule.id, description: r.rule.description, enabled: r.enabled })) };
}
function builtinPolicyYaml() {
  return [
    "name: builtin",
    "description: AINKA built-in policy pack",
    "mode: advise",
    "rules:",
    ...builtinRules.map((r) => `  - use: ${r.id}`),
    ""
  ].join("\n");
}
var BuiltinPolicyEngine = class {
  policies = /* @__PURE__ */ new Map();
  list() {
    return [...this.policies.values()].map(summarize);
  }
  validate(text, source) {
    const { policies, errors } = parseDocs(text, source);
    return { valid: errors.length === 0, errors, policies: policies.map(summarize) };
  }
  load(text, source) {
    const { policies, errors } = parseDocs(text, source);
    if (errors.length > 0) throw new DaemonError("ERR_AINKA_DAEMON_POLICY_INVALID", `policy ${source} is invalid:
  ${errors.join("\n  ")}
fix it and run \`ainka policy validate\` again.`);
    for (const p of policies) this.policies.set(p.name, p);
    return policies.map(summarize);
  }
  evaluate(ctx) {
    const out = [];
    for (const p of this.policies.values()) {
      for (const r of p.rules) {
        if (!r.enabled) continue;
        const hit = r.rule.check(ctx, r.params);
        if (hit === void 0) continue;
        for (const h of Array.isArray(hit) ? hit : [hit]) out.push({ policy: p.name, rule: r.rule.id, mode: p.mode, ...h });
      }
    }
    return out;
  }
};

// src/seriesWindow.ts
var SeriesWindows = class {
  capacity;
  rings = /* @__PURE__ */ new Map();
  constructor(capacity) {
    this.capacity = capacity;
  }
  /** Append one point. */
  push(key, t, v) {
    let r = this.rings.get(key);
    if (r === void 0) {
      r = { t: new Float64Array(this.capacity), v: new Float64Array(this.capacity), n: 0 };
      this.rings.set(key, r);
    }
    const i = r.n % this.capacity;
    r.t[i] = t;
    r.v[i] = v;
    r.n++;
  }
  /** Latest value, or undefined. */
  last(key) {
    const r = this.rings.get(key);
    if (r === void 0 || r.n === 0) return void 0;
    return r.v[(r.n - 1) % this.capacity];
  }
  /** Points (oldest first), optionally only those at or after `since` (ms). */
  points(key, since = Number.NEGATIVE_INFINITY) {
    const r = this.rings.get(key);
    if (r === void 0) return [];
    const m = Math.min(r.n, this.capacity);
    const out = [];
    for (let k = r.n - m; k < r.n; k++) {
      const i = k % this.capacity;
      const t = r.t[i];
      if (t >= since) out.push({ t, value: r.v[i] });
    }
    return out;
  }
  /** Values only, oldest first, at most `n`. */
  values(key, n = this.capacity) {
    const p = this.points(key);
    return p.slice(Math.max(0, p.length - n)).map((x) => x.value);
  }
  /** True when every point since `since` satisfies `pred` and the points cover the span. */
  held(key, since, pred) {
    const r = this.rings.get(key);
    if (r === void 0 || r.n === 0) return false;
    const m = Math.min(r.n, this.capacity);
    let coveredFrom = Number.POSITIVE_INFINITY;
    for (let k = r.n - 1; k >= r.n - m; k--) {
      const i = k % this.capacity;
      const t = r.t[i];
      if (!pred(r.v[i])) return false;
      coveredFrom = t;
      if (t <= since) return true;
    }
    return coveredFrom <= since;
  }
  /** Every series key. */
  keys() {
    return this.rings.keys();
  }
  /** Number of series. */
  get size() {
    return this.rings.size;
  }
};

// src/libraryPolicyEngine.ts
var import_policy = require("@ainka/policy");
function summarize2(p) {
  return { name: p.name, mode: p.mode, source: p.file, rules: p.rules.map((r) => ({ name: r.name, description: r.description || r.whenText, enabled: true })) };
}
function condition(e) {
  return `${e.negated ? "not " : ""}${e.op} ${e.threshold}${e.for > 0 ? ` for ${e.for} s` : ""}`;
}
var LibraryPolicyEngine = class {
  policies = /* @__PURE__ */ new Map();
  engine = new import_policy.RuleEngine([]);
  generator;
  ml;
  latestProcesses = [];
  constructor(ml) {
    this.ml = ml;
    this.generator = new import_policy.ActionGenerator({
      processes: (m) => this.latestProcesses.filter((p) => p.comm === m.comm).map((p) => p.pid)
    });
  }
  /** The shipped pack names. */
  static packNames() {
    return Object.keys(import_policy.policyPacks);
  }
  /** Load a shipped pack by name. */
  loadPack(name) {
    if (!(name in import_policy.policyPacks)) {
      throw new DaemonError("ERR_AINKA_DAEMON_CONFIG_INVALID", `unknown policy pack ${name} in policy.packs; use one of ${Object.keys(import_policy.policyPacks).join(", ")}`);
    }
    const p = (0, import_policy.loadPolicyPack)(name);
    this.policies.set(p.name, p);
    this.recompile();
    return [summarize2(p)];
  }
  list() {
    return [...this.policies.values()].map(summarize2);
  }
  /** The loaded policies (for the kernel policy cache). */
  loaded() {
    return [...this.policies.values()];
  }
  validate(text, source) {
    const r = (0, import_policy.checkPolicy)(text, { file: source });
    const errors = r.issues.filter((i) => i.severity === "error").map(import_policy.formatIssue);
    return { valid: errors.length === 0 && r.policy !== void 0, errors, policies: r.policy !== void 0 ? [summarize2(r.policy)] : [] };
  }
  load(text, source) {
    let p;
    try {
      p = (0, import_policy.parsePolicy)(text, { file: source });
    } catch (err) {
      const issues = err.issues ?? [];
      const detail = issues.length > 0 ? issues.map(import_policy.formatIssue).join("\n  ") : err.message;
      throw new DaemonError("ERR_AINKA_DAEMON_POLICY_INVALID", `policy ${source} is invalid:
  ${detail}
fix it and run \`ainka policy validate\` again.`, { cause: err });
    }
    this.policies.set(p.name, p);
    this.recompile();
    return [summarize2(p)];
  }
  recompile() {
    this.engine = new import_policy.RuleEngine([...this.policies.values()]);
  }
  evaluate(ctx) {
    if (this.policies.size === 0) return [];
    const frame = this.engine.frame();
    for (const [key, l] of ctx.latest) frame.set(key, l.value);
    for (const [name, list] of ctx.byName) {
      if (!ctx.latest.has(name)) {
        let s = 0;
        for (const x of list) s += x.value;
        frame.set(name, s);
      }
    }
    this.latestProcesses = (ctx.byName.get("process.cpu_cores") ?? []).map((s) => ({ pid: Number(s.labels?.pid), comm: s.labels?.comm ?? "" }));
    const ectx = { anomalyScore: (m) => this.ml.anomalyScore(m), forecast: (m, h) => this.ml.forecast(m, h) };
    const hits = this.engine.evaluate(frame, ctx.now, ectx);
    if (hits.length === 0) return [];
    const plan = this.generator.generate(hits, ctx.now);
    return plan.actions.map((a) => ({
      policy: a.policy,
      rule: a.reason,
      knob: a.knob,
      value: a.value,
      mode: a.mode,
      because: a.because,
      evidence: a.evidence.map((e) => ({ series: e.subject, value: e.value, condition: condition(e) }))
    }));
  }
};
var CompositePolicyEngine = class {
  constructor(builtin, library) {
    this.builtin = builtin;
    this.library = library;
  }
  builtin;
  library;
  pick(text) {
    return /^\s*(apiVersion|kind)\s*:/m.test(text) ? this.library : this.builtin;
  }
  list() {
    return [...this.builtin.list(), ...this.library.list()];
  }
  validate(text, source) {
    return this.pick(text).validate(text, source);
  }
  load(text, source) {
    return this.pick(text).load(text, source);
  }
  evaluate(ctx) {
    const a = this.builtin.evaluate(ctx);
    const b = this.library.evaluate(ctx);
    if (b.length === 0) return a;
    const knobs = new Set(a.map((d) => d.knob));
    return [...a, ...b.filter((d) => !knobs.has(d.knob))];
  }
};
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  BuiltinPolicyEngine,
  CompositePolicyEngine,
  DaemonClient,
  DaemonError,
  DaemonHistory,
  LibraryPolicyEngine,
  SeriesWindows,
  builtinPolicyYaml,
  builtinRules,
  daemonConfigSchema,
  defaultConfigYaml,
  defaultPaths,
  describeError,
  loadDaemonConfig,
  mutatingMethods,
  parseDaemonConfig,
  parseSeriesKey
});
//# sourceMappingURL=index.cjs.map