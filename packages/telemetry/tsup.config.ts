import { defineConfig } from 'tsup';

/**
 * One entry per subpath export (`@ainka/telemetry/collectors`, `/history`, …) plus the root. Shared code
 * goes into chunks (ESM and CJS alike), so `TelemetryError` is one class whichever entry loaded it, and an
 * entry loads only the chunks it needs (`/collectors` never loads better-sqlite3 or prom-client).
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    collectors: 'src/collectors.ts',
    history: 'src/history.ts',
    logs: 'src/logs.ts',
    alerts: 'src/alerts.ts',
    prometheus: 'src/prometheus.ts',
    otlp: 'src/otlp.ts',
  },
  format: ['esm', 'cjs'],
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
