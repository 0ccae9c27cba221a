// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest part of the kernel benchmark (run by tools/bench/kernel/run.mjs through the testbed).
 * Prints "BENCH <key>=<value>" lines:
 *   - policy evaluation cost (p50/p99/max ns over the module's last 1024 evaluations) with
 *     0 rules (baseline), 256 idle rules (conditions false) and 256 holding rules (conditions
 *     true, for_ms never reached: the most work per rule without actions);
 *   - memory: module core size, ring and policy bytes, and the kernel memory the loaded module
 *     adds (unreclaimable slab + vmalloc + percpu from /proc/meminfo).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktest.h"

#define INTERVAL_MS 2
#define WINDOW 1024

/* Waits for a full window of new evaluations and prints their cost. */
static void measure(const char *label)
{
	long long start = proc_get("eval_count");

	while (proc_get("eval_count") < start + WINDOW + 16)
		sleep_ms(200);
	printf("BENCH %s_p50_ns=%lld\n", label, proc_get("eval_ns_p50"));
	printf("BENCH %s_p99_ns=%lld\n", label, proc_get("eval_ns_p99"));
	printf("BENCH %s_max_ns=%lld\n", label, proc_get("eval_ns_max"));
	fflush(stdout);
}

static void load_rules(struct nl *nl, bool holding)
{
	struct ainka_rule rules[AINKA_POLICY_CAPACITY];
	uint32_t count = 0;
	int i, err;

	for (i = 0; i < AINKA_POLICY_CAPACITY; i++) {
		uint16_t metric = i % AINKA_METRIC_COUNT;

		/* idle: metric > huge never holds; holding: metric > -huge always holds. */
		rules[i] = rule_make(i + 1, metric, AINKA_CMP_GT, holding ? -(1LL << 60) : (1LL << 60),
				     i % 2 ? AINKA_ACTION_REPORT : AINKA_ACTION_REQUEST, 0, 0, 0);
		rules[i].priority = i % 7;
		rules[i].for_ms = 3600000;
	}
	err = nl_policy_load(nl, rules, AINKA_POLICY_CAPACITY, true, &count);
	if (err || count != AINKA_POLICY_CAPACITY)
		bail("loading %d rules failed: %s", AINKA_POLICY_CAPACITY, strerror(-err));
}

int main(void)
{
	char params[64];
	long before, after;
	struct nl nl;
	FILE *f;
	long core = -1;

	if (kmod_loaded())
		kmod_unload();
	before = ktest_kernel_mem_kb();
	snprintf(params, sizeof(params), "sample_interval_ms=%d", INTERVAL_MS);
	kmod_reload(params);
	if (nl_open(&nl))
		bail("cannot open the ainka netlink family");
	printf("BENCH sample_interval_ms=%d\n", INTERVAL_MS);
	measure("rules0");
	load_rules(&nl, false);
	measure("rules256_idle");
	load_rules(&nl, true);
	measure("rules256_holding");

	f = fopen("/sys/module/ainka/coresize", "r");
	if (f && fscanf(f, "%ld", &core) != 1)
		core = -1;
	if (f)
		fclose(f);
	after = ktest_kernel_mem_kb();
	printf("BENCH module_core_bytes=%ld\n", core);
	printf("BENCH ring_bytes=%lld\n", proc_get("mem_ring_bytes"));
	printf("BENCH policy_bytes=%lld\n", proc_get("mem_policy_bytes"));
	printf("BENCH kernel_mem_delta_kb=%ld\n", after - before);
	printf("BENCH samples=%lld\n", proc_get("samples"));
	nl_close(&nl);
	kmod_unload();
	return 0;
}
