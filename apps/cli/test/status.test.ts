import type { StatusResult } from '@ainka/daemon';
import { describe, expect, it } from 'vitest';
import { renderStatus } from '../src/statusCommand.js';

const base = {
  pid: 1,
  version: '0.1.0',
  uptimeSeconds: 60,
  mode: 'advise',
  stateDir: '/var/lib/ainka',
  socket: '/run/ainka/ainkad.sock',
  metricsUrl: null,
  source: 'live',
  ticks: 60,
  series: 100,
  detectors: 90,
  seriesPerSecond: 100,
  rssBytes: 100 << 20,
  layers: [],
  capabilities: [],
  ebpf: [],
  policies: 3,
  activeAnomalies: 0,
  pendingAdvice: 0,
  managedKnobs: 0,
  recovery: { reverted: [], completed: [], rolledBackSessions: [] },
} satisfies StatusResult;

describe('ainka status (human)', () => {
  it('lists each eBPF object with its kernel drops, the guard\'s marked', () => {
    const text = renderStatus({
      ...base,
      ebpf: [
        { concern: 'sched', file: 'sched.bpf.o', ringBuffer: false, owner: 'telemetry', loaded: true, records: 0, kernelDrops: 0, decodeErrors: 0 },
        { concern: 'process', file: 'process.bpf.o', ringBuffer: true, owner: 'telemetry', loaded: true, records: 622, kernelDrops: 59, decodeErrors: 0 },
        { concern: 'security', file: 'security.bpf.o', ringBuffer: true, owner: 'guard', loaded: false, records: 1143, kernelDrops: 326, decodeErrors: 2 },
      ],
    });
    expect(text).toContain('eBPF objects (records the kernel dropped since start');
    const rows = text.split('\n').filter((l) => /^(sched|process|security)/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^sched\s+loaded\s+maps only\s+0 dropped$/);
    expect(rows[1]).toMatch(/^process\s+loaded\s+622 records\s+59 dropped$/);
    expect(rows[2]).toMatch(/^security \(guard\)\s+unloaded\s+1143 records\s+326 dropped\s+2 undecodable$/);
  });

  it('prints no eBPF section without objects (eBPF off, a replay, or an older daemon)', () => {
    expect(renderStatus(base)).not.toContain('eBPF objects');
    const { ebpf: _omitted, ...older } = base;
    expect(renderStatus(older as unknown as StatusResult)).not.toContain('eBPF objects');
  });
});
