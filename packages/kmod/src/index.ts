/**
 * The AINKA kernel module as an npm package: the prebuilt `ainka.ko` for named Debian kernels,
 * its DKMS source, and a manifest tying them to the module and ABI versions.
 *
 * @packageDocumentation
 */
export { KmodError } from './kmodError.js';
export type { KmodErrorCode } from './kmodError.js';
export { kmodManifest } from './manifest.js';
export type { KmodManifest, PrebuiltModule } from './manifest.js';
export { prebuiltModulePath, prebuiltReleases, verifyPrebuilt } from './prebuilt.js';
export { dkmsInstallCommands, dkmsSourceDir } from './dkms.js';
export { packageRoot } from './packageRoot.js';
