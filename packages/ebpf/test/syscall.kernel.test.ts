import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { EbpfStreams, type SyscallRates } from '../src/ebpfStreams.js';
import { skipReason, waitFor } from './kernel.js';

describe.skipIf(skipReason)('syscall rates on the real kernel', () => {
  const ebpf = new EbpfStreams({ pollIntervalMs: 100 });
  afterAll(() => ebpf.host.closeAll());

  it('counts a busy child per syscall and puts it in the in-kernel top-N', async () => {
    const samples: SyscallRates[] = [];
    const sub = ebpf.syscallRates$.subscribe((s) => samples.push(s));
    try {
      await waitFor(() => samples.length > 0);
      const COUNT = 100_000;
      const child = spawn('dd', ['if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${COUNT}`], { stdio: 'ignore' });
      const pid = child.pid!;
      await new Promise((r) => child.on('exit', r));
      const total = (): number => samples.flatMap((s) => s.topProcesses).filter((p) => p.tgid === pid).reduce((a, p) => a + p.count, 0);
      expect(await waitFor(() => total() >= 2 * COUNT)).toBe(true);
      expect(samples.flatMap((s) => s.topProcesses).find((p) => p.tgid === pid)?.comm).toBe('dd');
      const perNr = (nr: number): number => samples.flatMap((s) => s.perSyscall).filter((x) => x.nr === nr).reduce((a, x) => a + x.count, 0);
      expect(perNr(0)).toBeGreaterThanOrEqual(COUNT); // read
      expect(perNr(1)).toBeGreaterThanOrEqual(COUNT); // write
    } finally {
      sub.unsubscribe();
    }
  });
});
