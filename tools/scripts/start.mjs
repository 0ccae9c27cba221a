#!/usr/bin/env node
// `npm start`: AINKA's main job on this machine. Installs what is missing, builds the daemon and the
// libraries it composes, then runs `ainkad --live` in advisory mode with embedded SQLite storage:
// it shows what it sees and what it would change, and changes nothing. Ctrl-C stops it.
// Extra arguments go to ainkad: `npm start -- --config /etc/ainka/ainkad.yaml`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildEnv, ensureDebianPackages, ensureNodeModules, mustRun, root, step } from './bootstrap.mjs';

await ensureDebianPackages();
ensureNodeModules();
buildEnv();

const daemonMain = join(root, 'apps', 'daemon', 'dist', 'main.js');
const done = step('build ainkad and the libraries it uses (nx)');
mustRun('build', 'npx', ['nx', 'run', '@ainka/daemon:build', '--output-style=static']);
done();

if (!existsSync(daemonMain)) {
  console.error(`✖ ${daemonMain} was not built; run \`npx nx run @ainka/daemon:build\` and read its errors.`);
  process.exit(1);
}
const child = spawn(process.execPath, [daemonMain, '--live', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
