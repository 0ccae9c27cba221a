import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CpuWatch } from '../src/cpuWatch.js';

// A fake /proc/<pid>/stat (utime + stime in ticks of 1/100 s) and a fake clock.
const root = mkdtempSync(join(tmpdir(), 'ainka-cpuwatch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const setTicks = (pid: number, ticks: number): void => {
  mkdirSync(join(root, 'proc', String(pid)), { recursive: true });
  writeFileSync(join(root, 'proc', String(pid), 'stat'), `${pid} (python3) R 1 1 1 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 1 0 0\n`);
};

describe('CpuWatch', () => {
  it('reports a connected process busy on average since it became busy, through one slow sample, and forgets it when the average drops', () => {
    let now = 0;
    const w = new CpuWatch({ root, now: () => now, threshold: 0.5 });
    w.connected(42, 3333);
    let ticks = 0;
    const step = (cores: number): ReturnType<CpuWatch['sample']> => {
      now += 2000;
      ticks += cores * 200;
      setTicks(42, ticks);
      return w.sample();
    };
    setTicks(42, 0);
    expect(w.sample()).toEqual([]); // first read: no interval yet
    for (let i = 0; i < 4; i++) step(1);
    expect(step(0.2)).toMatchObject([{ pid: 42, sustainedSeconds: 10, remotePorts: [3333] }]); // one slow sample: still busy
    const busy = step(1);
    expect(busy[0]!.ratio).toBeCloseTo(0.87, 2);
    expect(busy[0]!.sustainedSeconds).toBe(12);
    for (let i = 0; i < 10; i++) step(0);
    expect(step(0)).toEqual([]);
  });

  it('ignores processes that never connected and drops those that exited', () => {
    let now = 0;
    const w = new CpuWatch({ root, now: () => now });
    setTicks(7, 0);
    w.connected(8, 443);
    expect(w.size).toBe(1);
    now += 1000;
    expect(w.sample()).toEqual([]); // pid 8 has no /proc entry: gone
    expect(w.size).toBe(0);
  });
});
