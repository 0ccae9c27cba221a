// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * sched: run-queue latency (wakeup → switch-in) as a log2 histogram, context switches per CPU,
 * CPU time per cgroup. Everything is aggregated in per-CPU maps (no atomics, no ring buffer, so
 * nothing here wakes the consumer); userspace sums the CPUs when it reads.
 *
 * Variants: tp_btf first (direct loads, task-local storage), raw_tp second (CO-RE probe reads,
 * a pid-keyed hash).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ainka_bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define TASK_RUNNING 0

/* Set through .rodata: when non-zero, only tasks of this tgid feed the run-queue histogram. */
const volatile __u32 target_tgid = 0;

/*
 * pid → time it became runnable (raw_tp variants). LRU: a task that exits while runnable never
 * switches in and would otherwise keep its entry forever; the oldest marks make room.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} wakeup_ts SEC(".maps");

/* task → time it became runnable, 0 once consumed (tp_btf variants: no hashing, no deletes) */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} wakeup_ts_task SEC(".maps");

/* slot 0: run-queue latency in ns, summed over CPUs by userspace */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ainka_bpf_hist);
} runq_hist SEC(".maps");

struct cpu_state {
	__u64 switches;     /* context switches on this CPU */
	__u64 since_ns;     /* when the current task was switched in */
	__u64 cgid;         /* cgroup whose on-CPU time is pending */
	__u64 pending_ns;   /* on-CPU time of cgid not yet added to cgroup_ns */
};

/* Pending per-CPU cgroup time is flushed to the map at least this often (bounds staleness). */
#define CGROUP_FLUSH_NS 10000000ULL

/* slot 0: per-CPU switch counter and the on-CPU start of the current task */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_state);
} cpu_state SEC(".maps");

/*
 * cgroup v2 id → on-CPU ns (per CPU; userspace sums). LRU: cgroups come and go (every service
 * restart, every container), so the least recently charged ones are evicted instead of new ones
 * being refused once the map is full.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} cgroup_ns SEC(".maps");

static __always_inline bool wanted(__u32 tgid)
{
	return tgid != ignore_tgid && (!target_tgid || tgid == target_tgid);
}

/*
 * Each handler comes in two builds: `btf` (tp_btf: typed, trusted pointers, direct loads and
 * task-local storage) and raw (raw_tp: CO-RE probe reads and a pid-keyed hash). `btf` is a
 * compile-time constant at every call site, so each program keeps only its own branch.
 */
#define TASK_READ(btf, t, field) ((btf) ? (t)->field : BPF_CORE_READ(t, field))

/* task_struct before 5.14 named its state `state` (a long); since then it is `__state`. */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}

static __always_inline void mark_runnable(struct task_struct *p, bool btf, __u64 now)
{
	__u32 pid = TASK_READ(btf, p, pid);
	__u64 *ts;

	if (!pid || !wanted(TASK_READ(btf, p, tgid)))
		return;
	if (btf) {
		ts = bpf_task_storage_get(&wakeup_ts_task, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (ts)
			*ts = now;
		else
			count_drop();
		return;
	}
	if (bpf_map_update_elem(&wakeup_ts, &pid, &now, BPF_ANY))
		count_drop();
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(wakeup__btf, struct task_struct *p)
{
	mark_runnable(p, true, bpf_ktime_get_ns());
	return 0;
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(wakeup__raw, struct task_struct *p)
{
	mark_runnable(p, false, bpf_ktime_get_ns());
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(wakeup_new__btf, struct task_struct *p)
{
	mark_runnable(p, true, bpf_ktime_get_ns());
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(wakeup_new__raw, struct task_struct *p)
{
	mark_runnable(p, false, bpf_ktime_get_ns());
	return 0;
}

static __always_inline void flush_cgroup(__u64 cgid, __u64 ns)
{
	__u64 *total;

	if (!ns)
		return;
	total = bpf_map_lookup_elem(&cgroup_ns, &cgid);
	if (total) {
		*total += ns;
		return;
	}
	if (bpf_map_update_elem(&cgroup_ns, &cgid, &ns, BPF_NOEXIST))
		count_drop();
}

/*
 * Charges `delta` to the current task's cgroup. Consecutive slices of one cgroup on a CPU (the
 * common case) add up in the per-CPU state; the hash map is touched only when the cgroup
 * changes or every CGROUP_FLUSH_NS, so userspace sees the totals at most that late.
 */
static __always_inline void account_cgroup(struct cpu_state *cs, __u64 delta)
{
	__u64 cgid = bpf_get_current_cgroup_id();

	if (cgid == cs->cgid) {
		cs->pending_ns += delta;
		if (cs->pending_ns < CGROUP_FLUSH_NS)
			return;
		flush_cgroup(cgid, cs->pending_ns);
		cs->pending_ns = 0;
		return;
	}
	flush_cgroup(cs->cgid, cs->pending_ns);
	cs->cgid = cgid;
	cs->pending_ns = delta;
}

/* Time `next` waited on the run queue, or 0 when it was not marked. Consumes the mark. */
static __always_inline __u64 take_wait(struct task_struct *next, bool btf, __u64 now)
{
	__u64 *tsp, ts;
	__u32 pid;

	if (btf) {
		tsp = bpf_task_storage_get(&wakeup_ts_task, next, NULL, 0);
		if (!tsp || !*tsp)
			return 0;
		ts = *tsp;
		*tsp = 0;
	} else {
		pid = BPF_CORE_READ(next, pid);
		tsp = bpf_map_lookup_elem(&wakeup_ts, &pid);
		if (!tsp)
			return 0;
		ts = *tsp;
		bpf_map_delete_elem(&wakeup_ts, &pid);
	}
	return now > ts ? now - ts : 0;
}

static __always_inline int on_switch(struct task_struct *prev, struct task_struct *next, bool btf)
{
	struct ainka_bpf_hist *h;
	struct cpu_state *cs;
	__u32 zero = 0, slot;
	__u64 now, wait;

	now = bpf_ktime_get_ns();
	cs = bpf_map_lookup_elem(&cpu_state, &zero);
	if (!cs)
		return 0;
	cs->switches++;
	/* current is still prev here: charge its slice to its cgroup (not the idle task) */
	if (cs->since_ns && TASK_READ(btf, prev, pid))
		account_cgroup(cs, now - cs->since_ns);
	cs->since_ns = now;

	/* a preempted task goes straight back to the run queue */
	if (task_state(prev) == TASK_RUNNING)
		mark_runnable(prev, btf, now);

	if (!TASK_READ(btf, next, pid))
		return 0;
	wait = take_wait(next, btf, now);
	if (!wait)
		return 0;
	h = bpf_map_lookup_elem(&runq_hist, &zero);
	if (!h)
		return 0;
	slot = log2_slot(wait);
	if (slot < AINKA_BPF_HIST_SLOTS)
		h->slots[slot]++;
	h->count++;
	h->sum_ns += wait;
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(switch__btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(prev, next, true);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(switch__raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(prev, next, false);
}
