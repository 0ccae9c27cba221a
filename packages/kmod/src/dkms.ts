import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KmodError } from './kmodError.js';
import { kmodManifest } from './manifest.js';
import { packageRoot } from './packageRoot.js';

/**
 * Directory of the module's DKMS source (Kbuild, Makefile, dkms.conf, src/, include/), ready to
 * copy to `/usr/src/ainka-<version>`.
 *
 * @throws KmodError `ERR_AINKA_KMOD_NO_DKMS_SOURCE` when the package was not built.
 */
export function dkmsSourceDir(root: string = packageRoot()): string {
  const dir = join(root, kmodManifest(root).dkms.path);
  if (!existsSync(join(dir, 'dkms.conf'))) {
    throw new KmodError('ERR_AINKA_KMOD_NO_DKMS_SOURCE', `${dir}/dkms.conf is missing: run \`npm run build -w packages/kmod\`.`);
  }
  return dir;
}

/** The shell commands that install the DKMS source for every kernel (run as root). */
export function dkmsInstallCommands(root: string = packageRoot()): string[] {
  const { dkms } = kmodManifest(root);
  const src = dkmsSourceDir(root);
  const id = `${dkms.name}/${dkms.version}`;
  return [
    `cp -r ${src} /usr/src/${dkms.name}-${dkms.version}`,
    `dkms add ${id}`,
    `dkms build ${id}`,
    `dkms install ${id}`,
  ];
}
