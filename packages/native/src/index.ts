/**
 * `@ainka/native` — the Node-API addon under AINKA's kernel paths.
 *
 * @packageDocumentation
 */
import { loadBinding } from './binding.js';

export { loadBinding, type NativeBinding } from './binding.js';
export {
  isNativeSystemError,
  NetlinkProtocol,
  NetlinkSocket,
  type NativeSystemError,
  type NetlinkDataCallback,
  type NetlinkSocketOptions,
} from './netlink.js';
export { deviceClose, deviceIoctl, deviceMmap, deviceMunmap, deviceOpen } from './kdev.js';
export { BpfObject, BpfRing, BpfUpdateFlags, bpfCgroup, bpfSystem, u32, type BpfCgroupProgram, type CgroupAttachType, type BpfMapDump, type BpfMapInfo, type BpfProgramInfo, type BpfProgramStats, type BpfRingOptions, type RingHandle } from './bpf.js';
export { BpfError, type BpfErrorCode } from './bpfError.js';
export { loadWithFallbacks, type BpfLoaded, type BpfLoadPlan, type BpfSlot, type BpfVariantFailure } from './bpfLoader.js';

/** Credentials of the process at the other end of a Unix socket, as recorded by the kernel when it connected. */
export interface PeerCredentials {
  /** Process id of the peer (in this process's PID namespace; 0 when it is outside it). */
  readonly pid: number;
  /** Effective user id of the peer at `connect()` time. */
  readonly uid: number;
  /** Effective group id of the peer at `connect()` time (supplementary groups are not included). */
  readonly gid: number;
}

/**
 * Reads the peer's credentials of a connected Unix socket with `getsockopt(SO_PEERCRED)`.
 *
 * @param fd - the file descriptor of a connected `AF_UNIX` socket (accepted, connected or from `socketpair`)
 * @returns the peer's `pid`, `uid` and `gid`
 * @throws a `NativeSystemError` (`code` `ENOTSOCK`, `EBADF` …, `syscall` `getsockopt`) when `fd` is not a
 *   socket; a `TypeError` when `fd` is not a non-negative integer
 * @example
 * ```ts
 * const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
 * if (fd !== undefined && fd >= 0) console.log(getPeerCred(fd)); // { pid: 4242, uid: 1000, gid: 1000 }
 * ```
 */
export function getPeerCred(fd: number): PeerCredentials {
  const binding = loadBinding() as unknown as { getPeerCred(fd: number): PeerCredentials };
  return binding.getPeerCred(fd);
}
