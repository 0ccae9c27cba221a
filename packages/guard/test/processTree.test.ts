import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessTree } from '../src/processTree.js';

// An empty file tree as root: no /proc, so the tree knows only what the events told it.
const root = mkdtempSync(join(tmpdir(), 'ainka-tree-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const exec = (t: ProcessTree, pid: number, ppid: number, name: string): void => {
  t.exec({ pid, ppid, uid: 0, euid: 0, name, exe: `/usr/bin/${name}`, argv: [name], cgroupId: 0n, stdinNet: false, stdoutNet: false, parentStdioNet: false });
};

describe('ProcessTree', () => {
  it('a forked child runs its parent program but does not inherit the listening flag; exec clears it', () => {
    const t = new ProcessTree({ root });
    exec(t, 10, 1, 'node');
    t.listened(10);
    t.fork(11, 10, 0, 'node');
    expect(t.get(10)!.listening).toBe(true);
    expect(t.get(11)).toMatchObject({ name: 'node', exe: '/usr/bin/node', listening: false });
    exec(t, 10, 1, 'node');
    expect(t.get(10)!.listening).toBe(false);
  });

  it('ancestors are nearest first and stop at unknown parents', () => {
    const t = new ProcessTree({ root });
    exec(t, 20, 1, 'sshd');
    exec(t, 21, 20, 'bash');
    exec(t, 22, 21, 'sh');
    expect(t.ancestors(22).map((p) => p.pid)).toEqual([21, 20]);
  });
});
