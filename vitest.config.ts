import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * One vitest project per workspace package (packages/*, apps/*).
 *
 * Tests live in each package's `test/` folder. Files named `*.guest.test.ts` need the AINKA kernel
 * module and run only inside the QEMU busybox guest (tools/testbed sets AINKA_TEST_TARGET=guest);
 * `*.system.test.ts` need systemd as PID 1 and run only inside the Debian 12 system guest
 * (`testbed.mjs system-test` sets AINKA_TEST_TARGET=system); every other test runs on the host.
 *
 * `@ainka/<name>` resolves to the package's source so tests never depend on a stale build.
 */
const root = import.meta.dirname;
const target = process.env.AINKA_TEST_TARGET;
const inGuest = target === 'guest' || target === 'system';
const testFiles = target === 'guest' ? ['test/**/*.guest.test.ts'] : target === 'system' ? ['test/**/*.system.test.ts'] : ['test/**/*.test.ts'];
const guestOnly = inGuest ? [] : ['test/**/*.guest.test.ts', 'test/**/*.system.test.ts'];

interface Workspace {
  dir: string;
  name: string;
  folder: string;
}

function workspaces(): Workspace[] {
  const found: Workspace[] = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const folder of readdirSync(groupDir)) {
      const pkgFile = join(groupDir, folder, 'package.json');
      if (!existsSync(pkgFile)) continue;
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string };
      found.push({ dir: join(groupDir, folder), name: pkg.name, folder });
    }
  }
  return found;
}

const all = workspaces();
const alias = Object.fromEntries(
  all
    .filter((w) => w.dir.includes(`${join(root, 'packages')}`) && existsSync(join(w.dir, 'src', 'index.ts')))
    .map((w) => [w.name, resolve(w.dir, 'src', 'index.ts')]),
);
// Subpath exports (`@ainka/telemetry/collectors` → `src/collectors.ts`), matched before the package name.
const subpathAlias = all
  .filter((w) => w.dir.includes(`${join(root, 'packages')}`))
  .flatMap((w) => {
    const exportsMap = (JSON.parse(readFileSync(join(w.dir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> }).exports ?? {};
    return Object.keys(exportsMap)
      .filter((k) => k.startsWith('./') && k !== './package.json' && existsSync(join(w.dir, 'src', `${k.slice(2)}.ts`)))
      .map((k) => ({ find: `${w.name}/${k.slice(2)}`, replacement: resolve(w.dir, 'src', `${k.slice(2)}.ts`) }));
  });

export default defineConfig({
  resolve: { alias: [...subpathAlias, ...Object.entries(alias).map(([find, replacement]) => ({ find, replacement }))] },
  test: {
    testTimeout: inGuest ? 120_000 : 30_000,
    hookTimeout: inGuest ? 120_000 : 60_000,
    projects: all.map((w) => ({
      extends: true as const,
      test: {
        name: w.name,
        root: w.dir,
        include: testFiles,
        exclude: guestOnly,
      },
    })),
  },
});
