// `npm test` step: every *.system.test.ts in the Debian 12 systemd guest (tools/testbed system-test).
// Skipped when the repository has no such test.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root, step } from './bootstrap.mjs';

function hasSystemTests() {
  for (const group of ['packages', 'apps']) {
    const g = join(root, group);
    if (!existsSync(g)) continue;
    for (const pkg of readdirSync(g)) {
      const stack = [join(g, pkg, 'test')];
      while (stack.length) {
        const d = stack.pop();
        if (!existsSync(d)) continue;
        for (const n of readdirSync(d)) {
          const p = join(d, n);
          if (statSync(p).isDirectory()) stack.push(p);
          else if (n.endsWith('.system.test.ts')) return true;
        }
      }
    }
  }
  return false;
}

/** Runs system-test; returns { passed, failed, ok } or null when there is nothing to run. */
export function runSystemTests(testbed) {
  if (!hasSystemTests()) return null;
  const done = step('system tests (tools/testbed system-test: Debian 12 with systemd in QEMU)');
  const result = spawnSync('node', [testbed, 'system-test'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(result.stdout ?? '');
  const line = /testbed-system: (\d+) passed, (\d+) failed/.exec(result.stdout ?? '');
  done();
  return { passed: line ? Number(line[1]) : 0, failed: line ? Number(line[2]) : 1, ok: result.status === 0 && line !== null };
}
