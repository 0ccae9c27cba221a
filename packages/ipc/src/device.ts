import { deviceClose, deviceIoctl, deviceMmap, deviceMunmap, deviceOpen, isNativeSystemError } from '@ainka/native';
import {
  AinkaIoctl,
  iocHeartbeatStruct,
  iocModeStruct,
  iocRingInfoStruct,
  iocStateStruct,
  iocVersionStruct,
  structCodec,
  type StructCodec,
  type StructFieldValue,
} from '@ainka/protocol';
// Imported for the {@link} references in the TSDoc below.
import type { Mode, SystemState } from '@ainka/protocol';
import { AinkaKernelError, errnoName, MODULE_FIX, PRIVILEGE_FIX } from './errors.js';

/** Default path of the AINKA misc device. */
export const DEFAULT_DEVICE_PATH = '/dev/ainka';

const codecs = {
  version: structCodec(iocVersionStruct),
  state: structCodec(iocStateStruct),
  mode: structCodec(iocModeStruct),
  heartbeat: structCodec(iocHeartbeatStruct),
  ringInfo: structCodec(iocRingInfoStruct),
};

/** AINKA_IOC_GET_VERSION. */
export interface DeviceVersion {
  /** AINKA_ABI_VERSION the module was built with. */
  readonly abiVersion: number;
  /** `major << 16 | minor << 8 | patch`. */
  readonly moduleVersion: number;
}

/** AINKA_IOC_GET_STATE. */
export interface DeviceState {
  /** {@link SystemState} value. */
  readonly state: number;
  /** {@link Mode} value. */
  readonly mode: number;
  /** Samples taken since load. */
  readonly samples: bigint;
  /** Nanoseconds since load. */
  readonly uptimeNs: bigint;
  /** Rules in the policy cache. */
  readonly policyCount: number;
}

/** AINKA_IOC_RING_INFO. */
export interface RingInfo {
  /** sizeof(struct ainka_sample). */
  readonly recordSize: number;
  /** Records in the ring (a power of two). */
  readonly capacity: number;
  /** Offset of record 0 in the mapping. */
  readonly dataOffset: number;
  /** Bytes to map. */
  readonly mmapSize: number;
  /** Records produced. */
  readonly head: bigint;
  /** Records consumed. */
  readonly tail: bigint;
  /** Records dropped because the ring was full. */
  readonly overflows: bigint;
}

/** Maps an open/ioctl failure on the device to an {@link AinkaKernelError} naming the fix. */
export function deviceError(error: unknown, path: string, what: string): AinkaKernelError {
  if (error instanceof AinkaKernelError) return error;
  if (!isNativeSystemError(error)) return new AinkaKernelError('ERR_AINKA_KERNEL_IO', `${what} on ${path}: ${String(error)}`, { cause: error });
  const base = { errno: error.errno, syscall: error.syscall, cause: error };
  if (error.errno === 2 || error.errno === 6 || error.errno === 19) {
    return new AinkaKernelError('ERR_AINKA_KERNEL_MODULE_NOT_LOADED', `${path} does not exist (${error.code}): ${MODULE_FIX}`, base);
  }
  if (error.errno === 1 || error.errno === 13) {
    return new AinkaKernelError('ERR_AINKA_KERNEL_PERMISSION', `${what} on ${path} was refused (${error.code}): ${PRIVILEGE_FIX}`, base);
  }
  if (error.errno === 25 || error.errno === 22) {
    return new AinkaKernelError('ERR_AINKA_KERNEL_REJECTED', `${what} on ${path} was refused (${error.code}); check that @ainka/kmod and @ainka/ipc versions match`, base);
  }
  return new AinkaKernelError('ERR_AINKA_KERNEL_IO', `${what} on ${path} failed: ${error.syscall} ${errnoName(error.errno)}`, base);
}

/**
 * `/dev/ainka`: the synchronous control path (the seed's "custom syscall") and the sample ring.
 * Every call is one non-sleeping ioctl on the main thread.
 */
export class AinkaDevice {
  /** The device path. */
  readonly path: string;
  /** Whether it was opened read-write (needed to map the ring, which the reader writes tail into). */
  readonly writable: boolean;
  #fd: number | undefined;

  private constructor(path: string, fd: number, writable: boolean) {
    this.path = path;
    this.#fd = fd;
    this.writable = writable;
  }

  /** Opens the device; throws ERR_AINKA_KERNEL_MODULE_NOT_LOADED or ERR_AINKA_KERNEL_PERMISSION with the fix. */
  static open(path = DEFAULT_DEVICE_PATH, writable = true): AinkaDevice {
    try {
      return new AinkaDevice(path, deviceOpen(path, writable), writable);
    } catch (error) {
      throw deviceError(error, path, 'open');
    }
  }

  #live(): number {
    if (this.#fd === undefined) throw new AinkaKernelError('ERR_AINKA_KERNEL_CLOSED', `${this.path} is closed; open it again`);
    return this.#fd;
  }

  #ioctl(name: string, codec: StructCodec, value: Partial<Record<string, StructFieldValue>> = {}): Record<string, StructFieldValue> {
    const request = AinkaIoctl[name];
    if (request === undefined) throw new AinkaKernelError('ERR_AINKA_KERNEL_INVALID_ARGUMENT', `no ioctl named ${name}`);
    const arg = codec.encode(value);
    try {
      deviceIoctl(this.#live(), request, arg);
    } catch (error) {
      throw deviceError(error, this.path, `AINKA_IOC_${name}`);
    }
    try {
      return codec.decode(arg);
    } catch (error) {
      throw new AinkaKernelError('ERR_AINKA_KERNEL_BAD_REPLY', `AINKA_IOC_${name} returned bytes that do not decode: ${(error as Error).message}`, { cause: error });
    }
  }

  /** AINKA_IOC_GET_VERSION. */
  version(): DeviceVersion {
    const v = this.#ioctl('GET_VERSION', codecs.version);
    return { abiVersion: v.abi_version as number, moduleVersion: v.module_version as number };
  }

  /** AINKA_IOC_GET_STATE: a consistent snapshot. */
  state(): DeviceState {
    const v = this.#ioctl('GET_STATE', codecs.state);
    return { state: v.state as number, mode: v.mode as number, samples: v.samples as bigint, uptimeNs: v.uptime_ns as bigint, policyCount: v.policy_count as number };
  }

  /** AINKA_IOC_SET_MODE (CAP_NET_ADMIN). */
  setMode(mode: number): void {
    this.#ioctl('SET_MODE', codecs.mode, { mode });
  }

  /** AINKA_IOC_HEARTBEAT. */
  heartbeat(cookie: bigint): void {
    this.#ioctl('HEARTBEAT', codecs.heartbeat, { cookie: BigInt.asUintN(64, cookie) });
  }

  /** AINKA_IOC_RING_INFO. */
  ringInfo(): RingInfo {
    const v = this.#ioctl('RING_INFO', codecs.ringInfo);
    return {
      recordSize: v.record_size as number,
      capacity: v.capacity as number,
      dataOffset: v.data_offset as number,
      mmapSize: v.mmap_size as number,
      head: v.head as bigint,
      tail: v.tail as bigint,
      overflows: v.overflows as bigint,
    };
  }

  /** Maps the ring (header page + records) shared and writable (the reader publishes tail). Zero copy. */
  mapRing(): ArrayBuffer {
    const info = this.ringInfo();
    try {
      return deviceMmap(this.#live(), info.mmapSize, 0, this.writable);
    } catch (error) {
      throw deviceError(error, this.path, 'mmap');
    }
  }

  /** Unmaps a buffer from {@link mapRing}; views over it become empty. */
  static unmap(buffer: ArrayBuffer): boolean {
    return deviceMunmap(buffer);
  }

  /** Closes the fd; idempotent. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    deviceClose(fd);
  }
}
