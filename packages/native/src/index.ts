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
