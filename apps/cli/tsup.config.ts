import { defineConfig } from 'tsup';

/**
 * `ainka` is an application built the way a user gets it: it imports the daemon's API client and the
 * AINKA libraries by package name and runs against their published `dist` (nx builds them first), never
 * against their sources. Only the CLI's own modules are bundled; every dependency stays external.
 */
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: false,
  target: 'node20',
});
