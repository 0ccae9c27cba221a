import { readFileSync } from 'node:fs';
import type { GuardEvent } from './event.js';

/** PF_KTHREAD, the flag of kernel threads in `/proc/<pid>/stat`'s flags field (include/linux/sched.h). */
const PF_KTHREAD = 0x00200000;

/** PID of kthreadd, the parent of every kernel thread. */
const KTHREADD = 2;

/**
 * Whether `pid` is a kernel thread, from the PF_KTHREAD flag in `<proc>/<pid>/stat`;
 * `undefined` when the process is gone (or `<proc>` cannot be read).
 */
export function isKernelThread(pid: number, proc = '/proc'): boolean | undefined {
  if (pid === KTHREADD) return true;
  if (pid <= 1) return false;
  try {
    const stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
    // after "pid (comm) ": state ppid pgrp session tty_nr tpgid flags …
    const flags = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]);
    return Number.isFinite(flags) ? (flags & PF_KTHREAD) !== 0 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the event's process was started by the kernel itself: its parent is a kernel thread.
 * That is how the kernel runs a usermode helper (`request_module()`'s `modprobe` for a socket
 * family, a file system or a device alias; a core-dump pipe; a hotplug helper): from kthreadd, or
 * from the kworker that waits for it. User space cannot give a process such a parent (orphans are
 * adopted by init or a subreaper, never by a kernel thread). The parent is read live from
 * `<proc>`; when it is gone, what the process tree knew of it decides.
 */
export function kernelSpawned(e: GuardEvent, proc = '/proc'): boolean {
  const parent = e.ancestors[0];
  const ppid = e.proc.ppid > 0 ? e.proc.ppid : (parent?.pid ?? 0);
  if (ppid === KTHREADD) return true;
  if (ppid <= 1) return false;
  const live = isKernelThread(ppid, proc);
  if (live !== undefined) return live;
  return parent !== undefined && parent.pid === ppid && parent.exe === '' && (parent.ppid === KTHREADD || parent.pid === KTHREADD);
}
