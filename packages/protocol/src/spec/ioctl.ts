import type { IoctlSpec } from './types.js';

/** ioctl type byte of /dev/ainka. */
export const IOCTL_MAGIC = 0xa7;

/** The synchronous control path (the seed's "custom syscall"). */
export const ioctls: readonly IoctlSpec[] = [
  { name: 'GET_VERSION', nr: 1, direction: 'read', struct: 'ainka_ioc_version', doc: 'Read the ABI and module versions.' },
  { name: 'GET_STATE', nr: 2, direction: 'read', struct: 'ainka_ioc_state', doc: 'Read state, mode and counters.' },
  { name: 'SET_MODE', nr: 3, direction: 'write', struct: 'ainka_ioc_mode', doc: 'Set observe/enforce (CAP_NET_ADMIN); leaving enforce reverts actions.' },
  { name: 'HEARTBEAT', nr: 4, direction: 'write', struct: 'ainka_ioc_heartbeat', doc: 'Tell the watchdog userspace is alive.' },
  { name: 'RING_INFO', nr: 5, direction: 'read', struct: 'ainka_ioc_ring_info', doc: 'Read ring geometry and counters.' },
];
