import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeManager, createActuators, parseKnobId } from '../src/index.js';

// Runs only in the QEMU guest (tools/testbed) as root, against the guest kernel's real /proc/sys.
const SWAPPINESS = '/proc/sys/vm/swappiness';
const why = (() => {
  if (process.env.AINKA_TEST_TARGET !== 'guest') return 'not in the QEMU guest';
  if (process.getuid?.() !== 0) return 'not root';
  try {
    accessSync(SWAPPINESS, constants.W_OK);
  } catch {
    return `${SWAPPINESS} is not writable`;
  }
  return '';
})();
if (why) console.log(`skipping sysctl guest tests: ${why}`);

describe.skipIf(why !== '')('sysctl actuator against the guest kernel', () => {
  let original = '';
  beforeAll(() => {
    original = readFileSync(SWAPPINESS, 'utf8').trim();
  });
  afterAll(() => {
    if (original) writeFileSync(SWAPPINESS, `${original}\n`);
  });

  it('reads, validates, applies, verifies and reverts vm.swappiness in /proc/sys', async () => {
    const a = createActuators().sysctl;
    const knob = parseKnobId('sysctl:vm.swappiness');
    const target = original === '17' ? '18' : '17';
    await a.validate('/', knob, target);
    await a.apply('/', knob, target);
    expect(await a.verify('/', knob, target)).toBe(true);
    expect(readFileSync(SWAPPINESS, 'utf8').trim()).toBe(target);
    await a.revert('/', knob, original);
    expect(await a.read('/', knob)).toBe(original);
  });

  it('reads the real tcp_rmem triple and refuses an unavailable congestion control before writing', async () => {
    const a = createActuators().sysctl;
    expect(await a.read('/', parseKnobId('sysctl:net.ipv4.tcp_rmem'))).toMatch(/^\d+ \d+ \d+$/);
    await expect(a.validate('/', parseKnobId('sysctl:net.ipv4.tcp_congestion_control'), 'no-such-cc')).rejects.toMatchObject({ code: 'ERR_AINKA_KNOB_OUT_OF_BOUNDS' });
  });

  it('journals, rolls back, and releases a knob an administrator changed', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'ainka-guest-'));
    const lines: string[] = [];
    const m = await ChangeManager.open({ stateDir, mode: 'enforce', flap: false, log: (l) => lines.push(l) });
    const r = await m.apply([{ knob: 'sysctl:vm.swappiness', value: original === '23' ? 24 : 23, reason: 'guest-test', because: 'testing the real /proc/sys' }]);
    expect(r.outcomes[0]?.status).toBe('applied');
    await m.rollbackAll();
    expect(readFileSync(SWAPPINESS, 'utf8').trim()).toBe(original);
    await m.apply([{ knob: 'sysctl:vm.swappiness', value: 31, reason: 'guest-test', because: 'again' }]);
    writeFileSync(SWAPPINESS, '32\n'); // the administrator
    expect((await m.checkAdminWrites()).map((k) => k.observed)).toEqual(['32']);
    await m.rollbackAll();
    expect(readFileSync(SWAPPINESS, 'utf8').trim()).toBe('32');
    await m.close();
  });
});
