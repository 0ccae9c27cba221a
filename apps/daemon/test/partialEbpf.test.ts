/**
 * Partial eBPF: one concern's object cannot load on this machine (forced by config: `telemetry.ebpfObjects`
 * points at a copy of the shipped objects whose net.bpf.o is not an ELF file). `EbpfStreams` errors the
 * streams of that concern; ainkad must log it, report it in its capabilities, and keep running with the
 * other eBPF streams (run-queue latency from the sched object) and procfs telemetry.
 */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, ebpfSkipReason, ensureBuilt, eventually, shippedBpfDir, startDaemon, tempDir, writeConfig, type RunningDaemon } from './harness.js';

const shipped = shippedBpfDir;
const skip = ebpfSkipReason();
if (skip) console.warn(`[@ainka/daemon] skipping the partial-eBPF test: ${skip}`);

interface Status {
  readonly ticks: number;
  readonly metricsUrl: string | null;
  readonly capabilities: readonly { id: string; available: boolean; reason?: string }[];
}

describe.skipIf(skip)('ainkad with only some eBPF concerns loadable', { timeout: 180_000 }, () => {
  let d: RunningDaemon;

  beforeAll(async () => {
    ensureBuilt();
    const dir = tempDir('partial-ebpf');
    const objects = join(dir, 'bpf');
    cpSync(shipped, objects, { recursive: true });
    writeFileSync(join(objects, 'net.bpf.o'), 'this is not an ELF object\n');
    const config = writeConfig(dir, `telemetry:\n  ebpfObjects: ${JSON.stringify(objects)}\n`);
    d = await startDaemon(dir, ['--config', config, '--interval', '500'], {}, 60_000);
  }, 180_000);
  afterAll(async () => {
    await d?.stop();
  });

  it('logs the failed stream with its code and keeps running', async () => {
    const line = await d.waitFor((l) => l.event === 'ebpf-stream-failed', 60_000);
    expect(line.stream).toBe('connectLatency$');
    expect((line.err as { code: string }).code).toMatch(/^ERR_AINKA_BPF_/);
    const before = cliJson<Status>(['status'], d.socket).ticks;
    await eventually(() => (cliJson<Status>(['status'], d.socket).ticks >= before + 4 ? true : undefined), 60_000);
    expect(d.proc.exitCode).toBeNull();
    expect(d.logs().filter((l) => l.event === 'ebpf-stream-failed')).toHaveLength(1);
  });

  it('reports eBPF as partly available, naming the failed stream', () => {
    const ebpf = cliJson<Status>(['status'], d.socket).capabilities.find((c) => c.id === 'ebpf');
    expect(ebpf?.available).toBe(true);
    expect(ebpf?.reason).toMatch(/connectLatency\$ failed: /);
  });

  it('still exports the streams of the objects that loaded (run-queue latency) and none of the failed one', async () => {
    const url = cliJson<Status>(['status'], d.socket).metricsUrl;
    expect(url).not.toBeNull();
    let text = '';
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      text = await (await fetch(url as string)).text();
      if (/^ainka_sched_runq_latency_p99_seconds/m.test(text) && /^ainka_sched_context_switches_per_second/m.test(text)) break;
    }
    // From @ainka/ebpf-telemetry's source: the sched object's streams, named and scaled by the catalogue.
    expect(text).toMatch(/^ainka_sched_runq_latency_p99_seconds/m);
    expect(Number(/^ainka_sched_runq_latency_p99_seconds(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1])).toBeLessThan(10);
    expect(Number(/^ainka_sched_context_switches_per_second(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).not.toMatch(/^ainka_net_tcp_connect_latency/m);
  });

  it('stops cleanly', async () => {
    expect(await d.stop()).toBe(0);
  });
});

describe.skipIf(skip)('ainkad whose security eBPF object cannot load', { timeout: 180_000 }, () => {
  let d: RunningDaemon;

  beforeAll(async () => {
    ensureBuilt();
    const dir = tempDir('partial-ebpf-security');
    const objects = join(dir, 'bpf');
    cpSync(shipped, objects, { recursive: true });
    writeFileSync(join(objects, 'security.bpf.o'), 'this is not an ELF object\n');
    const config = writeConfig(dir, `telemetry:\n  ebpfObjects: ${JSON.stringify(objects)}\n`);
    d = await startDaemon(dir, ['--config', config, '--interval', '500'], {}, 60_000);
  }, 180_000);
  afterAll(async () => {
    await d?.stop();
  });

  it('stops the guard with the reason, keeps running, and reports the guard unavailable', async () => {
    const line = await d.waitFor((l) => l.event === 'guard-stream-failed', 60_000);
    expect((line.err as { code: string }).code).toMatch(/^ERR_AINKA_BPF_/);
    const before = cliJson<Status>(['status'], d.socket).ticks;
    await eventually(() => (cliJson<Status>(['status'], d.socket).ticks >= before + 4 ? true : undefined), 60_000);
    expect(d.proc.exitCode).toBeNull();
    const guard = cliJson<Status>(['status'], d.socket).capabilities.find((c) => c.id === 'guard');
    expect(guard?.available).toBe(false);
    expect(guard?.reason).toMatch(/^security events failed: /);
    expect(await d.stop()).toBe(0);
  });
});
