// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input is refused with no state change: unknown command, wrong/oversize/missing/unknown
 * attributes, invalid rules, a full cache, wrong ioctl sizes, and an unprivileged caller.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktest.h"

static struct nl nl;
static struct status before;
static char last_extack[256];
static int last_bad_off;
static uint32_t last_miss;

/* Checks err == want and that mode, policy and config did not change. */
static void refused(int err, int want, const char *what)
{
	struct status now;

	snprintf(last_extack, sizeof(last_extack), "%s", nl.extack);
	last_bad_off = nl.bad_attr_off;
	last_miss = nl.miss_type;
	ok(err == -want, "%s refused with %s (got %s; extack \"%s\")", what, strerror(want),
	   strerror(-err), nl.extack);
	nl_status(&nl, &now);
	ok(now.mode == before.mode && now.policy_count == before.policy_count &&
	   now.interval_ms == before.interval_ms && now.watchdog_ms == before.watchdog_ms,
	   "%s: no state change", what);
}

static void netlink_cases(void)
{
	struct attrbuf *ab = calloc(1, sizeof(*ab));
	struct ainka_rule r, many[AINKA_POLICY_CAPACITY + 1];
	unsigned int i;
	int err;

	ab_reset(ab);
	refused(nl_do(&nl, 99, NULL, NULL), EOPNOTSUPP, "unknown command 99");
	refused(nl_do(&nl, AINKA_CMD_EVENT, NULL, NULL), EOPNOTSUPP, "notify-only command sent as a request");

	refused(nl_do(&nl, AINKA_CMD_SET_MODE, NULL, NULL), EINVAL, "set-mode without mode");
	ok(last_miss == AINKA_A_MODE, "extack names the missing attribute (type %u)", last_miss);

	ab_reset(ab);
	ab_u32(ab, AINKA_A_MODE, 1);
	refused(nl_do(&nl, AINKA_CMD_SET_MODE, ab, NULL), EINVAL, "mode as 4 bytes (oversize)");

	ab_reset(ab);
	ab_u8(ab, AINKA_A_MODE, 2);
	refused(nl_do(&nl, AINKA_CMD_SET_MODE, ab, NULL), ERANGE, "mode 2 (out of range)");

	ab_reset(ab);
	ab_u8(ab, AINKA_A_MODE, 1);
	ab_u32(ab, 200, 1);
	refused(nl_do(&nl, AINKA_CMD_SET_MODE, ab, NULL), EINVAL, "unknown attribute 200");

	ab_reset(ab);
	ab_u32(ab, AINKA_A_STATE, 1);
	refused(nl_do(&nl, AINKA_CMD_SET_MODE, ab, NULL), EINVAL, "reply-only attribute in a request");

	refused(nl_do(&nl, AINKA_CMD_SET_CONFIG, NULL, NULL), EINVAL, "set-config without attributes");
	ok(strstr(last_extack, "set-config needs") != NULL, "extack explains set-config (\"%s\")", last_extack);
	ab_reset(ab);
	ab_u32(ab, AINKA_A_SAMPLE_INTERVAL_MS, 0);
	refused(nl_do(&nl, AINKA_CMD_SET_CONFIG, ab, NULL), ERANGE, "sample interval 0");
	ab_reset(ab);
	ab_u32(ab, AINKA_A_WATCHDOG_TIMEOUT_MS, 600001);
	refused(nl_do(&nl, AINKA_CMD_SET_CONFIG, ab, NULL), ERANGE, "watchdog timeout 600001");

	refused(nl_do(&nl, AINKA_CMD_POLICY_LOAD, NULL, NULL), EINVAL, "policy-load without rules");
	r = rule_make(10, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1, AINKA_ACTION_REPORT, 0, 0, 0);
	ab_reset(ab);
	ab_put(ab, AINKA_A_POLICY_RULE, &r, sizeof(r) - 1);
	refused(nl_do(&nl, AINKA_CMD_POLICY_LOAD, ab, NULL), ERANGE, "rule of 39 bytes");
	ab_reset(ab);
	ab_put(ab, AINKA_A_POLICY_RULE, many, sizeof(r) + 8);
	refused(nl_do(&nl, AINKA_CMD_POLICY_LOAD, ab, NULL), ERANGE, "rule of 48 bytes (oversize)");

	r = rule_make(10, 99, AINKA_CMP_GT, 1, AINKA_ACTION_REPORT, 0, 0, 0);
	refused(nl_policy_load(&nl, &r, 1, false, NULL), EINVAL, "rule with metric 99");
	ok(strstr(last_extack, "metric") != NULL && last_bad_off > 0, "extack names the field and the attribute (\"%s\", offset %d)", last_extack, last_bad_off);
	r = rule_make(0, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1, AINKA_ACTION_REPORT, 0, 0, 0);
	refused(nl_policy_load(&nl, &r, 1, false, NULL), EINVAL, "rule id 0");
	r = rule_make(10, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1, AINKA_ACTION_RENICE, AINKA_TARGET_NONE, 0, 5);
	refused(nl_policy_load(&nl, &r, 1, false, NULL), EINVAL, "renice without a target");
	r = rule_make(10, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1, AINKA_ACTION_RENICE, AINKA_TARGET_TOP_CPU, 0, 20);
	refused(nl_policy_load(&nl, &r, 1, false, NULL), EINVAL, "renice to 20");
	r = rule_make(10, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1, AINKA_ACTION_IOPRIO, AINKA_TARGET_TOP_CPU, 0, (1 << 13) | 100);
	refused(nl_policy_load(&nl, &r, 1, false, NULL), EINVAL, "ioprio level 100");
	r = rule_make(10, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1, AINKA_ACTION_REPORT, 0, 0, 0);
	r.flags = 1;
	refused(nl_policy_load(&nl, &r, 1, false, NULL), EINVAL, "rule with reserved flags");
	for (i = 0; i < 2; i++)
		many[i] = rule_make(10, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1, AINKA_ACTION_REPORT, 0, 0, 0);
	refused(nl_policy_load(&nl, many, 2, false, NULL), EEXIST, "two rules with the same id");
	many[0] = rule_make(11, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1, AINKA_ACTION_REPORT, 0, 0, 0);
	many[1] = rule_make(12, 99, AINKA_CMP_GT, 1, AINKA_ACTION_REPORT, 0, 0, 0);
	refused(nl_policy_load(&nl, many, 2, false, NULL), EINVAL, "a batch with one bad rule (all or nothing)");
	for (i = 0; i <= AINKA_POLICY_CAPACITY; i++)
		many[i] = rule_make(100 + i, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1000000, AINKA_ACTION_REPORT, 0, 0, 0);
	refused(nl_policy_load(&nl, many, AINKA_POLICY_CAPACITY + 1, false, NULL), ENOSPC, "257 rules");
	err = nl_policy_load(&nl, many, AINKA_POLICY_CAPACITY, true, NULL);
	ok(!err, "256 rules fit (%s)", strerror(-err));
	nl_status(&nl, &before);
	refused(nl_policy_load(&nl, many + AINKA_POLICY_CAPACITY, 1, false, NULL), ENOSPC, "one more rule than the capacity");
	nl_do(&nl, AINKA_CMD_POLICY_CLEAR, NULL, NULL);
	nl_status(&nl, &before);
	free(ab);
}

static void ioctl_cases(void)
{
	int fd = open("/dev/ainka", O_RDWR | O_CLOEXEC);
	char buf[64] = { 0 };
	struct ainka_ioc_mode m;
	void *p;

	if (!ok(fd >= 0, "open /dev/ainka"))
		return;
	refused(ioctl(fd, _IOC(_IOC_WRITE, AINKA_IOC_MAGIC, 3, 4), buf) ? -errno : 0, EINVAL, "SET_MODE with size 4");
	refused(ioctl(fd, _IOC(_IOC_READ, AINKA_IOC_MAGIC, 2, 16), buf) ? -errno : 0, EINVAL, "GET_STATE with size 16");
	refused(ioctl(fd, _IOC(_IOC_READ, AINKA_IOC_MAGIC, 42, 8), buf) ? -errno : 0, ENOTTY, "unknown ioctl 42");
	m.mode = 1;
	m.reserved = 1;
	refused(ioctl(fd, AINKA_IOC_SET_MODE, &m) ? -errno : 0, EINVAL, "SET_MODE with reserved != 0");
	m.mode = 7;
	m.reserved = 0;
	refused(ioctl(fd, AINKA_IOC_SET_MODE, &m) ? -errno : 0, EINVAL, "SET_MODE mode 7");
	refused(ioctl(fd, AINKA_IOC_SET_MODE, (void *)8) ? -errno : 0, EFAULT, "SET_MODE with a bad pointer");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
	ok(p == MAP_FAILED && errno == EINVAL, "mmap at an offset refused");
	p = mmap(NULL, 64 << 20, PROT_READ, MAP_SHARED, fd, 0);
	ok(p == MAP_FAILED && errno == EINVAL, "oversized mmap refused");
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	ok(p == MAP_FAILED, "executable mmap refused");
	close(fd);
}

/* In a child that dropped to uid/gid 65534 (nobody) without capabilities. */
static int unprivileged_child(void)
{
	struct ainka_rule r = rule_make(50, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1, AINKA_ACTION_REPORT, 0, 0, 0);
	struct attrbuf ab;
	struct status st;
	int fails = 0;

	if (setgid(65534) || setuid(65534))
		return 100;
	if (open("/dev/ainka", O_RDWR) >= 0 || errno != EACCES)
		fails |= 1;
	if (nl_open(&nl))
		return 101;
	if (nl_status(&nl, &st))
		fails |= 2;	/* reading status is allowed */
	if (nl_set_mode(&nl, AINKA_MODE_ENFORCE) != -EPERM)
		fails |= 4;
	if (nl_policy_load(&nl, &r, 1, false, NULL) != -EPERM)
		fails |= 8;
	if (nl_do(&nl, AINKA_CMD_POLICY_CLEAR, NULL, NULL) != -EPERM)
		fails |= 16;
	ab_reset(&ab);
	ab_u32(&ab, AINKA_A_SAMPLE_INTERVAL_MS, 100);
	if (nl_do(&nl, AINKA_CMD_SET_CONFIG, &ab, NULL) != -EPERM)
		fails |= 32;
	if (nl_do(&nl, AINKA_CMD_HEARTBEAT, NULL, NULL) != -EPERM)
		fails |= 64;
	return fails;
}

static void unprivileged_cases(void)
{
	struct ainka_rule r = rule_make(7, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1000000, AINKA_ACTION_REPORT, 0, 0, 0);
	struct status now;
	int status = 0;
	pid_t pid;

	nl_policy_load(&nl, &r, 1, true, NULL);
	nl_status(&nl, &before);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(unprivileged_child());
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) < 100, "unprivileged child ran (status %#x)", status);
	status = WEXITSTATUS(status);
	ok(!(status & 1), "nobody cannot open /dev/ainka (0600)");
	ok(!(status & 2), "nobody can read get-status");
	ok(!(status & 4), "nobody: set-mode -> EPERM");
	ok(!(status & 8), "nobody: policy-load -> EPERM");
	ok(!(status & 16), "nobody: policy-clear -> EPERM");
	ok(!(status & 32), "nobody: set-config -> EPERM");
	ok(!(status & 64), "nobody: heartbeat -> EPERM");
	nl_status(&nl, &now);
	ok(now.mode == before.mode && now.policy_count == 1 && now.interval_ms == before.interval_ms,
	   "unprivileged attempts changed nothing");
}

int main(void)
{
	int err;

	/* Module parameters out of range are refused at load time. */
	if (kmod_loaded())
		kmod_unload();
	ok(kmod_load("sample_interval_ms=0") == -EINVAL, "sample_interval_ms=0 refused");
	ok(kmod_load("watchdog_timeout_ms=600001") == -EINVAL, "watchdog_timeout_ms=600001 refused");
	ok(kmod_load("ring_capacity=8") == -EINVAL, "ring_capacity=8 refused");
	ok(!kmod_loaded(), "no half-loaded module left behind");
	ok(kmod_load("ring_capacity=100 enforce=1") == 0 && proc_get("ring_capacity") == 128 &&
	   proc_get("policy_count") == 0, "ring_capacity=100 rounds up to 128; enforce=1 loads");
	ok(!kmod_unload(), "unload right after an enforce-mode load");

	kmod_reload(NULL);
	if ((err = nl_open(&nl)))
		bail("cannot resolve the ainka family: %s", strerror(-err));
	nl_status(&nl, &before);
	netlink_cases();
	ioctl_cases();
	unprivileged_cases();
	nl_close(&nl);
	ok(!kmod_unload(), "module unloads");
	return tap_done();
}
