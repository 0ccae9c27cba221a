// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * syscall: syscall counts per syscall number (per-CPU array) and per process, and a top-N of
 * processes by syscalls computed in the kernel.
 *
 * Hot path (every syscall), two variants:
 *   count__btf  counts per thread in task-local storage (no hashing, no shared cache line);
 *               `flush__btf` moves an exiting thread's count into `per_process`, and the
 *               `collect_threads` task iterator moves every live thread's count there;
 *   count__raw  fallback: counts straight into the `per_process` LRU hash (atomic add).
 * Once per interval userspace runs `collect_threads` (iter/task, read to EOF) and then
 * `collect_top` (BPF_PROG_TEST_RUN), which walks `per_process`, takes and zeroes each count and
 * keeps the N largest in `top`.
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

/*
 * Per thread (count__btf). Single writer per field, so no atomics on the hot path: the thread
 * itself only increments `count`, collectors only advance `taken`; count - taken is what has not
 * been collected yet.
 */
struct thread_count {
	__u64 count;
	__u64 taken;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct thread_count);
} per_thread SEC(".maps");

static __always_inline bool counted(__u32 tgid)
{
	return tgid != ignore_tgid && (!target_tgid || tgid == target_tgid);
}

static __always_inline void count_syscall(long id)
{
	__u32 nr = id;
	__u64 *n;

	if (nr < MAX_SYSCALLS) {
		n = bpf_map_lookup_elem(&per_syscall, &nr);
		if (n)
			*n += 1;
	}
}

/* Adds `c` syscalls to a process's entry, creating it (with `comm`) when missing. */
static __always_inline void add_to_process(__u32 tgid, __u64 c, const char *comm)
{
	struct ainka_bpf_proc_count *pc = bpf_map_lookup_elem(&per_process, &tgid), fresh = {};

	if (pc) {
		__sync_fetch_and_add(&pc->count, c);
		return;
	}
	fresh.count = c;
	fresh.tgid = tgid;
	bpf_probe_read_kernel_str(fresh.comm, sizeof(fresh.comm), comm);
	if (bpf_map_update_elem(&per_process, &tgid, &fresh, BPF_NOEXIST)) {
		pc = bpf_map_lookup_elem(&per_process, &tgid);
		if (pc)
			__sync_fetch_and_add(&pc->count, c);
		else
			count_drop();
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(count__btf, struct pt_regs *regs, long id)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct thread_count *tc;

	if (!counted(t->tgid))
		return 0;
	count_syscall(id);
	tc = bpf_task_storage_get(&per_thread, t, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (tc)
		tc->count++;
	else
		count_drop();
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(count__raw, struct pt_regs *regs, long id)
{
	struct ainka_bpf_proc_count *pc;
	char comm[AINKA_BPF_COMM_LEN];
	__u32 tgid = current_tgid();

	if (!counted(tgid))
		return 0;
	count_syscall(id);
	pc = bpf_map_lookup_elem(&per_process, &tgid);
	if (pc) {
		/* refresh the name now and then: the first syscall may predate exec */
		if ((__sync_fetch_and_add(&pc->count, 1) & 0x3ff) == 0x3ff)
			bpf_get_current_comm(pc->comm, sizeof(pc->comm));
		return 0;
	}
	bpf_get_current_comm(comm, sizeof(comm));
	add_to_process(tgid, 1, comm);
	return 0;
}

/*
 * Takes a thread's uncollected count into its process's entry. Collectors (the exit hook and the
 * iterator) may race each other on one thread, so `taken` advances by compare-and-swap and only
 * the winner adds the difference.
 */
static __always_inline void flush_thread(struct task_struct *t)
{
	struct thread_count *tc = bpf_task_storage_get(&per_thread, t, NULL, 0);
	__u64 count, taken;

	if (!tc)
		return;
	count = READ_ONCE(tc->count);
	taken = READ_ONCE(tc->taken);
	if (count == taken || __sync_val_compare_and_swap(&tc->taken, taken, count) != taken)
		return;
	add_to_process(t->tgid, count - taken, t->group_leader->comm);
}

/* A thread is exiting: keep its count (count__btf only; optional). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(flush__btf, struct task_struct *p)
{
	flush_thread(p);
	return 0;
}

/* Run by userspace each interval (read to EOF): every live thread's count into per_process. */
SEC("iter/task")
int collect_threads(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;

	if (t)
		flush_thread(t);
	return 0;
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
