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
  size: 88,
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
] as const;

/** eBPF-side enums. */
export const bpfEnums = [bpfEventTypeEnum, blockOpEnum] as const;
