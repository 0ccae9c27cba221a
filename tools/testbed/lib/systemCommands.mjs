// `system-run` and `system-test`: the testbed commands of the Debian 12 systemd guest.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TestbedError, repoRoot } from './host.mjs';
import { bootAndRun, cleanRun, noResultError } from './qemu.mjs';
import { bootReport, buildSystem, systemBootOptions } from './system.mjs';

const log = (m) => process.stderr.write(`testbed-system: ${m}\n`);
const fmt = (ms) => (ms === null ? '?' : `${(ms / 1000).toFixed(1)} s`);

/** Logs the guest's own boot report (state, systemd-analyze, failed units) to stderr. */
function logBoot(runDir) {
  for (const line of bootReport(runDir).split('\n')) if (line) log(`guest ${line}`);
}

async function boot(opts, script, defaults) {
  const paths = await buildSystem({ series: opts.kernel, log });
  const timeoutS = opts.timeoutS ?? defaults.timeoutS;
  const r = await bootAndRun({
    paths,
    script,
    timeoutS,
    memMb: opts.memMb,
    smp: opts.smp,
    kernelLog: opts.kernelLog,
    onLine: defaults.onLine,
    ...systemBootOptions(paths),
  });
  logBoot(r.runDir);
  if (r.bootMs === null && r.rc !== null) {
    // The guest reported a failure before the runner started (initramfs or systemd): show why.
    const tail = r.bootLog.filter((l) => l.trim()).slice(-30).join('\n');
    if (tail) process.stderr.write(`${tail}\n`);
    log('the guest did not reach multi-user.target (see above); rerun with --kernel-log for the kernel messages');
  }
  return { r, timeoutS, paths };
}

/** Boots the system guest, runs the command, exits with its status. */
export async function cmdSystemRun(opts, usage) {
  if (opts.rest.length === 0) throw new TestbedError('ERR_AINKA_TESTBED_USAGE', `system-run needs a command after --.\n${usage}`);
  const { r, timeoutS, paths } = await boot(opts, opts.rest.join(' '), { timeoutS: 1200 });
  cleanRun(r.runDir);
  if (r.rc === null) throw noResultError(r, timeoutS);
  log(`guest exit ${r.rc}; kernel ${paths.kernel.release}; boot to multi-user ${fmt(r.bootMs)}, command ${fmt(r.runMs)}, total ${fmt(r.totalMs)}`);
  return r.rc;
}

/** Boots the system guest once and runs every *.system.test.ts; prints the one-line summary. */
export async function cmdSystemTest(opts, files) {
  if (files.length === 0) {
    process.stdout.write('testbed-system: 0 passed, 0 failed (no *.system.test.ts)\n');
    return 0;
  }
  const script = [
    `npx vitest run --reporter=default --reporter=json --outputFile="$AINKA_TESTBED_RUN_DIR/vitest.json"`,
    'echo "# vitest exit $?"',
  ].join('\n');
  log(`booting: ${files.length} system test files`);
  const { r, timeoutS, paths } = await boot(opts, script, { timeoutS: 1800 });
  let passed = 0;
  let failed = 0;
  const failures = [];
  const vitestFile = join(r.runDir, 'vitest.json');
  if (existsSync(vitestFile)) {
    try {
      const j = JSON.parse(readFileSync(vitestFile, 'utf8'));
      passed += j.numPassedTests ?? 0;
      failed += j.numFailedTests ?? 0;
      for (const suite of j.testResults ?? []) {
        // A file that failed without a failed test (import error, hook failure) counts once.
        if (suite.status === 'failed' && !(suite.assertionResults ?? []).some((a) => a.status === 'failed')) {
          failed++;
          failures.push(`vitest: ${relative(repoRoot, suite.name)}: ${String(suite.message ?? 'suite failed').split('\n')[0]}`);
        }
        for (const a of suite.assertionResults ?? []) if (a.status === 'failed') failures.push(`vitest: ${relative(repoRoot, suite.name)} > ${a.fullName}`);
      }
    } catch (e) {
      failures.push(`vitest: cannot read ${vitestFile}: ${e.message}`);
      failed++;
    }
  } else {
    failures.push('vitest: no result file (vitest crashed or the guest stopped)');
    failed++;
  }
  cleanRun(r.runDir);
  if (r.rc === null) {
    failures.push(noResultError(r, timeoutS).message);
    failed++;
  }
  if (failures.length) process.stdout.write(`\nfailures:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
  if (passed + failed === 0) {
    failed++;
    process.stdout.write('no test reported a result\n');
  }
  process.stdout.write(`testbed-system: ${passed} passed, ${failed} failed (kernel ${paths.kernel.release}, boot ${fmt(r.bootMs)}, tests ${fmt(r.runMs)}, total ${fmt(r.totalMs)})\n`);
  return failed > 0 ? 1 : 0;
}
