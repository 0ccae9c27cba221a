import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AinkaDevice, AinkaKernel, AinkaKernelError, hasNetAdmin } from '../src/index.js';

// The host kernel cannot load modules: these tests check what a daemon sees on a machine without
// the AINKA module, which is the host's real state. They skip (with the reason) if a module is present.
const root = join(import.meta.dirname, '..', '..', '..');
const moduleAbsent = !existsSync('/sys/module/ainka') && !existsSync('/dev/ainka');
if (!moduleAbsent) console.warn('skipping host "module absent" tests: an ainka module is loaded on this machine');

function runAsChild(prefix: string[], script: string): { code: number | null; out: string } {
  const r = spawnSync(prefix[0] ?? process.execPath, [...prefix.slice(1), process.execPath, '--import', 'tsx', '--input-type=module', '-e', script].filter(Boolean), {
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

const openScript = `import { AinkaKernel } from '${join(root, 'packages/ipc/src/index.ts')}';
try { await AinkaKernel.open(); console.log('opened'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;

describe.runIf(moduleAbsent)('without the kernel module (the host)', () => {
  it('probe() reports the module absent, the fallback-relevant facts, and the fix', async () => {
    const probe = await AinkaKernel.probe();
    expect(probe.available).toBe(false);
    expect(probe.moduleLoaded).toBe(false);
    expect(probe.netlink.family).toBe(false);
    expect(probe.device).toEqual({ path: '/dev/ainka', present: false, writable: false });
    expect(probe.procfs).toBe(false);
    expect(probe.privileged).toBe(hasNetAdmin());
    expect(probe.problems.join('\n')).toMatch(/@ainka\/kmod/);
  });

  it('open() fails with ERR_AINKA_KERNEL_MODULE_NOT_LOADED naming @ainka/kmod and modprobe', async () => {
    const error = await AinkaKernel.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AinkaKernelError);
    expect(error).toMatchObject({ code: 'ERR_AINKA_KERNEL_MODULE_NOT_LOADED', errno: 2 });
    expect((error as Error).message).toMatch(/@ainka\/kmod/);
    expect((error as Error).message).toMatch(/modprobe ainka/);
  });

  it('opening the missing device fails with ERR_AINKA_KERNEL_MODULE_NOT_LOADED and the errno', () => {
    expect(() => AinkaDevice.open('/dev/ainka')).toThrow(expect.objectContaining({ code: 'ERR_AINKA_KERNEL_MODULE_NOT_LOADED', errno: 2, syscall: 'open' }));
  });

  it('open() without CAP_NET_ADMIN (root with the capability dropped) fails with ERR_AINKA_KERNEL_PERMISSION naming CAP_NET_ADMIN', () => {
    if (!existsSync('/usr/bin/setpriv') || process.getuid?.() !== 0) {
      console.warn('skipping: needs root and setpriv to drop CAP_NET_ADMIN');
      return;
    }
    const { out } = runAsChild(['/usr/bin/setpriv', '--bounding-set=-net_admin', '--inh-caps=-net_admin'], openScript);
    const result = JSON.parse(out.trim().split('\n').pop()!) as { code: string; message: string };
    expect(result.code).toBe('ERR_AINKA_KERNEL_PERMISSION');
    expect(result.message).toMatch(/CAP_NET_ADMIN/);
  });

  it('open() as an unprivileged user (nobody) fails with ERR_AINKA_KERNEL_PERMISSION', () => {
    if (process.getuid?.() !== 0) {
      console.warn('skipping: needs root to switch to nobody');
      return;
    }
    const { out } = runAsChild(['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'], openScript);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ code: 'ERR_AINKA_KERNEL_PERMISSION' });
  });

  it('open({ readOnly: true }) skips the privilege check and still reports the missing module', () => {
    if (process.getuid?.() !== 0) return;
    const script = openScript.replace('AinkaKernel.open()', 'AinkaKernel.open({ readOnly: true })');
    const { out } = runAsChild(['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'], script);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ code: 'ERR_AINKA_KERNEL_MODULE_NOT_LOADED' });
  });
});

describe('hasNetAdmin', () => {
  it('reads CAP_NET_ADMIN (bit 12) from CapEff', () => {
    expect(hasNetAdmin('Name:\tnode\nCapEff:\t000001ffffffffff\n')).toBe(true);
    expect(hasNetAdmin('CapEff:\t0000000000000000\n')).toBe(false);
    expect(hasNetAdmin('CapEff:\t0000000000001000\n')).toBe(true);
    expect(hasNetAdmin('CapEff:\t0000000000000fff\n')).toBe(false);
  });
});
