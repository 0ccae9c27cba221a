// Child process of history.test.ts: writes batches forever until killed, reporting each commit.
// Each batch b holds `size` samples whose value is b, so the parent can check that no batch is partial.
import { HistoryManager } from '../src/historyManager.js';

const [path, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg ?? 5000);
const h = new HistoryManager({ path: path as string, flushIntervalMs: 0, batchSize: Number.MAX_SAFE_INTEGER, maintenanceIntervalMs: 0 });
const t0 = 1_700_000_000_000;
for (let b = 0; ; b++) {
  const samples = [];
  for (let i = 0; i < size; i++) {
    samples.push({ name: 'test.crash', labels: { s: String(i % 50) }, unit: 'count' as const, value: b, timestamp: t0 + (b * size + i) * 10 });
  }
  h.write(samples);
  h.flush();
  process.stdout.write(`committed ${b}\n`);
}
