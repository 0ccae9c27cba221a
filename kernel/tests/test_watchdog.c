// SPDX-License-Identifier: GPL-2.0
/*
 * Watchdog: heartbeats keep enforce mode alive; missing heartbeats revert every action, switch to
 * observe mode and emit a watchdog event.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "events.h"

static bool is_type(const struct evt *e, const void *arg)
{
	return e->type == *(const uint8_t *)arg;
}

static bool is_applied(const struct evt *e, const void *arg)
{
	return e->type == AINKA_EVENT_ACTION && e->has_action && e->status == AINKA_ACTION_STATUS_APPLIED;
}

static bool is_reverted(const struct evt *e, const void *arg)
{
	return e->type == AINKA_EVENT_ACTION && e->has_action && e->status == AINKA_ACTION_STATUS_REVERTED;
}

int main(void)
{
	const uint8_t watchdog = AINKA_EVENT_WATCHDOG;
	struct attrbuf ab;
	struct ainka_rule r;
	struct status st;
	struct nl nl, ev;
	struct evt e = { 0 };
	pid_t sleeper;
	int err, fd, i;

	kmod_reload("sample_interval_ms=10 watchdog_timeout_ms=0");
	if ((err = nl_open(&nl)) || (err = nl_open(&ev)) || (err = nl_subscribe(&ev)))
		bail("netlink setup failed: %s", strerror(-err));
	sleeper = spawn_sleeper();

	r = rule_make(1, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_RENICE, AINKA_TARGET_PID, sleeper, 7);
	r.cooldown_ms = 1000;
	ok(!nl_policy_load(&nl, &r, 1, true, NULL), "rule 'renice pid %d to 7' loaded", sleeper);
	ab_reset(&ab);
	ab_u32(&ab, AINKA_A_WATCHDOG_TIMEOUT_MS, 1500);
	ok(!nl_do(&nl, AINKA_CMD_SET_CONFIG, &ab, NULL), "watchdog timeout 1500 ms (heartbeats every 100 ms: robust to a loaded emulated guest)");
	ok(!nl_set_mode(&nl, AINKA_MODE_ENFORCE), "enforce mode");
	ok(evt_wait(&ev, 10000, is_applied, NULL, &e, &nl) && e.pid == (uint32_t)sleeper, "renice applied to %u", e.pid);
	ok(getpriority(PRIO_PROCESS, sleeper) == 7, "sleeper has nice 7");

	/* 2 s with a heartbeat every 100 ms: no fallback. */
	ok(!evt_wait(&ev, 2000, is_type, &watchdog, NULL, &nl), "no watchdog event while heartbeats arrive");
	nl_status(&nl, &st);
	ok(st.mode == AINKA_MODE_ENFORCE && st.watchdog_fires == 0, "still enforce, no fallback");

	/* Silence: the watchdog reverts (a REVERTED action event) and falls back (a WATCHDOG event). */
	{
		evt_pred const preds[2] = { is_reverted, is_type };
		const void *const args[2] = { NULL, &watchdog };
		struct evt outs[2];
		bool found[2] = { false, false };

		evt_wait_all(&ev, 10000, 2, preds, args, outs, found);
		ok(found[0] && outs[0].pid == (uint32_t)sleeper && outs[0].old_value == 7 && outs[0].new_value == 0,
		   "REVERTED event for the sleeper: nice %d -> %d", outs[0].old_value, outs[0].new_value);
		ok(found[1] && outs[1].mode == AINKA_MODE_OBSERVE, "watchdog event after missed heartbeats (mode %u)", outs[1].mode);
	}
	nl_status(&nl, &st);
	ok(st.mode == AINKA_MODE_OBSERVE && st.watchdog_fires == 1, "observe mode, watchdog_fires %llu",
	   (unsigned long long)st.watchdog_fires);
	ok(getpriority(PRIO_PROCESS, sleeper) == 0, "sleeper's nice restored to 0");
	ok(proc_get("actions_in_force") == 0, "no action in force");
	nl_dump(&nl, AINKA_CMD_ACTIONS_GET, NULL, NULL, NULL);

	/* The same through the ioctl heartbeat. */
	fd = open("/dev/ainka", O_RDWR | O_CLOEXEC);
	ok(fd >= 0 && !nl_set_mode(&nl, AINKA_MODE_ENFORCE), "enforce again");
	for (i = 0; i < 15; i++) {
		struct ainka_ioc_heartbeat hb = { .cookie = i };

		ioctl(fd, AINKA_IOC_HEARTBEAT, &hb);
		sleep_ms(100);
	}
	nl_status(&nl, &st);
	ok(st.mode == AINKA_MODE_ENFORCE && st.watchdog_fires == 1, "ioctl heartbeats keep enforce mode");
	ok(evt_wait(&ev, 10000, is_type, &watchdog, &e, NULL), "watchdog fires again without heartbeats");
	nl_status(&nl, &st);
	ok(st.mode == AINKA_MODE_OBSERVE && st.watchdog_fires == 2, "watchdog_fires %llu", (unsigned long long)st.watchdog_fires);
	close(fd);
	kill_child(sleeper);
	nl_close(&ev);
	nl_close(&nl);
	ok(!kmod_unload(), "module unloads");
	return tap_done();
}
