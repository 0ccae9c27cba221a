// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * sched: run-queue latency (wakeup → switch-in) as a log2 histogram, context switches per CPU,
 * CPU time per cgroup. Everything is aggregated in per-CPU maps (no atomics, no ring buffer, so
 * nothing here wakes the consumer); userspace sums the CPUs when it reads.
 *
 * Variants: tp_btf first, raw_tp second (same code, fields read with CO-RE).
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

/* pid → time it became runnable */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} wakeup_ts SEC(".maps");

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
};

/* slot 0: per-CPU switch counter and the on-CPU start of the current task */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_state);
} cpu_state SEC(".maps");

/* cgroup v2 id → on-CPU ns (per CPU; userspace sums) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} cgroup_ns SEC(".maps");

static __always_inline bool wanted(__u32 tgid)
{
	return tgid != ignore_tgid && (!target_tgid || tgid == target_tgid);
}

static __always_inline int on_wakeup(struct task_struct *p)
{
	__u32 pid = BPF_CORE_READ(p, pid);
	__u64 ts;

	if (!pid || !wanted(BPF_CORE_READ(p, tgid)))
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&wakeup_ts, &pid, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(wakeup__btf, struct task_struct *p)
{
	return on_wakeup(p);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(wakeup__raw, struct task_struct *p)
{
	return on_wakeup(p);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(wakeup_new__btf, struct task_struct *p)
{
	return on_wakeup(p);
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(wakeup_new__raw, struct task_struct *p)
{
	return on_wakeup(p);
}

static __always_inline void account_cgroup(__u64 delta)
{
	__u64 cgid = bpf_get_current_cgroup_id();
	__u64 *ns = bpf_map_lookup_elem(&cgroup_ns, &cgid);

	if (ns) {
		*ns += delta;
		return;
	}
	if (bpf_map_update_elem(&cgroup_ns, &cgid, &delta, BPF_NOEXIST))
		count_drop();
}

static __always_inline int on_switch(struct task_struct *prev, struct task_struct *next)
{
	struct ainka_bpf_hist *h;
	struct cpu_state *cs;
	__u32 zero = 0, pid;
	__u64 now, *tsp;

	now = bpf_ktime_get_ns();
	cs = bpf_map_lookup_elem(&cpu_state, &zero);
	if (!cs)
		return 0;
	cs->switches++;
	/* current is still prev here: charge its slice to its cgroup (not the idle task) */
	if (cs->since_ns && BPF_CORE_READ(prev, pid))
		account_cgroup(now - cs->since_ns);
	cs->since_ns = now;

	/* a preempted task goes straight back to the run queue */
	if (BPF_CORE_READ(prev, __state) == TASK_RUNNING)
		on_wakeup(prev);

	pid = BPF_CORE_READ(next, pid);
	tsp = bpf_map_lookup_elem(&wakeup_ts, &pid);
	if (!tsp)
		return 0;
	h = bpf_map_lookup_elem(&runq_hist, &zero);
	if (h && now > *tsp) {
		__u32 slot = log2_slot(now - *tsp);

		if (slot < AINKA_BPF_HIST_SLOTS)
			h->slots[slot]++;
		h->count++;
		h->sum_ns += now - *tsp;
	}
	bpf_map_delete_elem(&wakeup_ts, &pid);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(switch__btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(prev, next);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(switch__raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(prev, next);
}
