import { BpfEventType, type StructValue } from '@ainka/protocol';
import { decodeRecordFast } from './fastDecode.js';

interface EventBase {
  /** CPU that produced the record. */
  readonly cpu: number;
  /** bpf_ktime_get_ns() (CLOCK_MONOTONIC) when it was produced. */
  readonly timestampNs: bigint;
}

/** A process called exec. */
export interface ExecEvent extends EventBase {
  /** Discriminant of the event union. */
  readonly kind: 'exec';
  /** Thread group id (the process id). */
  readonly pid: number;
  /** Parent process id. */
  readonly ppid: number;
  /** Real uid. */
  readonly uid: number;
  /** cgroup v2 id (the inode number of its directory). */
  readonly cgroupId: bigint;
  /** Command name after exec. */
  readonly comm: string;
  /** Path given to exec (up to 127 bytes). */
  readonly filename: string;
}

/** A process (its thread group leader) exited. */
export interface ExitEvent extends EventBase {
  /** Discriminant of the event union. */
  readonly kind: 'exit';
  /** Thread group id (the process id). */
  readonly pid: number;
  /** Parent process id. */
  readonly ppid: number;
  /** Real uid. */
  readonly uid: number;
  /** task->exit_code: status << 8 | signal. */
  readonly exitCode: number;
  /** cgroup v2 id (the inode number of its directory). */
  readonly cgroupId: bigint;
  /** Lifetime of the process in ns. */
  readonly durationNs: bigint;
  /** Command name (up to 15 bytes). */
  readonly comm: string;
}

/** A watched file was opened (open, openat, openat2). */
export interface FileOpenEvent extends EventBase {
  /** Discriminant of the event union. */
  readonly kind: 'fileOpen';
  /** Thread group id (the process id). */
  readonly pid: number;
  /** Real uid. */
  readonly uid: number;
  /** open(2) flags (0 for openat2). */
  readonly flags: number;
  /** Index of the path in the watch list. */
  readonly watchId: number;
  /** cgroup v2 id (the inode number of its directory). */
  readonly cgroupId: bigint;
  /** Command name (up to 15 bytes). */
  readonly comm: string;
  /** Path as passed to the syscall (up to 127 bytes). */
  readonly filename: string;
}

/** The OOM killer chose a victim. */
export interface OomKillEvent extends EventBase {
  /** Discriminant of the event union. */
  readonly kind: 'oomKill';
  /** Thread group id (the process id). */
  readonly pid: number;
  /**
   * Real uid. Before Linux 6.8 the tracepoint gives the pid only: uid, memory, oom_score_adj and
   * comm are then read from the task the OOM killer runs in when that is the victim (a process
   * overrunning its own memory cgroup's limit), and are 0 / empty otherwise.
   */
  readonly uid: number;
  /** Virtual memory of the victim in KiB (0 when unknown, see `uid`). */
  readonly totalVmKb: bigint;
  /** Anonymous RSS of the victim in KiB (0 when unknown, see `uid`). */
  readonly anonRssKb: bigint;
  /** oom_score_adj of the victim. */
  readonly oomScoreAdj: number;
  /** Command name (up to 15 bytes). */
  readonly comm: string;
}

/** Names of TCP states (include/net/tcp_states.h). */
export const TCP_STATE_NAMES: readonly string[] = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
  'BOUND_INACTIVE',
];

/** A TCP state change or retransmit. */
export interface TcpEvent extends EventBase {
  /** Discriminant of the event union. */
  readonly kind: 'tcpState' | 'tcpRetransmit';
  /** Process that started the connect (for connects), else the current one (0 in softirq). */
  readonly pid: number;
  /** 4 or 6. */
  readonly ipVersion: 4 | 6;
  /** Local address (dotted IPv4, or eight hex groups for IPv6). */
  readonly saddr: string;
  /** Local port (0 before connect has bound one). */
  readonly sport: number;
  /** Remote address. */
  readonly daddr: string;
  /** Remote port. */
  readonly dport: number;
  /** TCP state before (ESTABLISHED, SYN_SENT, …). */
  readonly oldState: string;
  /** TCP state after; equal to oldState for retransmits. */
  readonly newState: string;
  /** SYN_SENT → ESTABLISHED time, else 0n. */
  readonly connectLatencyNs: bigint;
  /** Command name (up to 15 bytes). */
  readonly comm: string;
  /** cgroup v2 id of the caller for connects and listens seen by the security object, else 0n. */
  readonly cgroupId: bigint;
}

/** An exec seen by the security object: argv, euid, and whether stdin/stdout are network sockets. */
export interface SecExecEvent extends EventBase {
  /** Discriminant of the event union. */
  readonly kind: 'secExec';
  /** Thread group id (the process id). */
  readonly pid: number;
  /** Parent process id. */
  readonly ppid: number;
  /** Real uid. */
  readonly uid: number;
  /** Effective uid after exec (differs from uid for set-uid programs). */
  readonly euid: number;
  /** fd 0 of the new program is an AF_INET/AF_INET6 socket. */
  readonly stdinInet: boolean;
  /** fd 1 of the new program is an AF_INET/AF_INET6 socket. */
  readonly stdoutInet: boolean;
  /** fd 0 of the parent is an AF_INET/AF_INET6 socket. */
  readonly parentStdinInet: boolean;
  /** fd 1 of the parent is an AF_INET/AF_INET6 socket. */
  readonly parentStdoutInet: boolean;
  /** argv was longer than the 256 bytes kept. */
  readonly argsTruncated: boolean;
  /** argv (the last element may be cut when `argsTruncated`). */
  readonly argv: readonly string[];
  /** cgroup v2 id. */
  readonly cgroupId: bigint;
  /** Command name after exec. */
  readonly comm: string;
  /** Path given to exec (up to 127 bytes). */
  readonly filename: string;
}

/** A new process (not a thread) was forked. */
export interface ForkEvent extends EventBase {
  /** Discriminant of the event union. */
  readonly kind: 'fork';
  /** The child's process id. */
  readonly pid: number;
  /** The parent's process id. */
  readonly ppid: number;
  /** Real uid. */
  readonly uid: number;
  /** Command name (inherited from the parent). */
  readonly comm: string;
}

/** Kinds of {@link SecCallEvent}. */
export type SecCallKind = 'ptrace' | 'initModule' | 'finitModule' | 'moduleLoaded' | 'setuid' | 'setgid' | 'capset' | 'mount' | 'chmod';

/** Names of `enum ainka_bpf_sec_call_kind` values (index = value). */
export const SEC_CALL_NAMES: readonly (SecCallKind | undefined)[] = [undefined, 'ptrace', 'initModule', 'finitModule', 'moduleLoaded', 'setuid', 'setgid', 'capset', 'mount', 'chmod'];

/** A security-relevant syscall (seen on entry) or a module load. */
export interface SecCallEvent extends EventBase {
  /** Discriminant of the event union. */
  readonly kind: 'secCall';
  /** Which call: see `enum ainka_bpf_sec_call_kind` for the meaning of `args`, `str` and `str2`. */
  readonly call: SecCallKind;
  /** Caller's process id. */
  readonly pid: number;
  /** Caller's real uid. */
  readonly uid: number;
  /** Caller's effective uid. */
  readonly euid: number;
  /** The call's arguments (ptrace: request, target pid; setuid: ids; capset: masks, target pid; mount: flags). */
  readonly args: readonly [bigint, bigint, bigint, bigint];
  /** cgroup v2 id. */
  readonly cgroupId: bigint;
  /** Caller's command name. */
  readonly comm: string;
  /** Module name or mount target. */
  readonly str: string;
  /** Mount fs type. */
  readonly str2: string;
}

/** The syscalls a process used during its life, at its exit. */
export interface SyscallMixEvent extends EventBase {
  /** Discriminant of the event union. */
  readonly kind: 'syscallMix';
  /** Process id. */
  readonly pid: number;
  /** Syscall numbers used, ascending. */
  readonly syscalls: readonly number[];
  /** Command name. */
  readonly comm: string;
}

/** Any record of the eBPF ring buffers. */
export type BpfEvent = ExecEvent | ExitEvent | FileOpenEvent | OomKillEvent | TcpEvent | SecExecEvent | ForkEvent | SecCallEvent | SyscallMixEvent;

/** Splits a NUL-separated argv buffer. */
export function splitArgs(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0) {
      if (i > start || i < bytes.length) out.push(Buffer.from(bytes.subarray(start, i)).toString('utf8'));
      start = i + 1;
    }
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** Syscall numbers set in a syscall-mix bitmap of 64-bit words. */
export function mixBits(words: readonly bigint[]): number[] {
  const out: number[] = [];
  // two 32-bit halves per word: three BigInts per word instead of three per bit
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 0n) continue;
    pushBits32(out, Number(w & 0xffffffffn), i * 64);
    pushBits32(out, Number((w >> 32n) & 0xffffffffn), i * 64 + 32);
  }
  return out;
}

/**
 * Appends `base + k` to `out` for each bit `k` set in the 32-bit word `x`, lowest first (no allocation
 * besides `out`'s growth: the fast decoder reads a syscall-mix bitmap as 32-bit words with it).
 *
 * @internal
 */
export function pushBits32(out: number[], x: number, base: number): void {
  let v = x | 0;
  while (v !== 0) {
    const low = v & -v; // the lowest bit set
    out.push(base + 31 - Math.clz32(low));
    v ^= low;
  }
}

/** Formats an address of a TCP record (network order bytes). */
export function formatAddress(bytes: readonly number[], ipVersion: 4 | 6): string {
  if (ipVersion === 4) return bytes.slice(0, 4).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

const n = (v: StructValue, k: string): number => v[k] as number;
const b = (v: StructValue, k: string): bigint => v[k] as bigint;
const s = (v: StructValue, k: string): string => v[k] as string;

/** Converts one decoded record into its typed event. */
export function toEvent(v: StructValue): BpfEvent {
  const base = { cpu: n(v, 'cpu'), timestampNs: b(v, 'timestamp_ns') };
  switch (n(v, 'type')) {
    case BpfEventType.EXEC:
      return { kind: 'exec', ...base, pid: n(v, 'pid'), ppid: n(v, 'ppid'), uid: n(v, 'uid'), cgroupId: b(v, 'cgroup_id'), comm: s(v, 'comm'), filename: s(v, 'filename') };
    case BpfEventType.EXIT:
      return {
        kind: 'exit',
        ...base,
        pid: n(v, 'pid'),
        ppid: n(v, 'ppid'),
        uid: n(v, 'uid'),
        exitCode: n(v, 'exit_code'),
        cgroupId: b(v, 'cgroup_id'),
        durationNs: b(v, 'duration_ns'),
        comm: s(v, 'comm'),
      };
    case BpfEventType.FILE_OPEN:
      return {
        kind: 'fileOpen',
        ...base,
        pid: n(v, 'pid'),
        uid: n(v, 'uid'),
        flags: n(v, 'flags'),
        watchId: n(v, 'watch_id'),
        cgroupId: b(v, 'cgroup_id'),
        comm: s(v, 'comm'),
        filename: s(v, 'filename'),
      };
    case BpfEventType.OOM_KILL:
      return {
        kind: 'oomKill',
        ...base,
        pid: n(v, 'pid'),
        uid: n(v, 'uid'),
        totalVmKb: b(v, 'total_vm_kb'),
        anonRssKb: b(v, 'anon_rss_kb'),
        oomScoreAdj: n(v, 'oom_score_adj'),
        comm: s(v, 'comm'),
      };
    case BpfEventType.SEC_EXEC: {
      const flags = n(v, 'flags');
      const args = Uint8Array.from((v.args as readonly number[]).slice(0, n(v, 'args_len')));
      return {
        kind: 'secExec',
        ...base,
        pid: n(v, 'pid'),
        ppid: n(v, 'ppid'),
        uid: n(v, 'uid'),
        euid: n(v, 'euid'),
        stdinInet: (flags & 1) !== 0,
        stdoutInet: (flags & 2) !== 0,
        parentStdinInet: (flags & 4) !== 0,
        parentStdoutInet: (flags & 8) !== 0,
        argsTruncated: (flags & 16) !== 0,
        argv: splitArgs(args),
        cgroupId: b(v, 'cgroup_id'),
        comm: s(v, 'comm'),
        filename: s(v, 'filename'),
      };
    }
    case BpfEventType.FORK:
      return { kind: 'fork', ...base, pid: n(v, 'pid'), ppid: n(v, 'ppid'), uid: n(v, 'uid'), comm: s(v, 'comm') };
    case BpfEventType.SEC_CALL: {
      const a = v.args as readonly bigint[];
      return {
        kind: 'secCall',
        ...base,
        call: SEC_CALL_NAMES[n(v, 'call')] ?? 'ptrace',
        pid: n(v, 'pid'),
        uid: n(v, 'uid'),
        euid: n(v, 'euid'),
        args: [a[0]!, a[1]!, a[2]!, a[3]!],
        cgroupId: b(v, 'cgroup_id'),
        comm: s(v, 'comm'),
        str: s(v, 'str'),
        str2: s(v, 'str2'),
      };
    }
    case BpfEventType.SYSCALL_MIX:
      return { kind: 'syscallMix', ...base, pid: n(v, 'pid'), syscalls: mixBits(v.bits as readonly bigint[]), comm: s(v, 'comm') };
    default: {
      const ipVersion = n(v, 'family') === 10 ? 6 : 4;
      return {
        kind: n(v, 'type') === BpfEventType.TCP_RETRANSMIT ? 'tcpRetransmit' : 'tcpState',
        ...base,
        pid: n(v, 'pid'),
        ipVersion,
        saddr: formatAddress(v.saddr as readonly number[], ipVersion),
        sport: n(v, 'sport'),
        daddr: formatAddress(v.daddr as readonly number[], ipVersion),
        dport: n(v, 'dport'),
        oldState: TCP_STATE_NAMES[n(v, 'old_state')] ?? String(n(v, 'old_state')),
        newState: TCP_STATE_NAMES[n(v, 'new_state')] ?? String(n(v, 'new_state')),
        connectLatencyNs: b(v, 'connect_latency_ns'),
        comm: s(v, 'comm'),
        cgroupId: b(v, 'cgroup_id'),
      };
    }
  }
}

/** Result of decoding one drained batch. */
export interface DecodedBatch {
  /** The decoded events, in ring order. */
  readonly events: BpfEvent[];
  /** Records that could not be decoded (the rest of the batch is skipped after the first). */
  readonly errors: number;
  /** The first decoding error, if any. */
  readonly firstError?: Error;
}

/**
 * Decodes a batch delivered by the addon (fast path on the ABI offsets; {@link toEvent} over
 * `decodeBpfRecord` gives the same events with the codec's full checks): records back to back, each starting with struct
 * ainka_bpf_event_hdr whose `size` gives the next record's offset.
 */
export function decodeBatch(batch: Uint8Array): DecodedBatch {
  const events: BpfEvent[] = [];
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  let offset = 0;
  while (offset < batch.length) {
    try {
      const r = decodeRecordFast(batch, view, offset);
      events.push(r.event);
      offset += r.size;
    } catch (err) {
      return { events, errors: 1, firstError: err as Error };
    }
  }
  return { events, errors: 0 };
}

/**
 * Counts the records of a batch by walking the envelopes only (no decoding): the fast path of
 * throughput measurements. Returns -1 when an envelope is malformed.
 */
export function countRecords(batch: Uint8Array): number {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  let offset = 0;
  let count = 0;
  while (offset + 16 <= batch.length) {
    const size = view.getUint16(offset + 2, true);
    if (size < 16 || offset + size > batch.length) return -1;
    offset += size;
    count++;
  }
  return offset === batch.length ? count : -1;
}
