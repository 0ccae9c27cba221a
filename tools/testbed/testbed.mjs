#!/usr/bin/env node
// The AINKA QEMU testbed: boots Debian's kernel under QEMU (TCG) with the host /usr and this
// repository shared over 9p, and runs commands or the module tests against the real ainka.ko.
//
//   node tools/testbed/testbed.mjs build
//   node tools/testbed/testbed.mjs run [--timeout S] [--mem MB] [--smp N] [--kernel-log] -- <command>
//   node tools/testbed/testbed.mjs test [--timeout S] [--mem MB] [--smp N] [--kernel-log]
//
// Plain Node ESM with no dependencies: it must work before `npm install`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildAll, testPrograms } from './lib/build.mjs';
import { TestbedError, repoRoot } from './lib/host.mjs';
import { bootAndRun, cleanRun, noResultError, shq } from './lib/qemu.mjs';
import { cmdSystemRun, cmdSystemTest } from './lib/systemCommands.mjs';

const USAGE = `usage: node tools/testbed/testbed.mjs <command>
  build                      build ainka.ko, the kernel tests, the initramfs and vmlinux into .testbed/
  run [options] -- <cmd...>  boot the guest and run <cmd> as root in the repository root; exits with its status
  test [options]             build, boot once, run kernel/tests and every *.guest.test.ts
  system-run [options] -- <cmd...>  boot the Debian 12 systemd guest and run <cmd> as root after multi-user.target
  system-test [options]      boot the systemd guest once and run every *.system.test.ts with vitest
options:
  --timeout S    kill the guest after S seconds (run: 600, test: 900)
  --mem MB       guest memory (default 2048)
  --smp N        guest CPUs (default 2)
  --kernel-log   show kernel messages on the console (drops "quiet")
  --kernel K     guest kernel: a series (6.1, 6.12: the newest installed release), or for run/test
                 an exact release (default AINKA_GUEST_KERNEL, else the newest 6.1)
  --kernel-only  test: run only the kernel C tests (skip *.guest.test.ts)
  --only NAMES   test: run only these kernel test programs (comma-separated, e.g. test_owner,test_perm)
environment in the guest: AINKA_TEST_TARGET=guest (system-*: system), AINKA_KMOD=<built ainka.ko>, AINKA_TESTBED_RUN_DIR
system guest: see tools/testbed/SYSTEM-GUEST.md`;

const log = (m) => process.stderr.write(`testbed: ${m}\n`);

function parseOptions(argv) {
  const opts = { timeoutS: null, memMb: 2048, smp: 2, kernelLog: false, kernelOnly: false, kernel: undefined, only: null, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (name) => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new TestbedError('ERR_AINKA_TESTBED_USAGE', `${name} needs a positive integer, got ${argv[i]}.\n${USAGE}`);
      return v;
    };
    if (a === '--') {
      opts.rest = argv.slice(i + 1);
      break;
    } else if (a === '--timeout') opts.timeoutS = num(a);
    else if (a === '--mem') opts.memMb = num(a);
    else if (a === '--smp') opts.smp = num(a);
    else if (a === '--kernel-log') opts.kernelLog = true;
    else if (a === '--kernel-only') opts.kernelOnly = true;
    else if (a === '--kernel') {
      opts.kernel = argv[++i];
      if (!opts.kernel) throw new TestbedError('ERR_AINKA_TESTBED_USAGE', `--kernel needs a series (6.1, 6.12) or a release.\n${USAGE}`);
    } else if (a === '--only') opts.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new TestbedError('ERR_AINKA_TESTBED_USAGE', `unknown option ${a}.\n${USAGE}`);
  }
  if (opts.memMb < 128) throw new TestbedError('ERR_AINKA_TESTBED_USAGE', '--mem must be at least 128 (the guest kernel does not boot in less).');
  return opts;
}

async function cmdBuild(opts) {
  const p = await buildAll({ log, kernel: opts.kernel });
  log(`guest kernel ${p.kernel.release}; module ${relative(repoRoot, p.module)}`);
  return 0;
}

async function cmdRun(opts) {
  if (opts.rest.length === 0) throw new TestbedError('ERR_AINKA_TESTBED_USAGE', `run needs a command after --.\n${USAGE}`);
  const paths = await buildAll({ tests: false, log, kernel: opts.kernel });
  const timeoutS = opts.timeoutS ?? 600;
  const r = await bootAndRun({ paths, script: opts.rest.join(' '), timeoutS, memMb: opts.memMb, smp: opts.smp, kernelLog: opts.kernelLog });
  cleanRun(r.runDir);
  if (r.rc === null) throw noResultError(r, timeoutS);
  log(`guest exit ${r.rc}; boot ${fmt(r.bootMs)}, command ${fmt(r.runMs)}, total ${fmt(r.totalMs)}`);
  return r.rc;
}

const fmt = (ms) => (ms === null ? '?' : `${(ms / 1000).toFixed(1)} s`);

/** Every *<suffix> (default *.guest.test.ts) under packages/ and apps/ (relative paths). */
export function guestTests(suffix = '.guest.test.ts') {
  const found = [];
  for (const group of ['packages', 'apps']) {
    const g = join(repoRoot, group);
    if (!existsSync(g)) continue;
    for (const pkg of readdirSync(g)) {
      const t = join(g, pkg, 'test');
      if (!existsSync(t) || !statSync(t).isDirectory()) continue;
      const walk = (d) => {
        for (const n of readdirSync(d)) {
          const p = join(d, n);
          if (statSync(p).isDirectory()) walk(p);
          else if (n.endsWith(suffix)) found.push(relative(repoRoot, p));
        }
      };
      walk(t);
    }
  }
  return found.sort();
}

const PHASE = '@@AINKA-TB-PHASE';

/**
 * Guest script lines checking that @ainka/kmod's prebuilt module for the guest kernel (if the
 * package was built) loads and reports the manifest's version.
 */
function packagedModuleCheck(release) {
  const manifestFile = join(repoRoot, 'packages', 'kmod', 'manifest.json');
  if (!existsSync(manifestFile)) return ['echo "# @ainka/kmod not built (npm run build -w packages/kmod): packaged module not checked"'];
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    return ['echo "not ok - @ainka/kmod manifest.json is not JSON"'];
  }
  const entry = (manifest.prebuilt ?? []).find((p) => p.kernelRelease === release);
  if (!entry) return [`echo "# @ainka/kmod has no prebuilt for ${release}: packaged module not checked"`];
  const ko = shq(join(repoRoot, 'packages', 'kmod', entry.path));
  const ver = String(manifest.moduleVersion).replace(/[^0-9A-Za-z.+-]/g, '');
  return [
    'echo "# @ainka/kmod prebuilt"',
    'rmmod ainka 2>/dev/null',
    `if insmod ${ko} && [ "$(cat /sys/module/ainka/version)" = "${ver}" ] && grep -q "^version: ${ver}$" /proc/ainka && rmmod ainka; ` +
      `then echo "ok - @ainka/kmod ${entry.path} loads in ${release} and reports version ${ver}"; ` +
      `else echo "not ok - @ainka/kmod ${entry.path} does not load or reports another version than ${ver}"; rmmod ainka 2>/dev/null; fi`,
  ];
}

async function cmdTest(opts) {
  const paths = await buildAll({ log, kernel: opts.kernel });
  const progs = testPrograms(paths.testsDir).filter((p) => !opts.only || opts.only.includes(p));
  const guest = opts.kernelOnly || opts.only ? [] : guestTests();
  const lines = [`echo ${PHASE} kernel`];
  for (const p of progs) {
    const bin = join(paths.testsDir, p);
    lines.push(`echo "# ${p}"`, 't0=$(cut -d" " -f1 /proc/uptime)', `${shq(bin)}`, `s=$?`, `[ $s -gt 1 ] && echo "not ok - ${p} exited with status $s"`, `echo "# ${p}: exit $s, $(awk -v a=$t0 '{printf "%.1f", $1 - a}' /proc/uptime) s"`);
  }
  lines.push(...packagedModuleCheck(paths.kernel.release));
  // Whatever the tests asserted, the kernel must not have oopsed, warned or reported a leak.
  lines.push(
    'if dmesg | grep -E "BUG:|Oops|WARNING:|general protection|Call Trace|kmemleak|UBSAN|KASAN" >/tmp/kernel-bad.log; ' +
      'then echo "not ok - the kernel log shows an oops/warning:"; head -40 /tmp/kernel-bad.log; else echo "ok - the kernel log shows no oops, BUG or WARNING"; fi',
  );
  // Kernel tests may leave the module loaded; the vitest suites load it themselves.
  lines.push('rmmod ainka 2>/dev/null');
  if (guest.length > 0) {
    lines.push(`echo ${PHASE} vitest`, `npx vitest run --reporter=default --reporter=json --outputFile="$AINKA_TESTBED_RUN_DIR/vitest.json"`, 'echo "# vitest exit $?"');
  }
  lines.push(`echo ${PHASE} done`);
  let phase = '';
  let passed = 0;
  let failed = 0;
  const failures = [];
  const onLine = (line) => {
    if (line.startsWith(PHASE)) {
      phase = line.slice(PHASE.length + 1).trim();
      return;
    }
    process.stdout.write(`${line}\n`);
    if (phase === 'kernel') {
      if (/^ok \d+/.test(line) || /^ok - /.test(line)) passed++;
      else if (/^not ok/.test(line)) {
        failed++;
        failures.push(line);
      }
    }
  };
  const timeoutS = opts.timeoutS ?? 900;
  log(`booting ${paths.kernel.release}: ${progs.length} kernel test programs, ${guest.length} guest test files`);
  const r = await bootAndRun({ paths, script: lines.join('\n'), timeoutS, memMb: opts.memMb, smp: opts.smp, kernelLog: opts.kernelLog, onLine });
  const vitestFile = join(r.runDir, 'vitest.json');
  let vitestCounted = false;
  if (guest.length > 0 && existsSync(vitestFile)) {
    try {
      const j = JSON.parse(readFileSync(vitestFile, 'utf8'));
      passed += j.numPassedTests ?? 0;
      failed += (j.numFailedTests ?? 0) + (j.numFailedTestSuites ?? 0);
      vitestCounted = true;
      for (const suite of j.testResults ?? []) {
        for (const a of suite.assertionResults ?? []) if (a.status === 'failed') failures.push(`vitest: ${relative(repoRoot, suite.name)} > ${a.fullName}`);
      }
    } catch (e) {
      failures.push(`vitest: cannot read ${vitestFile}: ${e.message}`);
      failed++;
    }
  } else if (guest.length > 0) {
    failures.push('vitest: no result file (vitest crashed or the guest stopped)');
    failed++;
  }
  cleanRun(r.runDir);
  if (r.rc === null) {
    const e = noResultError(r, timeoutS);
    failures.push(e.message);
    failed++;
  }
  if (failures.length) {
    process.stdout.write(`\nfailures:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
  }
  if (passed + failed === 0) {
    failed++;
    process.stdout.write('no test reported a result\n');
  }
  process.stdout.write(
    `testbed: ${passed} passed, ${failed} failed (kernel ${paths.kernel.release}, boot ${fmt(r.bootMs)}, guest tests ${fmt(r.runMs)}, total ${fmt(r.totalMs)}${vitestCounted ? ', vitest included' : guest.length ? '' : ', no *.guest.test.ts'})\n`,
  );
  return failed > 0 ? 1 : 0;
}

async function main() {
  const [cmd, ...argv] = process.argv.slice(2);
  try {
    if (cmd === 'build') return await cmdBuild(parseOptions(argv));
    if (cmd === 'run') return await cmdRun(parseOptions(argv));
    if (cmd === 'test') return await cmdTest(parseOptions(argv));
    if (cmd === 'system-run') return await cmdSystemRun(parseOptions(argv), USAGE);
    if (cmd === 'system-test') return await cmdSystemTest(parseOptions(argv), guestTests('.system.test.ts'));
    process.stderr.write(`${USAGE}\n`);
    return cmd === undefined || cmd === '-h' || cmd === '--help' ? 0 : 2;
  } catch (e) {
    if (e instanceof TestbedError) {
      log(`${e.code}: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
}

process.exitCode = await main();
