import type { GuardEvent, ProcessInfo } from './event.js';
import { kernelSpawned } from './kernelSpawned.js';
import { fifoOf, pipedStdinWriters, stdinFeeders, stdioSocketInbound, stdoutReaders, stdoutToNetwork } from './stdioLinks.js';

/** Type of a rule field: scalars, or lists (a comparison holds when it holds for any element). */
export type FieldType = 'string' | 'number' | 'bool' | 'strings' | 'numbers';

/** A value a field yields on an event (undefined when the event does not carry it). */
export type FieldValue = string | number | boolean | readonly string[] | readonly number[] | undefined;

/** One field of the rule language. */
export interface FieldSpec {
  /** Dotted name, e.g. `proc.name`. */
  readonly name: string;
  /** Its type. */
  readonly type: FieldType;
  /** One line for the reference. */
  readonly doc: string;
  /** Reads it from an event. */
  readonly get: (e: GuardEvent) => FieldValue;
}

/** open(2)'s O_TRUNC. */
const O_TRUNC = 0o1000;
const cmdline = (p: ProcessInfo | undefined): string | undefined => p && p.argv.join(' ');
const dirOf = (path: string): string => {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
};
const baseOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

const spec: readonly FieldSpec[] = [
  { name: 'event.type', type: 'string', doc: 'exec, open, connect, listen, ptrace, module, setuid, setgid, capset, mount, chmod or cpu.', get: (e) => e.type },
  { name: 'proc.pid', type: 'number', doc: 'Process id.', get: (e) => e.proc.pid },
  { name: 'proc.ppid', type: 'number', doc: 'Parent process id.', get: (e) => e.proc.ppid },
  { name: 'proc.uid', type: 'number', doc: 'Real uid.', get: (e) => e.proc.uid },
  { name: 'proc.euid', type: 'number', doc: 'Effective uid.', get: (e) => e.proc.euid },
  { name: 'proc.name', type: 'string', doc: 'Command name (15 bytes).', get: (e) => e.proc.name },
  { name: 'proc.exe', type: 'string', doc: 'Executable path.', get: (e) => e.proc.exe },
  { name: 'proc.exe_name', type: 'string', doc: 'Last component of the executable path (argv[0] for interpreters is in proc.argv).', get: (e) => baseOf(e.proc.exe) },
  { name: 'proc.cmdline', type: 'string', doc: 'argv joined by spaces.', get: (e) => cmdline(e.proc) },
  { name: 'proc.argv', type: 'strings', doc: 'argv elements.', get: (e) => e.proc.argv },
  { name: 'proc.stdin_net', type: 'bool', doc: 'fd 0 was a TCP/UDP (AF_INET/AF_INET6) socket at exec.', get: (e) => e.proc.stdinNet },
  { name: 'proc.stdout_net', type: 'bool', doc: 'fd 1 was a network socket at exec.', get: (e) => e.proc.stdoutNet },
  { name: 'proc.parent_stdio_net', type: 'bool', doc: "The parent's fd 0 or 1 was a network socket at exec.", get: (e) => e.proc.parentStdioNet },
  { name: 'proc.net_session', type: 'number', doc: 'Pid of the oldest process of the unbroken ancestor chain (from this one up) whose stdio is on a network socket: one reverse-shell session; the pid itself when its stdio is not on the network.', get: (e) => netSession(e) },
  { name: 'proc.net_session_name', type: 'string', doc: 'Command name of the process at the root of proc.net_session.', get: (e) => netSessionRoot(e).root.name },
  { name: 'proc.net_session_pname', type: 'string', doc: 'Command name of the parent of the root of proc.net_session.', get: (e) => netSessionRoot(e).parent?.name },
  {
    name: 'proc.net_session_inbound',
    type: 'bool',
    doc: 'The network socket on the stdio of the root of proc.net_session is an accepted (inbound) TCP connection (read from /proc; false when it cannot be told).',
    get: (e) => stdioSocketInbound(netSessionRoot(e).root.pid),
  },
  { name: 'proc.stdin_pipe', type: 'bool', doc: 'fd 0 is a pipe or FIFO (read from /proc when asked).', get: (e) => fifoOf(e.proc.pid, 0) !== undefined },
  {
    name: 'proc.stdout_to_net',
    type: 'bool',
    doc: "fd 1 is a pipe or FIFO read (on its fd 0) by a parent, sibling or child that holds a TCP/UDP socket (read from /proc when asked).",
    get: (e) => stdoutToNetwork(e.proc.pid, e.proc.ppid),
  },
  {
    name: 'proc.stdin_writers',
    type: 'strings',
    doc: 'Command names of the parent, siblings or children whose fd 1 feeds this fd 0 (a pipe or FIFO) and whose own fd 0 is a pipe or FIFO (read from /proc when asked).',
    get: (e) => pipedStdinWriters(e.proc.pid, e.proc.ppid),
  },
  {
    name: 'proc.stdin_feeders',
    type: 'strings',
    doc: 'Command names of the parent, siblings or children whose fd 1 feeds this fd 0 through a pipe or FIFO, whatever their own fd 0 (the curl of `curl … | sh`; read from /proc when asked).',
    get: (e) => stdinFeeders(e.proc.pid, e.proc.ppid),
  },
  {
    name: 'proc.stdout_readers',
    type: 'strings',
    doc: 'Command names of the parent, siblings or children that read this fd 1 on their fd 0 through a pipe or FIFO (the sh of `curl … | sh`, seen from curl; read from /proc when asked).',
    get: (e) => stdoutReaders(e.proc.pid, e.proc.ppid),
  },
  { name: 'proc.listening', type: 'bool', doc: 'The process holds a listening TCP socket.', get: (e) => e.proc.listening },
  { name: 'proc.pname', type: 'string', doc: "Parent's command name.", get: (e) => e.ancestors[0]?.name },
  { name: 'proc.pexe', type: 'string', doc: "Parent's executable.", get: (e) => e.ancestors[0]?.exe },
  { name: 'proc.pcmdline', type: 'string', doc: "Parent's argv joined by spaces.", get: (e) => cmdline(e.ancestors[0]) },
  { name: 'proc.parent_listening', type: 'bool', doc: 'The parent holds a listening TCP socket (a network service).', get: (e) => e.ancestors[0]?.listening ?? false },
  {
    name: 'proc.kernel_spawned',
    type: 'bool',
    doc: "The process was started by the kernel: its parent is a kernel thread (request_module()'s modprobe, a core-dump pipe or another usermode helper; read from /proc when asked).",
    get: (e) => kernelSpawned(e),
  },
  { name: 'proc.anames', type: 'strings', doc: 'Command names of every ancestor, nearest first.', get: (e) => e.ancestors.map((a) => a.name) },
  { name: 'proc.aexes', type: 'strings', doc: 'Executables of every ancestor, nearest first.', get: (e) => e.ancestors.map((a) => a.exe) },
  { name: 'proc.cpu', type: 'number', doc: 'cpu events: CPU used over the window, in cores.', get: (e) => e.cpu?.ratio },
  { name: 'proc.cpu_seconds', type: 'number', doc: 'cpu events: seconds above the watch threshold.', get: (e) => e.cpu?.sustainedSeconds },
  { name: 'proc.remote_ports', type: 'numbers', doc: 'cpu events: remote ports the process connected to.', get: (e) => e.cpu?.remotePorts },
  { name: 'file.path', type: 'string', doc: 'open: path as given to the syscall; chmod: the file, resolved.', get: (e) => e.file?.path },
  { name: 'file.dir', type: 'string', doc: 'open: directory of the path.', get: (e) => e.file && dirOf(e.file.path) },
  { name: 'file.name', type: 'string', doc: 'open: last component of the path.', get: (e) => e.file && baseOf(e.file.path) },
  { name: 'file.mode', type: 'number', doc: 'chmod: the new mode (set-uid 0o4000, set-gid 0o2000).', get: (e) => e.file?.mode },
  { name: 'file.mode_octal', type: 'string', doc: 'chmod: the new mode in octal, e.g. 4755.', get: (e) => (e.file?.mode === undefined ? undefined : e.file.mode.toString(8)) },
  { name: 'file.setuid', type: 'bool', doc: 'chmod: the new mode has the set-uid bit.', get: (e) => (e.file?.mode === undefined ? undefined : (e.file.mode & 0o4000) !== 0) },
  { name: 'file.setgid', type: 'bool', doc: 'chmod: the new mode has the set-gid bit.', get: (e) => (e.file?.mode === undefined ? undefined : (e.file.mode & 0o2000) !== 0) },
  { name: 'file.is_dir', type: 'bool', doc: 'chmod: the file is a directory.', get: (e) => e.file?.isDir },
  { name: 'file.write', type: 'bool', doc: 'open: for writing (O_WRONLY, O_RDWR, O_CREAT or O_TRUNC).', get: (e) => e.file?.write },
  { name: 'file.truncate', type: 'bool', doc: 'open: with O_TRUNC (the file is emptied, as `> file` does).', get: (e) => (e.file?.flags === undefined ? undefined : (e.file.flags & O_TRUNC) !== 0) },
  { name: 'net.laddr', type: 'string', doc: 'connect/listen: local address.', get: (e) => e.net?.laddr },
  { name: 'net.lport', type: 'number', doc: 'connect/listen: local port.', get: (e) => e.net?.lport },
  { name: 'net.raddr', type: 'string', doc: 'connect: remote address.', get: (e) => e.net?.raddr },
  { name: 'net.rport', type: 'number', doc: 'connect: remote port.', get: (e) => e.net?.rport },
  { name: 'net.loopback', type: 'bool', doc: 'connect: to a loopback address; listen: on a loopback address.', get: (e) => e.net && isLoopback(e.type === 'listen' ? e.net.laddr : e.net.raddr) },
  { name: 'net.port_known', type: 'bool', doc: 'listen: the port had a listener at start-up or was seen listening before.', get: (e) => e.net?.portKnown },
  { name: 'target.pid', type: 'number', doc: 'ptrace: target process id.', get: (e) => e.target?.pid },
  { name: 'target.uid', type: 'number', doc: 'ptrace: target real uid (-1 when unknown).', get: (e) => e.target?.uid },
  { name: 'target.name', type: 'string', doc: 'ptrace: target command name.', get: (e) => e.target?.name },
  { name: 'target.exe', type: 'string', doc: 'ptrace: target executable.', get: (e) => e.target?.exe },
  { name: 'target.other_user', type: 'bool', doc: 'ptrace: the target runs as another user than the tracer.', get: (e) => e.target && e.target.uid >= 0 && e.target.uid !== e.proc.uid },
  { name: 'module.name', type: 'string', doc: "module: the module's name ('' when loaded from memory).", get: (e) => e.module?.name },
  { name: 'module.how', type: 'string', doc: 'module: init_module, finit_module or loaded.', get: (e) => e.module?.how },
  { name: 'call.ids', type: 'numbers', doc: 'setuid/setgid: the requested ids (-1 = unchanged).', get: (e) => e.ids },
  { name: 'caps.effective', type: 'number', doc: 'capset: requested effective set (bit n = capability n).', get: (e) => e.caps?.effective },
  { name: 'caps.permitted', type: 'number', doc: 'capset: requested permitted set.', get: (e) => e.caps?.permitted },
  { name: 'mount.target', type: 'string', doc: 'mount: the mount point.', get: (e) => e.mount?.target },
  { name: 'mount.fstype', type: 'string', doc: 'mount: the file system type.', get: (e) => e.mount?.fstype },
  { name: 'baseline.new', type: 'bool', doc: 'The baseline of this executable never saw this child/file/peer/port.', get: (e) => e.baseline?.novel },
  { name: 'baseline.score', type: 'number', doc: 'Rarity in 0 … 1 against the baseline.', get: (e) => e.baseline?.score },
  { name: 'baseline.days', type: 'number', doc: 'Days of history of the executable.', get: (e) => e.baseline?.days },
  { name: 'baseline.total', type: 'number', doc: 'Observations of this feature for the executable.', get: (e) => e.baseline?.total },
  { name: 'baseline.feature', type: 'string', doc: 'child, file, peer, port or syscall.', get: (e) => e.baseline?.feature },
];

function netSession(e: GuardEvent): number {
  return netSessionRoot(e).root.pid;
}

/** The oldest process of the unbroken ancestor chain whose stdio is on the network, and its parent. */
function netSessionRoot(e: GuardEvent): { root: ProcessInfo; parent: ProcessInfo | undefined } {
  const onNet = (p: ProcessInfo): boolean => p.stdinNet || p.stdoutNet || p.parentStdioNet;
  let cur = e.proc;
  let i = 0;
  if (onNet(cur)) {
    for (; i < e.ancestors.length; i++) {
      const a = e.ancestors[i]!;
      // a parent whose socket stdio the child saw belongs to the session, even when its own exec saw none
      if (!onNet(a) && !cur.parentStdioNet) break;
      cur = a;
      if (!onNet(a)) {
        i++;
        break;
      }
    }
  }
  return { root: cur, parent: e.ancestors[cur === e.proc ? 0 : i] };
}

function isLoopback(addr: string): boolean {
  return addr.startsWith('127.') || addr === '0:0:0:0:0:0:0:1' || addr === '::1' || addr.startsWith('0:0:0:0:0:ffff:7f');
}

/** Every field of the rule language, by name. */
export const FIELDS: ReadonlyMap<string, FieldSpec> = new Map(spec.map((f) => [f.name, f]));

/** Aliases accepted in rules. */
export const FIELD_ALIASES: Readonly<Record<string, string>> = { event: 'event.type' };
