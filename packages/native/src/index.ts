/**
 * `@ainka/native` — the Node-API addon under AINKA's kernel paths.
 *
 * @packageDocumentation
 */
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
export { BpfObject, BpfRing, BpfUpdateFlags, bpfSystem, u32, type BpfMapDump, type BpfMapInfo, type BpfProgramInfo, type BpfProgramStats, type BpfRingOptions, type RingHandle } from './bpf.js';
export { BpfError, type BpfErrorCode } from './bpfError.js';
export { loadWithFallbacks, type BpfLoaded, type BpfLoadPlan, type BpfSlot, type BpfVariantFailure } from './bpfLoader.js';
