import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dkmsSourceDir, kmodManifest, packageRoot } from '@ainka/kmod';

// DKMS builds the shipped source against each supported kernel's headers, in a private source and
// DKMS tree (--sourcetree/--dkmstree), so the machine's /usr/src and /var/lib/dkms are untouched.
const SERIES = ['6.1', '6.12'];
const newest = (series: string): string | undefined =>
  (existsSync('/lib/modules') ? readdirSync('/lib/modules') : [])
    .filter((r) => r.startsWith(`${series}.`) && existsSync(`/lib/modules/${r}/build/Makefile`))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .pop();
const built = existsSync(join(packageRoot(), 'manifest.json'));
const skip =
  process.getuid?.() !== 0 ? 'not root' : spawnSync('dkms', ['--version']).status !== 0 ? 'dkms is not installed (apt-get install dkms)' : !built ? 'package not built (npm run build -w packages/kmod)' : undefined;
if (skip) console.warn(`skipping the DKMS build test: ${skip}`);

const work = mkdtempSync(join(tmpdir(), 'ainka-dkms-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('dkms', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (status) => resolve({ status: status ?? 1, out }));
  });
}

describe.skipIf(skip)('the DKMS source', () => {
  it('builds against the 6.1 and the 6.12 header trees', async () => {
    const { dkms } = kmodManifest();
    const releases = SERIES.map((s) => [s, newest(s)] as const);
    for (const [s, r] of releases) expect(r, `kernel headers of the ${s} series (see tools/scripts/deps.mjs)`).toBeDefined();
    // One DKMS tree per kernel so the two builds run side by side.
    const results = await Promise.all(
      releases.map(async ([series, release]) => {
        const src = join(work, series, 'src');
        const tree = join(work, series, 'tree');
        cpSync(dkmsSourceDir(), join(src, `${dkms.name}-${dkms.version}`), { recursive: true });
        mkdirSync(tree, { recursive: true });
        const common = ['-m', dkms.name, '-v', dkms.version, '--sourcetree', src, '--dkmstree', tree];
        const add = await run(['add', ...common]);
        const build = add.status === 0 ? await run(['build', ...common, '-k', release!]) : add;
        const dir = join(tree, dkms.name, dkms.version, release!, 'x86_64', 'module');
        const ko = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith(`${dkms.name}.ko`)) : undefined;
        return { release: release!, status: build.status, ko, log: build.out.split('\n').slice(-25).join('\n') };
      }),
    );
    for (const r of results) {
      expect(r.status, `dkms build for ${r.release}:\n${r.log}`).toBe(0);
      expect(r.ko, `ainka.ko for ${r.release} in the DKMS tree`).toBeDefined();
    }
  }, 900_000);
});
