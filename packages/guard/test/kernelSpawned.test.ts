import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKernelThread, kernelSpawned } from '../src/kernelSpawned.js';
import { event, proc } from './events.js';

/** A fake /proc with the stat lines of a kworker (PF_KTHREAD set) and of a shell. */
function fakeProc(): string {
  const root = mkdtempSync(join(tmpdir(), 'ainka-kthread-'));
  const stat = (pid: number, comm: string, ppid: number, flags: number): void => {
    mkdirSync(join(root, String(pid)));
    writeFileSync(join(root, String(pid), 'stat'), `${pid} (${comm}) S ${ppid} 0 0 0 -1 ${flags} 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0\n`);
  };
  stat(9, 'kworker/u4:0-events_unbound', 2, 0x04208060);
  stat(400, 'bash (x) y', 1, 0x00400100); // parentheses in a comm must not shift the fields
  return root;
}

describe('kernelSpawned', () => {
  const root = fakeProc();
  it('reads PF_KTHREAD from /proc/<pid>/stat', () => {
    expect(isKernelThread(9, root)).toBe(true);
    expect(isKernelThread(400, root)).toBe(false);
    expect(isKernelThread(2, root)).toBe(true);
    expect(isKernelThread(1, root)).toBe(false);
    expect(isKernelThread(12345, root)).toBeUndefined();
  });

  it("is true for request_module()'s modprobe under a kworker or kthreadd, false under a shell", () => {
    const modprobe = (ppid: number) => event({ type: 'module', proc: proc({ pid: 990, ppid, name: 'modprobe' }), module: { name: 'tcp_diag', how: 'loaded' } });
    expect(kernelSpawned(modprobe(9), root)).toBe(true);
    expect(kernelSpawned(modprobe(2), root)).toBe(true);
    expect(kernelSpawned(modprobe(400), root)).toBe(false);
    expect(kernelSpawned(modprobe(1), root)).toBe(false);
  });

  it('falls back on the process tree when the parent is gone', () => {
    const gone = (parentExe: string, parentPpid: number) =>
      event({ type: 'module', proc: proc({ pid: 991, ppid: 777, name: 'modprobe' }), ancestors: [proc({ pid: 777, ppid: parentPpid, name: 'kworker/0:1', exe: parentExe })], module: { name: 'x', how: 'loaded' } });
    expect(kernelSpawned(gone('', 2), root)).toBe(true);
    expect(kernelSpawned(gone('/usr/bin/bash', 2), root)).toBe(false);
    expect(kernelSpawned(gone('', 1), root)).toBe(false);
  });
});
