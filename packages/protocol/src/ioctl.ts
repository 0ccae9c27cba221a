import { abi } from './spec/index.js';
import type { IoctlDirection } from './spec/types.js';
import { computeLayout } from './layout.js';

const DIR_BITS: Record<IoctlDirection, number> = { none: 0, write: 1, read: 2, readwrite: 3 };

/** The ioctl request number, as `_IOC(dir, type, nr, size)` computes it on x86-64 and arm64. */
export function ioctlNumber(direction: IoctlDirection, type: number, nr: number, size: number): number {
  return ((DIR_BITS[direction] << 30) | (size << 16) | (type << 8) | nr) >>> 0;
}

const sizes = new Map(abi.structs.map((s) => [s.name, computeLayout(s).size]));

/** Request numbers of every /dev/ainka ioctl, by name (`GET_VERSION` …). */
export const AinkaIoctl: Readonly<Record<string, number>> = Object.fromEntries(
  abi.ioctls.map((i) => [i.name, ioctlNumber(i.direction, abi.ioctlMagic, i.nr, i.struct ? sizes.get(i.struct)! : 0)]),
);
