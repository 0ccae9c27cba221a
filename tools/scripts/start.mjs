#!/usr/bin/env node
// `npm start`: AINKA's main job on this machine. Installs what is missing, builds the daemon and the
// libraries it composes, then runs `ainkad --live` in advisory mode with embedded SQLite storage:
// it shows what it sees and what it would change, and changes nothing, and serves the web dashboard on
// 127.0.0.1:9465. Ctrl-C stops it.
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
// Footprint (tools/bench/daemon): a 2 MB young generation keeps the per-tick garbage from growing the
// heap (~10 MB less RSS for no measurable CPU), and a fixed glibc mmap threshold gives the memory libbpf
// frees after loading the eBPF objects (the parsed kernel BTF, ~8 MB) back to the system instead of
// keeping it in the malloc heap (ainkad.service: `--max-semi-space-size=2` in ExecStart; the threshold
// belongs in an Environment= line, see tools/bench/daemon/README.md).
// --dashboard: the live web dashboard on 127.0.0.1 (its URL, with the admin token, is printed on this terminal).
const child = spawn(process.execPath, ['--max-semi-space-size=2', daemonMain, '--live', '--dashboard', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { MALLOC_MMAP_THRESHOLD_: '131072', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
