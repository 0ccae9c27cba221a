// SPDX-License-Identifier: MIT
/*
 * lcwake: a latency-critical periodic task (cyclictest-like). Every PERIOD_US it sleeps until an
 * absolute deadline, records how late it woke (timer + run-queue wait) and spins WORK_US, for
 * DURATION_S seconds or until SIGTERM. SIGUSR1 restarts the recording (a measurement window
 * begins); SIGUSR2 writes the window's result and keeps running. Results are one JSON line with
 * the wake-latency percentiles in microseconds, written to OUTFILE (or stdout).
 *
 *   lcwake PERIOD_US WORK_US DURATION_S [OUTFILE]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop, restart, dump;

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

static void on_usr2(int sig)
{
	(void)sig;
	dump = 1;
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

/* Writes the percentiles of lat[0..n) (sorted in a copy) to `path` or stdout. */
static int report(const long long *lat, long n, const char *path)
{
	long long *s;
	FILE *out = stdout;

	if (n == 0)
		return 1;
	s = malloc(n * sizeof(*s));
	if (!s)
		return 1;
	memcpy(s, lat, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp);
	if (path && !(out = fopen(path, "w"))) {
		perror("lcwake: OUTFILE");
		free(s);
		return 1;
	}
#define P(q) (s[(long)((q) * (n - 1))] / 1000.0)
	fprintf(out, "{\"samples\":%ld,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}\n", n, P(0.5), P(0.99), s[n - 1] / 1000.0);
	if (out != stdout)
		fclose(out);
	else
		fflush(out);
	free(s);
	return 0;
}

int main(int argc, char **argv)
{
	long period, work, dur, n = 0, cap;
	struct timespec next, now;
	long long *lat, end, t;
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
	signal(SIGUSR2, on_usr2);
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
		if (dump) {
			dump = 0;
			report(lat, n, argc == 5 ? argv[4] : NULL);
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
	return report(lat, n, argc == 5 ? argv[4] : NULL);
}
