import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KmodError } from './kmodError.js';
import { kmodManifest } from './manifest.js';
import { packageRoot } from './packageRoot.js';

/** Kernel releases the package has a prebuilt module for. */
export function prebuiltReleases(root: string = packageRoot()): string[] {
  return kmodManifest(root).prebuilt.map((p) => p.kernelRelease);
}

/**
 * Absolute path of the prebuilt `ainka.ko` for a kernel release (`uname -r`).
 *
 * @throws KmodError `ERR_AINKA_KMOD_NO_PREBUILT` when there is none for that release (build it
 *   with DKMS from {@link dkmsSourceDir} instead).
 */
export function prebuiltModulePath(release: string, root: string = packageRoot()): string {
  const manifest = kmodManifest(root);
  const entry = manifest.prebuilt.find((p) => p.kernelRelease === release);
  const path = entry ? join(root, entry.path) : '';
  if (!entry || !existsSync(path)) {
    const have = manifest.prebuilt.map((p) => p.kernelRelease).join(', ') || 'none';
    throw new KmodError(
      'ERR_AINKA_KMOD_NO_PREBUILT',
      `no prebuilt ainka.ko for kernel ${release} (have: ${have}); build it with DKMS from dkmsSourceDir() (see the README).`,
    );
  }
  return path;
}

/**
 * Checks the prebuilt module of a release against the manifest's sha256 and returns the path.
 *
 * @throws KmodError `ERR_AINKA_KMOD_CHECKSUM` when the file was modified or truncated.
 */
export function verifyPrebuilt(release: string, root: string = packageRoot()): string {
  const path = prebuiltModulePath(release, root);
  const entry = kmodManifest(root).prebuilt.find((p) => p.kernelRelease === release);
  const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (!entry || actual !== entry.sha256) {
    throw new KmodError('ERR_AINKA_KMOD_CHECKSUM', `${path} has sha256 ${actual}, the manifest says ${entry?.sha256}: reinstall or rebuild @ainka/kmod.`);
  }
  return path;
}
