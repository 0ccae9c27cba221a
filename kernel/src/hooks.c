// SPDX-License-Identifier: GPL-2.0
/*
 * Event hooks: probes on scheduler, process and block tracepoints.
 *
 * Tracepoints are found by name with for_each_kernel_tracepoint() (their __tracepoint_* symbols
 * are not exported to modules) and attached with tracepoint_probe_register(). Probes only bump
 * per-CPU counters: they run in scheduler context and must be as cheap as possible. The sampler
 * turns the counters into rates (context switches/s, forks/s) and I/O in flight.
 *
 * A tracepoint missing from the running kernel is logged and skipped; the metric it feeds stays 0.
 */
#include "ainka.h"

#include <linux/blk-mq.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

struct ainka_hook_pcpu {
	u64 switches;
	u64 forks;
	u64 execs;
	u64 exits;
	s64 io_issued;
	s64 io_completed;
};

static DEFINE_PER_CPU(struct ainka_hook_pcpu, hook_pcpu);

static void probe_sched_switch(void *data, bool preempt, struct task_struct *prev,
			       struct task_struct *next, unsigned int prev_state)
{
	this_cpu_inc(hook_pcpu.switches);
}

static void probe_sched_process_fork(void *data, struct task_struct *parent,
				     struct task_struct *child)
{
	this_cpu_inc(hook_pcpu.forks);
}

static void probe_sched_process_exec(void *data, struct task_struct *p, pid_t old_pid,
				     struct linux_binprm *bprm)
{
	this_cpu_inc(hook_pcpu.execs);
}

static void probe_sched_process_exit(void *data, struct task_struct *p)
{
	this_cpu_inc(hook_pcpu.exits);
}

static void probe_block_rq_issue(void *data, struct request *rq)
{
	this_cpu_inc(hook_pcpu.io_issued);
}

static void probe_block_rq_complete(void *data, struct request *rq, blk_status_t error,
				    unsigned int nr_bytes)
{
	this_cpu_inc(hook_pcpu.io_completed);
}

struct ainka_hook {
	const char *name;
	void *probe;
	struct tracepoint *tp;	/* set once registered */
};

static struct ainka_hook hooks[] = {
	{ .name = "sched_switch", .probe = probe_sched_switch },
	{ .name = "sched_process_fork", .probe = probe_sched_process_fork },
	{ .name = "sched_process_exec", .probe = probe_sched_process_exec },
	{ .name = "sched_process_exit", .probe = probe_sched_process_exit },
	{ .name = "block_rq_issue", .probe = probe_block_rq_issue },
	{ .name = "block_rq_complete", .probe = probe_block_rq_complete },
};

static unsigned int hooks_registered;

static void hooks_find(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!hooks[i].tp && !strcmp(tp->name, hooks[i].name))
			hooks[i].tp = tp;
}

int ainka_hooks_init(void)
{
	unsigned int i;
	int err;

	for_each_kernel_tracepoint(hooks_find, NULL);
	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (!hooks[i].tp) {
			pr_warn("tracepoint %s not found; its metric stays 0\n", hooks[i].name);
			continue;
		}
		err = tracepoint_probe_register(hooks[i].tp, hooks[i].probe, NULL);
		if (err) {
			pr_err("failed to register a probe on %s: %d\n", hooks[i].name, err);
			hooks[i].tp = NULL;
			goto err_unregister;
		}
		hooks_registered++;
	}
	return 0;

err_unregister:
	ainka_hooks_exit();
	return err;
}

void ainka_hooks_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (!hooks[i].tp)
			continue;
		tracepoint_probe_unregister(hooks[i].tp, hooks[i].probe, NULL);
		hooks[i].tp = NULL;
	}
	hooks_registered = 0;
	/* No probe may still be running when the module text goes away. */
	tracepoint_synchronize_unregister();
}

unsigned int ainka_hooks_registered(void)
{
	return hooks_registered;
}

/* Sums the per-CPU counters (racy by design: the sampler wants a cheap, monotonic view). */
void ainka_hooks_read(struct ainka_hook_counts *out)
{
	s64 issued = 0, completed = 0;
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct ainka_hook_pcpu *c = per_cpu_ptr(&hook_pcpu, cpu);

		out->switches += READ_ONCE(c->switches);
		out->forks += READ_ONCE(c->forks);
		out->execs += READ_ONCE(c->execs);
		out->exits += READ_ONCE(c->exits);
		issued += READ_ONCE(c->io_issued);
		completed += READ_ONCE(c->io_completed);
	}
	out->io_inflight = max_t(s64, issued - completed, 0);
	out->events = out->switches + out->forks + out->execs + out->exits + issued + completed;
}
