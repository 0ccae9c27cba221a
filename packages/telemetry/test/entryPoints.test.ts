/**
 * The subpath exports are light: `@ainka/telemetry/collectors` (and the other entries that do not need
 * them) never load better-sqlite3 or prom-client. Checked against the built `dist`, as an npm user gets
 * it, in a child node process: for ESM a resolve hook refuses the heavy modules, for CJS the require
 * cache is read. Importing the root entry is the control (it must load both).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = join(import.meta.dirname, '..');
const heavy = ['better-sqlite3', 'prom-client'];
const light = ['collectors', 'logs', 'alerts', 'otlp'];
let work = '';

function newestSource(): number {
  return Math.max(...['src', 'tsup.config.ts', 'package.json'].map((p) => statSync(join(pkgDir, p)).mtimeMs));
}

beforeAll(() => {
  const built = join(pkgDir, 'dist', 'collectors.cjs');
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource()) {
    execFileSync('flock', [join(tmpdir(), 'ainka-telemetry-build.lock'), 'npx', 'tsup'], { cwd: pkgDir, stdio: 'pipe', timeout: 300_000 });
  }
  work = mkdtempSync(join(tmpdir(), 'ainka-entries-'));
  // A resolve hook that throws when anything asks for a heavy module.
  writeFileSync(
    join(work, 'hooks.mjs'),
    `export async function resolve(specifier, context, next) {\n` +
      `  if (${JSON.stringify(heavy)}.some((h) => specifier === h || specifier.startsWith(h + '/'))) throw new Error('HEAVY:' + specifier);\n` +
      `  return next(specifier, context);\n}\n`,
  );
  writeFileSync(join(work, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(work, 'hooks.mjs')).href)});\n`);
}, 320_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function esm(code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(work, 'register.mjs')).href, '--input-type=module', '-e', code], { cwd: pkgDir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cjsLoaded(entry: string): string[] {
  const code = `require(${JSON.stringify(entry)}); const keys = Object.keys(require.cache); console.log(JSON.stringify(${JSON.stringify(heavy)}.filter((h) => keys.some((k) => k.includes('/node_modules/' + h + '/')))));`;
  const out = execFileSync(process.execPath, ['-e', code], { cwd: pkgDir, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out) as string[];
}

describe('@ainka/telemetry subpath exports', { timeout: 180_000 }, () => {
  it('ESM: /collectors gives parseProcStat without loading better-sqlite3 or prom-client', () => {
    const r = esm(`import { parseProcStat, MetricsCollector } from '@ainka/telemetry/collectors'; console.log(typeof parseProcStat, typeof MetricsCollector);`);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('function function');
  });

  it('ESM: the other light entries load neither; the root, /history and /prometheus do (control)', () => {
    for (const e of light) expect(esm(`await import('@ainka/telemetry/${e}');`).stderr, e).toBe('');
    expect(esm(`await import('@ainka/telemetry');`).stderr).toMatch(/HEAVY:(better-sqlite3|prom-client)/);
    expect(esm(`await import('@ainka/telemetry/history');`).stderr).toMatch(/HEAVY:better-sqlite3/);
    expect(esm(`await import('@ainka/telemetry/prometheus');`).stderr).toMatch(/HEAVY:prom-client/);
  });

  it('CJS: require.cache after /collectors holds neither heavy module; after the root it holds both', () => {
    expect(cjsLoaded('@ainka/telemetry/collectors')).toEqual([]);
    expect(cjsLoaded('@ainka/telemetry/history')).toEqual(['better-sqlite3']);
    expect(cjsLoaded('@ainka/telemetry')).toEqual(heavy);
  });

  it('every entry re-exports the same objects as the root (one TelemetryError class)', () => {
    const code = `
      const root = await import('@ainka/telemetry');
      const bad = [];
      for (const e of ${JSON.stringify([...light, 'history', 'prometheus'])}) {
        const m = await import('@ainka/telemetry/' + e);
        for (const [k, v] of Object.entries(m)) if (root[k] !== v) bad.push(e + ':' + k);
      }
      console.log(JSON.stringify(bad));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: pkgDir, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
    const cjs = execFileSync(process.execPath, ['-e', `console.log(require('@ainka/telemetry/collectors').TelemetryError === require('@ainka/telemetry').TelemetryError)`], { cwd: pkgDir, encoding: 'utf8' });
    expect(cjs.trim()).toBe('true');
  });
});
