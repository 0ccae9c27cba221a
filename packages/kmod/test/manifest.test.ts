import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AINKA_ABI_VERSION } from '@ainka/protocol';
import { describe, expect, it } from 'vitest';
import { KmodError, dkmsInstallCommands, dkmsSourceDir, kmodManifest, packageRoot, prebuiltModulePath, prebuiltReleases, verifyPrebuilt } from '@ainka/kmod';

const root = packageRoot();
const built = existsSync(join(root, 'manifest.json'));
if (!built) console.warn(`skipping @ainka/kmod manifest tests: ${join(root, 'manifest.json')} is missing (run npm run build -w packages/kmod)`);

describe.runIf(built)('the built package', () => {
  it('has a manifest whose ABI version equals @ainka/protocol', () => {
    const m = kmodManifest();
    expect(m.name).toBe('ainka');
    expect(m.abiVersion).toBe(AINKA_ABI_VERSION);
  });

  it('ships the DKMS source with the same version as the manifest', () => {
    const m = kmodManifest();
    const dir = dkmsSourceDir();
    const conf = readFileSync(join(dir, 'dkms.conf'), 'utf8');
    expect(conf).toContain(`PACKAGE_VERSION="${m.moduleVersion}"`);
    expect(readFileSync(join(dir, 'src', 'ainka.h'), 'utf8')).toContain(`#define AINKA_VERSION_STR\t"${m.moduleVersion}"`);
    expect(existsSync(join(dir, 'include', 'uapi', 'ainka.h'))).toBe(true);
    expect(dkmsInstallCommands()).toContain(`dkms install ainka/${m.moduleVersion}`);
  });

  it.each(['6.1', '6.12'])('has a prebuilt module for the Debian %s guest kernel whose sha256 and vermagic match the manifest', (series) => {
    const m = kmodManifest();
    const rel = prebuiltReleases().find((r) => r.startsWith(`${series}.`));
    expect(rel, `a ${series} prebuilt (needs its linux-headers package at build time)`).toBeDefined();
    const entry = m.prebuilt.find((p) => p.kernelRelease === rel)!;
    const data = readFileSync(prebuiltModulePath(rel!));
    expect(createHash('sha256').update(data).digest('hex')).toBe(entry.sha256);
    expect(data.length).toBe(entry.size);
    expect(entry.vermagic.startsWith(`${rel} `)).toBe(true);
    expect(data.includes(Buffer.from(`version=${m.moduleVersion}\0`))).toBe(true);
    expect(verifyPrebuilt(rel!)).toBe(prebuiltModulePath(rel!));
  });

  it('names the DKMS fix when no prebuilt exists for a release', () => {
    try {
      prebuiltModulePath('9.9.9-nonexistent');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KmodError);
      expect((e as KmodError).code).toBe('ERR_AINKA_KMOD_NO_PREBUILT');
      expect((e as KmodError).message).toMatch(/DKMS/);
    }
  });
});

describe('a package directory', () => {
  it('without a manifest reports how to build it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmod-'));
    expect(() => kmodManifest(dir)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_KMOD_NO_MANIFEST' }));
  });

  it('with a tampered module fails verification', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmod-'));
    const ko = join(dir, 'ainka.ko');
    writeFileSync(ko, 'not a module');
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ name: 'ainka', moduleVersion: '0.1.0', abiVersion: 1, dkms: { path: 'dkms', name: 'ainka', version: '0.1.0' }, prebuilt: [{ kernelRelease: 'x', path: 'ainka.ko', sha256: '0'.repeat(64), size: 1, vermagic: 'x ' }] }),
    );
    expect(() => verifyPrebuilt('x', dir)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_KMOD_CHECKSUM' }));
  });

  it('with a malformed manifest is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmod-'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'ainka', prebuilt: 'nope' }));
    expect(() => kmodManifest(dir)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_KMOD_BAD_MANIFEST' }));
  });
});
