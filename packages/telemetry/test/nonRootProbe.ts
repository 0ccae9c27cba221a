// Child process of nonroot.test.ts, run as an unprivileged user: builds the default hub on the live
// machine, runs two ticks and prints what was available as JSON.
import { LogAnalyzer, TelemetryHub } from '../src/index.js';

const hub = new TelemetryHub({ intervalMs: 1000, logs: new LogAnalyzer({ journal: false }) });
hub.start();
await hub.collectOnce();
await new Promise((r) => setTimeout(r, 100));
const b = await hub.collectOnce();
const status = hub.status();
await hub.close();
process.stdout.write(JSON.stringify({ uid: process.getuid?.(), samples: b.samples.length, status }));
