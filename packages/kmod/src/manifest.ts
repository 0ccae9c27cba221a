import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KmodError } from './kmodError.js';
import { packageRoot } from './packageRoot.js';

/** One prebuilt `ainka.ko` in the package. */
export interface PrebuiltModule {
  /** `uname -r` of the kernel it was built for, e.g. `6.1.0-57-amd64`. */
  readonly kernelRelease: string;
  /** Path of the `.ko`, relative to the package root. */
  readonly path: string;
  /** Lower-case hex sha256 of the `.ko`. */
  readonly sha256: string;
  /** Size in bytes. */
  readonly size: number;
  /** The module's vermagic string (the kernel checks it on load). */
  readonly vermagic: string;
}

/** The package's `manifest.json`, written by `npm run build`. */
export interface KmodManifest {
  /** Module name (`ainka`). */
  readonly name: string;
  /** Module version, `major.minor.patch` (also `modinfo -F version`). */
  readonly moduleVersion: string;
  /** `AINKA_ABI_VERSION` the module was built with; must equal `@ainka/protocol`'s. */
  readonly abiVersion: number;
  /** The DKMS source tree shipped in the package. */
  readonly dkms: {
    /** Path of the source tree, relative to the package root. */
    readonly path: string;
    /** DKMS module name (`ainka`). */
    readonly name: string;
    /** DKMS module version. */
    readonly version: string;
  };
  /** Every prebuilt module, one per kernel release. */
  readonly prebuilt: readonly PrebuiltModule[];
}

function isManifest(v: unknown): v is KmodManifest {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return (
    typeof m.name === 'string' &&
    typeof m.moduleVersion === 'string' &&
    typeof m.abiVersion === 'number' &&
    typeof m.dkms === 'object' &&
    m.dkms !== null &&
    Array.isArray(m.prebuilt) &&
    m.prebuilt.every(
      (p: unknown) =>
        typeof p === 'object' &&
        p !== null &&
        typeof (p as PrebuiltModule).kernelRelease === 'string' &&
        typeof (p as PrebuiltModule).path === 'string' &&
        /^[0-9a-f]{64}$/.test(String((p as PrebuiltModule).sha256)),
    )
  );
}

/**
 * Reads and checks the package manifest.
 *
 * @param root - package directory (default: this package)
 * @throws KmodError `ERR_AINKA_KMOD_NO_MANIFEST` when the package was not built,
 *   `ERR_AINKA_KMOD_BAD_MANIFEST` when the file does not have the expected shape.
 */
export function kmodManifest(root: string = packageRoot()): KmodManifest {
  const file = join(root, 'manifest.json');
  if (!existsSync(file)) {
    throw new KmodError('ERR_AINKA_KMOD_NO_MANIFEST', `${file} is missing: run \`npm run build -w packages/kmod\` (needs linux-headers for the target kernel).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new KmodError('ERR_AINKA_KMOD_BAD_MANIFEST', `${file} is not JSON (${(e as Error).message}): rebuild the package.`);
  }
  if (!isManifest(parsed)) {
    throw new KmodError('ERR_AINKA_KMOD_BAD_MANIFEST', `${file} lacks name/moduleVersion/abiVersion/dkms/prebuilt[]: rebuild the package.`);
  }
  return parsed;
}
