// The system guest: Debian 12 with systemd as PID 1 (lib/rootfs.mjs) booted with one of Debian's
// kernels under QEMU. A small busybox initramfs loads the virtio/ext4/9p modules, mounts a
// copy-on-write snapshot of the image as root, the host's /usr (for node), the host's
// /lib/modules and the repository (at its host path), installs the testbed unit and hands over to
// systemd. The unit runs after multi-user.target, prints the same nonce markers as the busybox
// guest (booted, rc=N) and powers off.
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModule, buildVmlinux } from './build.mjs';
import { TestbedError, cached, hashInputs, outDir, requireBusybox, requireTools, withLock } from './host.mjs';
import { MARKER } from './init.mjs';
import { ensureImage } from './rootfs.mjs';

/** Kernel series the system guest boots (`--kernel`), newest installed release of each. */
export const KERNEL_SERIES = ['6.1', '6.12'];

/** Modules the initramfs loads (with their dependencies from modules.dep) to mount the root and 9p. */
const BOOT_MODULES = ['crc32c_generic', 'virtio_pci', 'virtio_blk', 'ext4', '9pnet_virtio', '9p'];

/**
 * The newest installed Debian kernel of `series` ("6.1", "6.12"): image in /boot, modules in
 * /lib/modules/<release>, headers in /lib/modules/<release>/build. AINKA_SYSTEM_KERNEL picks an exact release.
 */
export function systemKernel(series = '6.1') {
  const exact = process.env.AINKA_SYSTEM_KERNEL;
  if (!exact && !KERNEL_SERIES.includes(series)) {
    throw new TestbedError('ERR_AINKA_TESTBED_USAGE', `--kernel must be one of ${KERNEL_SERIES.join(', ')} (got ${series}); AINKA_SYSTEM_KERNEL=<release> picks any installed release.`);
  }
  const releases = existsSync('/lib/modules') ? readdirSync('/lib/modules') : [];
  const usable = releases
    .filter((r) => existsSync(`/boot/vmlinuz-${r}`) && existsSync(`/lib/modules/${r}/modules.dep`))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const pick = exact ?? usable.filter((r) => r.startsWith(`${series}.`) || r.startsWith(`${series}-`)).pop();
  const pkg = series === '6.1' ? 'linux-image-amd64 linux-headers-amd64' : 'linux-image-6.12.*+deb12-amd64 linux-headers-6.12.*+deb12-amd64 (bookworm-backports / bookworm updates)';
  if (!pick || !existsSync(`/boot/vmlinuz-${pick}`)) {
    throw new TestbedError('ERR_AINKA_TESTBED_KERNEL_MISSING', `no installed ${exact ?? `${series}.x`} kernel (found: ${usable.join(', ') || 'none'}): install ${pkg}.`);
  }
  const build = `/lib/modules/${pick}/build`;
  if (!existsSync(join(build, 'Makefile'))) {
    throw new TestbedError('ERR_AINKA_TESTBED_HEADERS_MISSING', `no kernel headers for ${pick} in ${build}: install linux-headers-${pick}.`);
  }
  return { release: pick, vmlinuz: `/boot/vmlinuz-${pick}`, modules: `/lib/modules/${pick}`, build };
}

/** Module files (relative to the release's module dir) for `names`, dependencies first. */
function resolveModules(kernel, names) {
  const deps = new Map();
  for (const line of readFileSync(join(kernel.modules, 'modules.dep'), 'utf8').split('\n')) {
    const [mod, rest] = line.split(':');
    if (mod) deps.set(mod, rest.trim() ? rest.trim().split(/\s+/) : []);
  }
  const byName = new Map([...deps.keys()].map((p) => [basename(p).replace(/\.ko(\.xz|\.zst|\.gz)?$/, '').replace(/-/g, '_'), p]));
  const builtin = existsSync(join(kernel.modules, 'modules.builtin'))
    ? new Set(readFileSync(join(kernel.modules, 'modules.builtin'), 'utf8').split('\n').map((p) => basename(p).replace(/\.ko$/, '').replace(/-/g, '_')))
    : new Set();
  const order = [];
  const visit = (path) => {
    if (order.includes(path)) return;
    // modules.dep lists the transitive dependencies, the one to load first last.
    for (const d of [...(deps.get(path) ?? [])].reverse()) visit(d);
    order.push(path);
  };
  for (const n of names) {
    const p = byName.get(n.replace(/-/g, '_'));
    if (p) visit(p);
    else if (!builtin.has(n.replace(/-/g, '_'))) throw new TestbedError('ERR_AINKA_TESTBED_KERNEL_FORMAT', `kernel ${kernel.release} has no module ${n} (neither in modules.dep nor built in).`);
  }
  return order;
}

/** Copies a module into `dir` uncompressed (busybox insmod reads plain ELF only). */
function copyModule(src, dir) {
  const name = basename(src).replace(/\.(xz|zst|gz)$/, '');
  const out = join(dir, name);
  if (src.endsWith('.ko')) {
    copyFileSync(src, out);
    return name;
  }
  const tool = src.endsWith('.xz') ? ['xz', '-dc'] : src.endsWith('.zst') ? ['zstd', '-dc'] : ['gzip', '-dc'];
  const fd = openSync(out, 'w');
  try {
    const r = spawnSync(tool[0], [tool[1], src], { stdio: ['ignore', fd, 'pipe'] });
    if (r.status !== 0) throw new TestbedError('ERR_AINKA_TESTBED_COMMAND_FAILED', `${tool[0]} -dc ${src} failed: ${r.stderr}`);
  } finally {
    closeSync(fd);
  }
  return name;
}

/** Masked at each boot (in the snapshot): nothing to do in the guest, seconds of TCG time. */
const BOOT_MASKED = ['modprobe@drm.service', 'systemd-binfmt.service', 'sysstat.service'];

/** The system guest's /init: mount the root snapshot and the shares, install the runner, start systemd. */
function systemInit(modules) {
  return `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
exec </dev/null >/dev/console 2>&1
die() { echo "testbed system guest: $*"; echo "${MARKER}-$tb_nonce rc=125"; poweroff -f; sleep 5; }
for m in ${modules.join(' ')}; do insmod "/modules/$m" || die "insmod $m failed"; done
i=0; while [ ! -b /dev/vda ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
mkdir -p /newroot
mount -t ext4 -o rw,noatime /dev/vda /newroot || die "mounting the root image (/dev/vda) failed"
O=trans=virtio,version=9p2000.L,msize=512000,cache=loose
R=/newroot
mkdir -p $R/opt/ainka-host/usr $R/usr/lib/modules "$R$tb_repo"
mount -t 9p -o $O,ro hostusr $R/opt/ainka-host/usr || die "mounting the host /usr over 9p failed"
mount -t 9p -o $O,ro hostmods $R/usr/lib/modules || die "mounting the host /lib/modules over 9p failed"
mount -t 9p -o $O hostrepo "$R$tb_repo" || die "mounting the repository over 9p failed"
# The root is a throwaway snapshot: the testbed's files go straight into it.
cp /testbed/ainka-testbed.service /testbed/ainka-testbed.target $R/etc/systemd/system/
cp /testbed/ainka-testbed-run /testbed/ainka-testbed-failed $R/usr/local/sbin/
chmod 755 $R/usr/local/sbin/ainka-testbed-run $R/usr/local/sbin/ainka-testbed-failed
cp /testbed/ainka-testbed-failed.service $R/etc/systemd/system/
# Emergency or rescue mode would wait for a root password on the console: report and power off instead.
for u in emergency rescue; do
  mkdir -p "$R/etc/systemd/system/$u.service.d"
  printf '[Service]\nExecStart=\nExecStart=/usr/local/sbin/ainka-testbed-failed %s\nStandardInput=null\nStandardOutput=tty\nTTYPath=/dev/ttyS0\n' "$u" > "$R/etc/systemd/system/$u.service.d/ainka-testbed.conf"
done
# Units with nothing to do in this guest (no display, no binfmt formats, sysstat collection off) cost
# seconds of emulated CPU at boot.
for u in ${BOOT_MASKED.join(' ')}; do ln -sf /dev/null "$R/etc/systemd/system/$u"; done
printf 'tb_repo=%s\\ntb_run=%s\\ntb_nonce=%s\\n' "$tb_repo" "$tb_run" "$tb_nonce" > $R/etc/ainka-testbed.env
tr -d '-' < /proc/sys/kernel/random/uuid > $R/etc/machine-id
umount /proc /sys
mount -o move /dev $R/dev
exec switch_root $R /lib/systemd/systemd
`;
}

/** The unit that runs the command once the system reached multi-user.target. */
const RUN_SERVICE = `[Unit]
Description=AINKA testbed: the command of this boot
After=multi-user.target

[Service]
Type=exec
ExecStart=/usr/local/sbin/ainka-testbed-run
StandardInput=null
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no
TTYVTDisallocate=no
`;

const RUN_TARGET = `[Unit]
Description=AINKA testbed run (multi-user.target, then the command)
Requires=multi-user.target
After=multi-user.target
Wants=ainka-testbed.service
OnFailure=ainka-testbed-failed.service
AllowIsolate=yes
`;

/** Started when the run target fails (multi-user.target not reached): reports and powers off. */
const FAILED_SERVICE = `[Unit]
Description=AINKA testbed: the system did not reach multi-user.target
DefaultDependencies=no

[Service]
Type=exec
ExecStart=/usr/local/sbin/ainka-testbed-failed multi-user.target
StandardInput=null
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no
`;

/** Prints why the boot failed (failed units, errors in the journal), the rc=125 marker, powers off. */
const FAILED = `#!/bin/bash
. /etc/ainka-testbed.env
echo "testbed system guest: $1: the system did not reach multi-user.target"
systemctl --failed --no-legend --plain 2>&1 | sed 's/^/failed unit: /'
journalctl -b -p err --no-pager -o short-monotonic 2>&1 | tail -n 20
echo 125 > "$tb_repo/$tb_run/rc" 2>/dev/null
sync
echo "${MARKER}-$tb_nonce rc=125"
systemctl poweroff -ff
`;

/** The runner: report boot, run cmd.sh as root with bash, report its status, power off at once. */
const RUNNER = `#!/bin/bash
. /etc/ainka-testbed.env
M="${MARKER}-$tb_nonce"
RUN="$tb_repo/$tb_run"
echo "$M booted uptime=$(cut -d' ' -f1 /proc/uptime)"
{
  echo "state: $(timeout 60 systemctl is-system-running --wait 2>&1)"
  systemd-analyze time 2>&1 | head -1
  systemctl --failed --no-legend --plain 2>&1 | sed 's/^/failed: /'
} > "$RUN/boot.txt" 2>&1
# npx spends ~15 s of TCG time resolving a local binary: run node_modules/.bin/<name> directly.
mkdir -p /tmp/testbed-bin
cat > /tmp/testbed-bin/npx <<'NPX'
#!/bin/sh
case "$1" in -*|'') ;; *) [ -x "node_modules/.bin/$1" ] && { b="node_modules/.bin/$1"; shift; exec "$b" "$@"; } ;; esac
exec /usr/local/bin/npx "$@"
NPX
chmod 755 /tmp/testbed-bin/npx
export HOME=/root USER=root LOGNAME=root PATH=/tmp/testbed-bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb CI=1 NO_COLOR=1 LANG=C.UTF-8
cd "$tb_repo" || { echo "$M rc=125"; systemctl poweroff -ff; }
bash "$RUN/cmd.sh" </dev/null
rc=$?
echo "$rc" > "$RUN/rc"
sync
echo "$M rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
systemctl poweroff -ff
`;

/** Builds the system guest's initramfs for `kernel` into `out`. */
function buildSystemInitramfs(kernel, out) {
  const busybox = requireBusybox();
  const mods = resolveModules(kernel, BOOT_MODULES);
  const names = mods.map((m) => basename(m).replace(/\.(xz|zst|gz)$/, ''));
  const init = systemInit(names);
  const hash = hashInputs([busybox, fileURLToPath(import.meta.url), ...mods.map((m) => join(kernel.modules, m))], [kernel.release, init]);
  return cached(`${out}.stamp`, hash, [out], () => {
    const root = `${out}.root`;
    rmSync(root, { recursive: true, force: true });
    for (const d of ['bin', 'dev', 'proc', 'sys', 'modules', 'testbed', 'newroot', 'etc']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const m of mods) copyModule(join(kernel.modules, m), join(root, 'modules'));
    writeFileSync(join(root, 'init'), init, { mode: 0o755 });
    writeFileSync(join(root, 'testbed', 'ainka-testbed.service'), RUN_SERVICE);
    writeFileSync(join(root, 'testbed', 'ainka-testbed.target'), RUN_TARGET);
    writeFileSync(join(root, 'testbed', 'ainka-testbed-run'), RUNNER, { mode: 0o755 });
    writeFileSync(join(root, 'testbed', 'ainka-testbed-failed'), FAILED, { mode: 0o755 });
    writeFileSync(join(root, 'testbed', 'ainka-testbed-failed.service'), FAILED_SERVICE);
    const list = spawnSync('find', ['.', '-print0'], { cwd: root, encoding: 'buffer', maxBuffer: 64 << 20 });
    const fd = openSync(`${out}.tmp`, 'w');
    try {
      const r = spawnSync('cpio', ['--null', '-o', '-H', 'newc', '--owner=0:0', '--quiet'], { cwd: root, input: list.stdout, stdio: ['pipe', fd, 'pipe'] });
      if (r.status !== 0) throw new TestbedError('ERR_AINKA_TESTBED_COMMAND_FAILED', `cpio failed: ${r.stderr}`);
    } finally {
      closeSync(fd);
    }
    renameSync(`${out}.tmp`, out);
    rmSync(root, { recursive: true, force: true });
  });
}

/**
 * Builds what a system-guest boot needs for kernel `series` and returns the paths (the shape
 * bootAndRun takes) plus the image.
 */
export async function buildSystem({ series = '6.1', log = () => {} } = {}) {
  requireTools(['qemu-system-x86_64', 'xz', 'cpio', 'make', 'gcc', 'timeout']);
  const kernel = systemKernel(series);
  const dir = join(outDir, 'system');
  mkdirSync(dir, { recursive: true });
  const paths = {
    kernel,
    vmlinux: join(outDir, `vmlinux-${kernel.release}`),
    initramfs: join(dir, `initramfs-${kernel.release}.cpio`),
    module: join(dir, `ainka-${kernel.release}.ko`),
  };
  const img = await ensureImage({ log });
  await withLock('build', async () => {
    const t0 = Date.now();
    try {
      if (buildVmlinux(kernel, paths.vmlinux)) log(`built ${paths.vmlinux}`);
    } catch (e) {
      // 6.12's bzImage carries a zstd stream: qemu boots the bzImage itself (a few seconds slower).
      if (e.code !== 'ERR_AINKA_TESTBED_KERNEL_FORMAT') throw e;
      paths.vmlinux = kernel.vmlinuz;
    }
    if (buildSystemInitramfs(kernel, paths.initramfs)) log(`built ${paths.initramfs}`);
    try {
      if (buildModule(kernel, paths.module)) log(`built ${paths.module} for ${kernel.release}`);
    } catch (e) {
      // The guest is still useful without the module (tests that need it fail on AINKA_KMOD).
      if (e.code !== 'ERR_AINKA_TESTBED_COMMAND_FAILED') throw e;
      rmSync(paths.module, { force: true });
      const why = String(e.message).split('\n').find((l) => /error:/.test(l)) ?? String(e.message).split('\n')[0];
      log(`WARNING: ainka.ko does not build for ${kernel.release}; booting without it (AINKA_KMOD names a missing file): ${why.trim()}`);
    }
    log(`system guest ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (kernel ${kernel.release})`);
  });
  return { ...paths, image: img.image, imageMeta: img };
}

/** QEMU arguments and kernel parameters that turn a bootAndRun into a system-guest boot. */
export function systemBootOptions(paths) {
  return {
    env: { AINKA_TEST_TARGET: 'system' },
    // Two host threads for the two vCPUs: systemd, ainkad and the lab's workloads need the speed, and this
    // guest loads the module once (see qemu.mjs on thread=single).
    tcgThread: process.env.AINKA_TESTBED_TCG_THREAD ?? 'multi',
    extraArgs: [
      '-drive', `file=${paths.image},format=raw,if=virtio,snapshot=on,discard=unmap`,
      '-virtfs', 'local,path=/lib/modules,mount_tag=hostmods,security_model=none,readonly=on,multidevs=remap',
    ],
    // AINKA_TESTBED_APPEND adds kernel parameters (debugging: systemd.log_level=debug, systemd.unit=…).
    extraAppend: ['systemd.unit=ainka-testbed.target', 'systemd.show_status=error', 'rd.udev.log_level=3', ...(process.env.AINKA_TESTBED_APPEND ?? '').split(/\s+/).filter(Boolean)],
  };
}

/** The guest's own boot report (system state, systemd-analyze time, failed units), if it wrote one. */
export function bootReport(runDir) {
  const f = join(runDir, 'boot.txt');
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : '';
}
