// Boots the guest under QEMU (TCG: KVM does not work on this host), runs one shell script in it
// and returns the exit status the guest reported. qemu's own exit status is never trusted: a guest
// panic also exits 0, and after an internal error qemu pauses, hence the `timeout` wrapper.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestbedError, outDir, repoRoot } from './host.mjs';
import { probeHang } from './hangProbe.mjs';
import { MARKER } from './init.mjs';

/** `tsc_early_khz=<host MHz × 1000>` when the host reports its CPU clock, else nothing. */
function hostTscKhz() {
  try {
    const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m ? [`tsc_early_khz=${Math.round(Number(m[1]) * 1000)}`] : [];
  } catch {
    return [];
  }
}

/** Shell-quotes one value for sh/bash. */
export function shq(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/**
 * Boots the guest and runs `script` (shell text, run by bash as root in the repository root with
 * `env` exported). `onLine` receives every output line that is not a testbed marker.
 * `extraArgs` (qemu) and `extraAppend` (kernel parameters) extend the machine (the system guest adds its disk).
 * Resolves to { rc, bootMs, runMs, totalMs, timedOut }.
 */
export async function bootAndRun(opts) {
  const first = await bootAndRunOnce(opts);
  if (!first.bootStalled) return first;
  // Nothing of the run started (no module loaded, no test ran): boot once more instead of failing the suite
  // on an emulator stall. A second stall is reported as the failure it is.
  process.stdout.write(`testbed: the guest did not finish booting within ${first.bootTimeoutS} s (where its vCPUs were: above); booting once more\n`);
  cleanRun(first.runDir);
  const second = await bootAndRunOnce(opts);
  return { ...second, bootRetried: true };
}

/** One boot: gives up early (`bootStalled`) when the guest has not booted within `bootTimeoutS`. */
async function bootAndRunOnce({ paths, script, env = {}, tcgThread = process.env.AINKA_TESTBED_TCG_THREAD ?? 'single', timeoutS = 600, bootTimeoutS = Math.min(300, Math.floor(timeoutS / 2)), memMb = 2048, smp = 2, onLine = (l) => process.stdout.write(`${l}\n`), kernelLog = false, extraArgs = [], extraAppend = [] }) {
  const nonce = randomBytes(8).toString('hex');
  const runRel = join('.testbed', 'runs', `${process.pid}-${nonce}`);
  const runDir = join(repoRoot, runRel);
  mkdirSync(runDir, { recursive: true });
  const exports = Object.entries({ AINKA_TEST_TARGET: 'guest', AINKA_KMOD: paths.module, AINKA_TESTBED_RUN_DIR: runDir, ...env })
    .map(([k, v]) => `export ${k}=${shq(v)}`)
    .join('\n');
  writeFileSync(join(runDir, 'cmd.sh'), `${exports}\ncd ${shq(repoRoot)}\n${script}\n`);

  // TCG's guest TSC is the host's: give its frequency so a loaded host cannot skew calibration.
  const append = [`console=ttyS0`, `panic=-1`, kernelLog ? 'loglevel=7' : 'quiet', 'tsc=reliable', ...hostTscKhz(), `tb_repo=${repoRoot}`, `tb_run=${runRel}`, `tb_nonce=${nonce}`, ...extraAppend];
  const monitorSocket = join(runDir, 'monitor.sock');
  const qemuArgs = [
    // One TCG thread for all vCPUs by default. With thread=multi, a vCPU can run a stale translation of
    // kernel text another vCPU just patched: static keys flipped by loading and unloading tracepoint probes
    // (text_poke_bp's int3 protocol) gave "Oops: int3" in __schedule with the int3 no longer in memory
    // (6.12), and silent hangs (6.1). The system guest, which loads the module once, keeps multi.
    '-accel', `tcg,thread=${tcgThread}`,
    '-cpu', 'max',
    '-smp', String(smp),
    '-m', String(memMb),
    '-nographic', '-no-reboot', '-nic', 'none',
    '-kernel', paths.vmlinux,
    '-initrd', paths.initramfs,
    '-append', append.join(' '),
    '-virtfs', 'local,path=/usr,mount_tag=hostusr,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${repoRoot},mount_tag=hostrepo,security_model=none,multidevs=remap`,
    '-monitor', `unix:${monitorSocket},server=on,wait=off`,
    ...extraArgs,
  ];
  const t0 = Date.now();
  let bootMs = null;
  let rc = null;
  let guestRunMs = null;
  const bootLog = [];
  const child = spawn('timeout', ['-k', '5', String(timeoutS), 'qemu-system-x86_64', ...qemuArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const killAll = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const onSignal = () => {
    killAll();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const markerRe = new RegExp(`${MARKER}-${nonce} (\\w+)(?:=(\\d+))?(?: uptime=([\\d.]+))?`);
  let pending = '';
  const handle = (line) => {
    const m = markerRe.exec(line);
    if (m) {
      if (m[1] === 'booted') {
        bootMs = Date.now() - t0;
      } else if (m[1] === 'rc') {
        rc = Number(m[2]);
        // Host wall clock: the guest clock is only as good as its TSC calibration under load.
        if (bootMs !== null) guestRunMs = Date.now() - t0 - bootMs;
      }
      return;
    }
    // Firmware and shutdown chatter is noise; with --kernel-log everything is shown.
    if (!kernelLog && (bootMs === null || rc !== null)) {
      bootLog.push(line);
      return;
    }
    onLine(line);
  };
  child.stdout.on('data', (buf) => {
    pending += buf.toString('utf8').replace(/\r/g, '');
    let i;
    while ((i = pending.indexOf('\n')) >= 0) {
      handle(pending.slice(0, i));
      pending = pending.slice(i + 1);
    }
  });
  let stderr = '';
  child.stderr.on('data', (b) => {
    stderr += b.toString('utf8');
  });
  // Shortly before the timeout, ask QEMU where each vCPU is (a hang often prints nothing at all).
  const kernelVersion = /vmlinux-(.+)$/.exec(paths.vmlinux)?.[1] ?? '';
  /** Prints where each vCPU is (never rejects). */
  const printProbe = () =>
    probeHang(monitorSocket, kernelVersion, join(runDir, 'kallsyms'))
      .then((lines) => {
        for (const l of lines) process.stdout.write(`${l}\n`);
      })
      .catch((e) => process.stdout.write(`hang probe failed: ${e.message}\n`));
  const probeTimer = setTimeout(() => {
    if (rc === null) void printProbe();
  }, Math.max(5, timeoutS - 20) * 1000);
  // A guest that has not booted in bootTimeoutS is stalled in the emulator (a TCG boot takes 10-60 s):
  // say where its vCPUs are, stop it, and let bootAndRun boot once more.
  let bootStalled = false;
  const bootTimer = setTimeout(() => {
    if (bootMs !== null || rc !== null) return;
    void printProbe().then(() => {
      if (bootMs !== null || rc !== null) return;
      bootStalled = true;
      killAll();
    });
  }, bootTimeoutS * 1000);
  const status = await new Promise((res) => child.on('close', (code) => res(code)));
  clearTimeout(probeTimer);
  clearTimeout(bootTimer);
  if (pending) handle(pending);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  const totalMs = Date.now() - t0;
  // The console marker is the primary result; the file the guest wrote is the fallback.
  if (rc === null && existsSync(join(runDir, 'rc'))) rc = Number(readFileSync(join(runDir, 'rc'), 'utf8').trim());
  const timedOut = status === 124 || status === 137;
  const result = { rc, bootMs, runMs: guestRunMs ?? (bootMs !== null ? totalMs - bootMs : null), totalMs, timedOut: timedOut || bootStalled, bootStalled, bootTimeoutS, runDir, qemuStatus: status, stderr: stderr.trim(), bootLog };
  return result;
}

/** Removes a run directory (after the host read what it needs from it). */
export function cleanRun(runDir) {
  if (runDir.startsWith(join(outDir, 'runs'))) rmSync(runDir, { recursive: true, force: true });
}

/** Explains a run without a result from the guest. */
export function noResultError(r, timeoutS) {
  if (r.timedOut) return new TestbedError('ERR_AINKA_TESTBED_TIMEOUT', `the guest did not finish within ${timeoutS} s (booted: ${r.bootMs !== null}); raise --timeout or check the command for a hang.`, 124);
  const why = r.bootMs === null ? 'before /init reported boot (kernel panic or qemu error)' : 'after boot without reporting an exit status (guest crash or panic)';
  const tail = r.bootLog.filter((l) => l.trim()).slice(-15).join('\n');
  if (tail) process.stderr.write(`${tail}\n`);
  return new TestbedError('ERR_AINKA_TESTBED_NO_RESULT', `the guest stopped ${why}; qemu exit ${r.qemuStatus}${r.stderr ? `: ${r.stderr}` : ''}. Rerun with --kernel-log to see the kernel messages.`, 125);
}

