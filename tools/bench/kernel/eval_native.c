// SPDX-License-Identifier: GPL-2.0
/*
 * Native (host CPU) timing of the kernel's policy evaluation: the same ainka_slot_step() the
 * module runs (kernel/src/policy_eval.h), in the same loop, timed the same way (a clock read
 * before and after each pass). The in-guest figures come from an emulated CPU; these show what
 * the code costs on real hardware. Prints "BENCH native_<case>_<stat>_ns=<n>".
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int64_t s64;
typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;
#define NSEC_PER_MSEC 1000000ULL

#include "../../../kernel/include/uapi/ainka.h"
#include "../../../kernel/src/policy_eval.h"

#define ROUNDS 20000
#define HITS_PER_SAMPLE 16

static struct ainka_slot slots[AINKA_POLICY_CAPACITY];
static volatile u32 sink;

static u64 ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void setup(unsigned int n, bool holding)
{
	unsigned int i;

	memset(slots, 0, sizeof(slots));
	for (i = 0; i < n; i++) {
		struct ainka_rule *r = &slots[i].rule;

		r->id = i + 1;
		r->metric = i % AINKA_METRIC_COUNT;
		r->cmp = AINKA_CMP_GT;
		r->threshold = holding ? -(1LL << 60) : (1LL << 60);
		r->action = i % 2 ? AINKA_ACTION_REPORT : AINKA_ACTION_REQUEST;
		r->for_ms = 3600000;
		ainka_slot_prepare(&slots[i]);
	}
}

static void run(const char *label, unsigned int n, bool holding)
{
	static u64 cost[ROUNDS];
	s64 metrics[AINKA_METRIC_COUNT];
	unsigned int round, i, j;
	u64 now = 1000000000ULL;

	setup(n, holding);
	for (round = 0; round < ROUNDS; round++) {
		unsigned int hits = 0;
		u64 t0, t1;

		for (j = 0; j < AINKA_METRIC_COUNT; j++)
			metrics[j] = (s64)(round * 7 + j) % 1000;
		now += 10 * NSEC_PER_MSEC;
		t0 = ns();
		for (i = 0; i < n; i++)
			if (ainka_slot_step(&slots[i], metrics, now) && hits < HITS_PER_SAMPLE)
				hits++;
		t1 = ns();
		sink += hits;
		cost[round] = t1 - t0;
	}
	qsort(cost, ROUNDS, sizeof(cost[0]), cmp_u64);
	printf("BENCH native_%s_p50_ns=%llu\n", label, (unsigned long long)cost[ROUNDS / 2]);
	printf("BENCH native_%s_p99_ns=%llu\n", label, (unsigned long long)cost[ROUNDS * 99 / 100]);
	printf("BENCH native_%s_max_ns=%llu\n", label, (unsigned long long)cost[ROUNDS - 1]);
}

int main(void)
{
	run("rules0", 0, false);
	run("rules256_idle", AINKA_POLICY_CAPACITY, false);
	run("rules256_holding", AINKA_POLICY_CAPACITY, true);
	return 0;
}
