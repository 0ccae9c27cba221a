import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ChangeManager } from '@ainka/actuators';
import { describe, expect, it } from 'vitest';
import { ActionGenerator, loadPolicyPack, RuleEngine } from '../src/index.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ainka-e2e-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return root;
}

describe('policy → plan → change manager', () => {
  it('turns sustained memory pressure into one journaled, explained, reversible change', async () => {
    const root = tree({ 'proc/sys/vm/watermark_scale_factor': '10\n', 'proc/sys/vm/vfs_cache_pressure': '100\n', 'proc/sys/vm/min_free_kbytes': '67584\n' });
    const lines: string[] = [];
    let now = 0;
    const manager = await ChangeManager.open({ root, stateDir: join(root, 'var/lib/ainka'), mode: 'enforce', log: (l) => lines.push(l), clock: () => now });
    const read = (knob: string) => manager.managed().find((m) => m.knob === knob)?.value ?? readFileSync(join(root, 'proc/sys', knob.slice(7).replaceAll('.', '/')), 'utf8').trim();
    const policy = { ...loadPolicyPack('memory-pressure'), rules: loadPolicyPack('memory-pressure').rules.map((r) => ({ ...r, mode: 'enforce' as const })) };
    const engine = new RuleEngine([policy]);
    const planner = new ActionGenerator({ read });
    const frame = engine.frame();
    for (; now <= 60_000; now += 10_000) {
      frame.set('psi.memory.some_avg10', 31);
      const plan = planner.generate(engine.evaluate(frame, now), now);
      if (plan.actions.length > 0) await manager.apply(plan.actions);
    }
    expect(readFileSync(join(root, 'proc/sys/vm/watermark_scale_factor'), 'utf8')).toBe('20\n'); // 10 + 50 damped to a doubling on the first step
    expect(lines).toEqual(["reason 'reclaim-earlier-under-pressure' on knob sysctl:vm.watermark_scale_factor: 10 → 20 (damped step towards 60), because psi.memory.some_avg10 = 31 > 20 for 30 s"]);
    await manager.rollbackAll();
    expect(readFileSync(join(root, 'proc/sys/vm/watermark_scale_factor'), 'utf8')).toBe('10\n');
    await manager.close();
    rmSync(root, { recursive: true, force: true });
  });
});
