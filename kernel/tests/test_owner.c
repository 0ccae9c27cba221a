// SPDX-License-Identifier: GPL-2.0
/*
 * Enforce mode belongs to the socket or file that set it: when the process that owns it dies
 * (SIGKILL: no chance to say goodbye), the module falls back to observe mode and reverts every
 * action, even with the watchdog off (watchdog_timeout_ms=0). Another process's socket closing
 * does not end enforce mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"

static bool is_applied(const struct evt *e, const void *arg)
{
	return e->type == AINKA_EVENT_ACTION && e->has_action && e->status == AINKA_ACTION_STATUS_APPLIED;
}

static bool is_reverted(const struct evt *e, const void *arg)
{
	return e->type == AINKA_EVENT_ACTION && e->has_action && e->status == AINKA_ACTION_STATUS_REVERTED;
}

/* A "daemon": loads a renice rule on target and enters enforce mode by netlink or ioctl, then waits. */
static pid_t spawn_owner(pid_t target, bool by_ioctl)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct ainka_rule r = rule_make(1, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE,
						AINKA_TARGET_PID, target, 9);
		struct nl nl;
		int fd;

		r.cooldown_ms = 200;
		if (nl_open(&nl) || nl_policy_load(&nl, &r, 1, true, NULL))
			_exit(3);
		if (by_ioctl) {
			struct ainka_ioc_mode m = { .mode = AINKA_MODE_ENFORCE };

			fd = open("/dev/ainka", O_RDWR | O_CLOEXEC);
			if (fd < 0 || ioctl(fd, AINKA_IOC_SET_MODE, &m))
				_exit(4);
		} else if (nl_set_mode(&nl, AINKA_MODE_ENFORCE)) {
			_exit(5);
		}
		for (;;)
			pause();
	}
	return pid;
}

static void round_trip(struct nl *nl, struct nl *ev, bool by_ioctl, long long fallbacks_before)
{
	const char *how = by_ioctl ? "ioctl" : "netlink";
	pid_t sleeper = spawn_sleeper(), owner;
	struct status st;
	struct evt e;
	int64_t t0;

	owner = spawn_owner(sleeper, by_ioctl);
	ok(evt_wait(ev, 10000, is_applied, NULL, &e, NULL) && e.pid == (uint32_t)sleeper,
	   "%s owner: renice applied to the sleeper", how);
	ok(getpriority(PRIO_PROCESS, sleeper) == 9, "%s owner: sleeper has nice 9", how);
	/* Another socket closing is not the owner going away. */
	{
		struct nl other;

		ok(!nl_open(&other), "%s owner: a second client opens", how);
		nl_close(&other);
		sleep_ms(300);
		nl_status(nl, &st);
		ok(st.mode == AINKA_MODE_ENFORCE, "%s owner: another socket closing keeps enforce mode", how);
	}
	kill(owner, SIGKILL);
	t0 = now_ms();
	waitpid(owner, NULL, 0);
	ok(evt_wait(ev, 5000, is_reverted, NULL, &e, NULL) && e.pid == (uint32_t)sleeper,
	   "%s owner SIGKILLed: REVERTED event for the sleeper within %lld ms", how, (long long)(now_ms() - t0));
	nl_status(nl, &st);
	ok(st.mode == AINKA_MODE_OBSERVE, "%s owner SIGKILLed: observe mode with watchdog_timeout_ms=0 (mode %u)", how, st.mode);
	ok(getpriority(PRIO_PROCESS, sleeper) == 0, "%s owner SIGKILLed: sleeper's nice restored to 0", how);
	ok(proc_get("actions_in_force") == 0, "%s owner SIGKILLed: no action in force", how);
	ok(proc_get("owner_fallbacks") == fallbacks_before + 1, "%s owner SIGKILLed: owner_fallbacks %lld",
	   how, proc_get("owner_fallbacks"));
	kill_child(sleeper);
}

int main(void)
{
	struct nl nl, ev;
	struct status st;
	int err;

	kmod_reload("sample_interval_ms=10 watchdog_timeout_ms=0");
	if ((err = nl_open(&nl)) || (err = nl_open(&ev)) || (err = nl_subscribe(&ev)))
		bail("netlink setup failed: %s", strerror(-err));
	round_trip(&nl, &ev, false, 0);
	round_trip(&nl, &ev, true, 1);

	/* The test itself takes enforce mode and hands it back: no fallback, no event storm. */
	ok(!nl_set_mode(&nl, AINKA_MODE_ENFORCE) && !nl_set_mode(&nl, AINKA_MODE_OBSERVE), "enforce and back by the owner");
	nl_status(&nl, &st);
	ok(st.mode == AINKA_MODE_OBSERVE && proc_get("owner_fallbacks") == 2, "an orderly exit is not a fallback");
	nl_close(&ev);
	nl_close(&nl);
	ok(!kmod_unload(), "module unloads");
	return tap_done();
}
