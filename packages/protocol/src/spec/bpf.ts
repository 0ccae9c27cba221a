import type { StructSpec } from '../layout.js';
import { defineEnum } from './types.js';

/** Buckets of every log2 histogram: bucket i counts values in [2^i, 2^(i+1)) (bucket 0 also holds 0). */
export const BPF_HIST_SLOTS = 32;
/** Bytes of a task command name (TASK_COMM_LEN). */
export const BPF_COMM_LEN = 16;
/** Bytes kept of a file name or exec path. */
export const BPF_PATH_LEN = 128;
/** Entries of the in-kernel top-N array of processes by syscall count. */
export const BPF_TOP_N = 16;

const bpfEventType = defineEnum('ainka_bpf_event_type', 'AINKA_BPF_EVENT_', 'Record types in the eBPF ring buffer; every record starts with struct ainka_bpf_event_hdr.', {
  /** A task called exec (struct ainka_bpf_exec). */
  EXEC: [1, 'A task called exec (struct ainka_bpf_exec).'],
  /** A process exited (struct ainka_bpf_exit). */
  EXIT: [2, 'A process exited (struct ainka_bpf_exit).'],
  /** A watched file was opened (struct ainka_bpf_file_open). */
  FILE_OPEN: [3, 'A watched file was opened (struct ainka_bpf_file_open).'],
  /** The OOM killer chose a victim (struct ainka_bpf_oom_kill). */
  OOM_KILL: [4, 'The OOM killer chose a victim (struct ainka_bpf_oom_kill).'],
  /** A TCP socket changed state (struct ainka_bpf_tcp). */
  TCP_STATE: [5, 'A TCP socket changed state (struct ainka_bpf_tcp).'],
  /** A TCP segment was retransmitted (struct ainka_bpf_tcp). */
  TCP_RETRANSMIT: [6, 'A TCP segment was retransmitted (struct ainka_bpf_tcp).'],
  /** Exec with argv, euid and whether stdin/stdout are network sockets (struct ainka_bpf_sec_exec). */
  SEC_EXEC: [7, 'Exec with argv, euid and whether stdin/stdout are network sockets (struct ainka_bpf_sec_exec).'],
  /** A new process was forked (struct ainka_bpf_fork). */
  FORK: [8, 'A new process was forked (struct ainka_bpf_fork).'],
  /** A security-relevant syscall: ptrace attach, module load, setuid family, capset, mount (struct ainka_bpf_sec_call). */
  SEC_CALL: [9, 'A security-relevant syscall: ptrace attach, module load, setuid family, capset, mount, set-uid chmod (struct ainka_bpf_sec_call).'],
  /** The set of syscall numbers a process used, at its exit (struct ainka_bpf_syscall_mix). */
  SYSCALL_MIX: [10, 'The set of syscall numbers a process used, at its exit (struct ainka_bpf_syscall_mix).'],
});
/** eBPF ring buffer record types. */
export const BpfEventType = bpfEventType.values;
/** Spec of `enum ainka_bpf_event_type`, for the C header generator. */
export const bpfEventTypeEnum = bpfEventType.spec;

const blockOp = defineEnum('ainka_block_op', 'AINKA_BLOCK_OP_', 'Block request operation classes used as histogram keys.', {
  /** REQ_OP_READ */
  READ: [0, 'REQ_OP_READ'],
  /** REQ_OP_WRITE */
  WRITE: [1, 'REQ_OP_WRITE'],
  /** REQ_OP_FLUSH or a write with the preflush flag */
  FLUSH: [2, 'REQ_OP_FLUSH or a write with the preflush flag'],
  /** REQ_OP_DISCARD / SECURE_ERASE / WRITE_ZEROES */
  DISCARD: [3, 'REQ_OP_DISCARD / SECURE_ERASE / WRITE_ZEROES'],
  /** Any other operation */
  OTHER: [4, 'Any other operation'],
}, { withCount: true });
/** Block operation classes. */
export const BlockOp = blockOp.values;
/** Spec of `enum ainka_block_op`, for the C header generator. */
export const blockOpEnum = blockOp.spec;

/** Bytes kept of an exec's argv (NUL separated). */
export const BPF_ARGS_LEN = 256;
/** Bytes of the second string of a security syscall record (mount fs type). */
export const BPF_STR2_LEN = 64;
/** Syscall numbers covered by a syscall-mix bitmap (64-bit words × 64). */
export const BPF_SYSCALL_MIX_WORDS = 8;

const secCall = defineEnum('ainka_bpf_sec_call_kind', 'AINKA_SEC_CALL_', 'Kinds of struct ainka_bpf_sec_call records.', {
  /** ptrace(PTRACE_ATTACH or PTRACE_SEIZE): args[0] request, args[1] target pid. */
  PTRACE: [1, 'ptrace(PTRACE_ATTACH or PTRACE_SEIZE): args[0] request, args[1] target pid.'],
  /** init_module(2): args[1] image length. */
  INIT_MODULE: [2, 'init_module(2): args[1] image length.'],
  /** finit_module(2): args[0] fd, args[2] flags. */
  FINIT_MODULE: [3, 'finit_module(2): args[0] fd, args[2] flags.'],
  /** A module was loaded (module:module_load): str is its name. */
  MODULE_LOADED: [4, 'A module was loaded (module:module_load): str is its name.'],
  /** setuid/setreuid/setresuid/setfsuid: args[0..2] the requested ids (-1 = unchanged), args[3] the syscall number. */
  SETUID: [5, 'setuid/setreuid/setresuid/setfsuid: args[0..2] the requested ids (-1 = unchanged), args[3] the syscall number.'],
  /** setgid/setregid/setresgid/setfsgid: args as SETUID. */
  SETGID: [6, 'setgid/setregid/setresgid/setfsgid: args as SETUID.'],
  /** capset(2): args[0] effective, args[1] permitted, args[2] inheritable (low 32 capabilities | high << 32), args[3] target pid. */
  CAPSET: [7, 'capset(2): args[0] effective, args[1] permitted, args[2] inheritable (low | high << 32), args[3] target pid.'],
  /** mount(2) or move_mount(2): str the target, str2 the fs type, args[0] mount flags. */
  MOUNT: [8, 'mount(2) or move_mount(2): str the target, str2 the fs type, args[0] mount flags.'],
  /** chmod/fchmodat/fchmodat2/fchmod setting a set-uid or set-gid bit: args[0] the mode, args[1] the fd (fchmod) or dirfd, args[3] the syscall number; str the path ('' for fchmod). */
  CHMOD: [9, 'chmod/fchmodat/fchmodat2/fchmod setting a set-uid or set-gid bit: args[0] mode, args[1] fd or dirfd, args[3] syscall number; str the path.'],
});
/** Kinds of security syscall records. */
export const SecCallKind = secCall.values;
/** Spec of `enum ainka_bpf_sec_call_kind`, for the C header generator. */
export const secCallEnum = secCall.spec;

/** Fields every eBPF record starts with: the envelope, spread into each record struct below. */
const envelope = [
  { name: 'type', type: 'u16', doc: 'enum ainka_bpf_event_type.', enum: 'ainka_bpf_event_type' },
  { name: 'size', type: 'u16', doc: 'Size of the whole record in bytes.' },
  { name: 'cpu', type: 'u32', doc: 'CPU that produced the record.' },
  { name: 'timestamp_ns', type: 'u64', doc: 'bpf_ktime_get_ns().' },
] as const;

/** Envelope shared by every eBPF ring buffer record. */
export const bpfEventHdrStruct: StructSpec = {
  name: 'ainka_bpf_event_hdr',
  doc: 'First 16 bytes of every eBPF ring buffer record.',
  size: 16,
  fields: envelope,
};

/** Exec record. */
export const bpfExecStruct: StructSpec = {
  name: 'ainka_bpf_exec',
  doc: 'sched:sched_process_exec.',
  size: 184,
  fields: [
    ...envelope,
    { name: 'pid', type: 'u32', doc: 'Thread group id.' },
    { name: 'ppid', type: 'u32', doc: 'Parent thread group id.' },
    { name: 'uid', type: 'u32', doc: 'Real uid.' },
    { name: 'reserved', type: 'u32', doc: 'Zero.', reserved: true },
    { name: 'cgroup_id', type: 'u64', doc: 'cgroup v2 id of the task.' },
    { name: 'comm', type: 'char', count: 16, doc: 'Command name after exec.' },
    { name: 'filename', type: 'char', count: 128, doc: 'Path given to exec (truncated).' },
  ],
};

/** Exit record. */
export const bpfExitStruct: StructSpec = {
  name: 'ainka_bpf_exit',
  doc: 'sched:sched_process_exit for thread group leaders.',
  size: 64,
  fields: [
    ...envelope,
    { name: 'pid', type: 'u32', doc: 'Thread group id.' },
    { name: 'ppid', type: 'u32', doc: 'Parent thread group id.' },
    { name: 'uid', type: 'u32', doc: 'Real uid.' },
    { name: 'exit_code', type: 's32', doc: 'task->exit_code (status << 8 | signal).' },
    { name: 'cgroup_id', type: 'u64', doc: 'cgroup v2 id.' },
    { name: 'duration_ns', type: 'u64', doc: 'Lifetime of the process.' },
    { name: 'comm', type: 'char', count: 16, doc: 'Command name.' },
  ],
};

/** Watched-file open record. */
export const bpfFileOpenStruct: StructSpec = {
  name: 'ainka_bpf_file_open',
  doc: 'syscalls:sys_enter_openat for a path on the watch list.',
  size: 184,
  fields: [
    ...envelope,
    { name: 'pid', type: 'u32', doc: 'Thread group id.' },
    { name: 'uid', type: 'u32', doc: 'Real uid.' },
    { name: 'flags', type: 's32', doc: 'open(2) flags.' },
    { name: 'watch_id', type: 'u32', doc: 'Index of the matching watch-list entry.' },
    { name: 'cgroup_id', type: 'u64', doc: 'cgroup v2 id.' },
    { name: 'comm', type: 'char', count: 16, doc: 'Command name.' },
    { name: 'filename', type: 'char', count: 128, doc: 'Path as passed to openat.' },
  ],
};

/** OOM kill record. */
export const bpfOomKillStruct: StructSpec = {
  name: 'ainka_bpf_oom_kill',
  doc: 'oom:mark_victim.',
  size: 64,
  fields: [
    ...envelope,
    { name: 'pid', type: 'u32', doc: 'Victim pid.' },
    { name: 'uid', type: 'u32', doc: 'Victim uid.' },
    { name: 'total_vm_kb', type: 'u64', doc: 'Victim virtual memory in KiB.' },
    { name: 'anon_rss_kb', type: 'u64', doc: 'Victim anonymous RSS in KiB.' },
    { name: 'oom_score_adj', type: 's32', doc: 'Victim oom_score_adj.' },
    { name: 'reserved', type: 'u32', doc: 'Zero.', reserved: true },
    { name: 'comm', type: 'char', count: 16, doc: 'Victim command name.' },
  ],
};

/** TCP state-change / retransmit record. */
export const bpfTcpStruct: StructSpec = {
  name: 'ainka_bpf_tcp',
  doc: 'sock:inet_sock_set_state (TCP_STATE) or tcp:tcp_retransmit_skb (TCP_RETRANSMIT). Addresses are in network byte order; IPv4 uses the first 4 bytes. Ports are host order.',
  size: 96,
  fields: [
    ...envelope,
    { name: 'pid', type: 'u32', doc: 'Current pid when the event fired (may be 0 in softirq).' },
    { name: 'family', type: 'u16', doc: 'AF_INET (2) or AF_INET6 (10).' },
    { name: 'sport', type: 'u16', doc: 'Local port.' },
    { name: 'dport', type: 'u16', doc: 'Remote port.' },
    { name: 'old_state', type: 'u8', doc: 'TCP state before (TCP_ESTABLISHED = 1 …).' },
    { name: 'new_state', type: 'u8', doc: 'TCP state after; equal to old_state for retransmits.' },
    { name: 'reserved', type: 'u32', doc: 'Zero.', reserved: true },
    { name: 'connect_latency_ns', type: 'u64', doc: 'SYN_SENT → ESTABLISHED time, else 0.' },
    { name: 'saddr', type: 'u8', count: 16, doc: 'Local address.' },
    { name: 'daddr', type: 'u8', count: 16, doc: 'Remote address.' },
    { name: 'comm', type: 'char', count: 16, doc: 'Command name of the current task.' },
    { name: 'cgroup_id', type: 'u64', doc: "cgroup v2 id of the current task (the caller's for SYN_SENT and LISTEN; 0 when not in a task's context)." },
  ],
};

/** Exec record of the security object. */
export const bpfSecExecStruct: StructSpec = {
  name: 'ainka_bpf_sec_exec',
  doc: 'sched:sched_process_exec with argv, euid and the kind of stdin/stdout (security object).',
  size: 448,
  fields: [
    ...envelope,
    { name: 'pid', type: 'u32', doc: 'Thread group id.' },
    { name: 'ppid', type: 'u32', doc: 'Parent thread group id.' },
    { name: 'uid', type: 'u32', doc: 'Real uid.' },
    { name: 'euid', type: 'u32', doc: 'Effective uid after exec (set-uid programs differ from uid).' },
    { name: 'flags', type: 'u32', doc: 'Bit 0: fd 0 is an AF_INET/AF_INET6 socket; bit 1: fd 1 is; bits 2/3: the same for the parent; bit 4: argv was truncated.' },
    { name: 'args_len', type: 'u32', doc: 'Bytes of args used (NUL separated argv).' },
    { name: 'cgroup_id', type: 'u64', doc: 'cgroup v2 id.' },
    { name: 'comm', type: 'char', count: 16, doc: 'Command name after exec.' },
    { name: 'filename', type: 'char', count: 128, doc: 'Path given to exec (truncated).' },
    { name: 'args', type: 'u8', count: 256, doc: 'argv, NUL separated, at most 256 bytes.' },
  ],
};

/** Fork record. */
export const bpfForkStruct: StructSpec = {
  name: 'ainka_bpf_fork',
  doc: 'sched:sched_process_fork for a new process (not a thread).',
  size: 48,
  fields: [
    ...envelope,
    { name: 'pid', type: 'u32', doc: 'The child process id.' },
    { name: 'ppid', type: 'u32', doc: 'The parent process id.' },
    { name: 'uid', type: 'u32', doc: 'Real uid.' },
    { name: 'reserved', type: 'u32', doc: 'Zero.', reserved: true },
    { name: 'comm', type: 'char', count: 16, doc: 'Command name (the parent\'s, inherited).' },
  ],
};

/** Security-relevant syscall record. */
export const bpfSecCallStruct: StructSpec = {
  name: 'ainka_bpf_sec_call',
  doc: 'raw_syscalls:sys_enter for ptrace attach, module loads, the setuid family, capset and mount; module:module_load.',
  size: 280,
  fields: [
    ...envelope,
    { name: 'pid', type: 'u32', doc: 'Thread group id of the caller.' },
    { name: 'uid', type: 'u32', doc: 'Real uid of the caller.' },
    { name: 'euid', type: 'u32', doc: 'Effective uid of the caller.' },
    { name: 'call', type: 'u32', doc: 'enum ainka_bpf_sec_call_kind.', enum: 'ainka_bpf_sec_call_kind' },
    { name: 'args', type: 'u64', count: 4, doc: 'Arguments, per enum ainka_bpf_sec_call_kind.' },
    { name: 'cgroup_id', type: 'u64', doc: 'cgroup v2 id.' },
    { name: 'comm', type: 'char', count: 16, doc: 'Command name of the caller.' },
    { name: 'str', type: 'char', count: 128, doc: 'Module name or mount target.' },
    { name: 'str2', type: 'char', count: 64, doc: 'Mount fs type.' },
  ],
};

/** Syscall-mix record. */
export const bpfSyscallMixStruct: StructSpec = {
  name: 'ainka_bpf_syscall_mix',
  doc: 'The syscall numbers a process used during its life, sent when it exits (security object).',
  size: 104,
  fields: [
    ...envelope,
    { name: 'pid', type: 'u32', doc: 'Thread group id.' },
    { name: 'reserved', type: 'u32', doc: 'Zero.', reserved: true },
    { name: 'bits', type: 'u64', count: 8, doc: 'Bit n of word n / 64 is set when syscall n was called.' },
    { name: 'comm', type: 'char', count: 16, doc: 'Command name.' },
  ],
};

/** Log2 histogram map value. */
export const bpfHistStruct: StructSpec = {
  name: 'ainka_bpf_hist',
  doc: 'A log2 latency histogram in nanoseconds (value of the histogram maps).',
  size: 8 * 32 + 16,
  fields: [
    { name: 'slots', type: 'u64', count: 32, doc: 'slots[i] counts values v with floor(log2(v)) == i.' },
    { name: 'count', type: 'u64', doc: 'Total values recorded.' },
    { name: 'sum_ns', type: 'u64', doc: 'Sum of all values.' },
  ],
};

/** Block histogram map key. */
export const bpfBlockKeyStruct: StructSpec = {
  name: 'ainka_bpf_block_key',
  doc: 'Key of the block latency histogram map.',
  size: 8,
  fields: [
    { name: 'dev', type: 'u32', doc: 'Device number (MAJOR << 20 | MINOR, the kernel dev_t).' },
    { name: 'op', type: 'u32', doc: 'enum ainka_block_op.', enum: 'ainka_block_op' },
  ],
};

/** Key of the per-remote-endpoint TCP summary map (an LRU hash). */
export const bpfTcpEndpointKeyStruct: StructSpec = {
  name: 'ainka_bpf_tcp_endpoint_key',
  doc: 'Key of the per-remote-endpoint TCP summary LRU map.',
  size: 24,
  fields: [
    { name: 'family', type: 'u16', doc: 'AF_INET (2) or AF_INET6 (10).' },
    { name: 'port', type: 'u16', doc: 'Remote port, host order.' },
    { name: 'reserved', type: 'u32', doc: 'Zero.', reserved: true },
    { name: 'addr', type: 'u8', count: 16, doc: 'Remote address, network order; IPv4 uses the first 4 bytes.' },
  ],
};

/** Value of the per-remote-endpoint TCP summary map. */
export const bpfTcpEndpointStatsStruct: StructSpec = {
  name: 'ainka_bpf_tcp_endpoint_stats',
  doc: 'Per remote endpoint TCP summary (value of the endpoint LRU map); counters since load.',
  size: 56,
  fields: [
    { name: 'connects', type: 'u64', doc: 'Active opens that reached ESTABLISHED.' },
    { name: 'connect_failures', type: 'u64', doc: 'Active opens that went SYN_SENT → CLOSE.' },
    { name: 'connect_latency_sum_ns', type: 'u64', doc: 'Sum of SYN_SENT → ESTABLISHED times.' },
    { name: 'connect_latency_max_ns', type: 'u64', doc: 'Largest SYN_SENT → ESTABLISHED time.' },
    { name: 'retransmits', type: 'u64', doc: 'Retransmitted segments.' },
    { name: 'state_changes', type: 'u64', doc: 'TCP state changes seen.' },
    { name: 'last_seen_ns', type: 'u64', doc: 'bpf_ktime_get_ns() of the last event.' },
  ],
};

/** Per-process syscall counter (value of the per-process map and entry of the top-N array). */
export const bpfProcCountStruct: StructSpec = {
  name: 'ainka_bpf_proc_count',
  doc: 'Syscalls made by one process: value of the per-process counter map (since the last collection) and entry of the in-kernel top-N array.',
  size: 32,
  fields: [
    { name: 'count', type: 'u64', doc: 'Syscalls counted.' },
    { name: 'tgid', type: 'u32', doc: 'Thread group id.' },
    { name: 'reserved', type: 'u32', doc: 'Zero.', reserved: true },
    { name: 'comm', type: 'char', count: 16, doc: 'Command name when first seen.' },
  ],
};

/** eBPF-side structs. */
export const bpfStructs = [
  bpfEventHdrStruct,
  bpfExecStruct,
  bpfExitStruct,
  bpfFileOpenStruct,
  bpfOomKillStruct,
  bpfTcpStruct,
  bpfHistStruct,
  bpfBlockKeyStruct,
  bpfTcpEndpointKeyStruct,
  bpfTcpEndpointStatsStruct,
  bpfProcCountStruct,
  bpfSecExecStruct,
  bpfForkStruct,
  bpfSecCallStruct,
  bpfSyscallMixStruct,
] as const;

/** eBPF-side enums. */
export const bpfEnums = [bpfEventTypeEnum, blockOpEnum, secCallEnum] as const;
