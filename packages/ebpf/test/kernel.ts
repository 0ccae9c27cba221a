import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBpfDir } from '../src/manifest.js';

/** Why the real-kernel tests cannot run here, or undefined when they can. */
export function kernelSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: the eBPF tests load programs into the kernel';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'no /sys/kernel/btf/vmlinux: the kernel has no BTF';
  if (!existsSync(join(defaultBpfDir(), 'manifest.json'))) return `no ${join(defaultBpfDir(), 'manifest.json')}: run make -C ebpf`;
  return undefined;
}

export const skipReason = kernelSkipReason();
if (skipReason) console.warn(`[@ainka/ebpf] skipping real-kernel tests: ${skipReason}`);

/** Polls `check` every 20 ms until it returns true or `ms` pass; returns the last result. */
export async function waitFor(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}
