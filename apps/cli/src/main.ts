#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { adviseCommand, anomaliesCommand, explainCommand, forecastCommand } from './adviceCommands.js';
import { baselineDiffCommand, baselineRecordCommand } from './baselineCommands.js';
import { registerCompletion } from './completion.js';
import { dashboardCommand } from './dashboardCommand.js';
import { Context, reportError, type GlobalOptions } from './context.js';
import { EXIT } from './exitCodes.js';
import { historyCommand } from './historyCommand.js';
import { policyApplyCommand, policyListCommand, policyValidateCommand } from './policyCommands.js';
import { rollbackCommand } from './rollbackCommand.js';
import { statusCommand } from './statusCommand.js';
import { topCommand } from './topCommand.js';
import { alertsCommand, complianceCommand } from './guardCommands.js';
import { fleetLearnCommand, type FleetLearnCommandOptions } from './fleetCommand.js';

const program = new Command('ainka')
  .description('Administer AINKA: what the daemon sees, what it would change and why, and undo what it changed.')
  .version('0.1.0')
  .option('--socket <path>', 'daemon socket (default /run/ainka/ainkad.sock as root, else $XDG_RUNTIME_DIR/ainka/ainkad.sock; env AINKA_SOCKET)')
  .option('--state-dir <dir>', 'daemon state dir, for `history` when the daemon is down (env AINKA_STATE_DIR)')
  .option('--json', 'machine-readable output (one JSON document on stdout)')
  .addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 failed, 2 usage, 3 daemon not reachable, 4 not found, 5 invalid input,
            6 permission denied, 10 advice pending (advise --exit-code).`,
  )
  .exitOverride()
  .showHelpAfterError();

let exitCode: number = EXIT.ok;
const ctx = (): Context => new Context(program.opts<GlobalOptions>());
const run = (fn: () => Promise<number> | number) => async () => {
  exitCode = await fn();
};

program.command('dashboard').description('the URL of the web dashboard (with the admin token when you may change the system)').action(run(() => dashboardCommand(ctx())));
program.command('status').description('daemon state, decision layers and their latency, what is missing').action(run(() => statusCommand(ctx())));
program
  .command('top')
  .description('live view: state, pressure, latency histograms, anomalies, advice (q quits)')
  .option('--once', 'print one frame and exit')
  .option('--interval <duration>', 'refresh interval (500ms, 2s; a bare number is ms)', '1000')
  .action((o: { once?: boolean; interval: string }) => run(() => topCommand(ctx(), o))());
program.command('explain <id>').description('why an action (D3), anomaly (A7) or journal change (#12) happened, with its evidence').action((id: string) => run(() => explainCommand(ctx(), id))());
const policy = program.command('policy').description('validate, apply and list policies');
policy.command('validate <files...>').description('check policy files (locally; no daemon needed)').action((files: string[]) => run(() => policyValidateCommand(ctx(), files))());
policy.command('apply <files...>').description('validate, store and load policies in the daemon').action((files: string[]) => run(() => policyApplyCommand(ctx(), files))());
policy.command('list').description('the policies the daemon evaluates').action(run(() => policyListCommand(ctx())));
program
  .command('advise')
  .description('what AINKA would change now, and why')
  .option('--exit-code', 'exit with 10 when there is advice')
  .action((o: { exitCode?: boolean }) => run(() => adviseCommand(ctx(), o))());
program
  .command('rollback [id]')
  .description('undo an applied change (journal id or action id), or --all')
  .option('--all', 'roll back every change AINKA manages')
  .action((id: string | undefined, o: { all?: boolean }) => run(() => rollbackCommand(ctx(), id, o))());
const baseline = program.command('baseline').description('declared baseline of the machine, and drift from it');
baseline
  .command('record')
  .description('record sysctls, file hashes under /etc, modules, mounts and enabled units as the baseline')
  .option('--sysctl <names...>', 'sysctls to record (default: a tuning and hardening set)')
  .option('--file <paths...>', 'files to hash (absolute; /etc/dir/* for a directory)')
  .option('--enforce <ids...>', 'items restored in enforce mode, e.g. sysctl:vm.swappiness file:/etc/hosts')
  .action((o: { sysctl?: string[]; file?: string[]; enforce?: string[] }) => run(() => baselineRecordCommand(ctx(), o))());
baseline
  .command('diff')
  .description('what drifted from the baseline, with who changed it when known')
  .option('--exit-code', 'exit with 10 when something drifted')
  .action((o: { exitCode?: boolean }) => run(() => baselineDiffCommand(ctx(), o))());
program
  .command('fleet')
  .description('learning across machines from Prometheus')
  .command('learn')
  .description('learn per-series baselines across the hosts of each group, flag outlier hosts, publish thresholds, policies and ConfigMaps')
  .requiredOption('--prometheus <url>', 'Prometheus (or Thanos/Mimir/VictoriaMetrics) base URL')
  .option('--group-by <label>', 'label hosts are grouped by', 'role')
  .option('--host-label <label>', 'label naming a host', 'host')
  .option('--range <duration>', 'history to learn from (90s, 15m, 1h30m, 2d; a bare number is seconds)', '1h')
  .option('--step <duration>', 'query resolution (default range / 120)')
  .option('--z <number>', '|robust z| above which a value is outlying', '3.5')
  .option('--k <number>', 'thresholds are median ± k robust sigma', '3')
  .option('--min-hosts <n>', 'series seen on fewer hosts of a group are not learned', '3')
  .option('--templates <dir>', 'policy templates with ${fleet:…} placeholders (deploy/fleet/templates)')
  .option('--out <dir>', 'write fleet-model.json, per group a directory and a ConfigMap manifest')
  .option('--namespace <ns>', 'namespace of the ConfigMaps', 'ainka')
  .option('--configmap-prefix <name>', 'ConfigMap name prefix (<prefix>-<group>)', 'ainka-fleet')
  .option('--server-side', "let Prometheus take each host's median (quantile_over_time): one value per series over the network, for large fleets")
  .action((o: FleetLearnCommandOptions) => run(() => fleetLearnCommand(ctx(), o))());
program.command('forecast <metric>').description('forecast a metric or series, with capacity when a limit is known').action((m: string) => run(() => forecastCommand(ctx(), m))());
program
  .command('anomalies')
  .description('active anomalies (--all: with recently closed ones)')
  .option('--all', 'include closed anomalies')
  .action((o: { all?: boolean }) => run(() => anomaliesCommand(ctx(), o))());
program
  .command('alerts')
  .description('security alerts of the guard, newest first, each with its process tree')
  .option('--limit <n>', 'at most this many alerts', '50')
  .action((o: { limit: string }) => run(() => alertsCommand(ctx(), o))());
program
  .command('compliance')
  .description('kernel hardening, file permission, sshd and module checks with evidence, remediation and a score')
  .option('--enforce', 'apply the remediations that have a knob, through the daemon (journaled, reversible)')
  .action((o: { enforce?: boolean }) => run(() => complianceCommand(ctx(), o))());
program
  .command('history <metric>')
  .description('stored history of a metric or series (from SQLite when the daemon is down)')
  .option('--since <when>', 'start: a duration back from now (30s, 10m, 1h30m, 1d) or an ISO date', '1h')
  .option('--limit <n>', 'at most this many points per series', '1000')
  .action((m: string, o: { since: string; limit: string }) => run(() => historyCommand(ctx(), m, o))());
// Last: completion is generated from every command defined above.
registerCompletion(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    exitCode = err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  } else {
    exitCode = reportError(err, program.opts<GlobalOptions>().json === true);
  }
}
process.exitCode = exitCode;
