import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * `ainka` is an application: it bundles the AINKA code it uses (the daemon's API client and history
 * reader, the libraries under them) from source, so it never runs against a stale build. Third-party and
 * native dependencies stay external.
 */
const root = resolve(import.meta.dirname, '..', '..');
const alias: Record<string, string> = { '@ainka/daemon': join(root, 'apps', 'daemon', 'src', 'index.ts') };
for (const n of ['telemetry', 'ml', 'policy', 'actuators', 'protocol', 'fleet']) {
  const p = join(root, 'packages', n, 'src', 'index.ts');
  if (existsSync(p)) alias[`@ainka/${n}`] = p;
}

export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: false,
  target: 'node20',
  noExternal: [/^@ainka\/(?!native)/],
  external: ['@ainka/native', 'better-sqlite3'],
  esbuildOptions(options) {
    options.alias = alias;
  },
  banner: { js: "import { createRequire as __ainkaCreateRequire } from 'node:module'; const require = __ainkaCreateRequire(import.meta.url);" },
});
