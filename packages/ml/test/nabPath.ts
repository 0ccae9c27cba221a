import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The NAB corpus: `$AINKA_NAB_DIR`, else the first `shared/datasets/nab` found walking up from the
 * repository (`<repo>/../shared/…` for the main checkout, `<repo>/../../shared/…` for a worktree).
 */
export function nabDir(): string {
  const env = process.env.AINKA_NAB_DIR;
  if (env !== undefined && env !== '') return resolve(env);
  let dir = resolve(import.meta.dirname, '../../..');
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'shared', 'datasets', 'nab');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return resolve(import.meta.dirname, '../../../../shared/datasets/nab');
}
