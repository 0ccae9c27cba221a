import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessReader, parseNofile, readProcess } from '../src/index.js';

/** A fake /proc with one process: `fds` descriptors, the first `sockets` of them sockets. */
function fakeProc(root: string, pid: number, o: { startTime: number; nofile: string; fds: number; sockets: number; cgroup?: string }): void {
  const dir = join(root, 'proc', String(pid));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'fd'), { recursive: true });
  writeFileSync(join(dir, 'stat'), `${pid} (my (odd) app) S 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 3 0 ${o.startTime} 0 0\n`);
  writeFileSync(join(dir, 'status'), 'Name:\tapp\nVmRSS:\t 2048 kB\nRssAnon:\t1024 kB\nThreads:\t3\n');
  writeFileSync(join(dir, 'cgroup'), `0::/${o.cgroup ?? 'system.slice/app.service'}\n`);
  setNofile(root, pid, o.nofile);
  setFds(root, pid, o.fds, o.sockets);
}
function setNofile(root: string, pid: number, soft: string): void {
  writeFileSync(join(root, 'proc', String(pid), 'limits'), `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                 524288               files\n`);
}
function setFds(root: string, pid: number, fds: number, sockets: number): void {
  const fd = join(root, 'proc', String(pid), 'fd');
  for (const e of readdirSync(fd)) unlinkSync(join(fd, e));
  for (let i = 0; i < fds; i++) symlinkSync(i < sockets ? `socket:[${1000 + i}]` : `pipe:[${2000 + i}]`, join(fd, String(i)));
}
const tmp = (): string => mkdtempSync(join(tmpdir(), 'ainka-reader-'));

describe('ProcessReader (fake tree)', () => {
  it('reads the limit once per process and again after the refresh interval', () => {
    const root = tmp();
    fakeProc(root, 4242, { startTime: 777, nofile: '4096', fds: 3, sockets: 0 });
    const r = new ProcessReader(root, { refreshMs: 60_000 });
    const first = r.read(4242, 1_000);
    expect(first).toMatchObject({ pid: 4242, comm: 'my (odd) app', startTime: '777', rssBytes: 2048 * 1024, anonBytes: 1024 * 1024, threads: 3, fds: 3, cgroup: 'system.slice/app.service', nofile: 4096 });
    setNofile(root, 4242, '8192'); // a prlimit on the same process
    expect(r.read(4242, 30_000)?.nofile).toBe(4096); // cached
    expect(r.read(4242, 61_000)?.nofile).toBe(8192); // refreshed after a minute
  });

  it('reads the limit and cgroup at once for a reused pid (new start time)', () => {
    const root = tmp();
    fakeProc(root, 4242, { startTime: 777, nofile: '4096', fds: 3, sockets: 0 });
    const r = new ProcessReader(root);
    expect(r.read(4242, 1_000)?.nofile).toBe(4096);
    fakeProc(root, 4242, { startTime: 900, nofile: 'unlimited', fds: 3, sockets: 0, cgroup: 'user.slice/other.scope' });
    const reused = r.read(4242, 2_000);
    expect(reused).toMatchObject({ startTime: '900', nofile: null, cgroup: 'user.slice/other.scope' });
  });

  it('walks the descriptors only when their count changed (or after the refresh interval)', () => {
    const root = tmp();
    fakeProc(root, 4242, { startTime: 777, nofile: '1024', fds: 20, sockets: 20 });
    const r = new ProcessReader(root, { refreshMs: 60_000 });
    expect(r.read(4242, 0)).toMatchObject({ fds: 20, sockets: 20 });
    // same count, 5 sockets replaced by pipes: not walked, the last walk's count stands
    setFds(root, 4242, 20, 15);
    expect(r.read(4242, 5_000)).toMatchObject({ fds: 20, sockets: 20 });
    // one more descriptor: walked
    setFds(root, 4242, 21, 15);
    expect(r.read(4242, 10_000)).toMatchObject({ fds: 21, sockets: 15 });
    // fewer: walked
    setFds(root, 4242, 18, 12);
    expect(r.read(4242, 15_000)).toMatchObject({ fds: 18, sockets: 12 });
    // same count, different mix: walked again once the last walk is a minute old
    setFds(root, 4242, 18, 2);
    expect(r.read(4242, 20_000)).toMatchObject({ fds: 18, sockets: 12 });
    expect(r.read(4242, 75_000)).toMatchObject({ fds: 18, sockets: 2 });
    // below the scan threshold: not counted
    setFds(root, 4242, 5, 5);
    expect(r.read(4242, 80_000)).toMatchObject({ fds: 5, sockets: null });
  });

  it('forgets processes not read since the previous sweep', () => {
    const root = tmp();
    fakeProc(root, 10, { startTime: 1, nofile: '1024', fds: 1, sockets: 0 });
    fakeProc(root, 11, { startTime: 1, nofile: '1024', fds: 1, sockets: 0 });
    const r = new ProcessReader(root);
    r.read(10, 0);
    r.read(11, 0);
    r.sweep();
    expect(r.size).toBe(2);
    r.read(10, 5_000);
    r.sweep();
    expect(r.size).toBe(1);
    // a process that exited while being read is forgotten at once
    rmSync(join(root, 'proc', '10'), { recursive: true });
    expect(r.read(10, 10_000)).toBeUndefined();
    expect(r.size).toBe(0);
  });

  it('keeps no descriptor open in a fake tree, where files may be replaced', () => {
    const root = tmp();
    fakeProc(root, 4242, { startTime: 777, nofile: '4096', fds: 3, sockets: 0 });
    const r = new ProcessReader(root, { keepOpen: 8 });
    expect(r.read(4242, 1_000)?.rssBytes).toBe(2048 * 1024);
    expect(r.openDescriptors).toBe(0);
    writeFileSync(join(root, 'proc', '4242', 'status.new'), 'Name:\tapp\nVmRSS:\t 4096 kB\nRssAnon:\t1024 kB\nThreads:\t3\n');
    renameSync(join(root, 'proc', '4242', 'status.new'), join(root, 'proc', '4242', 'status'));
    expect(r.read(4242, 2_000)?.rssBytes).toBe(4096 * 1024);
  });

  it('parses the soft descriptor limit', () => {
    expect(parseNofile('Limit Soft Hard Units\nMax open files            1024                 524288               files\n')).toBe(1024);
    expect(parseNofile('Max open files\tunlimited\tunlimited\tfiles\n')).toBeNull();
    expect(parseNofile('Limit Soft Hard Units\nMax processes 100 100 processes\n')).toBeNull();
    expect(parseNofile('')).toBeNull();
  });
});

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A real process with a soft RLIMIT_NOFILE of 1000 that opens `n` UDP sockets per line on its stdin. */
async function socketOpener(): Promise<ChildProcess> {
  const script = `const d=require('node:dgram');const keep=[];let n=0;process.stdin.on('data',(b)=>{const k=Number(String(b).trim());let left=k;for(let i=0;i<k;i++){const s=d.createSocket('udp4');keep.push(s);s.bind(0,'127.0.0.1',()=>{if(--left===0)process.stdout.write('ok\\n')})}});process.stdout.write('ready\\n');`;
  const child = spawn('sh', ['-c', `ulimit -n 1000; exec "${process.execPath}" -e "${script.replace(/"/g, '\\"')}"`], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  return child;
}
async function openSockets(child: ChildProcess, n: number): Promise<void> {
  child.stdin?.write(`${n}\n`);
  await once(child.stdout as NodeJS.ReadableStream, 'data');
}
/** Sockets and descriptors of a process by walking its fd directory, as the reader's reference. */
function walk(pid: number): { fds: number; sockets: number } {
  const entries = readdirSync(`/proc/${pid}/fd`);
  return { fds: entries.length, sockets: entries.filter((e) => readlinkSync(`/proc/${pid}/fd/${e}`).startsWith('socket:')).length };
}

describe('ProcessReader on real processes', () => {
  it('keeps stat and status open for up to keepOpen processes, reads fresh values through them, and closes them when the process exits', async () => {
    // a process that touches 64 MiB more on each line of its stdin
    const script = `const keep=[];process.stdin.on('data',()=>{keep.push(Buffer.alloc(64*1024*1024,1));process.stdout.write('ok\\n')});process.stdout.write('ready\\n');`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    await once(child.stdout as NodeJS.ReadableStream, 'data');
    const pid = child.pid as number;
    const own = (): number => readdirSync('/proc/self/fd').length;
    const r = new ProcessReader('/', { keepOpen: 1 });
    const fds0 = own();
    const a = r.read(pid, 0);
    expect(a).toMatchObject({ pid, comm: 'node' });
    expect(r.openDescriptors).toBe(2);
    expect(own()).toBe(fds0 + 2);
    // the cap: a second process is read with open + read + close
    expect(r.read(process.pid, 0)?.pid).toBe(process.pid);
    expect(r.openDescriptors).toBe(2);
    expect(own()).toBe(fds0 + 2);
    child.stdin?.write('x\n');
    await once(child.stdout as NodeJS.ReadableStream, 'data');
    const b = r.read(pid, 1_000);
    // the same two descriptors, and what they read is the process now
    expect(own()).toBe(fds0 + 2);
    expect(b?.startTime).toBe(a?.startTime);
    expect((b?.rssBytes ?? 0) - (a?.rssBytes ?? 0)).toBeGreaterThan(48 * 1024 * 1024);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const fds1 = own(); // the child's pipes are closed now
    expect(r.read(pid, 2_000)).toBeUndefined();
    expect(r.openDescriptors).toBe(0);
    expect(own()).toBe(fds1 - 2);
    r.read(process.pid, 3_000);
    expect(r.openDescriptors).toBe(2);
    expect(own()).toBe(fds1);
    r.close();
    expect(r.openDescriptors).toBe(0);
    expect(own()).toBe(fds1 - 2);
  }, 20_000);

  it('counts descriptors and sockets as a walk of /proc/<pid>/fd does, and reads the soft limit', async () => {
    const child = await socketOpener();
    const pid = child.pid as number;
    await openSockets(child, 20);
    const r = new ProcessReader('/');
    const a = r.read(pid, 0);
    expect(a).toMatchObject({ ...walk(pid), nofile: 1000 });
    expect(a?.sockets).toBeGreaterThanOrEqual(20);
    await openSockets(child, 7);
    const b = r.read(pid, 5_000);
    expect(b).toMatchObject(walk(pid));
    expect((b?.sockets ?? 0) - (a?.sockets ?? 0)).toBe(7);
    // the one-shot reader agrees
    expect(readProcess('/', pid)).toMatchObject({ fds: b?.fds, sockets: b?.sockets, nofile: 1000 });
  }, 20_000);

  it('skips kernel threads (no VmRSS) and pids that do not exist', () => {
    const kthread = readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .find((n) => {
        try {
          return !/^VmRSS:/m.test(readFileSync(`/proc/${n}/status`, 'utf8'));
        } catch {
          return false;
        }
      });
    if (kthread !== undefined) expect(new ProcessReader('/').read(Number(kthread), 0)).toBeUndefined();
    expect(new ProcessReader('/').read(2 ** 30, 0)).toBeUndefined();
  });
});
