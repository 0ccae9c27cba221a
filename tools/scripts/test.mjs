#!/usr/bin/env node
// `npm test`: everything, on a fresh Debian/Ubuntu machine as root.
//   1. install what is missing (Debian packages from tools/scripts/deps.mjs, npm ci)
//   2. check the generated C headers, build every package (nx), typecheck, lint the packed packages
//   3. host tests (vitest: unit, property, real eBPF on this kernel, real SQLite, docs in Chromium)
//   4. guest tests (tools/testbed: Debian's 6.1 and 6.12 kernels in QEMU, the real ainka.ko, the TS client inside)
//   5. system tests (tools/testbed system-test: *.system.test.ts in the Debian 12 systemd guest)
// Ends with one line: "ainka: N passed, M failed, K skipped".
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runSystemTests } from './systemTests.mjs';
import { buildEnv, ensureDebianPackages, ensureNodeModules, mustRun, root, run, step } from './bootstrap.mjs';

const started = Date.now();
await ensureDebianPackages({ forTests: true });
ensureNodeModules();
buildEnv();

let done = step('generated C headers are current (tools/gen-abi --check)');
mustRun('gen-abi --check', 'npx', ['tsx', '--tsconfig', 'tsconfig.base.json', 'tools/gen-abi/genAbi.ts', '--check']);
done();

done = step('build (nx run-many -t build)');
mustRun('build', 'npx', ['nx', 'run-many', '-t', 'build', '--output-style=static']);
done();

done = step('typecheck (nx run-many -t typecheck)');
mustRun('typecheck', 'npx', ['nx', 'run-many', '-t', 'typecheck', '--output-style=static']);
done();

done = step('lint the packed packages (publint, are-the-types-wrong)');
mustRun('lint', 'npx', ['nx', 'run-many', '-t', 'lint', '--output-style=static']);
done();

done = step('README examples typecheck (tools/scripts/check-readmes.mjs)');
mustRun('README examples', 'node', ['tools/scripts/check-readmes.mjs']);
done();

done = step('packed libraries install into an empty project and their README examples run (tools/scripts/packInstall.mjs)');
mustRun('packed libraries', 'node', ['tools/scripts/packInstall.mjs']);
done();

const totals = { passed: 0, failed: 0, skipped: 0 };
let failedSuites = [];

done = step('host tests (vitest)');
mkdirSync(join(root, '.vitest-results'), { recursive: true });
const hostJson = join(root, '.vitest-results', 'host.json');
const hostStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${hostJson}`]);
if (existsSync(hostJson)) {
  const r = JSON.parse(readFileSync(hostJson, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + r.numTodoTests;
}
if (hostStatus !== 0) failedSuites.push('host tests');
done();

// The efficacy lab's own arithmetic and bookkeeping (statistics, journal, report) and the testbed's
// hang probe parsing: node:test, seconds.
if (existsSync(join(root, 'tools', 'lab', 'test'))) {
  done = step('lab and testbed harness tests (node --test tools/lab/test tools/testbed/test)');
  const lab = spawnSync('node', ['--test', join(root, 'tools', 'lab', 'test'), join(root, 'tools', 'testbed', 'test')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(lab.stdout ?? '');
  totals.passed += Number(/^# pass (\d+)/m.exec(lab.stdout ?? '')?.[1] ?? 0);
  totals.failed += Number(/^# fail (\d+)/m.exec(lab.stdout ?? '')?.[1] ?? 1);
  if (lab.status !== 0) failedSuites.push('lab harness tests');
  done();
}

const testbed = join(root, 'tools', 'testbed', 'testbed.mjs');
// The whole guest suite on each supported kernel: Debian's 6.1 and the newest installed 6.12.
for (const kernel of existsSync(testbed) ? ['6.1', '6.12'] : []) {
  done = step(`guest tests on ${kernel} (tools/testbed: Debian kernel in QEMU with ainka.ko)`);
  const result = spawnSync('node', [testbed, 'test', '--kernel', kernel], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(result.stdout ?? '');
  const line = /testbed: (\d+) passed, (\d+) failed/.exec(result.stdout ?? '');
  if (line) {
    totals.passed += Number(line[1]);
    totals.failed += Number(line[2]);
  }
  if (result.status !== 0 || !line) failedSuites.push(`guest tests (${kernel})`);
  done();
}

if (existsSync(testbed)) {
  const sys = runSystemTests(testbed);
  if (sys !== null) {
    totals.passed += sys.passed;
    totals.failed += sys.failed;
    if (!sys.ok) failedSuites.push('system tests');
  }
}

const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(`\nnpm test took ${minutes} min${failedSuites.length ? `; failed: ${failedSuites.join(', ')}` : ''}`);
console.log(`ainka: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites.length === 0 && totals.failed === 0 ? 0 : 1);
