/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Helpers shared by every AINKA eBPF program. Include after vmlinux.h and the bpf/ headers.
 *
 * Every program object has:
 *   - `drops`: a one-slot per-CPU counter of records that did not fit the ring buffer (or of
 *     aggregation entries that did not fit their map), read by userspace, never silent;
 *   - `ignore_tgid`: the consumer's own process, so the daemon never observes itself.
 * Ring buffer records are submitted with BPF_RB_NO_WAKEUP: userspace drains on a timer, so a
 * record never wakes the consumer (which would be observed by sched_switch, a feedback loop).
 */
#ifndef AINKA_BPF_H
#define AINKA_BPF_H

#include "ainka.h"

#define AINKA_RB_FLAGS BPF_RB_NO_WAKEUP

#ifndef READ_ONCE
#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))
#endif

/* Set through .rodata before load: the consumer's tgid, never observed. */
const volatile __u32 ignore_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(void)
{
	__u32 zero = 0;
	__u64 *d = bpf_map_lookup_elem(&drops, &zero);

	if (d)
		*d += 1;
}

static __always_inline __u32 current_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

/* floor(log2(v)), 0 for v == 0, clamped to the last slot. */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r < AINKA_BPF_HIST_SLOTS ? r : AINKA_BPF_HIST_SLOTS - 1;
}

static __always_inline void hist_add(struct ainka_bpf_hist *h, __u64 v)
{
	__u32 slot = log2_slot(v);

	if (slot >= AINKA_BPF_HIST_SLOTS)
		return;
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->sum_ns, v);
}

static __always_inline void fill_hdr(struct ainka_bpf_event_hdr *h, __u16 type, __u16 size)
{
	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->timestamp_ns = bpf_ktime_get_ns();
}

/* Reserves a record of `size` bytes in `ring`, or counts a drop and returns NULL. */
#define ainka_reserve(ring, type_, rec_type)                                         \
	({                                                                           \
		rec_type *__r = bpf_ringbuf_reserve(ring, sizeof(rec_type), 0);      \
		if (__r)                                                             \
			fill_hdr((struct ainka_bpf_event_hdr *)__r, type_, sizeof(rec_type)); \
		else                                                                 \
			count_drop();                                                \
		__r;                                                                 \
	})

/*
 * The fields every exec record shares (struct ainka_bpf_exec and struct ainka_bpf_sec_exec), filled
 * at sched_process_exec in the new program's context: a macro because the two structs differ in
 * type but not in these field names.
 */
#define ainka_fill_exec(e, task, bprm)                                                          \
	do {                                                                                    \
		(e)->pid = BPF_CORE_READ(task, tgid);                                           \
		(e)->ppid = BPF_CORE_READ(task, real_parent, tgid);                             \
		(e)->uid = (__u32)bpf_get_current_uid_gid();                                    \
		(e)->cgroup_id = bpf_get_current_cgroup_id();                                   \
		bpf_get_current_comm((e)->comm, sizeof((e)->comm));                             \
		if (bpf_probe_read_kernel_str((e)->filename, sizeof((e)->filename),             \
					      BPF_CORE_READ(bprm, filename)) < 0)              \
			(e)->filename[0] = '\0';                                                \
	} while (0)

/* The fields every exit record shares, filled at sched_process_exit of a thread group leader. */
#define ainka_fill_exit(e, task)                                                                \
	do {                                                                                    \
		(e)->pid = BPF_CORE_READ(task, tgid);                                           \
		(e)->ppid = BPF_CORE_READ(task, real_parent, tgid);                             \
		(e)->uid = (__u32)bpf_get_current_uid_gid();                                    \
		(e)->exit_code = BPF_CORE_READ(task, exit_code);                                \
		(e)->cgroup_id = bpf_get_current_cgroup_id();                                   \
		(e)->duration_ns = (e)->timestamp_ns - BPF_CORE_READ(task, start_time);         \
		BPF_CORE_READ_STR_INTO(&(e)->comm, task, comm);                                 \
	} while (0)

#endif
