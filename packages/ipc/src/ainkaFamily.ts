import { decodeAinkaMessage, encodeAinkaRequest, family, type AinkaMessage, type NlMessage, type ResolvedFamily } from '@ainka/protocol';
import { attributeName, describeRequestOffset } from './describe.js';
import { AinkaKernelError, MODULE_FIX } from './errors.js';
import type { GenlConnection } from './genlConnection.js';
import { toStatus, type KernelStatus } from './types.js';

/** Decodes one reply of `command`; a reply that does not decode is ERR_AINKA_KERNEL_BAD_REPLY. */
export function decodeReply(command: string, reply: NlMessage): AinkaMessage {
  try {
    return decodeAinkaMessage(reply.payload, { strict: false });
  } catch (error) {
    throw new AinkaKernelError('ERR_AINKA_KERNEL_BAD_REPLY', `${command}: the reply does not decode (${(error as Error).message}); check that @ainka/kmod and @ainka/ipc versions match`, { cause: error, syscall: command });
  }
}

/** Resolves the `ainka` family; ENOENT becomes ERR_AINKA_KERNEL_MODULE_NOT_LOADED naming @ainka/kmod. */
export async function resolveAinka(conn: GenlConnection): Promise<ResolvedFamily> {
  try {
    return await conn.resolveFamily(family.name);
  } catch (error) {
    if (error instanceof AinkaKernelError && error.errno === 2) {
      throw new AinkaKernelError('ERR_AINKA_KERNEL_MODULE_NOT_LOADED', `the generic netlink family "${family.name}" does not exist, so the AINKA kernel module is not loaded: ${MODULE_FIX}`, {
        errno: 2,
        syscall: 'CTRL_CMD_GETFAMILY',
        cause: error,
      });
    }
    throw error;
  }
}

/** `get-status` on a bare connection (used before an AinkaKernel exists, and by probe). */
export async function rawStatus(conn: GenlConnection, familyId: number): Promise<KernelStatus> {
  const replies = await conn.request((seq, pid) => encodeAinkaRequest({ familyId, command: 'get-status', seq, pid }), {
    name: 'get-status',
    describeOffset: describeRequestOffset,
    describeMissing: attributeName,
  });
  const reply = replies[0];
  if (!reply) throw new AinkaKernelError('ERR_AINKA_KERNEL_BAD_REPLY', 'get-status was acknowledged without a reply', { syscall: 'get-status' });
  return toStatus(decodeReply('get-status', reply).attrs);
}

