/**
 * Applying one piece of advice at an admin's request (the dashboard's Apply, `POST /api/apply`) while the
 * daemon runs in advise mode: the admin's write is enforced, and nothing else the change manager serves
 * at that moment is. A guard response already in the manager's queue (reading its knob) used to be
 * written too, because Apply switched the whole manager to enforce for the length of its request.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionStage } from '../src/actionStage.js';
import { tempDir } from './harness.js';

function knobs(): string {
  const root = tempDir('apply-advice');
  mkdirSync(join(root, 'proc', 'sys', 'vm'), { recursive: true });
  writeFileSync(join(root, 'proc', 'sys', 'vm', 'swappiness'), '60\n');
  writeFileSync(join(root, 'proc', 'sys', 'vm', 'dirty_background_ratio'), '10\n');
  return root;
}

const knob = (root: string, name: string): string => readFileSync(join(root, 'proc', 'sys', 'vm', name), 'utf8').trim();

describe('ActionStage.applyAdvice in advise mode', () => {
  it('writes the admin\'s advice and not a change another caller asks for at the same moment', async () => {
    const root = knobs();
    const stage = await ActionStage.open({ stateDir: tempDir('apply-advice-state'), root, mode: 'advise', rollbackOnExit: false, recovery: 'revert', maxPerMinute: 30, log: () => undefined });
    try {
      const [advice] = await stage.handle([{ policy: 'p', rule: 'cpu-saturated', knob: 'sysctl:vm.swappiness', value: '30', mode: 'enforce', because: 'cpu.busy_ratio > 0.9', evidence: [] }], Date.now(), 0);
      expect(advice?.status).toBe('proposed');
      // A guard response (the responder asks with mode 'enforce' and relies on the manager's advise mode),
      // queued just before the admin clicks Apply.
      const guard = stage.manager.apply([{ knob: 'sysctl:vm.dirty_background_ratio', value: '5', reason: 'guard-rule', because: 'an alert', mode: 'enforce' }]);
      const applied = await stage.applyAdvice(advice?.id as string, Date.now());
      expect(applied.status, applied.line).toBe('applied');
      expect(knob(root, 'swappiness')).toBe('30');
      expect((await guard).outcomes[0]?.status).toBe('proposed');
      expect(knob(root, 'dirty_background_ratio')).toBe('10');
      expect(stage.manager.currentMode).toBe('advise');
    } finally {
      await stage.manager.close();
    }
  });
});
