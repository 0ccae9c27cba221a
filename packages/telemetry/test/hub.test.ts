import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertNotification, type MetricSample, type MetricSource, TelemetryHub } from '../src/index.js';
import { cleanupTemp, copySnapshot, tempDir, until, writeTree } from './helpers.js';

afterEach(cleanupTemp);

describe('TelemetryHub', () => {
  it('composes collectors, history, rules, Prometheus and logs over a recorded tree', async () => {
    const root = tempDir();
    copySnapshot('t0', root);
    writeTree(root, { 'dev/kmsg': '' });
    let mono = 0;
    let now = 1_700_000_000_000;
    const got: AlertNotification[] = [];
    const hub = new TelemetryHub({
      root,
      now: () => now,
      monotonic: () => mono,
      history: { path: join(tempDir(), 'h.db'), flushIntervalMs: 0 },
      prometheus: true,
      rules: [{ name: 'always', metric: 'mem.total_bytes', op: '>', threshold: 0, severity: 'info' }],
      logs: { journal: false, pollIntervalMs: 10 },
    });
    hub.alerts.addSink({ name: 'mem', send: (n) => void got.push(n) });
    await hub.collectOnce();
    copySnapshot('t1', root);
    mono = 1000;
    now += 1000;
    const b = await hub.collectOnce();
    expect(b.samples.length).toBeGreaterThan(100);
    expect(hub.get('disk.write_bytes_per_second', { device: 'vda' })?.value).toBeGreaterThan(0);
    expect(hub.snapshot().length).toBeGreaterThan(100);
    // history got both ticks
    const h = hub.history?.query({ name: 'mem.available_bytes', from: 0, to: now + 1, tier: 'raw' });
    expect(h?.[0]?.points).toHaveLength(2);
    // prometheus sees the tick and the sources' status
    const text = (await hub.prometheus?.metrics()) ?? '';
    expect(text).toContain('ainka_disk_write_bytes_per_second{device="vda"}');
    expect(text).toContain('ainka_telemetry_source_up{source="sys.cpufreq"} 0');
    // a kernel log record becomes an alert with its evidence
    hub.start();
    appendFileSync(join(root, 'dev/kmsg'), '3,9,5000000,-;Out of memory: Killed process 31 (hog) total-vm:1kB\n');
    await until(() => hub.alerts.active().some((a) => a.name === 'oom_kill'));
    await hub.close();
    const names = got.flatMap((n) => n.alerts.map((a) => a.name));
    expect(names).toContain('always');
    expect(names).toContain('oom_kill');
    expect(got.flatMap((n) => n.alerts).find((a) => a.name === 'oom_kill')?.evidence.logs?.[0]?.message).toMatch(/hog/);
    expect(hub.status().find((s) => s.id === 'sys.cpufreq')?.reason).toMatch(/cpufreq/);
  });

  it('merges a push source (the shape of an eBPF stream) without changing the hub', async () => {
    const { Subject } = await import('rxjs');
    const push = new Subject<MetricSample>();
    const src: MetricSource = { id: 'ebpf.test', samples$: push };
    const hub = new TelemetryHub({ sources: [], intervalMs: 20 });
    hub.addSource(src);
    hub.start();
    push.next({ name: 'ebpf.runqlat_p99_seconds', unit: 'seconds', value: 0.001, timestamp: Date.now() });
    await until(() => hub.get('ebpf.runqlat_p99_seconds') !== undefined);
    expect(hub.get('ebpf.runqlat_p99_seconds')?.value).toBe(0.001);
    await hub.close();
  });

  it('keeps ticking when the history fails, and reports it in status()', async () => {
    const { HistoryManager } = await import('../src/index.js');
    const history = new HistoryManager({ path: join(tempDir(), 'h.db'), flushIntervalMs: 0 });
    history.close(); // every write now throws ERR_AINKA_TELEMETRY_HISTORY_CLOSED
    const hub = new TelemetryHub({ sources: [{ id: 'one', collect: (c) => [{ name: 'test.one', unit: 'count', value: 1, timestamp: c.now }] }], history });
    const b = await hub.collectOnce();
    expect(b.samples).toHaveLength(1);
    expect(hub.get('test.one')?.value).toBe(1);
    expect(hub.status().find((s) => s.id === 'hub.history')).toMatchObject({ available: false, code: 'ERR_AINKA_TELEMETRY_HISTORY_CLOSED' });
    await hub.close();
  });

  it('runs on the live machine and stops cleanly', async () => {
    const hub = new TelemetryHub({ intervalMs: 50 });
    const batches: number[] = [];
    hub.samples$.subscribe((b) => batches.push(b.samples.length));
    hub.start();
    await until(() => batches.length >= 2);
    await hub.close();
    const n = batches.length;
    await new Promise((r) => setTimeout(r, 80));
    expect(batches.length).toBe(n);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(hub.get('cpu.busy_ratio')).toBeDefined();
  });
});
