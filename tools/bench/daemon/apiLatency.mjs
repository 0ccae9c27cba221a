// ainkad's API responsiveness while it ticks: a client that connects afresh and calls a method every
// `everyMs` (with jitter, so the calls land at every phase of the tick), as `ainka status` would, and records
// the round trip. Used by bench.mjs (--api-every), importable on its own.
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..', '..', '..');

/** Quantile of a sorted array (nearest rank). */
function q(sorted, f) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(f * sorted.length) - 1))];
}

/**
 * Probe `socket` until `stop()` is called: one connect + `method` call every `everyMs` ± 50 %.
 * A call that gets no answer within `timeoutMs` counts as `timeoutMs` and as a timeout.
 * @returns `{ stop(): Promise<{count, timeouts, errors, p50, p90, p99, max, over100, over1000}> }` (ms)
 */
export function probeApi(socket, { method = 'status', everyMs = 100, timeoutMs = 10_000 } = {}) {
  let running = true;
  const ms = [];
  let timeouts = 0;
  let errors = 0;
  const loop = (async () => {
    const { DaemonClient } = await import(join(repo, 'apps', 'daemon', 'dist', 'index.js'));
    while (running) {
      const t0 = performance.now();
      let client;
      try {
        client = await DaemonClient.connect(socket, timeoutMs);
        await client.call(method, {}, Math.max(1, timeoutMs - (performance.now() - t0)));
        ms.push(performance.now() - t0);
      } catch (e) {
        if (e?.code === 'ERR_AINKA_DAEMON_TIMEOUT') {
          timeouts++;
          ms.push(timeoutMs);
        } else errors++;
      } finally {
        client?.close();
      }
      await new Promise((r) => setTimeout(r, everyMs * (0.5 + Math.random())));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const s = [...ms].sort((a, b) => a - b);
      return { count: s.length, timeouts, errors, p50: q(s, 0.5), p90: q(s, 0.9), p99: q(s, 0.99), max: s.at(-1) ?? null, over100: s.filter((x) => x > 100).length, over1000: s.filter((x) => x > 1000).length };
    },
  };
}
