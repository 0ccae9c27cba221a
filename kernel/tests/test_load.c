// SPDX-License-Identifier: GPL-2.0
/*
 * Load/unload 50 times, exercising every interface in each cycle, with no leaked memory
 * (unreclaimable slab + vmalloc + percpu from /proc/meminfo) and nothing left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktest.h"

#define CYCLES 50
#define LEAK_LIMIT_KB 512

/* One cycle: load, touch every interface, unload. Returns 0 or a step number. */
static int cycle(void)
{
	struct ainka_rule rules[8];
	struct ainka_ioc_ring_info ri;
	struct status st;
	struct nl nl;
	void *p;
	int fd, i, step = 0;

	if (kmod_load("sample_interval_ms=5"))
		return 1;
	step = 2;
	if (nl_open(&nl))
		goto out;
	step = 3;
	for (i = 0; i < 8; i++)
		rules[i] = rule_make(i + 1, AINKA_METRIC_RUNNABLE, AINKA_CMP_GT, 1000 + i, AINKA_ACTION_REPORT, 0, 0, 0);
	if (nl_policy_load(&nl, rules, 8, false, NULL) || nl_set_mode(&nl, AINKA_MODE_ENFORCE) ||
	    nl_status(&nl, &st) || nl_set_mode(&nl, AINKA_MODE_OBSERVE))
		goto out_nl;
	step = 4;
	fd = open("/dev/ainka", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, AINKA_IOC_RING_INFO, &ri))
		goto out_nl;
	p = mmap(NULL, ri.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto out_fd;
	munmap(p, ri.mmap_size);
	step = proc_get("samples") >= 0 ? 0 : 5;
out_fd:
	close(fd);
out_nl:
	nl_close(&nl);
out:
	if (kmod_unload())
		return 10 + step;
	return step;
}

int main(void)
{
	long before, after, core;
	struct nl nl;
	int i, failed = 0, step = 0;

	if (kmod_loaded() && kmod_unload())
		bail("cannot unload a previously loaded ainka");
	for (i = 0; i < 3; i++)
		cycle();	/* warm up caches the first load fills */

	/* Footprint while loaded. */
	kmod_reload(NULL);
	sleep_ms(200);
	{
		FILE *f = fopen("/sys/module/ainka/coresize", "r");

		core = -1;
		if (f && fscanf(f, "%ld", &core) != 1)
			core = -1;
		if (f)
			fclose(f);
	}
	diag("footprint: module core %ld bytes, ring %lld bytes, policy %lld bytes", core,
	     proc_get("mem_ring_bytes"), proc_get("mem_policy_bytes"));
	kmod_unload();

	before = ktest_kernel_mem_kb();
	for (i = 0; i < CYCLES; i++) {
		int s = cycle();

		if (s) {
			failed++;
			if (!step)
				step = s;
		}
	}
	after = ktest_kernel_mem_kb();
	ok(failed == 0, "%d load/use/unload cycles (%d failed, first at step %d)", CYCLES, failed, step);
	ok(after - before < LEAK_LIMIT_KB, "no leak: unreclaimable slab+vmalloc+percpu %ld kB -> %ld kB (%+ld kB, limit %d)",
	   before, after, after - before, LEAK_LIMIT_KB);
	ok(!kmod_loaded(), "module is gone");
	ok(access("/dev/ainka", F_OK) != 0 && access("/proc/ainka", F_OK) != 0, "/dev/ainka and /proc/ainka are gone");
	ok(nl_open(&nl) == -ENOENT, "the generic netlink family is gone");
	return tap_done();
}
