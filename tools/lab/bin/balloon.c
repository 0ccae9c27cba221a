// SPDX-License-Identifier: MIT
/*
 * balloon: a memory workload with a cold majority and a hot working set, for the lab's memory
 * scenario. Grows to TOTAL MiB in STEP MiB steps (one every STEP_MS ms, touching every new page
 * once: the cold part), then makes PASSES passes writing one byte per page of the first HOT MiB
 * (the working set). Prints one JSON line: runtime, the cgroup's memory.peak and the time-weighted
 * mean of memory.current sampled after every step and pass.
 *
 *   balloon TOTAL_MB HOT_MB STEP_MB STEP_MS PASSES
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

static char cg[640];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long cg_read(const char *file)
{
	char path[700];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/%s", cg, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	long total, hot, step, step_ms, passes, page = sysconf(_SC_PAGESIZE);
	double t0, last, area = 0, t;
	long long cur, peak_seen = 0;
	char *mem, line[600];
	long off = 0, i, p;
	FILE *f;

	if (argc != 6) {
		fprintf(stderr, "usage: balloon TOTAL_MB HOT_MB STEP_MB STEP_MS PASSES\n");
		return 2;
	}
	total = atol(argv[1]) << 20;
	hot = atol(argv[2]) << 20;
	step = atol(argv[3]) << 20;
	step_ms = atol(argv[4]);
	passes = atol(argv[5]);
	if (hot > total || step <= 0 || total <= 0) {
		fprintf(stderr, "balloon: need 0 < STEP, HOT <= TOTAL\n");
		return 2;
	}
	f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(cg, sizeof(cg), "%s", line + 3);
		}
	if (f)
		fclose(f);
	mem = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("balloon: mmap");
		return 1;
	}
	t0 = last = now();
#define SAMPLE()                                        \
	do {                                            \
		t = now();                              \
		cur = cg_read("memory.current");        \
		if (cur > peak_seen)                    \
			peak_seen = cur;                \
		area += (cur > 0 ? cur : 0) * (t - last); \
		last = t;                               \
	} while (0)
	while (off < total) {
		long end = off + step > total ? total : off + step;

		for (i = off; i < end; i += page)
			mem[i] = (char)(i / page);
		off = end;
		/* the working set stays hot while the balloon grows */
		for (i = 0; i < (hot < off ? hot : off); i += page)
			mem[i]++;
		SAMPLE();
		usleep(step_ms * 1000);
	}
	for (p = 0; p < passes; p++) {
		for (i = 0; i < hot; i += page)
			mem[i]++;
		SAMPLE();
	}
	t = now();
	printf("{\"runtime_s\":%.3f,\"peak_bytes\":%lld,\"peak_seen_bytes\":%lld,\"mean_bytes\":%.0f,\"cgroup\":\"%s\"}\n",
	       t - t0, cg_read("memory.peak"), peak_seen, t > t0 ? area / (t - t0) : 0, cg);
	return 0;
}
