// Host-side helpers of the testbed: paths, tool checks, hashing, a build lock.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the testbed lives in tools/testbed/lib). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Every build output of the testbed (gitignored). */
export const outDir = join(repoRoot, '.testbed');

/** A failure the CLI prints as one line and exits with `exitCode`. */
export class TestbedError extends Error {
  constructor(code, message, exitCode = 2) {
    super(message);
    this.name = 'TestbedError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Path of an executable on PATH (plus the sbin directories), or null. */
export function which(cmd) {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  for (const d of dirs) {
    const p = join(d, cmd);
    if (d && existsSync(p)) return p;
  }
  return null;
}

/** Host tools the testbed needs, with the Debian package that provides each. */
const TOOLS = [
  ['qemu-system-x86_64', 'qemu-system-x86'],
  ['xz', 'xz-utils'],
  ['cpio', 'cpio'],
  ['make', 'make'],
  ['gcc', 'gcc'],
  ['timeout', 'coreutils'],
];

/** Throws a TestbedError naming the Debian package of the first missing tool. */
export function requireTools(names = TOOLS.map(([t]) => t)) {
  for (const [tool, pkg] of TOOLS) {
    if (!names.includes(tool)) continue;
    if (!which(tool)) {
      throw new TestbedError(
        'ERR_AINKA_TESTBED_TOOL_MISSING',
        `${tool} is not installed: run \`apt-get install -y --no-install-recommends ${pkg}\` ` +
          '(or `npm test` as root, which installs tools/scripts/deps.mjs).',
      );
    }
  }
  if (!existsSync('/usr/lib/x86_64-linux-gnu/libc.a')) {
    throw new TestbedError(
      'ERR_AINKA_TESTBED_TOOL_MISSING',
      'static glibc (libc.a) is missing, needed for the guest test programs: install libc6-dev.',
    );
  }
}

/** Static busybox for the initramfs. */
export function requireBusybox() {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) {
    if (existsSync(p)) {
      const r = spawnSync('file', ['-L', p], { encoding: 'utf8' });
      if (r.status !== 0 || /statically linked|static-pie/.test(r.stdout)) return p;
    }
  }
  throw new TestbedError(
    'ERR_AINKA_TESTBED_TOOL_MISSING',
    'a static busybox is missing: run `apt-get install -y --no-install-recommends busybox-static`.',
  );
}

/** Kernel series the testbed knows how to pick by name, with the Debian packages that install them. */
export const KERNEL_SERIES = {
  '6.1': { image: 'linux-image-amd64', headers: 'linux-headers-amd64' },
  '6.12': { image: 'linux-image-6.12.*+deb12-amd64', headers: 'linux-headers-6.12.*+deb12-amd64' },
};

/** Installed Debian kernels with an image in /boot and modules, oldest first (numeric order). */
export function installedKernels() {
  const releases = existsSync('/lib/modules') ? readdirSync('/lib/modules') : [];
  return releases
    .filter((r) => existsSync(`/boot/vmlinuz-${r}`) && existsSync(`/lib/modules/${r}/kernel`))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The newest installed release of a series ("6.1", "6.12"), or undefined. */
export function newestOfSeries(series, releases = installedKernels()) {
  return releases.filter((r) => r.startsWith(`${series}.`)).pop();
}

/**
 * The guest kernel: a Debian kernel with its image in /boot and its headers in
 * /lib/modules/<release>/build. `wanted` is a series ("6.1", "6.12": the newest installed one) or
 * an exact release; default AINKA_GUEST_KERNEL, else the newest 6.1.
 */
export function guestKernel(wanted = process.env.AINKA_GUEST_KERNEL) {
  const usable = installedKernels();
  const series = wanted && /^\d+\.\d+$/.test(wanted) ? wanted : undefined;
  const pick = series ? newestOfSeries(series, usable) : wanted ?? newestOfSeries('6.1', usable) ?? usable.at(-1);
  const pkgs = KERNEL_SERIES[series ?? '6.1'] ?? KERNEL_SERIES['6.1'];
  if (!pick || !existsSync(`/boot/vmlinuz-${pick}`)) {
    throw new TestbedError(
      'ERR_AINKA_TESTBED_KERNEL_MISSING',
      `no guest kernel image ${wanted ? `for ${wanted} ` : ''}in /boot: run ` +
        `\`apt-get install -y --no-install-recommends ${pkgs.image} ${pkgs.headers}\` (or \`npm test\` as root, which installs tools/scripts/deps.mjs).`,
    );
  }
  const build = `/lib/modules/${pick}/build`;
  if (!existsSync(join(build, 'Makefile'))) {
    throw new TestbedError(
      'ERR_AINKA_TESTBED_HEADERS_MISSING',
      `no kernel headers for ${pick} in ${build}: run ` +
        `\`apt-get install -y --no-install-recommends linux-headers-${pick}\` (matching the installed image).`,
    );
  }
  return { release: pick, vmlinuz: `/boot/vmlinuz-${pick}`, modules: `/lib/modules/${pick}`, build };
}

/** Files under `dir` (recursive), sorted, skipping build products. */
export function listFiles(dir, skip = /(\.o|\.ko|\.mod|\.mod\.c|\.cmd|\.symvers|\.order)$/) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!skip.test(name) && !name.startsWith('.')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** sha256 over the relative names and contents of `files` plus `extra` strings. */
export function hashInputs(files, extra = []) {
  const h = createHash('sha256');
  for (const e of extra) h.update(`${e}\0`);
  for (const f of files) {
    h.update(`${relative(repoRoot, f)}\0`);
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

/** Runs `fn` when the stamp file does not hold `hash`, then writes it. Returns whether it ran. */
export function cached(stampFile, hash, outputs, fn) {
  const fresh = existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash && outputs.every((o) => existsSync(o));
  if (fresh) return false;
  rmSync(stampFile, { force: true });
  fn();
  writeFileSync(stampFile, `${hash}\n`);
  return true;
}

/** Runs a command, throwing with its output when it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new TestbedError('ERR_AINKA_TESTBED_SPAWN', `failed to run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new TestbedError('ERR_AINKA_TESTBED_COMMAND_FAILED', `${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${out}`);
  }
  return r;
}

/**
 * A cross-process lock (a directory holding the owner's pid) so parallel `testbed` runs by
 * different engineers do not build into the same files at once. Stale locks of dead pids are taken over.
 * The lock lives in `parent` (default .testbed/).
 */
export async function withLock(name, fn, parent = outDir) {
  mkdirSync(parent, { recursive: true });
  const dir = join(parent, `${name}.lock`);
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {
        /* being created */
      }
      let alive = true;
      if (pid > 0) {
        try {
          process.kill(pid, 0);
        } catch {
          alive = false;
        }
      }
      if (!alive) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new TestbedError('ERR_AINKA_TESTBED_LOCKED', `${dir} is held by pid ${pid}; remove it if that process is gone.`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
