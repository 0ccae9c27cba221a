import { describe, expect, it } from 'vitest';
import { ebpfMetricNames, getMetricDefinition, metricCatalogue } from '../src/collectors.js';

describe('ebpfMetricNames: the eBPF-derived series, named once, all in the catalogue', () => {
  const names = [
    ...Object.values(ebpfMetricNames.runQueueLatency),
    ...Object.values(ebpfMetricNames.connectLatency),
    ebpfMetricNames.contextSwitchesPerSecond,
    ebpfMetricNames.oomKillEvents,
  ];

  it('lists eight distinct names, each a catalogue entry sourced from eBPF with the unit its value has', () => {
    expect(new Set(names).size).toBe(8);
    for (const name of names) {
      const def = getMetricDefinition(name);
      expect(def, name).toBeDefined();
      expect(def?.source, name).toMatch(/eBPF/);
      expect(def?.labels, name).toEqual([]);
    }
    for (const name of [...Object.values(ebpfMetricNames.runQueueLatency), ...Object.values(ebpfMetricNames.connectLatency)]) expect(getMetricDefinition(name)?.unit, name).toBe('seconds');
    expect(getMetricDefinition(ebpfMetricNames.contextSwitchesPerSecond)?.unit).toBe('per_second');
    expect(getMetricDefinition(ebpfMetricNames.oomKillEvents)?.unit).toBe('count');
  });

  it('names every eBPF-sourced catalogue entry (no eBPF metric is catalogued under a name no source emits)', () => {
    expect(metricCatalogue.filter((d) => /eBPF/.test(d.source)).map((d) => d.name).sort()).toEqual([...names].sort());
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ebpfMetricNames)).toBe(true);
    expect(Object.isFrozen(ebpfMetricNames.runQueueLatency)).toBe(true);
  });
});
