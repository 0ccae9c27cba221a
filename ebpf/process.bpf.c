// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * process: exec and exit of processes, opens of watched files, OOM kills. Records go to the
 * `events` ring buffer (struct ainka_bpf_exec / _exit / _file_open / _oom_kill).
 *
 * Programs come in variants named <slot>__<kind>; the loader keeps the first variant of each slot
 * that loads on this kernel: tp_btf (BTF-typed raw tracepoint) first, raw_tp second. Neither needs
 * tracefs, kprobes or the BPF trampoline (the open watch tries fentry and kprobe first, as extras).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ainka_bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set through .rodata: emit file-open records only when the watch list may be non-empty. */
const volatile bool watch_enabled = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/* Watch list: exact path as passed to open/openat/openat2 (zero padded) → watch id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[AINKA_BPF_PATH_LEN]);
	__type(value, __u32);
} watch_paths SEC(".maps");

static __always_inline int on_exec(struct task_struct *task, struct linux_binprm *bprm)
{
	struct ainka_bpf_exec *e;
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (tgid == ignore_tgid)
		return 0;
	e = ainka_reserve(&events, AINKA_BPF_EVENT_EXEC, struct ainka_bpf_exec);
	if (!e)
		return 0;
	ainka_fill_exec(e, task, bprm);
	e->reserved = 0;
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec__btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(p, bprm);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(exec__raw, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(p, bprm);
}

static __always_inline int on_exit(struct task_struct *task)
{
	struct ainka_bpf_exit *e;
	__u32 tgid = BPF_CORE_READ(task, tgid);

	/* One record per process: only when its thread group leader exits. */
	if (BPF_CORE_READ(task, pid) != tgid || tgid == ignore_tgid)
		return 0;
	e = ainka_reserve(&events, AINKA_BPF_EVENT_EXIT, struct ainka_bpf_exit);
	if (!e)
		return 0;
	ainka_fill_exit(e, task);
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(exit__btf, struct task_struct *p)
{
	return on_exit(p);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(exit__raw, struct task_struct *p)
{
	return on_exit(p);
}

#if defined(__TARGET_ARCH_x86)
#define NR_OPEN 2
#define NR_OPENAT 257
#elif defined(__TARGET_ARCH_arm64)
#define NR_OPEN -1
#define NR_OPENAT 56
#else
#error "define the open/openat syscall numbers of this architecture"
#endif
#define NR_OPENAT2 437

/*
 * Optional cheaper variants that see only opens instead of every syscall: fentry (needs the BPF
 * trampoline) and kprobe (needs kprobes). Neither works on every kernel — the loader tries them
 * first and falls back to the sys_enter forms below.
 */
static __always_inline int on_open(const char *name, __s32 flags)
{
	char path[AINKA_BPF_PATH_LEN] = {};
	struct ainka_bpf_file_open *e;
	__u32 *watch_id;
	__u32 tgid;

	if (!watch_enabled)
		return 0;
	tgid = current_tgid();
	if (tgid == ignore_tgid)
		return 0;
	if (bpf_probe_read_user_str(path, sizeof(path), name) <= 0)
		return 0;
	watch_id = bpf_map_lookup_elem(&watch_paths, path);
	if (!watch_id)
		return 0;
	e = ainka_reserve(&events, AINKA_BPF_EVENT_FILE_OPEN, struct ainka_bpf_file_open);
	if (!e)
		return 0;
	e->pid = tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->flags = flags;
	e->watch_id = *watch_id;
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel(e->filename, sizeof(e->filename), path);
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
	return 0;
}

SEC("fentry/do_sys_openat2")
int BPF_PROG(open__fentry, int dfd, const char *filename, struct open_how *how)
{
	return on_open(filename, (__s32)BPF_CORE_READ(how, flags));
}

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(open__kprobe, int dfd, const char *filename, struct open_how *how)
{
	return on_open(filename, (__s32)BPF_CORE_READ(how, flags));
}

static __always_inline int on_sys_enter(struct pt_regs *regs, long id)
{
	if (id == NR_OPEN)
		return on_open((const char *)PT_REGS_PARM1_CORE_SYSCALL(regs), (__s32)PT_REGS_PARM2_CORE_SYSCALL(regs));
	if (id == NR_OPENAT)
		return on_open((const char *)PT_REGS_PARM2_CORE_SYSCALL(regs), (__s32)PT_REGS_PARM3_CORE_SYSCALL(regs));
	if (id == NR_OPENAT2)
		return on_open((const char *)PT_REGS_PARM2_CORE_SYSCALL(regs), 0);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(open__btf, struct pt_regs *regs, long id)
{
	return on_sys_enter(regs, id);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(open__raw, struct pt_regs *regs, long id)
{
	return on_sys_enter(regs, id);
}

/*
 * mm->rss_stat before 6.2 was one atomic per counter (struct mm_rss_stat); since then it is an
 * array of percpu_counter (whose .count is the folded total). The flavor below matches the old
 * layout; bpf_core_type_exists() picks the branch on the running kernel.
 */
struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
};

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
};

static __always_inline __u64 anon_rss_pages(struct mm_struct *mm)
{
	if (bpf_core_type_exists(struct mm_rss_stat___pre62))
		return BPF_CORE_READ((struct mm_struct___pre62 *)mm, rss_stat.count[MM_ANONPAGES].counter);
	return BPF_CORE_READ(mm, rss_stat[MM_ANONPAGES].count);
}

/* log2 of the kernel's page size, set through .rodata by the loader (4 KiB unless told). */
const volatile __u32 page_shift = 12;

static __always_inline void fill_victim(struct ainka_bpf_oom_kill *e, struct task_struct *task)
{
	e->pid = BPF_CORE_READ(task, tgid);
	e->total_vm_kb = BPF_CORE_READ(task, mm, total_vm) << (page_shift - 10);
	e->anon_rss_kb = anon_rss_pages(BPF_CORE_READ(task, mm)) << (page_shift - 10);
	e->oom_score_adj = BPF_CORE_READ(task, signal, oom_score_adj);
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
}

/*
 * oom:mark_victim passes the victim task since 6.8 (the tracepoint grew total_vm, rss, uid…);
 * before that only its pid. The CO-RE check picks the branch on the running kernel. With the pid
 * only, the rest is read from the current task when it is the victim: the OOM killer runs in the
 * task whose allocation failed, which is the victim when a process overruns its own memory
 * cgroup's limit (the common case); otherwise only the pid is known.
 */
static __always_inline int on_mark_victim(__u64 *ctx)
{
	struct ainka_bpf_oom_kill *e;
	struct task_struct *task;
	__u32 victim;

	e = ainka_reserve(&events, AINKA_BPF_EVENT_OOM_KILL, struct ainka_bpf_oom_kill);
	if (!e)
		return 0;
	e->pid = 0;
	e->uid = 0;
	e->total_vm_kb = 0;
	e->anon_rss_kb = 0;
	e->oom_score_adj = 0;
	e->reserved = 0;
	e->comm[0] = '\0';
	if (bpf_core_field_exists(struct trace_event_raw_mark_victim, total_vm)) {
		fill_victim(e, (struct task_struct *)ctx[0]);
		e->uid = (__u32)ctx[1];
	} else {
		victim = (__u32)ctx[0];
		e->pid = victim;
		task = (struct task_struct *)bpf_get_current_task();
		if (BPF_CORE_READ(task, pid) == victim) {
			fill_victim(e, task);
			e->uid = (__u32)bpf_get_current_uid_gid();
		}
	}
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
	return 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(oom__btf)
{
	return on_mark_victim(ctx);
}

SEC("raw_tp/mark_victim")
int BPF_PROG(oom__raw)
{
	return on_mark_victim(ctx);
}
