import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EbpfStreams } from '../src/EbpfStreams.js';
import type { ExecEvent, ExitEvent, FileOpenEvent } from '../src/events.js';
import { skipReason, waitFor } from './kernel.js';

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('spawn', () => resolve(child.pid!));
  });
}

describe.skipIf(skipReason)('process events on the real kernel', () => {
  const dir = mkdtempSync('/tmp/ainka-ebpf-proc-');
  const watched = join(dir, 'watched.txt');
  writeFileSync(watched, 'x');
  const ebpf = new EbpfStreams({ watchPaths: [watched], drainIntervalMs: 5 });
  afterAll(() => {
    ebpf.host.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports spawned children as exec and exit with the right ppid and comm', async () => {
    const seen: (ExecEvent | ExitEvent)[] = [];
    const sub = ebpf.processEvents$.subscribe((e) => seen.push(e));
    try {
      const pids: number[] = [];
      for (let i = 0; i < 3; i++) pids.push(await run('/bin/sleep', ['0.01']));
      const ok = await waitFor(() => pids.every((pid) => seen.some((e) => e.kind === 'exit' && e.pid === pid)));
      expect(ok).toBe(true);
      for (const pid of pids) {
        const exec = seen.find((e): e is ExecEvent => e.kind === 'exec' && e.pid === pid);
        const exit = seen.find((e): e is ExitEvent => e.kind === 'exit' && e.pid === pid);
        expect(exec).toMatchObject({ ppid: process.pid, comm: 'sleep', filename: '/bin/sleep', uid: 0 });
        expect(exit).toMatchObject({ ppid: process.pid, comm: 'sleep', exitCode: 0 });
        expect(exit!.durationNs).toBeGreaterThan(0n);
      }
      expect(ebpf.host.stats().process).toMatchObject({ loaded: true, refs: 1, decodeErrors: 0, kernelDrops: 0 });
    } finally {
      sub.unsubscribe();
    }
    expect(ebpf.host.stats().process?.loaded).toBe(false);
  });

  it('reports opens of a watched file and not of others', async () => {
    const seen: FileOpenEvent[] = [];
    const sub = ebpf.fileOpens$.subscribe((e) => seen.push(e));
    try {
      const other = join(dir, 'other.txt');
      writeFileSync(other, 'y');
      await run('/bin/cat', [other]);
      const pid = await run('/bin/cat', [watched]);
      closeSync(openSync(other, 'r'));
      expect(await waitFor(() => seen.some((e) => e.pid === pid))).toBe(true);
      const hit = seen.find((e) => e.pid === pid)!;
      expect(hit).toMatchObject({ filename: watched, comm: 'cat', watchId: 0 });
      expect(seen.every((e) => e.filename === watched)).toBe(true);
    } finally {
      sub.unsubscribe();
    }
  });
});
