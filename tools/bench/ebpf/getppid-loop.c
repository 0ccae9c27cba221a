// SPDX-License-Identifier: MIT
/*
 * Flood generator for tools/bench/ebpf: waits for a line on stdin, then calls getppid(2) at
 * <calls_per_sec> for <ms> milliseconds (0 = as fast as possible), and prints the calls made.
 * The flood eBPF program turns each call of this process into N ring buffer records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double rate, secs, start, t;
	unsigned long calls = 0;
	char line[16];

	if (argc != 3) {
		fprintf(stderr, "usage: %s <calls_per_sec|0> <ms>\n", argv[0]);
		return 2;
	}
	rate = atof(argv[1]);
	secs = atof(argv[2]) / 1000.0;
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	start = now_s();
	for (;;) {
		int i;

		for (i = 0; i < 64; i++)
			syscall(SYS_getppid);
		calls += 64;
		t = now_s() - start;
		if (t >= secs)
			break;
		while (rate > 0 && calls > rate * t) /* pace */
			t = now_s() - start;
	}
	printf("%lu\n", calls);
	return 0;
}
