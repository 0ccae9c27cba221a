import { bpfEnums, bpfStructs } from './bpf.js';
import { AINKA_ABI_VERSION, coreEnums } from './enums.js';
import { IOCTL_MAGIC, ioctls } from './ioctl.js';
import { family } from './netlink.js';
import {
  POLICY_CACHE_CAPACITY,
  RING_DATA_OFFSET,
  RING_DEFAULT_CAPACITY,
  RING_MAGIC,
  SAMPLE_METRIC_COUNT,
  coreStructs,
} from './structs.js';
import { BPF_ARGS_LEN, BPF_COMM_LEN, BPF_HIST_SLOTS, BPF_PATH_LEN, BPF_STR2_LEN, BPF_SYSCALL_MIX_WORDS, BPF_TOP_N } from './bpf.js';
import type { AbiSpec } from './types.js';

/** The whole ABI, the single source of truth for `tools/gen-abi` and every codec here. */
export const abi: AbiSpec = {
  abiVersion: AINKA_ABI_VERSION,
  constants: [
    { name: 'AINKA_ABI_VERSION', value: AINKA_ABI_VERSION, doc: 'Version of every layout in this header.' },
    { name: 'AINKA_GENL_NAME', value: family.name, doc: 'Generic netlink family name.' },
    { name: 'AINKA_GENL_VERSION', value: family.version, doc: 'Generic netlink family version.' },
    { name: 'AINKA_MCGRP_EVENTS', value: family.mcastGroups[0]!.name, doc: 'Multicast group for events.' },
    { name: 'AINKA_DEVICE_NAME', value: 'ainka', doc: 'Misc device name (/dev/ainka).' },
    { name: 'AINKA_PROC_NAME', value: 'ainka', doc: 'procfs entry (/proc/ainka).' },
    { name: 'AINKA_POLICY_CAPACITY', value: POLICY_CACHE_CAPACITY, doc: 'Rules the policy cache holds.' },
    { name: 'AINKA_SAMPLE_METRICS', value: SAMPLE_METRIC_COUNT, doc: 'Entries in ainka_sample.metrics.' },
    { name: 'AINKA_RING_MAGIC', value: RING_MAGIC, doc: 'ainka_ring_header.magic ("AINK").' },
    { name: 'AINKA_RING_DATA_OFFSET', value: RING_DATA_OFFSET, doc: 'Offset of record 0 in the mmap.' },
    { name: 'AINKA_RING_DEFAULT_CAPACITY', value: RING_DEFAULT_CAPACITY, doc: 'Default ring capacity in records.' },
    { name: 'AINKA_BPF_HIST_SLOTS', value: BPF_HIST_SLOTS, doc: 'Buckets of a log2 histogram.' },
    { name: 'AINKA_BPF_COMM_LEN', value: BPF_COMM_LEN, doc: 'Bytes of a command name.' },
    { name: 'AINKA_BPF_PATH_LEN', value: BPF_PATH_LEN, doc: 'Bytes kept of a path.' },
    { name: 'AINKA_BPF_TOP_N', value: BPF_TOP_N, doc: 'Entries of the in-kernel top-N syscall array.' },
    { name: 'AINKA_BPF_ARGS_LEN', value: BPF_ARGS_LEN, doc: 'Bytes kept of an exec argv.' },
    { name: 'AINKA_BPF_STR2_LEN', value: BPF_STR2_LEN, doc: 'Bytes of ainka_bpf_sec_call.str2.' },
    { name: 'AINKA_BPF_SYSCALL_MIX_WORDS', value: BPF_SYSCALL_MIX_WORDS, doc: 'u64 words of a syscall-mix bitmap.' },
  ],
  enums: [...coreEnums, ...bpfEnums],
  structs: [...coreStructs, ...bpfStructs],
  family,
  ioctlMagic: IOCTL_MAGIC,
  ioctls,
};

export * from './bpf.js';
export * from './enums.js';
export * from './ioctl.js';
export * from './netlink.js';
export * from './structs.js';
export * from './types.js';
