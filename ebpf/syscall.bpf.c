// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * syscall: syscall counts per syscall number (per-CPU array) and per process (LRU hash), and a
 * top-N of processes by syscalls computed in the kernel: userspace runs `collect_top` (never
 * attached, run with BPF_PROG_TEST_RUN once per interval), which walks the per-process map,
 * takes and zeroes each count, and keeps the N largest in the `top` array.
 *
 * Variants of the counter: tp_btf first, raw_tp second.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ainka_bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define MAX_SYSCALLS 512

/* Set through .rodata: when non-zero, count only this tgid. */
const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u64);
} per_syscall SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct ainka_bpf_proc_count);
} per_process SEC(".maps");

struct top_n {
	struct ainka_bpf_proc_count e[AINKA_BPF_TOP_N];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct top_n);
} top SEC(".maps");

static __always_inline int on_sys_enter(long id)
{
	struct ainka_bpf_proc_count *pc, fresh = {};
	__u32 tgid = current_tgid(), nr = id;
	__u64 *n;

	if (tgid == ignore_tgid || (target_tgid && tgid != target_tgid))
		return 0;
	if (nr < MAX_SYSCALLS) {
		n = bpf_map_lookup_elem(&per_syscall, &nr);
		if (n)
			*n += 1;
	}
	pc = bpf_map_lookup_elem(&per_process, &tgid);
	if (pc) {
		/* refresh the name now and then: the first syscall may predate exec */
		if ((__sync_fetch_and_add(&pc->count, 1) & 0x3ff) == 0x3ff)
			bpf_get_current_comm(pc->comm, sizeof(pc->comm));
		return 0;
	}
	fresh.count = 1;
	fresh.tgid = tgid;
	bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
	bpf_map_update_elem(&per_process, &tgid, &fresh, BPF_NOEXIST);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(count__btf, struct pt_regs *regs, long id)
{
	return on_sys_enter(id);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(count__raw, struct pt_regs *regs, long id)
{
	return on_sys_enter(id);
}

static long collect_one(struct bpf_map *map, __u32 *key, struct ainka_bpf_proc_count *pc, void *ctx)
{
	__u64 c = __sync_lock_test_and_set(&pc->count, 0);
	__u32 i, min_i = 0, zero = 0;
	__u64 min = ~0ULL;
	struct top_n *t;

	t = bpf_map_lookup_elem(&top, &zero);
	if (!t)
		return 1;
	if (!c) {
		/* idle since the last collection: forget it */
		bpf_map_delete_elem(map, key);
		return 0;
	}
	for (i = 0; i < AINKA_BPF_TOP_N; i++) {
		if (t->e[i].count < min) {
			min = t->e[i].count;
			min_i = i;
		}
	}
	if (c <= min || min_i >= AINKA_BPF_TOP_N)
		return 0;
	t->e[min_i].count = c;
	t->e[min_i].tgid = pc->tgid;
	t->e[min_i].reserved = 0;
	bpf_probe_read_kernel(t->e[min_i].comm, sizeof(t->e[min_i].comm), pc->comm);
	return 0;
}

SEC("raw_tp")
int collect_top(void *ctx)
{
	__u32 zero = 0;
	struct top_n *t = bpf_map_lookup_elem(&top, &zero);

	if (!t)
		return 1;
	__builtin_memset(t, 0, sizeof(*t));
	bpf_for_each_map_elem(&per_process, collect_one, NULL, 0);
	return 0;
}
