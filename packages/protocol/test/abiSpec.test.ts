import { describe, expect, test } from 'vitest';
import { abi, computeLayout, KernelMetric, ProtocolError, SAMPLE_METRIC_COUNT, type StructSpec } from '@ainka/protocol';

describe('ABI spec consistency', () => {
  test('every struct lays out with no implicit padding at its declared size', () => {
    for (const s of abi.structs) expect(computeLayout(s).size).toBe(s.size);
  });

  test('a struct with an implicit hole is refused with the field to fix', () => {
    const bad: StructSpec = {
      name: 'bad',
      doc: '',
      size: 16,
      fields: [
        { name: 'a', type: 'u32', doc: '' },
        { name: 'b', type: 'u64', doc: '' },
      ],
    };
    expect(() => computeLayout(bad)).toThrow(ProtocolError);
    expect(() => computeLayout(bad)).toThrow(/field b would start at 4/);
  });

  test('the sample carries one slot per kernel metric', () => {
    expect(Object.keys(KernelMetric)).toHaveLength(SAMPLE_METRIC_COUNT);
  });

  test('ids are unique within every enum, attribute set and the command table', () => {
    for (const e of abi.enums) expect(new Set(e.values.map((v) => v.value)).size).toBe(e.values.length);
    for (const s of abi.family.attributeSets) expect(new Set(s.attributes.map((a) => a.value)).size).toBe(s.attributes.length);
    expect(new Set(abi.family.operations.map((o) => o.value)).size).toBe(abi.family.operations.length);
  });

  test('operations only name attributes of the top-level set', () => {
    const top = abi.family.attributeSets.find((s) => s.name === abi.family.topSet)!;
    const names = new Set(top.attributes.map((a) => a.name));
    for (const op of abi.family.operations) for (const n of [...op.request, ...op.reply, ...(op.required ?? [])]) expect(names).toContain(n);
  });

  test('every state-changing command needs CAP_NET_ADMIN', () => {
    const changing = ['set-mode', 'set-config', 'policy-load', 'policy-clear', 'heartbeat', 'set-pressure'];
    for (const op of abi.family.operations) expect(op.adminPerm).toBe(changing.includes(op.name));
  });

  test('the events group, which names tasks, needs CAP_NET_ADMIN to join', () => {
    expect(abi.family.mcastGroups.find((g) => g.name === 'events')?.adminPerm).toBe(true);
  });
});
