// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * flood: the ring buffer benchmark's generator (tools/bench/ebpf). Each getppid(2) of the
 * `target_tgid` process emits `per_call` struct ainka_bpf_exit records, exactly as the process
 * program does (reserve, fill, submit with BPF_RB_NO_WAKEUP).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "ainka_bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define NR_GETPPID 110

const volatile __u32 target_tgid = 0;
const volatile __u32 per_call = 16;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} events SEC(".maps");

static long emit_one(__u32 i, void *ctx)
{
	struct ainka_bpf_exit *e = ainka_reserve(&events, AINKA_BPF_EVENT_EXIT, struct ainka_bpf_exit);

	if (!e)
		return 0;
	e->pid = i;
	e->ppid = 0;
	e->uid = 0;
	e->exit_code = 0;
	e->cgroup_id = 0;
	e->duration_ns = 0;
	e->comm[0] = '\0';
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(flood, struct pt_regs *regs, long id)
{
	if (id != NR_GETPPID || current_tgid() != target_tgid)
		return 0;
	bpf_loop(per_call, emit_one, NULL, 0);
	return 0;
}
