import type { GuardEvent, ProcessInfo } from '../src/event.js';

/** A process for rule tests (only what a test sets differs from a plain root shell). */
export function proc(p: Partial<ProcessInfo> & { pid: number; name: string }): ProcessInfo {
  return {
    ppid: 1,
    uid: 0,
    euid: 0,
    exe: `/usr/bin/${p.name}`,
    argv: [p.name],
    cgroupId: 0n,
    stdinNet: false,
    stdoutNet: false,
    parentStdioNet: false,
    listening: false,
    seenAt: 0,
    ...p,
  };
}

/** An event for rule tests. */
export function event(e: Partial<GuardEvent> & Pick<GuardEvent, 'type' | 'proc'>): GuardEvent {
  return { time: 1_000_000, monoNs: 0n, ancestors: [], ...e };
}
