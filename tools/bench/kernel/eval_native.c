// SPDX-License-Identifier: GPL-2.0
/*
 * Native (host CPU) timing of the kernel's policy evaluation: the same decision tree the module
 * runs (kernel/src/policy_eval.h: ainka_index_eval + collecting hits in slot order), timed the
 * same way (a clock read before and after each pass), and the plain linear scan over every rule
 * as the reference. The in-guest figures come from an emulated CPU; these show what the code
 * costs on real hardware. Prints "BENCH native_<case>_<stat>_ns=<n>".
 *
 * It first checks that the decision tree and the linear scan hit exactly the same rules on
 * 20000 random samples against 256 random rules (BENCH native_index_mismatches=0).
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
static struct ainka_slot twin[AINKA_POLICY_CAPACITY];
static struct ainka_slot_rt rt[AINKA_POLICY_CAPACITY];
static struct ainka_slot_rt twin_rt[AINKA_POLICY_CAPACITY];
static struct ainka_index ix;
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
	memset(rt, 0, sizeof(rt));
	for (i = 0; i < n; i++) {
		slots[i].rt = i;
		struct ainka_rule *r = &slots[i].rule;

		r->id = i + 1;
		r->metric = i % AINKA_METRIC_COUNT;
		r->cmp = AINKA_CMP_GT;
		r->threshold = holding ? -(1LL << 60) : (1LL << 60);
		r->action = i % 2 ? AINKA_ACTION_REPORT : AINKA_ACTION_REQUEST;
		r->for_ms = 3600000;
		ainka_slot_prepare(&slots[i]);
	}
	ainka_index_build(&ix, slots, n);
}

/* Collects up to HITS_PER_SAMPLE hits in slot order, like policy.c. */
static unsigned int collect(const u64 *hitmap)
{
	unsigned int w, hits = 0;

	for (w = 0; w < AINKA_HITMAP_WORDS; w++) {
		u64 bits = hitmap[w];

		while (bits) {
			sink += w * 64 + __builtin_ctzll(bits);
			bits &= bits - 1;
			if (hits < HITS_PER_SAMPLE)
				hits++;
		}
	}
	return hits;
}

static unsigned int rnd(void)
{
	static u64 x = 88172645463325252ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (unsigned int)(x >> 11);
}

/* The decision tree and the linear scan must hit the same rules on every sample. */
static unsigned int check_equivalence(void)
{
	unsigned int round, i, j, mismatches = 0;
	s64 metrics[AINKA_METRIC_COUNT];
	u64 now = 1000000000ULL;

	memset(slots, 0, sizeof(slots));
	memset(rt, 0, sizeof(rt));
	memset(twin_rt, 0, sizeof(twin_rt));
	for (i = 0; i < AINKA_POLICY_CAPACITY; i++) {
		struct ainka_rule *r = &slots[i].rule;

		slots[i].rt = i;
		r->id = i + 1;
		r->metric = rnd() % AINKA_METRIC_COUNT;
		r->cmp = rnd() % AINKA_CMP_COUNT;
		r->threshold = (s64)(rnd() % 40) - 20;
		if (i == 0)
			r->threshold = (s64)(~0ULL >> 1);	/* GT max: never holds */
		if (i == 1) {
			r->cmp = AINKA_CMP_LT;
			r->threshold = -(s64)(~0ULL >> 1) - 1;	/* LT min: never holds */
		}
		r->for_ms = (rnd() % 3) * 20;
		r->cooldown_ms = (rnd() % 3) * 30;
		ainka_slot_prepare(&slots[i]);
	}
	memcpy(twin, slots, sizeof(slots));
	ainka_index_build(&ix, slots, AINKA_POLICY_CAPACITY);
	for (round = 0; round < ROUNDS; round++) {
		u64 a[AINKA_HITMAP_WORDS] = { 0 }, b[AINKA_HITMAP_WORDS] = { 0 };

		for (j = 0; j < AINKA_METRIC_COUNT; j++)
			metrics[j] = (s64)(rnd() % 44) - 22;
		now += 10 * NSEC_PER_MSEC;
		ainka_index_eval(&ix, slots, rt, metrics, now, a);
		for (i = 0; i < AINKA_POLICY_CAPACITY; i++)
			if (ainka_slot_step(&twin[i], &twin_rt[i], metrics, now))
				b[i / 64] |= 1ULL << (i % 64);
		if (memcmp(a, b, sizeof(a)))
			mismatches++;
	}
	return mismatches;
}

static void run(const char *label, unsigned int n, bool holding, bool linear)
{
	static u64 cost[ROUNDS];
	s64 metrics[AINKA_METRIC_COUNT];
	unsigned int round, i, j;
	u64 now = 1000000000ULL;

	setup(n, holding);
	for (round = 0; round < ROUNDS; round++) {
		u64 hitmap[AINKA_HITMAP_WORDS] = { 0 };
		unsigned int hits = 0;
		u64 t0, t1;

		for (j = 0; j < AINKA_METRIC_COUNT; j++)
			metrics[j] = (s64)(round * 7 + j) % 1000;
		now += 10 * NSEC_PER_MSEC;
		t0 = ns();
		if (linear) {
			for (i = 0; i < n; i++)
				if (ainka_slot_step(&slots[i], &rt[i], metrics, now) && hits < HITS_PER_SAMPLE)
					hits++;
		} else {
			ainka_index_eval(&ix, slots, rt, metrics, now, hitmap);
			hits = collect(hitmap);
		}
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
	unsigned int mismatches = check_equivalence();

	printf("BENCH native_index_mismatches=%u\n", mismatches);
	run("rules0", 0, false, false);
	run("rules256_idle", AINKA_POLICY_CAPACITY, false, false);
	run("rules256_holding", AINKA_POLICY_CAPACITY, true, false);
	run("linear256_idle", AINKA_POLICY_CAPACITY, false, true);
	run("linear256_holding", AINKA_POLICY_CAPACITY, true, true);
	return mismatches ? 1 : 0;
}
