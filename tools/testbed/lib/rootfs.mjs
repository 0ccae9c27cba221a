// The Debian 12 root filesystem of the system guest: mmdebstrap installs Debian's packages into a
// directory, a few files make it a quiet, reproducible test server, and `mkfs.ext4 -d` turns it into
// a raw ext4 image. The image is cached under the cache folder, keyed by a hash of the package list
// and this file, so editing either rebuilds it; every boot uses a copy-on-write snapshot of it.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { TestbedError, hashInputs, outDir, run, which, withLock } from './host.mjs';

/** Debian suite of the guest. */
export const SUITE = 'bookworm';

/**
 * The packages of the guest (with Essential and apt from mmdebstrap's minbase variant; Recommends are
 * not installed). Grouped by why they are there.
 */
export const GUEST_PACKAGES = [
  // init, IPC and devices: systemd as PID 1, the system bus, udev, logind's PAM hook
  'systemd', 'systemd-sysv', 'dbus', 'udev', 'libpam-systemd',
  // the everyday server userland
  'iproute2', 'kmod', 'procps', 'util-linux', 'psmisc', 'less', 'iputils-ping', 'ethtool', 'nftables', 'e2fsprogs', 'xz-utils', 'ca-certificates',
  // services a server runs (sshd is the unit the protected-process rules guard)
  'openssh-server', 'nginx-light', 'cron',
  // the reference tuner and the workloads of the efficacy lab
  'tuned', 'iperf3', 'fio', 'stress-ng', 'sysstat',
  // scripting and a "compile job" workload
  'python3', 'make', 'gcc', 'libc6-dev', 'curl', 'jq',
  // shared libraries the repository's native addons link against (node itself comes from the host)
  'libbpf1', 'libelf1', 'zlib1g', 'libstdc++6',
];

/** Units that would fire at random during a measurement, or print a login prompt on the console. */
const MASKED_UNITS = [
  'serial-getty@ttyS0.service', 'getty@tty1.service',
  'apt-daily.timer', 'apt-daily-upgrade.timer', 'e2scrub_all.timer', 'e2scrub_reap.service', 'fstrim.timer',
  'dpkg-db-backup.timer', 'sysstat-collect.timer', 'sysstat-summary.timer',
];

/** Installed but not started at boot: the lab starts TuneD itself (the "default" baseline has none). */
const DISABLED_UNITS = ['tuned.service'];

/** Folder of the cached images: AINKA_TESTBED_CACHE (shared between checkouts) or .testbed/. */
export function cacheDir() {
  return process.env.AINKA_TESTBED_CACHE ? join(process.env.AINKA_TESTBED_CACHE) : outDir;
}

/** The mirror lines mmdebstrap uses (AINKA_TESTBED_DEBIAN_MIRROR overrides the archive URL). */
function mirrors() {
  const base = process.env.AINKA_TESTBED_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
  const security = process.env.AINKA_TESTBED_DEBIAN_SECURITY ?? 'http://deb.debian.org/debian-security';
  return [`deb ${base} ${SUITE} main`, `deb ${base} ${SUITE}-updates main`, `deb ${security} ${SUITE}-security main`];
}

/** Hash of everything the image is made from. */
export function imageHash() {
  return hashInputs([fileURLToPath(import.meta.url)], [SUITE, ...GUEST_PACKAGES, ...mirrors()]).slice(0, 16);
}

/** Path of the image for the current inputs (it may not exist yet). */
export function imagePath() {
  return join(cacheDir(), 'system', `debian12-${imageHash()}.img`);
}

/** Writes the files that turn a fresh debootstrap into a quiet test server. */
function configure(root) {
  const w = (rel, text, mode = 0o644) => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text, { mode });
  };
  w('etc/hostname', 'ainka-system\n');
  w('etc/hosts', '127.0.0.1 localhost\n127.0.1.1 ainka-system\n::1 localhost ip6-localhost ip6-loopback\n');
  // The initramfs mounts the root read-write; no fsck (the image is a fresh snapshot every boot).
  w('etc/fstab', '/dev/vda / ext4 rw,noatime 0 0\n');
  w('etc/systemd/journald.conf.d/ainka-testbed.conf', '[Journal]\nStorage=volatile\nRuntimeMaxUse=32M\nForwardToConsole=no\n');
  // Fewer status lines on the serial console; the testbed prints what matters.
  w('etc/systemd/system.conf.d/ainka-testbed.conf', '[Manager]\nShowStatus=error\nDefaultTimeoutStartSec=300s\n');
  for (const unit of MASKED_UNITS) {
    const p = join(root, 'etc', 'systemd', 'system', unit);
    rmSync(p, { force: true });
    symlinkSync('/dev/null', p);
  }
  const wantsRoot = join(root, 'etc', 'systemd', 'system');
  for (const d of readdirSync(wantsRoot)) {
    if (!d.endsWith('.wants')) continue;
    for (const unit of DISABLED_UNITS) rmSync(join(wantsRoot, d, unit), { force: true });
  }
  // node, npm and npx come from the host /usr, mounted read-only at /opt/ainka-host/usr at boot.
  mkdirSync(join(root, 'opt', 'ainka-host', 'usr'), { recursive: true });
  for (const [name, target] of [
    ['node', '/opt/ainka-host/usr/bin/node'],
    ['npm', '/opt/ainka-host/usr/lib/node_modules/npm/bin/npm-cli.js'],
    ['npx', '/opt/ainka-host/usr/lib/node_modules/npm/bin/npx-cli.js'],
  ]) {
    const p = join(root, 'usr', 'local', 'bin', name);
    rmSync(p, { force: true });
    symlinkSync(target, p);
  }
  // apt's lists and caches are useless in a guest without network.
  rmSync(join(root, 'var', 'cache', 'apt'), { recursive: true, force: true });
  rmSync(join(root, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
  mkdirSync(join(root, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });
}

/** Bytes used by a directory tree (du). */
function duBytes(dir) {
  const r = run('du', ['-sb', '--one-file-system', dir]);
  return Number(r.stdout.split(/\s/)[0]);
}

/**
 * Builds the image when it is missing (under a lock in the cache folder) and returns
 * { image, built, seconds, bytes }.
 */
export async function ensureImage({ log = () => {} } = {}) {
  const image = imagePath();
  const dir = join(cacheDir(), 'system');
  mkdirSync(dir, { recursive: true });
  if (existsSync(image)) return { image, built: false, ...readMeta(image) };
  for (const [tool, pkg] of [['mmdebstrap', 'mmdebstrap'], ['mkfs.ext4', 'e2fsprogs']]) {
    if (!which(tool)) throw new TestbedError('ERR_AINKA_TESTBED_TOOL_MISSING', `${tool} is not installed: run \`apt-get install -y --no-install-recommends ${pkg}\`.`);
  }
  if (process.getuid?.() !== 0) {
    throw new TestbedError('ERR_AINKA_TESTBED_NOT_ROOT', `building the Debian guest image needs root (mmdebstrap --mode=root); run once as root, or point AINKA_TESTBED_CACHE at a folder holding ${image.slice(cacheDir().length + 1)}.`);
  }
  return withLock('system-image', async () => {
    if (existsSync(image)) return { image, built: false, ...readMeta(image) };
    const t0 = Date.now();
    const root = join(dir, 'rootfs.tmp');
    rmSync(root, { recursive: true, force: true });
    log(`building the Debian 12 guest image (mmdebstrap, ${GUEST_PACKAGES.length} packages): a few minutes, once`);
    const excludes = ['/usr/share/man/*', '/usr/share/doc/*', '/usr/share/info/*', '/usr/share/locale/*', '/usr/share/lintian/*'];
    const args = [
      '--mode=root', '--variant=minbase', '--format=directory', '--quiet',
      '--aptopt=APT::Install-Recommends "false"',
      ...excludes.map((e) => `--dpkgopt=path-exclude=${e}`),
      '--dpkgopt=path-include=/usr/share/doc/*/copyright',
      `--include=${GUEST_PACKAGES.join(',')}`,
      SUITE, root, ...mirrors(),
    ];
    // A plain system PATH: mmdebstrap's helpers (mmtarfilter) are `env python3` scripts, and a
    // version-manager shim (pyenv) on PATH costs seconds per package.
    const env = { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' };
    const r = spawnSync('mmdebstrap', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) {
      rmSync(root, { recursive: true, force: true });
      throw new TestbedError('ERR_AINKA_TESTBED_IMAGE_BUILD', `mmdebstrap failed (exit ${r.status}); check the network and the Debian mirror (AINKA_TESTBED_DEBIAN_MIRROR).`);
    }
    configure(root);
    const used = duBytes(root);
    // Room for the tests' files and logs: 1 GiB free on top of the content (the file is sparse).
    const sizeMb = Math.ceil((used * 1.15) / 1048576) + 1024;
    const tmp = `${image}.tmp`;
    rmSync(tmp, { force: true });
    run('mkfs.ext4', ['-q', '-F', '-L', 'ainka-root', '-d', root, '-E', 'root_owner=0:0', tmp, `${sizeMb}M`]);
    rmSync(root, { recursive: true, force: true });
    const seconds = (Date.now() - t0) / 1000;
    const meta = { seconds, contentBytes: used, imageMb: sizeMb, diskBytes: statSync(tmp).blocks * 512, packages: GUEST_PACKAGES, suite: SUITE, builtAt: new Date().toISOString() };
    writeFileSync(`${image}.json`, `${JSON.stringify(meta, null, 2)}\n`);
    renameSync(tmp, image);
    // Older images (other package lists) only take space.
    for (const n of readdirSync(dir)) {
      if (n.startsWith('debian12-') && !n.startsWith(`debian12-${imageHash()}`)) rmSync(join(dir, n), { force: true });
    }
    log(`built ${image} in ${seconds.toFixed(0)} s (content ${(used / 1048576).toFixed(0)} MiB, ${sizeMb} MiB sparse image)`);
    return { image, built: true, ...meta };
  }, dir);
}

function readMeta(image) {
  try {
    return JSON.parse(readFileSync(`${image}.json`, 'utf8'));
  } catch {
    return {};
  }
}
