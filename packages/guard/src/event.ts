/** Kinds of {@link GuardEvent}. */
export type GuardEventType = 'exec' | 'open' | 'connect' | 'listen' | 'ptrace' | 'module' | 'setuid' | 'setgid' | 'capset' | 'mount' | 'chmod' | 'cpu';

/** Every event type, for validation and documentation. */
export const GUARD_EVENT_TYPES: readonly GuardEventType[] = ['exec', 'open', 'connect', 'listen', 'ptrace', 'module', 'setuid', 'setgid', 'capset', 'mount', 'chmod', 'cpu'];

/** What the process tree knows about one process. */
export interface ProcessInfo {
  /** Process id. */
  readonly pid: number;
  /** Parent process id (0 when unknown). */
  readonly ppid: number;
  /** Real uid (-1 when unknown). */
  readonly uid: number;
  /** Effective uid (-1 when unknown). */
  readonly euid: number;
  /** Command name (up to 15 bytes). */
  readonly name: string;
  /** Executable path (as given to exec, or /proc/<pid>/exe). */
  readonly exe: string;
  /** argv (bounded). */
  readonly argv: readonly string[];
  /** cgroup v2 id (0 when unknown). */
  readonly cgroupId: bigint;
  /** fd 0 was an AF_INET/AF_INET6 socket at exec. */
  readonly stdinNet: boolean;
  /** fd 1 was an AF_INET/AF_INET6 socket at exec. */
  readonly stdoutNet: boolean;
  /** The parent's fd 0 or 1 was a network socket at this process's exec. */
  readonly parentStdioNet: boolean;
  /** The process holds a listening TCP socket (seen listening, or at start-up). */
  readonly listening: boolean;
  /** When the tree learned of it (ms since the epoch). */
  readonly seenAt: number;
  /** When it exited (ms since the epoch), if it did. */
  readonly exitedAt?: number;
}

/** What the learned baseline says about the feature an event exercises. */
export interface BaselineVerdict {
  /** The executable the baseline belongs to (`path`, hash prefix). */
  readonly exe: string;
  /** Its content hash (sha256 prefix; `-` when unreadable). */
  readonly hash: string;
  /** Feature: `child`, `file`, `peer`, `port`, `syscall`. */
  readonly feature: string;
  /** The value seen (child program, path, `addr:port`, port, syscall number). */
  readonly value: string;
  /** Times this value was seen before this event. */
  readonly count: number;
  /** Observations of this feature for this executable before this event. */
  readonly total: number;
  /** Distinct values known for this feature. */
  readonly distinct: number;
  /** Days of history of this executable. */
  readonly days: number;
  /** Never seen before for this executable. */
  readonly novel: boolean;
  /** Rarity in 0 … 1: 0 = usual, near 1 = never seen in a long history. */
  readonly score: number;
  /** One sentence: what was new (or usual) and against how much history. */
  readonly explanation: string;
}

/** One event as the rules see it: the kernel record, enriched with the process tree and the baseline. */
export interface GuardEvent {
  /** What happened. */
  readonly type: GuardEventType;
  /** When (ms since the epoch). */
  readonly time: number;
  /** CLOCK_MONOTONIC ns of the kernel record (for event → alert latency), 0n for synthetic events. */
  readonly monoNs: bigint;
  /** The process that did it. */
  readonly proc: ProcessInfo;
  /** Its ancestors, nearest first (bounded). */
  readonly ancestors: readonly ProcessInfo[];
  /** open: the path (as given to the syscall), its flags and whether it opens for writing; chmod: the file (resolved against the caller's cwd or fd) and its new mode. */
  readonly file?: {
    /** Path as given to open. */
    readonly path: string;
    /** open(2) flags. */
    readonly flags: number;
    /** O_WRONLY, O_RDWR, O_CREAT or O_TRUNC. */
    readonly write: boolean;
    /** chmod: the mode asked for (only calls setting a set-uid or set-gid bit are reported). */
    readonly mode?: number;
    /** chmod: the file is a directory (a set-gid directory is ordinary group sharing). */
    readonly isDir?: boolean;
  };
  /** connect/listen: addresses and ports. */
  readonly net?: {
    /** 4 or 6. */
    readonly ipVersion: 4 | 6;
    /** Local address. */
    readonly laddr: string;
    /** Local port. */
    readonly lport: number;
    /** Remote address ('' for listen). */
    readonly raddr: string;
    /** Remote port (0 for listen). */
    readonly rport: number;
    /** listen: the port had a listener at start-up or was seen listening before. */
    readonly portKnown: boolean;
  };
  /** ptrace: the target process. */
  readonly target?: ProcessInfo;
  /** module: the module name ('' for an init_module from memory) and the syscall. */
  readonly module?: {
    /** Module name, when known. */
    readonly name: string;
    /** `init_module`, `finit_module` or `loaded` (the module:module_load tracepoint). */
    readonly how: string;
  };
  /** setuid/setgid: the requested ids (-1 = unchanged). */
  readonly ids?: readonly number[];
  /** capset: the requested capability sets. */
  readonly caps?: {
    /** Effective set (bit n = capability n). */
    readonly effective: number;
    /** Permitted set. */
    readonly permitted: number;
    /** Inheritable set. */
    readonly inheritable: number;
  };
  /** mount: the target, fs type and flags. */
  readonly mount?: {
    /** Mount point. */
    readonly target: string;
    /** File system type ('' for move_mount). */
    readonly fstype: string;
    /** Mount flags. */
    readonly flags: number;
  };
  /** cpu: sustained CPU of a process that made outbound connections. */
  readonly cpu?: {
    /** CPU used over the window, in cores (1 = one full core). */
    readonly ratio: number;
    /** Seconds the process has stayed above the watch threshold. */
    readonly sustainedSeconds: number;
    /** Remote ports it connected to. */
    readonly remotePorts: readonly number[];
  };
  /** The baseline's verdict on the feature this event exercises, when learned. */
  readonly baseline?: BaselineVerdict;
}
