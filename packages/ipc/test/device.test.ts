import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceClose, deviceIoctl, deviceOpen } from '@ainka/native';
import { AinkaIoctl } from '@ainka/protocol';
import { AinkaDevice, AinkaKernelError } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ainka-dev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the ioctl path through the addon', () => {
  it('refuses another driver\'s request (FIONREAD), whose size field the addon cannot trust', () => {
    const file = join(dir, 'ten');
    writeFileSync(file, '0123456789');
    const fd = deviceOpen(file, false);
    try {
      expect(() => deviceIoctl(fd, 0x541b, new Uint8Array(4))).toThrow(/not an \/dev\/ainka ioctl/);
    } finally {
      deviceClose(fd);
    }
  });

  it('refuses an argument of another size than the request encodes (the kernel would overrun it)', () => {
    const fd = deviceOpen('/dev/null', false);
    try {
      expect(() => deviceIoctl(fd, AinkaIoctl.GET_STATE!, new Uint8Array(8))).toThrow(/exactly the size/);
    } finally {
      deviceClose(fd);
    }
  });

  it('maps an AINKA ioctl the device does not implement (ENOTTY) to a typed error naming the fix', () => {
    const device = AinkaDevice.open('/dev/null', false);
    try {
      const error = (() => {
        try {
          device.version();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(AinkaKernelError);
      expect(error).toMatchObject({ code: 'ERR_AINKA_KERNEL_REJECTED', errno: 25, syscall: 'ioctl' });
      expect((error as Error).message).toMatch(/AINKA_IOC_GET_VERSION/);
    } finally {
      device.close();
    }
    expect(() => device.state()).toThrow(expect.objectContaining({ code: 'ERR_AINKA_KERNEL_CLOSED' }));
  });

  it('reports a permission failure on open with ERR_AINKA_KERNEL_PERMISSION', () => {
    if (process.getuid?.() === 0) {
      // root bypasses file modes; the unprivileged case is covered by the nobody tests (host and guest)
      return;
    }
    const file = join(dir, 'locked');
    writeFileSync(file, '', { mode: 0o000 });
    expect(() => AinkaDevice.open(file)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_KERNEL_PERMISSION' }));
  });
});
