// SPDX-License-Identifier: GPL-2.0
/* Every generic netlink command and every ioctl round trip. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ktest.h"

static void count_actions(const void *attrs, size_t len, void *ctx)
{
	(*(int *)ctx)++;
}

int main(void)
{
	struct attrbuf *ab = calloc(1, sizeof(*ab)), *r = calloc(1, sizeof(*r));
	struct ainka_rule rules[3];
	struct status st, st2;
	uint32_t count = 0, v32;
	int msgs = 0, fd, err;
	struct nl nl;

	kmod_reload("sample_interval_ms=10");
	if ((err = nl_open(&nl)))
		bail("cannot resolve the ainka family: %s", strerror(-err));
	ok(nl.events_group != 0, "family resolved with an events group (id %u)", nl.events_group);

	/* get-status */
	err = nl_status(&nl, &st);
	ok(!err, "get-status succeeds (%s)", strerror(-err));
	ok(st.abi == AINKA_ABI_VERSION, "get-status abi-version %u", st.abi);
	ok(!strcmp(st.version, "0.1.0"), "get-status version \"%s\"", st.version);
	ok(st.mode == AINKA_MODE_OBSERVE, "module starts in observe mode");
	ok(st.state < AINKA_STATE_COUNT, "state %u is a known state", st.state);
	ok(st.interval_ms == 10 && st.watchdog_ms == 10000, "config %u ms / watchdog %u ms", st.interval_ms, st.watchdog_ms);
	sleep_ms(200);
	nl_status(&nl, &st2);
	ok(st2.samples > st.samples, "samples advance (%llu -> %llu)", (unsigned long long)st.samples, (unsigned long long)st2.samples);

	/* set-mode */
	ab_reset(ab);
	ab_u8(ab, AINKA_A_MODE, AINKA_MODE_ENFORCE);
	err = nl_do(&nl, AINKA_CMD_SET_MODE, ab, r);
	ok(!err && attr_u8(r->data, r->len, AINKA_A_MODE, &st.mode) && st.mode == AINKA_MODE_ENFORCE,
	   "set-mode enforce replies mode 1");
	nl_status(&nl, &st);
	ok(st.mode == AINKA_MODE_ENFORCE, "status shows enforce");
	ok(!nl_set_mode(&nl, AINKA_MODE_OBSERVE), "set-mode observe");

	/* set-config */
	ab_reset(ab);
	ab_u32(ab, AINKA_A_SAMPLE_INTERVAL_MS, 20);
	ab_u32(ab, AINKA_A_WATCHDOG_TIMEOUT_MS, 5000);
	err = nl_do(&nl, AINKA_CMD_SET_CONFIG, ab, r);
	ok(!err && attr_u32(r->data, r->len, AINKA_A_SAMPLE_INTERVAL_MS, &v32) && v32 == 20,
	   "set-config replies the new interval");
	nl_status(&nl, &st);
	ok(st.interval_ms == 20 && st.watchdog_ms == 5000, "status shows 20 ms / 5000 ms");
	ok(proc_get("sample_interval_ms") == 20, "/proc/ainka shows the interval");
	ab_reset(ab);
	ab_u32(ab, AINKA_A_SAMPLE_INTERVAL_MS, 10);
	ok(!nl_do(&nl, AINKA_CMD_SET_CONFIG, ab, NULL), "set-config with one attribute");

	/* policy-load / policy-clear */
	rules[0] = rule_make(1, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1000, AINKA_ACTION_REPORT, 0, 0, 0);
	rules[1] = rule_make(2, AINKA_METRIC_LOAD1_MILLI, AINKA_CMP_GT, 1000000, AINKA_ACTION_REQUEST, 0, 0, 7);
	rules[2] = rule_make(3, AINKA_METRIC_BLOCKED, AINKA_CMP_GT, 100000, AINKA_ACTION_RENICE, AINKA_TARGET_TOP_CPU, 0, 5);
	err = nl_policy_load(&nl, rules, 2, false, &count);
	ok(!err && count == 2, "policy-load 2 rules -> count %u (%s)", count, strerror(-err));
	err = nl_policy_load(&nl, rules + 2, 1, false, &count);
	ok(!err && count == 3, "policy-load appends -> count %u", count);
	ok(proc_get("policy_count") == 3, "/proc/ainka policy_count 3");
	err = nl_policy_load(&nl, rules + 1, 1, true, &count);
	ok(!err && count == 1, "policy-load with replace -> count %u", count);
	err = nl_do(&nl, AINKA_CMD_POLICY_CLEAR, NULL, r);
	ok(!err && attr_u32(r->data, r->len, AINKA_A_POLICY_COUNT, &v32) && v32 == 0, "policy-clear -> count 0");

	/* heartbeat */
	nl_status(&nl, &st);
	ab_reset(ab);
	ab_u64(ab, AINKA_A_HEARTBEAT_COOKIE, 0x1234567890abcdefULL);
	ok(!nl_do(&nl, AINKA_CMD_HEARTBEAT, ab, NULL), "heartbeat");
	nl_status(&nl, &st2);
	ok(st2.cookie == 0x1234567890abcdefULL, "status echoes the heartbeat cookie");
	ok(st2.heartbeats == st.heartbeats + 1, "heartbeat counter +1");

	/* actions-get (dump) */
	err = nl_dump(&nl, AINKA_CMD_ACTIONS_GET, NULL, count_actions, &msgs);
	ok(!err, "actions-get dump completes (%d messages, %s)", msgs, strerror(-err));
	ab_reset(ab);
	ab_u32(ab, AINKA_A_MAX_ACTIONS, 5);
	ok(!nl_dump(&nl, AINKA_CMD_ACTIONS_GET, ab, count_actions, &msgs), "actions-get with max-actions");

	/* ioctls */
	fd = open("/dev/ainka", O_RDWR | O_CLOEXEC);
	ok(fd >= 0, "open /dev/ainka");
	{
		struct ainka_ioc_version v = { 0 };
		struct ainka_ioc_state s = { 0 };
		struct ainka_ioc_mode m = { .mode = AINKA_MODE_ENFORCE };
		struct ainka_ioc_heartbeat hb = { .cookie = 42 };
		struct ainka_ioc_ring_info ri = { 0 };

		err = ioctl(fd, AINKA_IOC_GET_VERSION, &v);
		ok(!err && v.abi_version == AINKA_ABI_VERSION && v.module_version == 0x000100,
		   "GET_VERSION abi %u module %#x", v.abi_version, v.module_version);
		err = ioctl(fd, AINKA_IOC_GET_STATE, &s);
		ok(!err && s.mode == AINKA_MODE_OBSERVE && s.samples > 0 && s.uptime_ns > 0,
		   "GET_STATE mode %u samples %llu", s.mode, (unsigned long long)s.samples);
		ok(!ioctl(fd, AINKA_IOC_SET_MODE, &m), "SET_MODE enforce");
		err = ioctl(fd, AINKA_IOC_GET_STATE, &s);
		ok(!err && s.mode == AINKA_MODE_ENFORCE, "GET_STATE shows enforce");
		m.mode = AINKA_MODE_OBSERVE;
		ok(!ioctl(fd, AINKA_IOC_SET_MODE, &m), "SET_MODE observe");
		err = ioctl(fd, AINKA_IOC_HEARTBEAT, &hb);
		ok(!err && proc_get("heartbeat_cookie") == 42, "HEARTBEAT cookie 42 in /proc/ainka");
		err = ioctl(fd, AINKA_IOC_RING_INFO, &ri);
		ok(!err && ri.record_size == sizeof(struct ainka_sample) &&
		   ri.capacity == AINKA_RING_DEFAULT_CAPACITY && ri.data_offset == AINKA_RING_DATA_OFFSET &&
		   ri.mmap_size >= AINKA_RING_DATA_OFFSET + ri.capacity * ri.record_size && ri.head > 0,
		   "RING_INFO capacity %u mmap %u head %llu", ri.capacity, ri.mmap_size, (unsigned long long)ri.head);
		close(fd);
	}
	nl_close(&nl);
	ok(!kmod_unload(), "module unloads");
	free(ab);
	free(r);
	return tap_done();
}
