#!/usr/bin/env node
// Builds the package's payload from the repository's kernel/ tree:
//   dkms/                          the DKMS source (Kbuild, Makefile, dkms.conf, src/, include/)
//   prebuilt/<release>/ainka.ko    the module built against /lib/modules/<release>/build
//   manifest.json                  versions, kernel release, vermagic, sha256 of every .ko
// The releases are AINKA_GUEST_KERNEL, or the newest installed Debian kernel with headers of each
// supported series (6.1 and 6.12: the testbed's two guests). Without kernel headers the .ko step is
// skipped with a warning, so the TypeScript build still works on machines that cannot build modules.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const kernelDir = resolve(pkgDir, '..', '..', 'kernel');
const dkmsDir = join(pkgDir, 'dkms');
const prebuiltDir = join(pkgDir, 'prebuilt');
const log = (m) => process.stderr.write(`build-kmod: ${m}\n`);

function fail(message) {
  log(`ERR_AINKA_KMOD_BUILD: ${message}`);
  process.exit(1);
}

/** Values of `#define NAME value` in kernel/src/ainka.h and the uapi header. */
function cDefine(file, name) {
  const m = new RegExp(`#define\\s+${name}\\s+(\\S+)`).exec(readFileSync(file, 'utf8'));
  if (!m) fail(`${name} is not defined in ${file}`);
  return m[1].replace(/^"|"$/g, '');
}

function copyDkmsSource() {
  rmSync(dkmsDir, { recursive: true, force: true });
  mkdirSync(dkmsDir, { recursive: true });
  for (const f of ['Kbuild', 'Makefile', 'dkms.conf', 'README.md']) {
    if (existsSync(join(kernelDir, f))) copyFileSync(join(kernelDir, f), join(dkmsDir, f));
  }
  const skip = /\.(o|ko|mod|mod\.c|cmd|symvers|order)$|^\./;
  for (const d of ['src', 'include']) {
    cpSync(join(kernelDir, d), join(dkmsDir, d), { recursive: true, filter: (src) => !skip.test(src.split('/').pop() ?? '') });
  }
}

/** Kernel series the package ships a prebuilt module for. */
const SERIES = ['6.1', '6.12'];

function releases() {
  if (process.env.AINKA_GUEST_KERNEL) return [process.env.AINKA_GUEST_KERNEL];
  if (!existsSync('/lib/modules')) return [];
  const withHeaders = readdirSync('/lib/modules')
    .filter((r) => existsSync(`/lib/modules/${r}/build/Makefile`))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return SERIES.map((s) => withHeaders.filter((r) => r.startsWith(`${s}.`)).pop()).filter(Boolean);
}

function vermagic(ko) {
  const buf = readFileSync(ko);
  const at = buf.indexOf('vermagic=');
  if (at < 0) return '';
  const end = buf.indexOf(0, at);
  return buf.subarray(at + 'vermagic='.length, end).toString('utf8');
}

function buildFor(release) {
  const work = mkdtempSync(join(tmpdir(), 'ainka-kmod-'));
  try {
    cpSync(dkmsDir, work, { recursive: true });
    const r = spawnSync('make', ['-C', `/lib/modules/${release}/build`, `M=${work}`, 'modules', '-j2'], { encoding: 'utf8' });
    if (r.status !== 0) fail(`make against ${release} failed:\n${(r.stdout + r.stderr).split('\n').slice(-30).join('\n')}`);
    const out = join(prebuiltDir, release);
    mkdirSync(out, { recursive: true });
    copyFileSync(join(work, 'ainka.ko'), join(out, 'ainka.ko'));
    // Debug info is ~90% of the file; DKMS strips it the same way.
    const s = spawnSync('strip', ['--strip-debug', join(out, 'ainka.ko')], { encoding: 'utf8' });
    if (s.status !== 0) log(`strip --strip-debug failed (kept the unstripped module): ${s.stderr}`);
    const data = readFileSync(join(out, 'ainka.ko'));
    return {
      kernelRelease: release,
      path: `prebuilt/${release}/ainka.ko`,
      sha256: createHash('sha256').update(data).digest('hex'),
      size: data.length,
      vermagic: vermagic(join(out, 'ainka.ko')),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

copyDkmsSource();
const moduleVersion = cDefine(join(kernelDir, 'src', 'ainka.h'), 'AINKA_VERSION_STR');
const abiVersion = Number(cDefine(join(kernelDir, 'include', 'uapi', 'ainka.h'), 'AINKA_ABI_VERSION'));
rmSync(prebuiltDir, { recursive: true, force: true });
const prebuilt = [];
const rels = releases();
if (rels.length === 0) {
  log('no Debian 6.1 or 6.12 kernel headers in /lib/modules/*/build: skipping the prebuilt .ko ' +
    '(install linux-headers-amd64 and linux-headers-6.12.*+deb12-amd64, or set AINKA_GUEST_KERNEL=<release>)');
}
for (const rel of rels) {
  const t0 = Date.now();
  prebuilt.push(buildFor(rel));
  log(`built prebuilt/${rel}/ainka.ko in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const manifest = {
  name: 'ainka',
  moduleVersion,
  abiVersion,
  dkms: { path: 'dkms', name: 'ainka', version: moduleVersion },
  prebuilt,
};
writeFileSync(join(pkgDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
log(`wrote manifest.json (module ${moduleVersion}, abi ${abiVersion}, ${prebuilt.length} prebuilt)`);
