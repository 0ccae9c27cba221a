#!/usr/bin/env node
import { MetricsCollector, createDefaultSources } from '@ainka/telemetry';
import { Command, Option } from 'commander';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiHandlers } from './apiHandlers.js';
import { ApiServer } from './apiServer.js';
import { daemonConfigSchema, defaultConfigYaml, loadDaemonConfig, parseDaemonConfig, type DaemonConfig } from './config.js';
import { Daemon } from './daemon.js';
import { DashboardServer } from './dashboardServer.js';
import { parseDuration } from './duration.js';
import { describeError } from './errors.js';
import { installService } from './installService.js';
import { LiveView } from './liveView.js';
import { createLogger } from './logger.js';
import { startMetricsServer } from './metricsServer.js';
import { defaultPaths } from './paths.js';
import { recordBatches } from './replay.js';
import { probeOptionalPaths } from './capabilities.js';
import { version } from './version.js';

interface RunOptions {
  config?: string;
  live?: boolean;
  printDefaultConfig?: boolean;
  mode?: 'advise' | 'enforce';
  stateDir?: string;
  socket?: string;
  replay?: string;
  interval?: string;
  metricsPort?: string;
  metrics?: boolean;
  root?: string;
  logLevel?: string;
  dashboard?: boolean;
  dashboardPort?: string;
}

/** Exit codes of ainkad. */
const EXIT = { ok: 0, config: 78, unavailable: 69, software: 70 } as const;

function buildConfig(o: RunOptions): DaemonConfig {
  let base: DaemonConfig;
  if (o.config !== undefined) base = loadDaemonConfig(o.config);
  else {
    const p = defaultPaths().config;
    base = existsSync(p) ? loadDaemonConfig(p) : daemonConfigSchema.parse({});
  }
  const c = structuredClone(base) as DaemonConfig & Record<string, unknown>;
  if (o.mode !== undefined) c.mode = o.mode;
  if (o.stateDir !== undefined) c.stateDir = o.stateDir;
  if (o.socket !== undefined) c.api.socket = o.socket;
  if (o.replay !== undefined) c.telemetry.replay = o.replay;
  // A duration (500, 500ms, 2s): the schema's duration parser reads it and names the key when it is wrong.
  if (o.interval !== undefined) (c.telemetry as Record<string, unknown>).intervalMs = o.interval;
  if (o.metricsPort !== undefined) c.metrics.port = Number(o.metricsPort);
  if (o.metrics === false) c.metrics.enabled = false;
  if (o.root !== undefined) c.root = o.root;
  if (o.logLevel !== undefined) c.log.level = o.logLevel as DaemonConfig['log']['level'];
  if (o.live === true) c.log.live = true;
  if (o.dashboard === true) c.dashboard.enabled = true;
  if (o.dashboardPort !== undefined) c.dashboard.port = Number(o.dashboardPort);
  return parseDaemonConfig(c, 'config with command-line overrides');
}

async function run(o: RunOptions): Promise<void> {
  if (o.printDefaultConfig === true) {
    process.stdout.write(defaultConfigYaml());
    return;
  }
  const config = buildConfig(o);
  const paths = defaultPaths();
  const stateDir = config.stateDir ?? paths.stateDir;
  mkdirSync(stateDir, { recursive: true, mode: 0o750 });
  // In live mode the terminal shows the live view; the JSON log goes to <stateDir>/ainkad.log.
  const logFile = join(stateDir, 'ainkad.log');
  const log = createLogger(config.log.level, config.log.live ? createWriteStream(logFile, { flags: 'a' }) : process.stdout);
  let live: LiveView | undefined;
  let dashboard: DashboardServer | undefined;
  const daemon = new Daemon(config, log, {
    onAnomaly: (a) => (live?.anomaly(a), dashboard?.anomaly(a)),
    onAction: (a) => (live?.action(a), dashboard?.action(a)),
    onTick: (b) => dashboard?.tick(b.timestamp),
  });
  let metricsUrl: string | null = null;
  let metrics: { url: string; close: () => Promise<void> } | undefined;
  let api: ApiServer | undefined;
  let stoppingSince = 0;
  const stop = async (reason: string, code: number): Promise<void> => {
    if (stoppingSince > 0) {
      // Ctrl-C under `npm start` arrives twice at once (the terminal's process group and the wrapper's
      // forwarding): only a second signal well after the first forces an exit without cleanup.
      if (Date.now() - stoppingSince < 2000) return;
      process.stderr.write('ainkad: second signal, exiting now without cleanup\n');
      process.exit(130);
    }
    stoppingSince = Date.now();
    live?.stop();
    if (live !== undefined) process.stderr.write(`\nainkad: ${reason}, stopping…\n`);
    await api?.close().catch(() => undefined);
    await dashboard?.close().catch(() => undefined);
    await metrics?.close().catch(() => undefined);
    await daemon.stop(reason);
    if (live !== undefined) {
      // The change summary (counts by reason, and the commands that reproduce what is still managed), indented.
      const summary = daemon.actions?.manager.summary().trim() ?? '';
      process.stderr.write(`ainkad: stopped cleanly${summary === '' ? '' : `\n${summary.replace(/^/gm, '  ')}`}\n`);
    }
    log.flush?.();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('SIGHUP', () => log.info('SIGHUP ignored: restart the service to reload the config'));

  await daemon.start();
  if (config.metrics.enabled) {
    try {
      metrics = await startMetricsServer(daemon, config.metrics.host, config.metrics.port);
      metricsUrl = metrics.url;
      log.info({ url: metricsUrl }, `Prometheus metrics on ${metricsUrl}`);
    } catch (err) {
      log.warn({ err: describeError(err) }, `metrics endpoint not started (${describeError(err).message}); set metrics.port or metrics.enabled: false`);
    }
  }
  if (config.dashboard.enabled) {
    try {
      dashboard = await DashboardServer.start(daemon, { port: config.dashboard.port, assets: config.dashboard.assets, metricsUrl: () => metricsUrl });
      log.info({ url: dashboard.url, tokenFile: dashboard.tokenPath }, `dashboard on ${dashboard.url} (read-only; \`ainka dashboard\` prints the admin URL)`);
    } catch (err) {
      log.warn({ err: describeError(err) }, `dashboard not started (${describeError(err).message})`);
    }
  }
  const handlers = apiHandlers(daemon, () => metricsUrl);
  handlers.set('dashboard', () => ({ url: dashboard?.url ?? null, tokenFile: dashboard?.tokenPath ?? null }));
  api = await ApiServer.listen(daemon.socketPath, Number.parseInt(config.api.socketMode, 8), handlers, {
    warn: (fields, message) => log.warn(fields, message),
  });
  log.info({ socket: daemon.socketPath }, `local API on ${daemon.socketPath}`);
  if (config.log.live) {
    // A closed terminal (EPIPE) must not take the daemon down: stop the live view, keep running.
    process.stderr.on('error', () => {
      live?.stop();
      live = undefined;
    });
    live = new LiveView(daemon);
    live.header(metricsUrl);
    // The terminal of whoever started ainkad gets the admin URL; the JSON log never holds the token.
    if (dashboard !== undefined) process.stderr.write(`  dashboard: ${dashboard.adminUrl}\n`);
    process.stderr.write(`  JSON log: ${logFile}\n`);
    live.start(config.log.liveIntervalMs, () => metricsUrl);
  }
}

async function record(o: { out: string; seconds: string; interval: string }): Promise<void> {
  // The eBPF series (run-queue latency) are recorded too when BPF is available.
  const optional = await probeOptionalPaths('off', 'auto');
  const collector = new MetricsCollector({ sources: [...createDefaultSources({}), ...optional.sources], intervalMs: parseDuration(o.interval, 'ms', '--interval') });
  const rec = recordBatches(collector.batches$, o.out);
  collector.start();
  await new Promise((r) => setTimeout(r, parseDuration(o.seconds, 's', '--seconds') * 1000));
  collector.close();
  optional.close();
  const n = await rec.stop();
  process.stderr.write(`recorded ${n} ticks to ${o.out}\n`);
}

const program = new Command('ainkad')
  .description('The AINKA daemon: telemetry → anomaly detection → policy → actions, advisory by default.')
  .version(version)
  .addHelpText('after', '\nRun options (--config, --live, --print-default-config, --mode, …): ainkad run --help\nExit codes: 0 ok, 69 socket in use, 70 internal error, 78 invalid config.')
  .showHelpAfterError();

program
  .command('run', { isDefault: true })
  .description('run the daemon (the default command)')
  .option('-c, --config <file>', 'YAML config file (default /etc/ainka/ainkad.yaml as root, else ~/.config/ainka/ainkad.yaml, if it exists)')
  .option('--live', 'show live, on the terminal, what the daemon sees and what it would do')
  .option('--print-default-config', 'print the default config, with every key documented, and exit')
  .addOption(new Option('--mode <mode>', 'advise (write nothing) or enforce (apply enforce-mode policies)').choices(['advise', 'enforce']))
  .option('--state-dir <dir>', 'state directory (history, journal, policies)')
  .option('--socket <path>', 'local API socket path')
  .option('--replay <file>', 'replay a recording instead of reading the live machine')
  .option('--interval <duration>', 'telemetry tick interval (500ms, 2s; a bare number is ms)')
  .option('--metrics-port <port>', 'Prometheus port on 127.0.0.1 (0 = any free port)')
  .option('--no-metrics', 'do not serve /metrics')
  .option('--root <dir>', 'root of the file tree actions write under (tests)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
  .option('--dashboard', 'serve the live web dashboard on 127.0.0.1 (dashboard.enabled)')
  .option('--dashboard-port <port>', 'dashboard port on 127.0.0.1 (0 = any free port)')
  .action(async (o: RunOptions) => run(o));

program
  .command('install-service')
  .description('install the hardened systemd unit (ainkad.service) and a default config')
  .option('--unit-dir <dir>', 'where to write the unit', '/etc/systemd/system')
  .option('--config-dir <dir>', 'where the config lives', '/etc/ainka')
  .option('--enable', 'also enable and start the service')
  .option('--no-reload', 'do not run systemctl daemon-reload')
  .option('--dry-run', 'print what would be written')
  .action((o: { unitDir: string; configDir: string; enable?: boolean; reload: boolean; dryRun?: boolean }) => {
    installService({ unitDir: o.unitDir, configDir: o.configDir, enable: o.enable === true, reload: o.reload, dryRun: o.dryRun === true, log: (l) => process.stdout.write(`${l}\n`) });
  });

program
  .command('record')
  .description('record the live telemetry stream to a file (JSON lines) for --replay and tests')
  .requiredOption('--out <file>', 'output file')
  .option('--seconds <duration>', 'how long to record (90s, 5m; a bare number is seconds)', '30')
  .option('--interval <duration>', 'tick interval (a bare number is ms)', '1000')
  .action(async (o: { out: string; seconds: string; interval: string }) => record(o));

program.parseAsync(process.argv).catch((err: unknown) => {
  const e = describeError(err);
  process.stderr.write(`ainkad: ${e.message} [${e.code}]\n`);
  process.exit(e.code === 'ERR_AINKA_DAEMON_CONFIG_INVALID' || e.code === 'ERR_AINKA_DAEMON_CONFIG_UNREADABLE' ? EXIT.config : e.code === 'ERR_AINKA_DAEMON_SOCKET_IN_USE' ? EXIT.unavailable : EXIT.software);
});
