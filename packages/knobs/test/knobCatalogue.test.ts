import { isAinkaError } from '@ainka/errors';
import { describe, expect, it } from 'vitest';
import { findKnobSpec, KnobError, knobCatalogue, parseKnobId } from '../src/index.js';

describe('@ainka/knobs', () => {
  it('parses ids and finds their rows', () => {
    const knob = parseKnobId('cgroup:app.slice:io.max[8:0]');
    expect(knob).toEqual({ id: 'cgroup:app.slice:io.max[8:0]', kind: 'cgroup', target: 'app.slice', attribute: 'io.max', key: '8:0' });
    expect(findKnobSpec(knob.kind, knob.attribute)?.bounds).toContain('rbps/wbps');
    expect(new Set(knobCatalogue.map((k) => `${k.kind}:${k.attribute}`)).size).toBe(knobCatalogue.length);
  });

  it('checks values without touching the system (sibling files come from read)', () => {
    const knob = parseKnobId('sysctl:vm.dirty_ratio');
    const spec = findKnobSpec('sysctl', 'vm.dirty_ratio');
    const read = (path: string) => (path === 'proc/sys/vm/dirty_background_ratio' ? '20\n' : undefined);
    expect(spec?.check('30', { knob, current: '40', read })).toBeUndefined();
    expect(spec?.check('15', { knob, current: '40', read })).toMatch(/not above vm.dirty_background_ratio \(20\)/);
  });

  it('refuses a malformed id with a KnobError that is an AinkaError', () => {
    let caught: unknown;
    try {
      parseKnobId('cgroup:../etc:cpu.weight');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KnobError);
    expect(isAinkaError(caught, 'ERR_AINKA_KNOB_UNKNOWN')).toBe(true);
    expect((caught as KnobError).message).toMatch(/use a relative path without '\.\.'/);
  });
});
