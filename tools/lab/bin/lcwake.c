// SPDX-License-Identifier: MIT
/*
 * lcwake: a latency-critical periodic task (cyclictest-like). Every PERIOD_US it sleeps until an
 * absolute deadline, records how late it woke (timer + run-queue wait) and spins WORK_US, for
 * DURATION_S seconds or until SIGTERM. SIGUSR1 restarts the recording (the measurement window
 * begins). Writes one JSON line with the wake-latency percentiles in microseconds to OUTFILE
 * (or stdout).
 *
 *   lcwake PERIOD_US WORK_US DURATION_S [OUTFILE]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile sig_atomic_t stop, restart;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	restart = 1;
}

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long period, work, dur, n = 0, cap;
	struct timespec next, now;
	long long *lat, end, t;
	FILE *out = stdout;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: lcwake PERIOD_US WORK_US DURATION_S [OUTFILE]\n");
		return 2;
	}
	period = atol(argv[1]) * 1000;
	work = atol(argv[2]) * 1000;
	dur = atol(argv[3]);
	if (period <= 0 || dur <= 0)
		return 2;
	cap = dur * 1000000000LL / period + 16;
	lat = calloc(cap, sizeof(*lat));
	if (!lat)
		return 1;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGUSR1, on_usr1);
	clock_gettime(CLOCK_MONOTONIC, &next);
	end = ns(&next) + dur * 1000000000LL;
	while (n < cap && !stop) {
		next.tv_nsec += period;
		while (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		t = ns(&now);
		if (restart) {
			restart = 0;
			n = 0;
		}
		lat[n++] = t - ns(&next);
		if (t >= end)
			break;
		/* a wake-up later than a period skips the missed periods (no catch-up burst) */
		if (t - ns(&next) > period)
			next = now;
		do
			clock_gettime(CLOCK_MONOTONIC, &now);
		while (ns(&now) - t < work);
	}
	if (n == 0)
		return 1;
	qsort(lat, n, sizeof(*lat), cmp);
	if (argc == 5 && !(out = fopen(argv[4], "w"))) {
		perror("lcwake: OUTFILE");
		return 1;
	}
#define P(q) (lat[(long)((q) * (n - 1))] / 1000.0)
	fprintf(out, "{\"samples\":%ld,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}\n", n, P(0.5), P(0.99), lat[n - 1] / 1000.0);
	fclose(out);
	return 0;
}
