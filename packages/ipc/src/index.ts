/**
 * `@ainka/ipc` — the userspace side of the AINKA kernel module's three paths: generic netlink
 * (commands and events), the `/dev/ainka` shared-memory sample ring (zero copy), and its ioctls.
 *
 * @packageDocumentation
 */
export { AinkaKernel, type AinkaKernelOptions, type CloseOptions, type LoadPoliciesOptions } from './kernel.js';
export { AinkaKernelError, type AinkaKernelErrorCode, type AinkaKernelErrorOptions } from './errors.js';
export { probeKernel, type KernelProbe, type ProbeOptions } from './probe.js';
export { AinkaDevice, DEFAULT_DEVICE_PATH, type DeviceState, type DeviceVersion, type RingInfo } from './device.js';
export { RingReader, SampleBatch, type RingReaderOptions, type RingStats } from './ringReader.js';
export { GenlConnection, type GenlConnectionOptions, type GenlRequestOptions } from './genlConnection.js';
export { describeRequestOffset } from './describe.js';
export { hasNetAdmin } from './privilege.js';
export { parsePressureSome, readPressure, type PressureFigures } from './pressure.js';
export type { EventBase, KernelAction, KernelCounters, KernelEvent, KernelStatus } from './types.js';
