// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * security: the events a host intrusion detector needs, into the `events` ring buffer.
 *
 *   exec     exec with argv (bounded), euid, and whether fd 0/1 of the new program and of its
 *            parent are network (AF_INET/AF_INET6) sockets          struct ainka_bpf_sec_exec
 *   fork     new processes (not threads), for the process tree       struct ainka_bpf_fork
 *   exit     thread group leaders exiting (+ the syscall mix)        struct ainka_bpf_exit / _syscall_mix
 *   sock     TCP connects (→ SYN_SENT) and listens (→ LISTEN), in the
 *            caller's context                                        struct ainka_bpf_tcp
 *   sys      sys_enter: opens matching the watch trie, ptrace attach, init/finit_module,
 *            the setuid/setgid family, capset, mount/move_mount,
 *            chmod family setting a set-uid/set-gid bit                ainka_bpf_file_open / _sec_call
 *   modload  module:module_load (kernels with loadable modules)      struct ainka_bpf_sec_call
 *
 * Only tracepoints (tp_btf first, raw_tp as the fallback): no kprobes, no fentry, no tracefs.
 *
 * The watch trie is an LPM trie over path bytes. Userspace inserts a directory prefix
 * ("/etc/", prefix length 5 bytes) or an exact path (with its NUL, so it matches that path only);
 * the value says which opens to report: any open, or only opens for writing. The longest entry
 * wins, so an exact read watch inside a write-watched directory still reports reads. Paths are
 * matched as given to the syscall: relative paths are not matched.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ainka_bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define S_IFMT 00170000
#define S_IFSOCK 0140000

#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_TRUNC 00001000
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)

#define PTRACE_ATTACH 16
#define PTRACE_SEIZE 0x4206

#define EXEC_STDIN_INET (1 << 0)
#define EXEC_STDOUT_INET (1 << 1)
#define EXEC_PARENT_STDIN_INET (1 << 2)
#define EXEC_PARENT_STDOUT_INET (1 << 3)
#define EXEC_ARGS_TRUNCATED (1 << 4)

#define WATCH_ANY_OPEN 1
#define WATCH_WRITE_OPEN 2

#if defined(__TARGET_ARCH_x86)
#define NR_OPEN 2
#define NR_OPENAT 257
#define NR_PTRACE 101
#define NR_SETUID 105
#define NR_SETGID 106
#define NR_SETREUID 113
#define NR_SETREGID 114
#define NR_SETRESUID 117
#define NR_SETRESGID 119
#define NR_SETFSUID 122
#define NR_SETFSGID 123
#define NR_CAPSET 126
#define NR_MOUNT 165
#define NR_INIT_MODULE 175
#define NR_FINIT_MODULE 313
#define NR_CHMOD 90
#define NR_FCHMOD 91
#define NR_FCHMODAT 268
#elif defined(__TARGET_ARCH_arm64)
#define NR_OPEN -1
#define NR_OPENAT 56
#define NR_PTRACE 117
#define NR_SETUID 146
#define NR_SETGID 144
#define NR_SETREUID 145
#define NR_SETREGID 143
#define NR_SETRESUID 147
#define NR_SETRESGID 149
#define NR_SETFSUID 151
#define NR_SETFSGID 152
#define NR_CAPSET 91
#define NR_MOUNT 40
#define NR_INIT_MODULE 105
#define NR_FINIT_MODULE 273
#define NR_CHMOD -1
#define NR_FCHMOD 52
#define NR_FCHMODAT 53
#else
#error "define the syscall numbers of this architecture"
#endif
#define NR_OPENAT2 437
#define NR_MOVE_MOUNT 429
#define NR_FCHMODAT2 452
#define S_ISUID 04000
#define S_ISGID 02000
#define MIX_SYSCALLS (AINKA_BPF_SYSCALL_MIX_WORDS * 64)

/* Set through .rodata: report opens matching the watch trie. */
const volatile bool watch_enabled = true;
/* Set through .rodata: keep the set of syscalls each process uses (one hash lookup per syscall). */
const volatile bool syscall_mix = true;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct watch_key {
	__u32 prefixlen;
	char path[AINKA_BPF_PATH_LEN];
};

struct watch_value {
	__u32 id;
	__u32 mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 256);
	__type(key, struct watch_key);
	__type(value, struct watch_value);
} watch_trie SEC(".maps");

struct mix {
	__u64 bits[AINKA_BPF_SYSCALL_MIX_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct mix);
} mixes SEC(".maps");

/* Scratch for the watch lookup (the key does not fit the stack next to the rest). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct watch_key);
} scratch SEC(".maps");

static __always_inline __u32 current_euid(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(t, cred, euid.val);
}

/* Whether fd `fd` of `task` is an AF_INET/AF_INET6 socket. */
static __always_inline bool fd_is_inet(struct task_struct *task, int fd)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	struct socket *sock;
	struct file *f = NULL;
	unsigned int max;
	__u16 family;
	umode_t mode;

	max = BPF_CORE_READ(task, files, fdt, max_fds);
	if (!fds || (unsigned int)fd >= max)
		return false;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return false;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return false;
	sock = (struct socket *)BPF_CORE_READ(f, private_data);
	if (!sock)
		return false;
	family = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
	return family == AF_INET || family == AF_INET6;
}

static __always_inline int on_exec(struct task_struct *task, struct linux_binprm *bprm)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	struct ainka_bpf_sec_exec *e;
	__u32 tgid = BPF_CORE_READ(task, tgid);
	unsigned long start, end;
	__u64 len;

	if (tgid == ignore_tgid)
		return 0;
	e = ainka_reserve(&events, AINKA_BPF_EVENT_SEC_EXEC, struct ainka_bpf_sec_exec);
	if (!e)
		return 0;
	ainka_fill_exec(e, task, bprm);
	e->euid = BPF_CORE_READ(task, cred, euid.val);
	e->flags = 0;
	if (fd_is_inet(task, 0))
		e->flags |= EXEC_STDIN_INET;
	if (fd_is_inet(task, 1))
		e->flags |= EXEC_STDOUT_INET;
	if (fd_is_inet(parent, 0))
		e->flags |= EXEC_PARENT_STDIN_INET;
	if (fd_is_inet(parent, 1))
		e->flags |= EXEC_PARENT_STDOUT_INET;
	start = BPF_CORE_READ(task, mm, arg_start);
	end = BPF_CORE_READ(task, mm, arg_end);
	len = end > start ? end - start : 0;
	if (len > sizeof(e->args)) {
		len = sizeof(e->args);
		e->flags |= EXEC_ARGS_TRUNCATED;
	}
	e->args_len = 0;
	if (len > 0) {
		if (bpf_probe_read_user(e->args, len, (void *)start) == 0)
			e->args_len = len;
		else
			e->flags |= EXEC_ARGS_TRUNCATED; /* unreadable: not an empty argv */
	}
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

static __always_inline int on_fork(struct task_struct *parent, struct task_struct *child)
{
	struct ainka_bpf_fork *e;
	__u32 tgid = BPF_CORE_READ(child, tgid);

	/* threads share the parent's tgid: only new processes */
	if (BPF_CORE_READ(child, pid) != tgid || BPF_CORE_READ(parent, tgid) == ignore_tgid)
		return 0;
	e = ainka_reserve(&events, AINKA_BPF_EVENT_FORK, struct ainka_bpf_fork);
	if (!e)
		return 0;
	e->pid = tgid;
	e->ppid = BPF_CORE_READ(parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->reserved = 0;
	BPF_CORE_READ_STR_INTO(&e->comm, parent, comm);
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork__btf, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(fork__raw, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

static __always_inline void send_mix(__u32 tgid, struct task_struct *task)
{
	struct ainka_bpf_syscall_mix *e;
	struct mix *m = bpf_map_lookup_elem(&mixes, &tgid);
	int i;

	if (!m)
		return;
	e = ainka_reserve(&events, AINKA_BPF_EVENT_SYSCALL_MIX, struct ainka_bpf_syscall_mix);
	if (e) {
		e->pid = tgid;
		e->reserved = 0;
		for (i = 0; i < AINKA_BPF_SYSCALL_MIX_WORDS; i++)
			e->bits[i] = m->bits[i];
		BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
		bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
	}
	bpf_map_delete_elem(&mixes, &tgid);
}

static __always_inline int on_exit(struct task_struct *task)
{
	struct ainka_bpf_exit *e;
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (BPF_CORE_READ(task, pid) != tgid || tgid == ignore_tgid)
		return 0;
	if (syscall_mix)
		send_mix(tgid, task);
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

/* Outbound connects (CLOSE → SYN_SENT) and listens (→ LISTEN) happen in the caller's context. */
static __always_inline int on_set_state(const struct sock *sk, int oldstate, int newstate)
{
	struct ainka_bpf_tcp *e;
	__u16 family;
	__u32 tgid;

	if (newstate != TCP_SYN_SENT && newstate != TCP_LISTEN)
		return 0;
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	tgid = current_tgid();
	if (tgid == ignore_tgid)
		return 0;
	e = ainka_reserve(&events, AINKA_BPF_EVENT_TCP_STATE, struct ainka_bpf_tcp);
	if (!e)
		return 0;
	e->pid = tgid;
	e->family = family;
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->old_state = oldstate;
	e->new_state = newstate;
	e->reserved = 0;
	e->connect_latency_ns = 0;
	e->cgroup_id = bpf_get_current_cgroup_id();	/* the caller's, as it is now (it may have moved since exec) */
	__builtin_memset(e->saddr, 0, sizeof(e->saddr));
	__builtin_memset(e->daddr, 0, sizeof(e->daddr));
	if (family == AF_INET) {
		bpf_core_read(e->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(e->daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(e->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(e->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(sock__btf, const struct sock *sk, const int oldstate, const int newstate)
{
	return on_set_state(sk, oldstate, newstate);
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(sock__raw, const struct sock *sk, const int oldstate, const int newstate)
{
	return on_set_state(sk, oldstate, newstate);
}

static __always_inline void on_open(const char *name, __s32 flags)
{
	struct ainka_bpf_file_open *e;
	struct watch_value *w;
	struct watch_key *key;
	__u32 zero = 0;

	key = bpf_map_lookup_elem(&scratch, &zero);
	if (!key)
		return;
	__builtin_memset(key->path, 0, sizeof(key->path));
	if (bpf_probe_read_user_str(key->path, sizeof(key->path), name) <= 1 || key->path[0] != '/')
		return;
	key->prefixlen = AINKA_BPF_PATH_LEN * 8;
	w = bpf_map_lookup_elem(&watch_trie, key);
	if (!w)
		return;
	if (!(w->mode & WATCH_ANY_OPEN) && !(flags & WRITE_FLAGS))
		return;
	e = ainka_reserve(&events, AINKA_BPF_EVENT_FILE_OPEN, struct ainka_bpf_file_open);
	if (!e)
		return;
	e->pid = current_tgid();
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->flags = flags;
	e->watch_id = w->id;
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel(e->filename, sizeof(e->filename), key->path);
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
}

static __always_inline struct ainka_bpf_sec_call *reserve_call(__u32 call)
{
	struct ainka_bpf_sec_call *e = ainka_reserve(&events, AINKA_BPF_EVENT_SEC_CALL, struct ainka_bpf_sec_call);

	if (!e)
		return NULL;
	e->pid = current_tgid();
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->euid = current_euid();
	e->call = call;
	e->args[0] = e->args[1] = e->args[2] = e->args[3] = 0;
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->str[0] = '\0';
	e->str2[0] = '\0';
	return e;
}

static __always_inline void on_call(struct pt_regs *regs, long id)
{
	struct ainka_bpf_sec_call *e;
	__u32 data[6] = {};
	const char *p;

	switch (id) {
	case NR_PTRACE: {
		long req = PT_REGS_PARM1_CORE_SYSCALL(regs);

		if (req != PTRACE_ATTACH && req != PTRACE_SEIZE)
			return;
		e = reserve_call(AINKA_SEC_CALL_PTRACE);
		if (!e)
			return;
		e->args[0] = req;
		e->args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
		break;
	}
	case NR_INIT_MODULE:
		e = reserve_call(AINKA_SEC_CALL_INIT_MODULE);
		if (!e)
			return;
		e->args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
		break;
	case NR_FINIT_MODULE:
		e = reserve_call(AINKA_SEC_CALL_FINIT_MODULE);
		if (!e)
			return;
		e->args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
		e->args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
		break;
	case NR_SETUID:
	case NR_SETREUID:
	case NR_SETRESUID:
	case NR_SETFSUID:
	case NR_SETGID:
	case NR_SETREGID:
	case NR_SETRESGID:
	case NR_SETFSGID: {
		bool gid = id == NR_SETGID || id == NR_SETREGID || id == NR_SETRESGID || id == NR_SETFSGID;
		int nargs = (id == NR_SETRESUID || id == NR_SETRESGID) ? 3 : (id == NR_SETREUID || id == NR_SETREGID) ? 2 : 1;

		e = reserve_call(gid ? AINKA_SEC_CALL_SETGID : AINKA_SEC_CALL_SETUID);
		if (!e)
			return;
		e->args[0] = (__u32)PT_REGS_PARM1_CORE_SYSCALL(regs);
		e->args[1] = nargs > 1 ? (__u32)PT_REGS_PARM2_CORE_SYSCALL(regs) : 0xffffffff;
		e->args[2] = nargs > 2 ? (__u32)PT_REGS_PARM3_CORE_SYSCALL(regs) : 0xffffffff;
		e->args[3] = id;
		break;
	}
	case NR_CAPSET: {
		struct { __u32 version; int pid; } hdr = {};

		bpf_probe_read_user(&hdr, sizeof(hdr), (void *)PT_REGS_PARM1_CORE_SYSCALL(regs));
		/* two struct __user_cap_data_struct {effective, permitted, inheritable} (v2/v3) */
		bpf_probe_read_user(data, sizeof(data), (void *)PT_REGS_PARM2_CORE_SYSCALL(regs));
		e = reserve_call(AINKA_SEC_CALL_CAPSET);
		if (!e)
			return;
		e->args[0] = data[0] | ((__u64)data[3] << 32);
		e->args[1] = data[1] | ((__u64)data[4] << 32);
		e->args[2] = data[2] | ((__u64)data[5] << 32);
		e->args[3] = (__u32)hdr.pid;
		break;
	}
	case NR_MOUNT:
		e = reserve_call(AINKA_SEC_CALL_MOUNT);
		if (!e)
			return;
		p = (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
		bpf_probe_read_user_str(e->str, sizeof(e->str), p);
		p = (const char *)PT_REGS_PARM3_CORE_SYSCALL(regs);
		if (p)
			bpf_probe_read_user_str(e->str2, sizeof(e->str2), p);
		e->args[0] = PT_REGS_PARM4_CORE_SYSCALL(regs);
		break;
	case NR_CHMOD:
	case NR_FCHMOD:
	case NR_FCHMODAT:
	case NR_FCHMODAT2: {
		/* chmod(path, mode), fchmod(fd, mode), fchmodat[2](dirfd, path, mode[, flags]) */
		long mode = id == NR_CHMOD || id == NR_FCHMOD ? PT_REGS_PARM2_CORE_SYSCALL(regs) : PT_REGS_PARM3_CORE_SYSCALL(regs);

		if (!(mode & (S_ISUID | S_ISGID)))
			return;
		e = reserve_call(AINKA_SEC_CALL_CHMOD);
		if (!e)
			return;
		e->args[0] = (__u32)mode;
		e->args[1] = id == NR_CHMOD ? (__u64)-100 : (__u64)(__s64)(int)PT_REGS_PARM1_CORE_SYSCALL(regs);
		e->args[3] = id;
		if (id == NR_CHMOD)
			p = (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs);
		else if (id == NR_FCHMOD)
			p = NULL;
		else
			p = (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
		if (p)
			bpf_probe_read_user_str(e->str, sizeof(e->str), p);
		break;
	}
	case NR_MOVE_MOUNT:
		e = reserve_call(AINKA_SEC_CALL_MOUNT);
		if (!e)
			return;
		p = (const char *)PT_REGS_PARM4_CORE_SYSCALL(regs);
		bpf_probe_read_user_str(e->str, sizeof(e->str), p);
		e->args[0] = PT_REGS_PARM5_CORE_SYSCALL(regs);
		break;
	default:
		return;
	}
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
}

static __always_inline void note_syscall(__u32 tgid, long id)
{
	static const struct mix empty = {};
	struct mix *m;
	__u32 nr = id;
	__u64 bit;

	if (nr >= MIX_SYSCALLS)
		return;
	m = bpf_map_lookup_elem(&mixes, &tgid);
	if (!m) {
		bpf_map_update_elem(&mixes, &tgid, &empty, BPF_NOEXIST);
		m = bpf_map_lookup_elem(&mixes, &tgid);
		if (!m)
			return;
	}
	bit = 1ULL << (nr & 63);
	/* read before write: the common case (already set) dirties no cache line */
	if (!(m->bits[(nr >> 6) & (AINKA_BPF_SYSCALL_MIX_WORDS - 1)] & bit))
		__sync_fetch_and_or(&m->bits[(nr >> 6) & (AINKA_BPF_SYSCALL_MIX_WORDS - 1)], bit);
}

static __always_inline int on_sys_enter(struct pt_regs *regs, long id)
{
	__u32 tgid = current_tgid();

	if (tgid == ignore_tgid)
		return 0;
	if (syscall_mix)
		note_syscall(tgid, id);
	if (id == NR_OPENAT) {
		if (watch_enabled)
			on_open((const char *)PT_REGS_PARM2_CORE_SYSCALL(regs), (__s32)PT_REGS_PARM3_CORE_SYSCALL(regs));
		return 0;
	}
	if (id == NR_OPEN) {
		if (watch_enabled)
			on_open((const char *)PT_REGS_PARM1_CORE_SYSCALL(regs), (__s32)PT_REGS_PARM2_CORE_SYSCALL(regs));
		return 0;
	}
	if (id == NR_OPENAT2) {
		struct { __u64 flags; } how = {};

		if (watch_enabled) {
			bpf_probe_read_user(&how, sizeof(how), (void *)PT_REGS_PARM3_CORE_SYSCALL(regs));
			on_open((const char *)PT_REGS_PARM2_CORE_SYSCALL(regs), (__s32)how.flags);
		}
		return 0;
	}
	on_call(regs, id);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys__btf, struct pt_regs *regs, long id)
{
	return on_sys_enter(regs, id);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys__raw, struct pt_regs *regs, long id)
{
	return on_sys_enter(regs, id);
}

static __always_inline int on_module_load(struct module *mod)
{
	struct ainka_bpf_sec_call *e = reserve_call(AINKA_SEC_CALL_MODULE_LOADED);

	if (!e)
		return 0;
	BPF_CORE_READ_STR_INTO(&e->str, mod, name);
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
	return 0;
}

SEC("tp_btf/module_load")
int BPF_PROG(modload__btf, struct module *mod)
{
	return on_module_load(mod);
}

SEC("raw_tp/module_load")
int BPF_PROG(modload__raw, struct module *mod)
{
	return on_module_load(mod);
}
