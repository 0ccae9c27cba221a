import { defineConfig } from 'tsup';

/**
 * The daemon is an application built the way a user gets it: its entry (`main.js`) imports the AINKA
 * libraries by package name and runs against their published `dist` (nx builds each library before the
 * daemon: `dependsOn: ["^build"]`), never against their sources. Only the daemon's own modules are
 * bundled. The library entry (`index.js`) holds only the local API's types and client.
 */
export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: process.env.AINKA_NO_DTS !== '1',
    sourcemap: true,
    clean: false,
    target: 'node20',
    // parse-duration (behind parseDuration) is ESM-only: bundled into this entry, so the CJS build's
    // require() gets the function and not a namespace object.
    noExternal: ['parse-duration'],
  },
  {
    entry: { main: 'src/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    // Every dependency (the @ainka libraries, better-sqlite3, dbus-next, …) stays external: tsup's default.
  },
]);
