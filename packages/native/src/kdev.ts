import { loadBinding } from './binding.js';

interface KdevBinding {
  kdevOpen(path: string, writable: boolean): number;
  kdevClose(fd: number): void;
  kdevIoctl(fd: number, request: number, arg: Uint8Array | null): number;
  kdevMmap(fd: number, length: number, offset: number, writable: boolean): ArrayBuffer;
  kdevMunmap(buffer: ArrayBuffer): boolean;
}

const binding = (): KdevBinding => loadBinding() as unknown as KdevBinding;

/**
 * Opens a character device (or any file) with `O_CLOEXEC`; returns the fd. Throws a
 * `NativeSystemError` (`code` `ENOENT`, `EACCES` …, `syscall` `open`).
 */
export function deviceOpen(path: string, writable: boolean): number {
  return binding().kdevOpen(path, writable);
}

/** Closes a file descriptor from {@link deviceOpen}. */
export function deviceClose(fd: number): void {
  binding().kdevClose(fd);
}

/**
 * Issues `ioctl(fd, request, arg)`; `arg` is read and written in place and must be at least the size
 * encoded in `request`. Returns the ioctl's non-negative result; throws a `NativeSystemError`.
 */
export function deviceIoctl(fd: number, request: number, arg: Uint8Array | null): number {
  return binding().kdevIoctl(fd, request, arg);
}

/**
 * Maps `length` bytes at `offset` (page-aligned) with `MAP_SHARED` and returns the mapping itself as an
 * ArrayBuffer (no copy). Pass it to {@link deviceMunmap} when done; an abandoned mapping is unmapped
 * when the buffer is garbage-collected.
 */
export function deviceMmap(fd: number, length: number, offset: number, writable: boolean): ArrayBuffer {
  return binding().kdevMmap(fd, length, offset, writable);
}

/**
 * Detaches `buffer` (every view over it becomes empty) and unmaps it. Returns false when it was not
 * a live mapping from {@link deviceMmap}.
 */
export function deviceMunmap(buffer: ArrayBuffer): boolean {
  return binding().kdevMunmap(buffer);
}
