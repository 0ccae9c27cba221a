import { existsSync } from 'node:fs';
import { AINKA_ABI_VERSION, MCAST_GROUP_EVENTS } from '@ainka/protocol';
import { rawStatus, resolveAinka } from './ainkaFamily.js';
import { AinkaDevice, DEFAULT_DEVICE_PATH } from './device.js';
import { AinkaKernelError, MODULE_FIX, PRIVILEGE_FIX } from './errors.js';
import { GenlConnection } from './genlConnection.js';
import { hasNetAdmin } from './privilege.js';

/** Options of {@link AinkaKernel.probe}. */
export interface ProbeOptions {
  /** Path of the character device (default {@link DEFAULT_DEVICE_PATH}, `/dev/ainka`). */
  readonly devicePath?: string;
  /** Timeout of each netlink request (default 1000 ms). */
  readonly timeoutMs?: number;
}

/** What of the kernel side is available, for choosing between the module and the eBPF + procfs fallback. */
export interface KernelProbe {
  /** The module is loaded, speaks this ABI, and this process may control it: {@link AinkaKernel.open} will succeed. */
  readonly available: boolean;
  /** The `ainka` module is loaded (netlink family or /sys/module/ainka present). */
  readonly moduleLoaded: boolean;
  /** What the generic netlink side answered. */
  readonly netlink: {
    /** The `ainka` generic netlink family resolved. */
    readonly family: boolean;
    /** Family id assigned by the kernel, when resolved. */
    readonly familyId?: number;
    /** Family version the module registered, when resolved. */
    readonly familyVersion?: number;
    /** Id of the events multicast group. */
    readonly eventsGroup?: number;
    /** ABI version from get-status. */
    readonly abiVersion?: number;
    /** Module version string from get-status. */
    readonly moduleVersion?: string;
  };
  /** The character device. */
  readonly device: {
    /** Path probed. */
    readonly path: string;
    /** The path exists. */
    readonly present: boolean;
    /** The device opened for reading and writing (needed for the ring). */
    readonly writable: boolean;
  };
  /** /proc/ainka exists. */
  readonly procfs: boolean;
  /** The process has CAP_NET_ADMIN. */
  readonly privileged: boolean;
  /** Each problem found, with its fix; empty when available. */
  readonly problems: readonly string[];
}

/** Implementation of {@link AinkaKernel.probe}; never throws. */
export async function probeKernel(options: ProbeOptions = {}): Promise<KernelProbe> {
  const path = options.devicePath ?? DEFAULT_DEVICE_PATH;
  const problems: string[] = [];
  const privileged = hasNetAdmin();
  let netlink: KernelProbe['netlink'] = { family: false };
  let conn: GenlConnection | undefined;
  try {
    conn = new GenlConnection({ timeoutMs: options.timeoutMs ?? 1000 });
    const resolved = await resolveAinka(conn);
    const eventsGroup = resolved.mcastGroups.get(MCAST_GROUP_EVENTS);
    netlink = { family: true, familyId: resolved.id, familyVersion: resolved.version, ...(eventsGroup === undefined ? {} : { eventsGroup }) };
    const status = await rawStatus(conn, resolved.id);
    netlink = { ...netlink, abiVersion: status.abiVersion, moduleVersion: status.version };
    if (status.abiVersion !== AINKA_ABI_VERSION) problems.push(`the module speaks ABI ${status.abiVersion}, this library ${AINKA_ABI_VERSION}: install matching @ainka/kmod and @ainka/ipc versions`);
  } catch (error) {
    const code = error instanceof AinkaKernelError ? error.code : 'ERR_AINKA_KERNEL_IO';
    problems.push(code === 'ERR_AINKA_KERNEL_MODULE_NOT_LOADED' ? `netlink family "ainka" not found: ${MODULE_FIX}` : `netlink: ${(error as Error).message}`);
  } finally {
    conn?.close();
  }
  const present = existsSync(path);
  let writable = false;
  if (present) {
    try {
      AinkaDevice.open(path, true).close();
      writable = true;
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
    }
  } else if (netlink.family) {
    problems.push(`${path} is missing although the netlink family exists: check udev and that the module created its misc device`);
  }
  if (!privileged) problems.push(`this process lacks CAP_NET_ADMIN: ${PRIVILEGE_FIX}`);
  const moduleLoaded = netlink.family || existsSync('/sys/module/ainka');
  return {
    available: problems.length === 0,
    moduleLoaded,
    netlink,
    device: { path, present, writable },
    procfs: existsSync('/proc/ainka'),
    privileged,
    problems,
  };
}
