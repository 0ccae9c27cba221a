import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The raw functions exported by the C addon; each concern's TS wrapper narrows its part. */
export type NativeBinding = Readonly<Record<string, unknown>>;

let cached: NativeBinding | undefined;

/**
 * Loads the addon once: a prebuilt binary from `prebuilds/` when one matches this platform and
 * Node-API version, else the local `build/Release` from a source build.
 */
export function loadBinding(): NativeBinding {
  if (cached) return cached;
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  const packageRoot = join(here, '..');
  const require = createRequire(join(packageRoot, 'package.json'));
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
  cached = nodeGypBuild(packageRoot);
  return cached;
}
