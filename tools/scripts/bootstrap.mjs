// Shared by start.mjs and test.mjs: make a fresh clone runnable. Plain Node, no dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);

/** Prints a step header and returns a function that prints its duration. */
export function step(title) {
  const started = Date.now();
  console.log(`\n${bold(`▶ ${title}`)}`);
  return () => {
    const seconds = (Date.now() - started) / 1000;
    console.log(`  ${title}: ${seconds.toFixed(1)} s`);
    return seconds;
  };
}

/** Runs a command in the repo root with inherited stdio; returns its exit status. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...options.env }, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Runs a command and exits with a clear message if it fails. */
export function mustRun(what, command, args, options = {}) {
  const status = run(command, args, options);
  if (status !== 0) {
    console.error(`\n✖ ${what} failed (exit ${status}). The output above says why.`);
    process.exit(status);
  }
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function missingDebianPackages(names) {
  if (!existsSync('/usr/bin/dpkg-query')) return [];
  return names.filter((name) => {
    try {
      const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return !status.includes('install ok installed');
    } catch {
      return true;
    }
  });
}

/**
 * Installs the Debian packages AINKA needs (tools/scripts/deps.mjs; with `forTests`, the test-only ones too)
 * when they are missing: as root with
 * apt-get --no-install-recommends, otherwise prints the command to run and exits.
 */
export async function ensureDebianPackages({ forTests = false } = {}) {
  const deps = await import('./deps.mjs');
  const patterns = forTests && deps.testOnlyDebianPackagePatterns ? (await import('./debian-patterns.mjs')).resolvePatternPackages(deps.testOnlyDebianPackagePatterns) : [];
  const wanted = [...new Set([...deps.debianPackages, ...(forTests ? deps.testOnlyDebianPackages : []), ...patterns])];
  const missing = missingDebianPackages(wanted);
  if (missing.length === 0) return;
  if (!existsSync('/usr/bin/apt-get')) {
    console.warn(`! not a Debian/Ubuntu system: install the equivalents of: ${missing.join(' ')} (see README "What you need")`);
    return;
  }
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!isRoot) {
    console.error(`✖ missing Debian packages: ${missing.join(' ')}\n  fix: sudo sh -c '${command}'`);
    process.exit(1);
  }
  const done = step(`installing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  mustRun('apt-get update', 'apt-get', ['update', '-qq'], { env });
  mustRun('apt-get install', 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
  done();
}

/** Runs `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  const done = step('npm ci');
  mustRun('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
  done();
}

/** Environment for builds: Node's own headers for node-gyp (no download), nx without daemon, cloud or TUI. */
export function buildEnv() {
  const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: process.env.NX_SKIP_NX_CACHE ?? '' };
  for (const dir of ['/usr', '/usr/local']) {
    if (existsSync(join(dir, 'include', 'node', 'node_api.h'))) {
      env.npm_config_nodedir = dir;
      break;
    }
  }
  Object.assign(process.env, env);
  return env;
}
