#!/usr/bin/env node
// The libraries as an npm user gets them: `npm pack` every published package under packages/*, install
// the tarballs into an empty temporary project, and run each README's opening example there.
//
//   node tools/scripts/packInstall.mjs [--keep] [name …]
//
// - The @ainka packages come only from the packed tarballs (`overrides` pin every @ainka name to its
//   tarball, so nothing is looked up in the registry for them); third-party dependencies come from the
//   npm cache (`--prefer-offline`), or the registry when the cache lacks them.
// - Install scripts are skipped: better-sqlite3 would download a prebuilt binary from GitHub (not
//   reachable here) or compile SQLite for minutes, and @ainka/native ships its addon as prebuilds made at
//   publish time (`prepublishOnly`), which `npm pack` does not run. Both compiled addons are copied from
//   this checkout's build instead; everything else is exactly what the tarballs contain.
// - Each example runs with the project as working directory, through tsx (the examples are TypeScript),
//   with a time limit; an example that exits non-zero or prints to stderr fails the run. The examples
//   that need root, BPF or the kernel module print their fallback when those are missing.
// Exits 1 naming the package, the example's output and the fix when anything fails.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { firstCodeBlock } from './readmeExample.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = new Set(args.filter((a) => !a.startsWith('--')));
const EXAMPLE_TIMEOUT_MS = 90_000;
/**
 * Packages that are packed and installed but whose example is not run, each with the reason. Keep this
 * empty: an entry is a bug in that package's README to fix.
 */
const EXAMPLE_NOT_RUN = {};

function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  return r;
}

/** Published packages: packages/* without `private`, with a dist to pack. */
const packages = readdirSync(join(root, 'packages'))
  .sort()
  .filter((folder) => existsSync(join(root, 'packages', folder, 'package.json')))
  .map((folder) => ({ folder, dir: join(root, 'packages', folder), pkg: JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) }))
  .filter((p) => p.pkg.private !== true);
const missing = packages.filter((p) => !existsSync(join(p.dir, 'dist')));
if (missing.length > 0) {
  console.error(`packInstall: not built: ${missing.map((p) => p.pkg.name).join(', ')}; run \`npx nx run-many -t build\` first`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'ainka-pack-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);
const failures = [];
const started = Date.now();
try {
  // 1. npm pack every package in one npm run.
  const pack = sh('npm', ['pack', '--json', '--pack-destination', tarballs, ...packages.flatMap((p) => ['--workspace', `packages/${p.folder}`])], { cwd: root });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const packed = JSON.parse(pack.stdout);
  const fileOf = new Map(packed.map((t) => [t.name, join(tarballs, t.filename)]));
  console.log(`packed ${packed.length} packages (${packed.map((t) => `${t.name} ${(t.size / 1024).toFixed(0)} KiB`).join(', ')})`);

  // 2. An empty project that depends on every tarball; overrides keep @ainka/* off the registry.
  const deps = Object.fromEntries([...fileOf].map(([name, file]) => [name, `file:${file}`]));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'ainka-pack-check', private: true, type: 'module', dependencies: deps, overrides: deps }, null, 2));
  const install = sh('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env: { ...process.env, npm_config_workspaces: 'false' } });
  if (install.status !== 0) throw new Error(`npm install of the tarballs failed:\n${install.stderr}`);

  // 3. The two compiled addons (see the header for why they are not built here).
  const require = createRequire(join(root, 'package.json'));
  const sqliteBuild = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  const nativeBuild = join(root, 'packages', 'native', 'build', 'Release', 'ainka_native.node');
  for (const [from, to] of [
    [sqliteBuild, join(project, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')],
    [nativeBuild, join(project, 'node_modules', '@ainka', 'native', 'build', 'Release', 'ainka_native.node')],
  ]) {
    if (!existsSync(from)) throw new Error(`${from} is missing; build it first (npm install, npx nx run @ainka/native:build)`);
    if (existsSync(dirname(dirname(dirname(to))))) {
      mkdirSync(dirname(to), { recursive: true });
      cpSync(from, to);
    }
  }
  // Nothing of the checkout may leak in: every @ainka package must be a real copy from its tarball.
  for (const name of fileOf.keys()) {
    const dir = join(project, 'node_modules', name);
    if (!existsSync(join(dir, 'package.json'))) failures.push(`${name}: not installed from its tarball`);
  }

  // 4. Run each README's opening example.
  const tsx = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx/esm')).href;
  for (const p of packages) {
    if (only.size > 0 && !only.has(p.folder)) continue;
    if (EXAMPLE_NOT_RUN[p.folder] !== undefined && !only.has(p.folder)) {
      console.log(`- ${p.pkg.name}: installed; example not run: ${EXAMPLE_NOT_RUN[p.folder]}`);
      continue;
    }
    const block = firstCodeBlock(readFileSync(join(p.dir, 'README.md'), 'utf8'));
    if (!block) {
      failures.push(`${p.pkg.name}: README.md has no \`\`\`ts/js example`);
      continue;
    }
    const file = join(project, `example-${p.folder}.${block.lang === 'ts' ? 'mts' : 'mjs'}`);
    writeFileSync(file, block.code);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--import', tsx, file], { cwd: project, encoding: 'utf8', timeout: EXAMPLE_TIMEOUT_MS, env: { ...process.env, NODE_PATH: '' } });
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-12).join('\n    ');
    if (r.status !== 0 || (r.stderr ?? '').trim() !== '') {
      failures.push(`${p.pkg.name}: the README example (packages/${p.folder}/README.md line ${block.line}) ${r.status === null ? `did not finish within ${EXAMPLE_TIMEOUT_MS / 1000} s` : `exited ${r.status}`} in a project that installed the packed tarballs:\n    ${out}`);
      console.log(`✖ ${p.pkg.name} (${secs} s)`);
    } else {
      console.log(`✔ ${p.pkg.name} (${secs} s): ${(r.stdout ?? '').trim().split('\n')[0]?.slice(0, 100) ?? ''}`);
    }
  }
} catch (err) {
  failures.push(err instanceof Error ? err.message : String(err));
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(`packInstall: ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s) with the packed libraries:\n- ${failures.join('\n- ')}\nFix the package (its files, dependencies or README example) so it works as installed from npm.`);
  process.exit(1);
}
