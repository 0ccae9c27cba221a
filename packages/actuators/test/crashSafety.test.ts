import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeManager } from '../src/index.js';
import { stateA, stateB } from './fixtures/crashChild.js';
import { machine, makeTree, readTree, removeTrees } from './fixtures/fakeTree.js';

afterAll(() => {
  removeTrees();
  rmSync(dirname(childScript), { recursive: true, force: true });
});

const KILLS = 200;
const LANES = 2;
let childScript = '';

beforeAll(async () => {
  // Bundle the child to plain JS once, so each of the 200 children starts as fast as bare node.
  const { build } = await import('esbuild');
  childScript = join(mkdtempSync(join(tmpdir(), 'ainka-crash-')), 'crashChild.mjs');
  await build({ entryPoints: [join(import.meta.dirname, 'fixtures/crashChild.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: childScript, logLevel: 'silent' });
});

function snapshot(root: string): Record<string, string> {
  return {
    'sysctl:vm.swappiness': readTree(root, 'proc/sys/vm/swappiness').trim(),
    'sysctl:vm.dirty_ratio': readTree(root, 'proc/sys/vm/dirty_ratio').trim(),
    'sysctl:net.ipv4.tcp_rmem': readTree(root, 'proc/sys/net/ipv4/tcp_rmem').trim().replace(/\s+/g, ' '),
  };
}

/** Start a child, wait until it is applying, kill -9 it after a random delay. */
function killMidApply(root: string, stateDir: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, root, stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

describe('change journal crash safety', () => {
  it(`after kill -9 mid-apply or mid-rollback (${KILLS} times) the knobs are always wholly before or after a batch, never between`, async () => {
    const tally = { before: 0, after: 0, reverted: 0, between: 0, betweenAfterRecovery: 0, journalDisagrees: 0 };
    const lane = async (n: number): Promise<void> => {
      const root = makeTree(machine);
      const stateDir = join(root, 'var/lib/ainka');
      for (let i = 0; i < n; i++) {
        await killMidApply(root, stateDir, Math.random() * 25);
        // How often did the kill leave the files between the two states (the case recovery exists for)?
        const raw = JSON.stringify(snapshot(root));
        if (raw !== JSON.stringify(stateA) && raw !== JSON.stringify(stateB)) tally.between++;
        const manager = await ChangeManager.open({ root, stateDir, mode: 'enforce', flap: false });
        tally.reverted += manager.recovery.reverted.length;
        const snap = snapshot(root);
        const isA = JSON.stringify(snap) === JSON.stringify(stateA);
        const isB = JSON.stringify(snap) === JSON.stringify(stateB);
        if (isA) tally.before++;
        else if (isB) tally.after++;
        else tally.betweenAfterRecovery++;
        // The journal agrees with the files: every managed knob holds the value the journal says.
        for (const m of manager.managed()) if (snap[m.knob] !== m.value) tally.journalDisagrees++;
        await manager.close();
      }
    };
    await Promise.all(Array.from({ length: LANES }, () => lane(KILLS / LANES)));
    console.log(`crash safety: ${KILLS} kills; ${tally.between} left the files between states before recovery; ${tally.reverted} interrupted batches reverted on start; after recovery ${tally.before} in state A, ${tally.after} in state B, ${tally.betweenAfterRecovery} between`);
    // What the test claims: after recovery never between, and the journal matches the files.
    expect(tally.betweenAfterRecovery).toBe(0);
    expect(tally.journalDisagrees).toBe(0);
    // And that it tested something: kills landed inside batches (recovery had work to do).
    expect(tally.between + tally.reverted).toBeGreaterThan(0);
  }, 120_000);
});
