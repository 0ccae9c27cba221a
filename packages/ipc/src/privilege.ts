import { readFileSync } from 'node:fs';

/** Bit of CAP_NET_ADMIN in the capability sets. */
export const CAP_NET_ADMIN = 12;

/**
 * Whether this process has CAP_NET_ADMIN in its effective set (read from /proc/self/status), which the
 * kernel requires for every AINKA command that changes state.
 */
export function hasNetAdmin(statusText?: string): boolean {
  let text = statusText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/status', 'utf8');
    } catch {
      return process.getuid?.() === 0;
    }
  }
  const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(text);
  if (!match) return false;
  return ((BigInt(`0x${match[1]}`) >> BigInt(CAP_NET_ADMIN)) & 1n) === 1n;
}
