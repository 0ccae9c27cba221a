import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * The daemon is an application: its entry (`main.js`) bundles the AINKA libraries it composes from their
 * sources (as vitest does), so `npm start` never runs against a stale or half-built library. Third-party
 * and native dependencies (better-sqlite3, @ainka/native) stay external. The library entry (`index.js`)
 * holds only the local API's types and client and bundles nothing.
 */
const packagesDir = resolve(import.meta.dirname, '..', '..', 'packages');
const bundled = ['telemetry', 'ml', 'policy', 'actuators', 'healing', 'ebpf', 'ipc', 'protocol'];
const alias = Object.fromEntries(
  bundled.filter((n) => existsSync(join(packagesDir, n, 'src', 'index.ts'))).map((n) => [`@ainka/${n}`, join(packagesDir, n, 'src', 'index.ts')]),
);

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: process.env.AINKA_NO_DTS !== '1',
    sourcemap: true,
    clean: false,
    target: 'node20',
  },
  {
    entry: { main: 'src/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    noExternal: [/^@ainka\/(?!native|ebpf|ipc)/],
    // ebpf and ipc find their .bpf.o objects and the addon relative to their own files: never bundle them.
    // @particle/dbus-next (via @ainka/healing) requires optional modules (x11) at run time only: keep it external.
    external: ['@ainka/native', '@ainka/ebpf', '@ainka/ipc', 'better-sqlite3', '@particle/dbus-next'],
    esbuildOptions(options) {
      options.alias = alias;
    },
    banner: { js: "import { createRequire as __ainkaCreateRequire } from 'node:module'; const require = __ainkaCreateRequire(import.meta.url);" },
  },
]);
