// Builds what a guest boot needs into .testbed/: the uncompressed kernel, ainka.ko, the kernel
// test programs and a busybox initramfs. Each output is rebuilt only when its inputs changed.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TestbedError, cached, guestKernel, hashInputs, listFiles, outDir, repoRoot, requireBusybox, requireTools, run, withLock } from './host.mjs';
import { initScript } from './init.mjs';

/** Guest kernel modules the initramfs needs to mount the host over virtio-9p (plus their dependencies). */
export const NINEP_MODULES = ['fs/9p/9p', 'net/9p/9pnet_virtio'];

/**
 * The module files to load, dependencies first, from the kernel's modules.dep: 6.1 builds virtio as
 * modules and keeps fscache separate; 6.12 has virtio built in, merged fscache into netfs and
 * compresses modules with xz. Returns paths relative to <modules>/.
 */
export function ninepModules(kernel) {
  const depFile = join(kernel.modules, 'modules.dep');
  if (!existsSync(depFile)) throw new TestbedError('ERR_AINKA_TESTBED_KERNEL_MISSING', `${depFile} is missing: reinstall linux-image-${kernel.release}.`);
  const deps = new Map();
  for (const line of readFileSync(depFile, 'utf8').split('\n')) {
    const [mod, rest] = line.split(':');
    if (mod) deps.set(mod, (rest ?? '').trim().split(/\s+/).filter(Boolean));
  }
  // virtio_pci is a module on 6.1 (and pulls virtio, virtio_ring); on 6.12 it is built in.
  const roots = [...NINEP_MODULES, 'drivers/virtio/virtio_pci'].map((m) => [...deps.keys()].find((k) => k.startsWith(`kernel/${m}.ko`)));
  const order = [];
  const visit = (m) => {
    if (order.includes(m)) return;
    for (const d of deps.get(m) ?? []) visit(d);
    order.push(m);
  };
  for (const r of roots) if (r) visit(r);
  if (!order.some((m) => m.includes('9pnet_virtio'))) throw new TestbedError('ERR_AINKA_TESTBED_KERNEL_MISSING', `9pnet_virtio is not in ${depFile}: the testbed needs CONFIG_NET_9P_VIRTIO=m.`);
  return order;
}

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/**
 * Extracts the uncompressed ELF vmlinux from Debian's bzImage (booted through its PVH entry): 6.1
 * compresses it with xz, 6.12 with zstd. Only the first stream is decompressed (trailing bytes of
 * the bzImage are not part of it).
 */
export function buildVmlinux(kernel, out) {
  const stamp = `${out}.stamp`;
  return cached(stamp, hashInputs([], [kernel.vmlinuz, String(readFileSync(kernel.vmlinuz).length)]), [out], () => {
    const image = readFileSync(kernel.vmlinuz);
    const xzAt = image.indexOf(XZ_MAGIC);
    const zstdAt = image.indexOf(ZSTD_MAGIC);
    const useXz = xzAt >= 0 && (zstdAt < 0 || xzAt < zstdAt);
    const at = useXz ? xzAt : zstdAt;
    if (at < 0) throw new TestbedError('ERR_AINKA_TESTBED_KERNEL_FORMAT', `${kernel.vmlinuz} holds no xz or zstd stream; boot it as a bzImage instead.`);
    const tmp = `${out}.tmp`;
    const packed = `${out}.packed`;
    writeFileSync(packed, image.subarray(at));
    const inFd = openSync(packed, 'r');
    const fd = openSync(tmp, 'w');
    try {
      // xz --single-stream stops at the end of the kernel's stream; zstd writes the first frame and
      // then complains about the trailing bytes (its exit status is ignored, the ELF check decides).
      const [cmd, args] = useXz ? ['xz', ['-dc', '--single-stream']] : ['zstd', ['-dcq']];
      const r = spawnSync(cmd, args, { stdio: [inFd, fd, 'pipe'] });
      if (r.error) throw new TestbedError('ERR_AINKA_TESTBED_SPAWN', `failed to run ${cmd}: ${r.error.message} (install ${useXz ? 'xz-utils' : 'zstd'})`);
    } finally {
      closeSync(fd);
      closeSync(inFd);
      rmSync(packed, { force: true });
    }
    const head = readFileSync(tmp).subarray(0, 4);
    if (!head.equals(ELF_MAGIC)) {
      throw new TestbedError('ERR_AINKA_TESTBED_KERNEL_FORMAT', `the ${useXz ? 'xz' : 'zstd'} stream of ${kernel.vmlinuz} is not an ELF vmlinux.`);
    }
    renameSync(tmp, out);
  });
}

/** Files of the kernel module source (what DKMS ships). */
export function moduleSources() {
  const k = join(repoRoot, 'kernel');
  return [join(k, 'Kbuild'), join(k, 'Makefile'), join(k, 'dkms.conf'), ...listFiles(join(k, 'src')), ...listFiles(join(k, 'include'))].filter(existsSync);
}

/**
 * Builds ainka.ko against `kernel.build` in a private copy of kernel/ (so the source tree stays clean
 * and parallel builds do not collide) and copies it to `out`.
 */
export function buildModule(kernel, out) {
  const hash = hashInputs(moduleSources(), [kernel.release]);
  return cached(`${out}.stamp`, hash, [out], () => {
    const work = join(outDir, `kmod-build-${kernel.release}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    for (const f of ['Kbuild', 'Makefile']) copyFileSync(join(repoRoot, 'kernel', f), join(work, f));
    cpSync(join(repoRoot, 'kernel', 'src'), join(work, 'src'), { recursive: true });
    cpSync(join(repoRoot, 'kernel', 'include'), join(work, 'include'), { recursive: true });
    run('make', ['-C', kernel.build, `M=${work}`, 'modules', `-j2`], { cwd: work });
    copyFileSync(join(work, 'ainka.ko'), `${out}.tmp`);
    renameSync(`${out}.tmp`, out);
  });
}

/** Builds every kernel/tests/test_*.c as a static binary (with the shared helpers in kernel/tests/lib). */
function buildTests(dir) {
  const testsDir = join(repoRoot, 'kernel', 'tests');
  const sources = listFiles(testsDir).filter((f) => f.endsWith('.c') || f.endsWith('.h'));
  const hash = hashInputs([...sources, join(repoRoot, 'kernel', 'include', 'uapi', 'ainka.h')]);
  const mains = sources.filter((f) => basename(f).startsWith('test_') && f.endsWith('.c'));
  const libs = sources.filter((f) => f.includes('/lib/') && f.endsWith('.c'));
  const outputs = mains.map((m) => join(dir, basename(m, '.c')));
  return cached(join(dir, '.stamp'), hash, outputs, () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const m of mains) {
      run('gcc', ['-static', '-O2', '-g', '-Wall', '-Wextra', '-Wno-unused-parameter', '-std=gnu11', '-pthread',
        `-I${join(repoRoot, 'kernel', 'include', 'uapi')}`, `-I${join(testsDir, 'lib')}`,
        '-o', join(dir, basename(m, '.c')), m, ...libs]);
    }
  });
}

/** Writes a newc cpio of `root` to `out` with the host cpio. */
function cpioArchive(root, out) {
  const list = spawnSync('find', ['.', '-print0'], { cwd: root, encoding: 'buffer', maxBuffer: 64 << 20 });
  const fd = openSync(`${out}.tmp`, 'w');
  try {
    const r = spawnSync('cpio', ['--null', '-o', '-H', 'newc', '--owner=0:0', '--quiet'], { cwd: root, input: list.stdout, stdio: ['pipe', fd, 'pipe'] });
    if (r.status !== 0) throw new TestbedError('ERR_AINKA_TESTBED_COMMAND_FAILED', `cpio failed: ${r.stderr}`);
  } finally {
    closeSync(fd);
  }
  renameSync(`${out}.tmp`, out);
}

/** Builds the initramfs: static busybox, the 9p modules of the guest kernel (uncompressed) and /init. */
function buildInitramfs(kernel, out) {
  const busybox = requireBusybox();
  const mods = ninepModules(kernel).map((m) => join(kernel.modules, m));
  for (const m of mods) {
    if (!existsSync(m)) throw new TestbedError('ERR_AINKA_TESTBED_KERNEL_MISSING', `${m} is missing: reinstall linux-image-${kernel.release}.`);
  }
  const plain = (m) => basename(m).replace(/\.(xz|zst|gz)$/, '');
  const init = initScript(mods.map((m) => `/modules/${plain(m)}`));
  const hash = hashInputs([busybox, ...mods], [init]);
  return cached(`${out}.stamp`, hash, [out], () => {
    const root = join(outDir, `initramfs-root-${kernel.release}`);
    rmSync(root, { recursive: true, force: true });
    for (const d of ['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp', 'root', 'etc', 'modules', 'usr', 'run', 'var']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const m of mods) {
      if (m.endsWith('.xz')) writeFileSync(join(root, 'modules', plain(m)), run('xz', ['-dc', m], { encoding: 'buffer' }).stdout);
      else if (m.endsWith('.zst')) writeFileSync(join(root, 'modules', plain(m)), run('zstd', ['-dc', m], { encoding: 'buffer' }).stdout);
      else copyFileSync(m, join(root, 'modules', basename(m)));
    }
    writeFileSync(join(root, 'init'), init, { mode: 0o755 });
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n::1 localhost\n');
    cpioArchive(root, out);
    rmSync(root, { recursive: true, force: true });
  });
}

/**
 * Builds everything a run needs for one guest kernel and returns the paths. `tests: false` skips
 * the test programs (used by `run`); `kernel` is a series ("6.1", "6.12") or a release.
 */
export async function buildAll({ tests = true, log = () => {}, kernel: wanted } = {}) {
  requireTools();
  const kernel = guestKernel(wanted);
  mkdirSync(outDir, { recursive: true });
  const paths = {
    kernel,
    vmlinux: join(outDir, `vmlinux-${kernel.release}`),
    initramfs: join(outDir, `initramfs-${kernel.release}.cpio`),
    module: join(outDir, `ainka-${kernel.release}.ko`),
    testsDir: join(outDir, 'tests'),
  };
  await withLock('build', async () => {
    const t0 = Date.now();
    if (buildVmlinux(kernel, paths.vmlinux)) log(`built ${paths.vmlinux}`);
    if (buildInitramfs(kernel, paths.initramfs)) log(`built ${paths.initramfs}`);
    if (buildModule(kernel, paths.module)) log(`built ${paths.module} for ${kernel.release}`);
    if (tests && buildTests(paths.testsDir)) log(`built kernel tests in ${paths.testsDir}`);
    log(`build ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
  return paths;
}

/** Names of the built kernel test programs, sorted. */
export function testPrograms(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.startsWith('test_')).sort();
}
