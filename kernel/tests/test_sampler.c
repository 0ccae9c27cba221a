// SPDX-License-Identifier: GPL-2.0
/*
 * The sampler: the task scan visits at most scan_max_threads threads however many exist; PSI
 * pushed by userspace (set-pressure) reaches the metrics and drives the state machine to
 * "pressured", and goes stale (-1) when nobody pushes; the policy cache's runtime state survives
 * a storm of appends (cool-down kept) and a rule in a recycled runtime slot starts afresh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"

static void *idle_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/* A child with n sleeping threads. */
static pid_t spawn_threads(int n)
{
	pid_t pid = fork();

	if (pid == 0) {
		pthread_attr_t a;
		pthread_t t;
		int i;

		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 * 1024);
		for (i = 0; i < n; i++)
			if (pthread_create(&t, &a, idle_thread, NULL))
				_exit(3);
		for (;;)
			pause();
	}
	return pid;
}

static int push_psi(struct nl *nl, uint32_t cpu, uint32_t mem, uint32_t io)
{
	struct attrbuf ab;

	ab_reset(&ab);
	ab_u32(&ab, AINKA_A_PSI_CPU_SOME_AVG10, cpu);
	ab_u32(&ab, AINKA_A_PSI_MEM_SOME_AVG10, mem);
	ab_u32(&ab, AINKA_A_PSI_IO_SOME_AVG10, io);
	return nl_do(nl, AINKA_CMD_SET_PRESSURE, &ab, NULL);
}

static bool rule_is(const struct evt *e, const void *arg)
{
	return e->type == AINKA_EVENT_POLICY_HIT && e->rule_id == *(const uint32_t *)arg;
}

/* Counts POLICY_HIT events of rule id for ms milliseconds; returns the count. */
static int count_hits(struct nl *ev, uint32_t id, int ms, int64_t *first_ms)
{
	int64_t end = now_ms() + ms;
	struct attrbuf *ab = calloc(1, sizeof(*ab));
	int n = 0;

	*first_ms = -1;
	while (now_ms() < end) {
		struct evt e;

		if (nl_event(ev, 50, ab) != 1)
			continue;
		evt_decode(ab, &e);
		if (rule_is(&e, &id)) {
			if (*first_ms < 0)
				*first_ms = now_ms();
			n++;
		}
	}
	free(ab);
	return n;
}

static void psi_cases(struct nl *nl)
{
	struct attrbuf ab;
	int i, err;
	long long state_ok = 0;

	ok(proc_get("metric_psi_cpu_some_avg10") == -1, "no pushed PSI: the metric reads -1 (PSI off)");
	ab_reset(&ab);
	ab_u32(&ab, AINKA_A_PSI_CPU_SOME_AVG10, 10);
	err = nl_do(nl, AINKA_CMD_SET_PRESSURE, &ab, NULL);
	ok(err == -EINVAL && nl->miss_type, "a partial set-pressure is refused naming the missing attribute (%u)", nl->miss_type);
	ab_reset(&ab);
	ab_u32(&ab, AINKA_A_PSI_CPU_SOME_AVG10, 10001);
	ab_u32(&ab, AINKA_A_PSI_MEM_SOME_AVG10, 0);
	ab_u32(&ab, AINKA_A_PSI_IO_SOME_AVG10, 0);
	err = nl_do(nl, AINKA_CMD_SET_PRESSURE, &ab, NULL);
	ok(err == -ERANGE || err == -EINVAL, "avg10 above 100.00 %% is refused (%s, \"%s\")", strerror(-err), nl->extack);
	/* 20 % memory stall: "pressured" (>= 10 %), not "critical" (>= 50 %). */
	for (i = 0; i < 30; i++) {
		if (push_psi(nl, 300, 2000, 100))
			break;
		sleep_ms(100);
		if (proc_get("metric_psi_mem_some_avg10") == 2000) {
			FILE *f = fopen("/proc/ainka", "r");
			char line[128];

			while (f && fgets(line, sizeof(line), f))
				if (!strcmp(line, "state: pressured\n"))
					state_ok++;
			if (f)
				fclose(f);
		}
		if (state_ok)
			break;
	}
	ok(proc_get("metric_psi_cpu_some_avg10") == 300 && proc_get("metric_psi_io_some_avg10") == 100,
	   "pushed PSI reaches the metrics (cpu %lld, io %lld)", proc_get("metric_psi_cpu_some_avg10"),
	   proc_get("metric_psi_io_some_avg10"));
	ok(state_ok > 0, "pushed memory pressure drives the state machine to \"pressured\"");
	sleep_ms(5500);
	ok(proc_get("metric_psi_mem_some_avg10") == -1, "PSI nobody refreshed for 5 s reads -1 again");
}

static void append_cases(struct nl *nl, struct nl *ev)
{
	struct ainka_rule keep, r;
	uint32_t keep_id = 7, fresh_id = 900;
	int64_t t0, first;
	int i, hits, err = 0;

	keep = rule_make(keep_id, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_REPORT, AINKA_TARGET_NONE, 0, 0);
	keep.cooldown_ms = 1000;
	ok(!nl_policy_load(nl, &keep, 1, true, NULL), "rule 7: always true, 1 s cool-down");
	count_hits(ev, keep_id, 300, &first);
	/* 2.5 s of appends while rule 7 keeps hitting: its cool-down must survive every new table. */
	t0 = now_ms();
	hits = 0;
	for (i = 0; i < 240 && !err; i++) {
		struct attrbuf ab;
		struct evt e;

		r = rule_make(100 + i, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_LT, 0, AINKA_ACTION_REPORT, AINKA_TARGET_NONE, 0, 0);
		err = nl_policy_load(nl, &r, 1, false, NULL);
		while (nl_event(ev, 0, &ab) == 1) {
			evt_decode(&ab, &e);
			hits += rule_is(&e, &keep_id);
		}
		sleep_ms(10);
	}
	hits += count_hits(ev, keep_id, 100, &first);
	ok(!err, "240 appends accepted");
	ok(hits <= (int)((now_ms() - t0) / 1000) + 1, "rule 7 hit %d times in %lld ms of appends: cool-down kept across tables",
	   hits, (long long)(now_ms() - t0));
	/* Replace storm: runtime slots are recycled; a recycled slot must not carry old state. */
	for (i = 0; i < 100 && !err; i++) {
		r = rule_make(500 + i, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_REPORT, AINKA_TARGET_NONE, 0, 0);
		err = nl_policy_load(nl, &r, 1, true, NULL);
	}
	ok(!err, "100 replacing loads accepted");
	r = rule_make(fresh_id, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_REPORT, AINKA_TARGET_NONE, 0, 0);
	r.for_ms = 700;
	t0 = now_ms();
	ok(!nl_policy_load(nl, &r, 1, true, NULL), "rule 900: must hold 700 ms before its first hit");
	hits = count_hits(ev, fresh_id, 1500, &first);
	ok(hits > 0 && first - t0 >= 650, "rule 900 first hit after %lld ms (a fresh hold time)", (long long)(first - t0));
	nl_do(nl, AINKA_CMD_POLICY_CLEAR, NULL, NULL);
}

int main(void)
{
	struct nl nl, ev;
	pid_t many;
	long long visited;
	int err, i;

	kmod_reload("sample_interval_ms=10 watchdog_timeout_ms=0 scan_max_threads=256");
	if ((err = nl_open(&nl)) || (err = nl_open(&ev)) || (err = nl_subscribe(&ev)))
		bail("netlink setup failed: %s", strerror(-err));

	many = spawn_threads(600);
	for (i = 0; i < 50 && proc_get("scan_threads_last") < 256; i++)
		sleep_ms(100);
	visited = proc_get("scan_threads_last");
	ok(visited == 256, "with 600+ threads the scan visits scan_max_threads=256 (%lld)", visited);
	ok(proc_get("samples") > 0 && proc_get("metric_mem_total_kb") > 0, "sampling goes on");
	kill_child(many);

	psi_cases(&nl);
	append_cases(&nl, &ev);

	nl_close(&ev);
	nl_close(&nl);
	ok(!kmod_unload(), "module unloads");
	return tap_done();
}
