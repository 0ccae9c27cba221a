// SPDX-License-Identifier: GPL-2.0
/*
 * The permission model: raising a priority needs CAP_SYS_NICE (CAP_NET_ADMIN alone may only
 * lower priorities); PID targets are resolved in the loader's pid namespace when the rule is
 * loaded; protected tasks (pid 1, kernel threads, the daemon, protected_comms) are refused; the
 * pid and comm of acted-on tasks are hidden from unprivileged readers (events group, actions
 * dump, /proc/ainka).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"

static bool is_status(const struct evt *e, const void *arg)
{
	return e->type == AINKA_EVENT_ACTION && e->has_action && e->status == *(const uint8_t *)arg;
}

/* Clears one capability from this process's effective and permitted sets. */
static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[cap / 32].effective &= ~(1u << (cap % 32));
	d[cap / 32].permitted &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* A sleeping child with a chosen comm and nice. */
static pid_t spawn_named(const char *comm, int nice)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		if (setpriority(PRIO_PROCESS, 0, nice))
			_exit(9);
		for (;;)
			pause();
	}
	sleep_ms(50);
	return pid;
}

/* Child without CAP_SYS_NICE: status 0 when every check inside passed, else the failing step. */
static int no_sys_nice(pid_t niced10)
{
	struct ainka_rule r;
	struct nl nl;
	int err;

	if (drop_cap(CAP_SYS_NICE) || nl_open(&nl))
		return 10;
	r = rule_make(1, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, niced10, -5);
	err = nl_policy_load(&nl, &r, 1, true, NULL);
	printf("# no CAP_SYS_NICE: renice to -5 -> %d \"%s\"\n", err, nl.extack);
	if (err != -EPERM || !strstr(nl.extack, "CAP_SYS_NICE"))
		return 11;
	r = rule_make(1, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_IOPRIO, AINKA_TARGET_PID, niced10, (1 << 13) | 4);
	if (nl_policy_load(&nl, &r, 1, true, NULL) != -EPERM)
		return 12;
	/* nice 3 is a raise for a task at nice 10: the rule loads, applying it fails. */
	r = rule_make(2, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, niced10, 3);
	r.cooldown_ms = 100;
	if (nl_policy_load(&nl, &r, 1, true, NULL))
		return 13;
	if (nl_set_mode(&nl, AINKA_MODE_ENFORCE))
		return 14;
	sleep_ms(1500);
	printf("# nice of %d after 1.5 s of enforce: %d\n", niced10, getpriority(PRIO_PROCESS, niced10));
	if (getpriority(PRIO_PROCESS, niced10) != 10)
		return 15;
	nl_set_mode(&nl, AINKA_MODE_OBSERVE);
	nl_close(&nl);
	return 0;
}

/*
 * Child in a new pid namespace (pid 1 there): its own child is pid 2 in the namespace, which is
 * kthreadd in the initial one. A rule on pid 2 must renice the namespace's task.
 */
static int pidns_loader(void)
{
	struct ainka_rule r;
	struct nl nl;
	pid_t inner;
	int i, prio = -100;

	if (unshare(CLONE_NEWPID))
		return 20;
	inner = fork();
	if (inner < 0)
		return 21;
	if (inner == 0) {
		pid_t grand = fork();

		if (grand == 0) {
			for (;;)
				pause();
		}
		if (grand != 2 || nl_open(&nl))
			_exit(22);
		r = rule_make(1, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, 2, 6);
		r.cooldown_ms = 100;
		if (nl_policy_load(&nl, &r, 1, true, NULL) || nl_set_mode(&nl, AINKA_MODE_ENFORCE))
			_exit(23);
		for (i = 0; i < 50 && prio != 6; i++) {
			sleep_ms(100);
			prio = getpriority(PRIO_PROCESS, 2);
		}
		printf("# pid 2 in the new namespace has nice %d\n", prio);
		nl_set_mode(&nl, AINKA_MODE_OBSERVE);
		kill(grand, SIGKILL);
		_exit(prio == 6 ? 0 : 24);
	}
	waitpid(inner, &i, 0);
	return WIFEXITED(i) ? WEXITSTATUS(i) : 25;
}

static int status_of(pid_t pid)
{
	int st;

	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

struct dump_seen {
	unsigned int actions, named;
};

static void count_named(const void *attrs, size_t len, void *ctx)
{
	struct dump_seen *d = ctx;
	const char *p = attrs;
	size_t off = 0;

	while (off + 4 <= len) {
		uint16_t alen = *(const uint16_t *)(p + off), type = *(const uint16_t *)(p + off + 2);
		uint32_t pid = 0;

		if (alen < 4)
			break;
		if ((type & 0x3fff) == AINKA_A_ACTION) {
			d->actions++;
			attr_u32(p + off + 4, alen - 4, AINKA_A_ACTION_PID, &pid);
			if (pid || attr_find(p + off + 4, alen - 4, AINKA_A_ACTION_COMM, NULL))
				d->named++;
		}
		off += (alen + 3) & ~3u;
	}
}

/* Child as nobody: status 0 when nothing names a task. */
static int unprivileged_reader(void)
{
	struct dump_seen d = { 0 };
	struct nl nl;
	char line[512];
	FILE *f;
	int err, named = 0, lines = 0;

	if (setgid(65534) || setuid(65534) || nl_open(&nl))
		return 30;
	err = nl_subscribe(&nl);
	printf("# nobody joining the events group: %s\n", strerror(-err));
	if (err != -EPERM)
		return 31;
	if (nl_dump(&nl, AINKA_CMD_ACTIONS_GET, NULL, count_named, &d))
		return 32;
	printf("# nobody's actions dump: %u actions, %u naming a task\n", d.actions, d.named);
	if (!d.actions || d.named)
		return 33;
	f = fopen("/proc/ainka", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strstr(line, " id="))
			continue;
		lines++;
		if (!strstr(line, " pid=0 ") || !strstr(line, " comm=- "))
			named++;
	}
	if (f)
		fclose(f);
	printf("# nobody's /proc/ainka: %d action lines, %d naming a task\n", lines, named);
	return !lines || named ? 34 : 0;
}

int main(void)
{
	const uint8_t applied = AINKA_ACTION_STATUS_APPLIED, failed = AINKA_ACTION_STATUS_FAILED;
	struct ainka_rule r;
	struct nl nl, ev;
	pid_t niced, named, child;
	struct evt e;
	int err, fd;

	kmod_reload("sample_interval_ms=10 watchdog_timeout_ms=0");
	if ((err = nl_open(&nl)) || (err = nl_open(&ev)) || (err = nl_subscribe(&ev)))
		bail("netlink setup failed: %s", strerror(-err));

	/* CAP_SYS_NICE */
	niced = spawn_named("ainka-niced", 10);
	child = fork();
	if (child == 0)
		_exit(no_sys_nice(niced));
	err = status_of(child);
	ok(err == 0, "without CAP_SYS_NICE: raising rules refused (EPERM + extack), a raise at apply time fails (step %d)", err);
	r = rule_make(3, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, niced, -2);
	r.cooldown_ms = 100;
	ok(!nl_policy_load(&nl, &r, 1, true, NULL) && !nl_set_mode(&nl, AINKA_MODE_ENFORCE), "with CAP_SYS_NICE: renice to -2 loads");
	ok(evt_wait(&ev, 10000, is_status, &applied, &e, NULL) && getpriority(PRIO_PROCESS, niced) == -2,
	   "with CAP_SYS_NICE: the raise is applied (nice %d)", getpriority(PRIO_PROCESS, niced));
	ok(!nl_set_mode(&nl, AINKA_MODE_OBSERVE) && getpriority(PRIO_PROCESS, niced) == 10, "observe restores nice 10");

	/* Protected tasks are refused at load. */
	r = rule_make(4, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, 1, 5);
	err = nl_policy_load(&nl, &r, 1, true, NULL);
	ok(err == -EPERM && nl.bad_attr_off > 0, "a rule on pid 1 is refused (%s, extack \"%s\")", strerror(-err), nl.extack);
	r = rule_make(4, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, 2, 5);
	err = nl_policy_load(&nl, &r, 1, true, NULL);
	ok(err == -EPERM, "a rule on kthreadd (a kernel thread) is refused (%s)", strerror(-err));
	ok(!nl_set_mode(&nl, AINKA_MODE_ENFORCE), "enforce: this process now owns enforce mode");
	r = rule_make(4, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, getpid(), 5);
	err = nl_policy_load(&nl, &r, 1, true, NULL);
	ok(err == -EPERM, "a rule on the daemon itself is refused (%s)", strerror(-err));
	ok(!nl_set_mode(&nl, AINKA_MODE_OBSERVE), "observe");
	r = rule_make(4, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, 999999, 5);
	err = nl_policy_load(&nl, &r, 1, true, NULL);
	ok(err == -ESRCH, "a rule on a pid that does not exist is refused (%s, \"%s\")", strerror(-err), nl.extack);
	named = spawn_named("ainka-keep", 0);
	fd = open("/sys/module/ainka/parameters/protected_comms", O_WRONLY);
	ok(fd >= 0 && write(fd, "sshd,ainka-keep\n", 16) == 16, "protected_comms=sshd,ainka-keep");
	if (fd >= 0)
		close(fd);
	r = rule_make(4, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, named, 5);
	err = nl_policy_load(&nl, &r, 1, true, NULL);
	ok(err == -EPERM, "a rule on a protected comm is refused (%s)", strerror(-err));
	/* Protected after the load: the action fails and the task keeps its nice. */
	fd = open("/sys/module/ainka/parameters/protected_comms", O_WRONLY);
	if (fd >= 0 && write(fd, "sshd\n", 5) != 5)
		diag("cannot reset protected_comms");
	r.cooldown_ms = 100;
	ok(!nl_policy_load(&nl, &r, 1, true, NULL), "the rule loads once the comm is not protected");
	if (fd >= 0 && (lseek(fd, 0, SEEK_SET) || write(fd, "ainka-keep\n", 11) != 11))
		diag("cannot set protected_comms");
	if (fd >= 0)
		close(fd);
	ok(!nl_set_mode(&nl, AINKA_MODE_ENFORCE) && evt_wait(&ev, 5000, is_status, &failed, &e, NULL) &&
	   getpriority(PRIO_PROCESS, named) == 0, "protected at apply time: FAILED, nice untouched");
	nl_set_mode(&nl, AINKA_MODE_OBSERVE);

	/* Pid namespaces: the target is the loader's pid 2, not the host's. */
	child = fork();
	if (child == 0)
		_exit(pidns_loader());
	err = status_of(child);
	ok(err == 0, "a rule loaded in a child pid namespace acts on that namespace's pid 2 (step %d)", err);

	/* Redaction for unprivileged readers. */
	child = fork();
	if (child == 0)
		_exit(unprivileged_reader());
	err = status_of(child);
	ok(err == 0, "nobody cannot join the events group, sees no pid/comm in the actions dump or /proc/ainka (step %d)", err);

	kill_child(niced);
	kill_child(named);
	nl_close(&ev);
	nl_close(&nl);
	ok(!kmod_unload(), "module unloads");
	return tap_done();
}
