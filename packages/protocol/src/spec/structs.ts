import type { StructSpec } from '../layout.js';

/** Number of metrics in one ring sample (AINKA_METRIC_COUNT). */
export const SAMPLE_METRIC_COUNT = 12;
/** Maximum number of rules in the kernel policy cache. */
export const POLICY_CACHE_CAPACITY = 256;
/** Bytes before the first ring record in the mmap of /dev/ainka. */
export const RING_DATA_OFFSET = 4096;
/** Magic in ainka_ring_header.magic: "AINK" little-endian. */
export const RING_MAGIC = 0x4b4e4941;
/** Default number of records in the ring (a power of two). */
export const RING_DEFAULT_CAPACITY = 1024;

/** Header page of the shared-memory ring (single producer in the kernel, single consumer in userspace). */
export const ringHeaderStruct: StructSpec = {
  name: 'ainka_ring_header',
  doc: 'First page of the /dev/ainka mmap. head is written by the kernel (release) and read by userspace (acquire); tail the reverse. Both count records since creation; index = count % capacity.',
  size: 256,
  fields: [
    { name: 'magic', type: 'u32', doc: 'AINKA_RING_MAGIC.' },
    { name: 'abi_version', type: 'u32', doc: 'AINKA_ABI_VERSION of the producer.' },
    { name: 'record_size', type: 'u32', doc: 'sizeof(struct ainka_sample).' },
    { name: 'capacity', type: 'u32', doc: 'Records in the ring, a power of two.' },
    { name: 'data_offset', type: 'u32', doc: 'Offset of record 0 from the start of the mapping.' },
    { name: 'flags', type: 'u32', doc: 'Reserved flags, zero.', reserved: true },
    { name: 'reserved0', type: 'u64', count: 5, doc: 'Pads head onto its own cache line.', reserved: true },
    { name: 'head', type: 'u64', doc: 'Records produced (kernel writes with release).' },
    { name: 'reserved1', type: 'u64', count: 7, doc: 'Cache-line padding.', reserved: true },
    { name: 'tail', type: 'u64', doc: 'Records consumed (userspace writes with release).' },
    { name: 'reserved2', type: 'u64', count: 7, doc: 'Cache-line padding.', reserved: true },
    { name: 'overflows', type: 'u64', doc: 'Samples dropped because the ring was full.' },
    { name: 'produced', type: 'u64', doc: 'Samples taken, including dropped ones.' },
    { name: 'reserved3', type: 'u64', count: 6, doc: 'Cache-line padding.', reserved: true },
  ],
};

/** One fixed-size metric sample in the ring. */
export const sampleStruct: StructSpec = {
  name: 'ainka_sample',
  doc: 'One periodic sample. seq is written first and seq_end last, both equal to the record number: a reader that sees them differ has read a torn record.',
  size: 128,
  fields: [
    { name: 'seq', type: 'u64', doc: 'Record number (head value when written).' },
    { name: 'timestamp_ns', type: 'u64', doc: 'ktime_get_ns() at sampling.' },
    { name: 'state', type: 'u32', doc: 'System state after this sample.', enum: 'ainka_state' },
    { name: 'metric_count', type: 'u32', doc: 'Valid entries in metrics (AINKA_METRIC_COUNT).' },
    { name: 'metrics', type: 's64', count: 12, doc: 'Values indexed by enum ainka_metric.' },
    { name: 'seq_end', type: 'u64', doc: 'Equal to seq once the record is complete.' },
  ],
};

/** A compiled policy-cache rule. */
export const ruleStruct: StructSpec = {
  name: 'ainka_rule',
  doc: 'One rule of the kernel policy cache: when metric cmp threshold has held for for_ms, take action on target, then wait cooldown_ms.',
  size: 40,
  fields: [
    { name: 'id', type: 'u32', doc: 'Caller-chosen rule id, unique in the cache, not 0.', min: 1, max: 0xffffffff },
    { name: 'metric', type: 'u16', doc: 'Metric compared.', enum: 'ainka_metric' },
    { name: 'cmp', type: 'u8', doc: 'Comparison.', enum: 'ainka_cmp' },
    { name: 'action', type: 'u8', doc: 'Action taken on a hit.', enum: 'ainka_action' },
    { name: 'threshold', type: 's64', doc: 'Threshold in the metric unit.' },
    { name: 'for_ms', type: 'u32', doc: 'How long the condition must hold, 0 = one sample.', min: 0, max: 3_600_000 },
    { name: 'cooldown_ms', type: 'u32', doc: 'Minimum time between two hits of this rule.', min: 0, max: 86_400_000 },
    { name: 'arg', type: 's32', doc: 'Action argument: nice value, ioprio value or request code.' },
    { name: 'target_pid', type: 'u32', doc: 'Task for AINKA_TARGET_PID, else 0.', min: 0, max: 4_194_304 },
    { name: 'priority', type: 'u16', doc: 'Higher evaluates first; ties by id.', min: 0, max: 1000 },
    { name: 'target', type: 'u8', doc: 'Which task the action applies to.', enum: 'ainka_target' },
    { name: 'flags', type: 'u8', doc: 'Reserved, zero.', reserved: true },
    { name: 'reserved', type: 'u32', doc: 'Reserved, zero.', reserved: true },
  ],
};

/** AINKA_IOC_GET_VERSION argument. */
export const iocVersionStruct: StructSpec = {
  name: 'ainka_ioc_version',
  doc: 'Versions of the running module.',
  size: 8,
  fields: [
    { name: 'abi_version', type: 'u32', doc: 'AINKA_ABI_VERSION the module was built with.' },
    { name: 'module_version', type: 'u32', doc: 'major << 16 | minor << 8 | patch.' },
  ],
};

/** AINKA_IOC_GET_STATE argument. */
export const iocStateStruct: StructSpec = {
  name: 'ainka_ioc_state',
  doc: 'A consistent snapshot of the module state.',
  size: 32,
  fields: [
    { name: 'state', type: 'u32', doc: 'enum ainka_state.', enum: 'ainka_state' },
    { name: 'mode', type: 'u32', doc: 'enum ainka_mode.', enum: 'ainka_mode' },
    { name: 'samples', type: 'u64', doc: 'Samples taken since load.' },
    { name: 'uptime_ns', type: 'u64', doc: 'Nanoseconds since load.' },
    { name: 'policy_count', type: 'u32', doc: 'Rules in the policy cache.' },
    { name: 'reserved', type: 'u32', doc: 'Zero.', reserved: true },
  ],
};

/** AINKA_IOC_SET_MODE argument. */
export const iocModeStruct: StructSpec = {
  name: 'ainka_ioc_mode',
  doc: 'Requested mode.',
  size: 8,
  fields: [
    { name: 'mode', type: 'u32', doc: 'enum ainka_mode.', enum: 'ainka_mode', min: 0, max: 1 },
    { name: 'reserved', type: 'u32', doc: 'Must be zero.', reserved: true },
  ],
};

/** AINKA_IOC_HEARTBEAT argument. */
export const iocHeartbeatStruct: StructSpec = {
  name: 'ainka_ioc_heartbeat',
  doc: 'Userspace liveness signal for the watchdog.',
  size: 8,
  fields: [{ name: 'cookie', type: 'u64', doc: 'Any value; echoed in /proc/ainka as last heartbeat cookie.' }],
};

/** AINKA_IOC_RING_INFO argument. */
export const iocRingInfoStruct: StructSpec = {
  name: 'ainka_ioc_ring_info',
  doc: 'Ring geometry and counters, for sizing the mmap.',
  size: 40,
  fields: [
    { name: 'record_size', type: 'u32', doc: 'sizeof(struct ainka_sample).' },
    { name: 'capacity', type: 'u32', doc: 'Records in the ring.' },
    { name: 'data_offset', type: 'u32', doc: 'Offset of record 0 in the mapping.' },
    { name: 'mmap_size', type: 'u32', doc: 'Bytes to mmap (header + records, page aligned).' },
    { name: 'head', type: 'u64', doc: 'Records produced.' },
    { name: 'tail', type: 'u64', doc: 'Records consumed.' },
    { name: 'overflows', type: 'u64', doc: 'Records dropped because the ring was full.' },
  ],
};

/** Structs of the kernel module ABI. */
export const coreStructs = [
  ringHeaderStruct,
  sampleStruct,
  ruleStruct,
  iocVersionStruct,
  iocStateStruct,
  iocModeStruct,
  iocHeartbeatStruct,
  iocRingInfoStruct,
] as const;

/** Per-action constraints on ainka_rule.arg and target, enforced by the kernel and by TypeScript. */
export interface RuleActionConstraint {
  /** enum ainka_action suffix. */
  readonly action: 'REPORT' | 'RENICE' | 'IOPRIO' | 'REQUEST';
  /** Smallest allowed `arg`. */
  readonly argMin: number;
  /** Largest allowed `arg`. */
  readonly argMax: number;
  /** Whether the rule must name a task (target PID or TOP_CPU). */
  readonly needsTask: boolean;
}

/** Constraints by action, in enum order. */
export const ruleActionConstraints: readonly RuleActionConstraint[] = [
  { action: 'REPORT', argMin: 0, argMax: 0, needsTask: false },
  { action: 'RENICE', argMin: -20, argMax: 19, needsTask: true },
  { action: 'IOPRIO', argMin: 0, argMax: (3 << 13) | 7, needsTask: true },
  { action: 'REQUEST', argMin: 0, argMax: 65535, needsTask: false },
];
