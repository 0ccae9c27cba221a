// SPDX-License-Identifier: GPL-2.0
/*
 * Policy push -> the guest makes the load the rule describes (CPU hogs raise runnable tasks) ->
 * the rule fires -> the action and its events appear -> leaving enforce mode rolls it back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "events.h"

#define NHOGS 4
#define IOPRIO_TEST ((2 << 13) | 7)	/* best-effort, level 7 */

static pid_t hogs[NHOGS];

static bool is_hog(uint32_t pid)
{
	int i;

	for (i = 0; i < NHOGS; i++)
		if ((uint32_t)hogs[i] == pid)
			return true;
	return false;
}

struct want {
	uint8_t type;
	uint32_t rule_id;
	int status;	/* -1 = any */
};

static bool match(const struct evt *e, const void *arg)
{
	const struct want *w = arg;

	return e->type == w->type && (!w->rule_id || e->rule_id == w->rule_id) &&
	       (w->status < 0 || (e->has_action && e->status == w->status));
}

static bool is_busy_transition(const struct evt *e, const void *arg)
{
	return e->type == AINKA_EVENT_STATE_CHANGE && e->new_state >= AINKA_STATE_BUSY &&
	       e->new_state > e->old_state;
}

static int ioprio_of(pid_t pid)
{
	return syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, pid);
}

struct dump_ctx {
	uint32_t rule_id;
	int applied;
	int reverted;
};

static void scan_dump(const void *attrs, size_t len, void *ctx)
{
	struct dump_ctx *d = ctx;
	const char *p = attrs;
	size_t off = 0;

	/* Every top-level attribute is an AINKA_A_ACTION nest. */
	while (off + 4 <= len) {
		uint16_t alen = *(const uint16_t *)(p + off), type = *(const uint16_t *)(p + off + 2);
		uint32_t rule = 0;
		uint8_t status = 0xff;

		if (alen < 4)
			break;
		if ((type & 0x3fff) == AINKA_A_ACTION) {
			attr_u32(p + off + 4, alen - 4, AINKA_A_ACTION_RULE_ID, &rule);
			attr_u8(p + off + 4, alen - 4, AINKA_A_ACTION_STATUS, &status);
			if (rule == d->rule_id && status == AINKA_ACTION_STATUS_APPLIED)
				d->applied++;
			if (rule == d->rule_id && status == AINKA_ACTION_STATUS_REVERTED)
				d->reverted++;
		}
		off += (alen + 3) & ~3U;
	}
}

int main(void)
{
	struct want w;
	struct evt e;
	struct nl nl, ev;
	struct ainka_rule rules[3];
	struct dump_ctx dump = { .rule_id = 2 };
	int i, err, ioprio_before;
	pid_t renice_pid = 0;
	struct status st;

	kmod_reload("sample_interval_ms=10 watchdog_timeout_ms=0");
	if ((err = nl_open(&nl)) || (err = nl_open(&ev)) || (err = nl_subscribe(&ev)))
		bail("netlink setup failed: %s", strerror(-err));

	for (i = 0; i < NHOGS; i++)
		hogs[i] = spawn_hog();
	diag("%d CPU hogs started", NHOGS);
	ioprio_before = ioprio_of(hogs[0]);

	/* Observe mode: the rule fires, the action is only reported. */
	rules[0] = rule_make(1, AINKA_METRIC_RUNNABLE, AINKA_CMP_GE, 3, AINKA_ACTION_RENICE, AINKA_TARGET_TOP_CPU, 0, 10);
	rules[0].for_ms = 500;	/* PELT needs ~200 ms to show the new hogs as the top CPU users */
	rules[0].cooldown_ms = 60000;
	ok(!nl_policy_load(&nl, rules, 1, true, NULL), "observe: rule 'runnable >= 3 for 500 ms -> renice top-cpu 10' loaded");
	{
		const struct want hit = { AINKA_EVENT_POLICY_HIT, 1, -1 };
		const struct want observed = { AINKA_EVENT_ACTION, 1, AINKA_ACTION_STATUS_OBSERVED };
		const evt_pred preds[3] = { match, match, is_busy_transition };
		const void *const args[3] = { &hit, &observed, NULL };
		struct evt outs[3];
		bool found[3];

		/* Events of one burst may arrive in any order: wait for all three together. */
		evt_wait_all(&ev, 30000, 3, preds, args, outs, found);
		ok(found[0], "observe: policy-hit event for rule 1 (runnable %lld)", (long long)outs[0].metric_value);
		ok(found[1] && is_hog(outs[1].pid) && outs[1].new_value == 10,
		   "observe: action event 'observed' for hog pid %u", outs[1].pid);
		ok(found[2], "state-change event to busy or worse (%u -> %u)", outs[2].old_state, outs[2].new_state);
	}
	for (i = 0; i < NHOGS; i++)
		if (getpriority(PRIO_PROCESS, hogs[i]) != 0)
			break;
	ok(i == NHOGS, "observe: no hog was reniced");

	/* Enforce mode: renice the top CPU user, ioprio a named pid, ask userspace for help. */
	rules[0] = rule_make(2, AINKA_METRIC_RUNNABLE, AINKA_CMP_GE, 3, AINKA_ACTION_RENICE, AINKA_TARGET_TOP_CPU, 0, 10);
	rules[0].for_ms = 100;
	rules[0].cooldown_ms = 60000;
	rules[1] = rule_make(3, AINKA_METRIC_RUNNABLE, AINKA_CMP_GE, 3, AINKA_ACTION_REQUEST, AINKA_TARGET_NONE, 0, 77);
	rules[1].cooldown_ms = 60000;
	rules[2] = rule_make(4, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_IOPRIO, AINKA_TARGET_PID, hogs[0], IOPRIO_TEST);
	rules[2].cooldown_ms = 60000;
	/*
	 * Empty the cache and enter enforce mode before loading: rules loaded while still in observe
	 * mode could fire (observed only) in the gap before the mode change and then sit in their
	 * cool-down, which a slow, loaded guest makes likely.
	 */
	ok(!nl_do(&nl, AINKA_CMD_POLICY_CLEAR, NULL, NULL), "enforce: policy cache cleared");
	ok(!nl_set_mode(&nl, AINKA_MODE_ENFORCE), "enforce mode set");
	ok(!nl_policy_load(&nl, rules, 3, true, NULL), "enforce: renice, request and ioprio rules loaded");
	{
		const struct want ws[3] = {
			{ AINKA_EVENT_ACTION, 2, AINKA_ACTION_STATUS_APPLIED },
			{ AINKA_EVENT_REQUEST, 3, -1 },
			{ AINKA_EVENT_ACTION, 4, AINKA_ACTION_STATUS_APPLIED },
		};
		const evt_pred preds[3] = { match, match, match };
		const void *const args[3] = { &ws[0], &ws[1], &ws[2] };
		struct evt outs[3];
		bool found[3];

		evt_wait_all(&ev, 30000, 3, preds, args, outs, found);
		if (ok(found[0] && is_hog(outs[0].pid), "enforce: action 'applied' for rule 2 on hog pid %u", outs[0].pid)) {
			renice_pid = outs[0].pid;
			ok(outs[0].old_value == 0 && outs[0].new_value == 10, "enforce: renice recorded 0 -> 10 (%d -> %d)",
			   outs[0].old_value, outs[0].new_value);
			ok(getpriority(PRIO_PROCESS, renice_pid) == 10, "enforce: hog %d now has nice 10", renice_pid);
		}
		ok(found[1] && outs[1].request_code == 77, "enforce: request event with code %d", outs[1].request_code);
		ok(found[2] && outs[2].pid == (uint32_t)hogs[0], "enforce: ioprio applied to pid %u", outs[2].pid);
	}
	ok(ioprio_of(hogs[0]) == IOPRIO_TEST, "enforce: ioprio of hog is %#x (was %#x)", ioprio_of(hogs[0]), ioprio_before);
	ok(proc_get("actions_in_force") == 2, "/proc/ainka: 2 actions in force");
	err = nl_dump(&nl, AINKA_CMD_ACTIONS_GET, NULL, scan_dump, &dump);
	ok(!err && dump.applied == 1, "actions-get lists the applied renice (%d)", dump.applied);
	nl_status(&nl, &st);
	ok(st.state >= AINKA_STATE_BUSY, "state machine: %d hogs make the state busy or worse (state %u, cpu %lld permille, runnable %lld)",
	   NHOGS, st.state, proc_get("metric_cpu_busy_permille"), proc_get("metric_runnable"));
	ok(st.applied >= 2 && st.hits >= 3, "counters: %llu applied, %llu hits", (unsigned long long)st.applied, (unsigned long long)st.hits);

	/* Leaving enforce mode reverts both. */
	ok(!nl_set_mode(&nl, AINKA_MODE_OBSERVE), "back to observe mode");
	w = (struct want){ AINKA_EVENT_ACTION, 2, AINKA_ACTION_STATUS_REVERTED };
	ok(evt_wait(&ev, 10000, match, &w, &e, NULL) && e.pid == (uint32_t)renice_pid && e.new_value == 0,
	   "rollback: renice of %u reverted to %d", e.pid, e.new_value);
	if (renice_pid)
		ok(getpriority(PRIO_PROCESS, renice_pid) == 0, "rollback: hog %d has nice 0 again", renice_pid);
	ok(ioprio_of(hogs[0]) == ioprio_before, "rollback: ioprio restored to %#x", ioprio_of(hogs[0]));
	ok(proc_get("actions_in_force") == 0, "/proc/ainka: no action in force");
	dump.applied = dump.reverted = 0;
	nl_dump(&nl, AINKA_CMD_ACTIONS_GET, NULL, scan_dump, &dump);
	ok(dump.reverted == 1, "actions-get lists the revert");
	nl_status(&nl, &st);
	ok(st.reverted == 2, "counters: %llu reverted", (unsigned long long)st.reverted);

	/* Unloading with an action in force reverts it too. */
	rules[0] = rule_make(5, AINKA_METRIC_RUNNABLE, AINKA_CMP_GE, 3, AINKA_ACTION_RENICE, AINKA_TARGET_TOP_CPU, 0, 5);
	rules[0].cooldown_ms = 60000;
	nl_set_mode(&nl, AINKA_MODE_ENFORCE);	/* first: a hit in observe mode would start the cool-down */
	nl_policy_load(&nl, rules, 1, true, NULL);
	w = (struct want){ AINKA_EVENT_ACTION, 5, AINKA_ACTION_STATUS_APPLIED };
	renice_pid = evt_wait(&ev, 30000, match, &w, &e, NULL) ? (pid_t)e.pid : 0;
	ok(renice_pid && getpriority(PRIO_PROCESS, renice_pid) == 5, "enforce again: hog %d has nice 5", renice_pid);
	nl_close(&ev);
	nl_close(&nl);
	ok(!kmod_unload(), "module unloads with an action in force");
	if (renice_pid)
		ok(getpriority(PRIO_PROCESS, renice_pid) == 0, "unload reverted hog %d to nice 0", renice_pid);
	for (i = 0; i < NHOGS; i++)
		kill_child(hogs[i]);
	return tap_done();
}
