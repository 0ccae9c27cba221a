// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/ainka: a human-readable snapshot, one "key: value" per line, then the last actions.
 * Keys are stable (tests and tools/bench/kernel parse them).
 */
#include "ainka.h"

#include <linux/capability.h>
#include <linux/ktime.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#define PROC_LAST_ACTIONS	16

static const char *const metric_names[AINKA_METRIC_COUNT] = {
	[AINKA_METRIC_RUNNABLE] = "runnable",
	[AINKA_METRIC_LOAD1_MILLI] = "load1_milli",
	[AINKA_METRIC_MEM_AVAILABLE_KB] = "mem_available_kb",
	[AINKA_METRIC_MEM_TOTAL_KB] = "mem_total_kb",
	[AINKA_METRIC_IO_INFLIGHT] = "io_inflight",
	[AINKA_METRIC_PSI_CPU_SOME_AVG10] = "psi_cpu_some_avg10",
	[AINKA_METRIC_PSI_MEM_SOME_AVG10] = "psi_mem_some_avg10",
	[AINKA_METRIC_PSI_IO_SOME_AVG10] = "psi_io_some_avg10",
	[AINKA_METRIC_CTX_SWITCHES_PER_SEC] = "ctx_switches_per_sec",
	[AINKA_METRIC_FORKS_PER_SEC] = "forks_per_sec",
	[AINKA_METRIC_CPU_BUSY_PERMILLE] = "cpu_busy_permille",
	[AINKA_METRIC_BLOCKED] = "blocked",
};

static const char *const action_names[AINKA_ACTION_COUNT] = {
	"report", "renice", "ioprio", "request",
};

static const char *const status_names[] = {
	"observed", "applied", "reverted", "failed",
};

/* pid and comm of acted-on tasks only for readers with CAP_NET_ADMIN (the file is 0444). */
static void show_actions(struct seq_file *m, bool redact)
{
	struct ainka_action_rec *recs;
	unsigned int n, i;

	recs = kmalloc_array(PROC_LAST_ACTIONS, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return;
	n = ainka_action_log_copy(recs, PROC_LAST_ACTIONS);
	seq_puts(m, "last_actions:\n");
	for (i = 0; i < n; i++) {
		const struct ainka_action_rec *r = &recs[i];

		seq_printf(m, "  id=%llu rule=%u action=%s status=%s pid=%u comm=%s old=%d new=%d t_ns=%llu\n",
			   r->id, r->rule_id,
			   r->kind < AINKA_ACTION_COUNT ? action_names[r->kind] : "?",
			   r->status < ARRAY_SIZE(status_names) ? status_names[r->status] : "?",
			   redact ? 0 : r->pid, r->comm[0] && !redact ? r->comm : "-",
			   r->old_value, r->new_value,
			   r->timestamp_ns);
	}
	kfree(recs);
}

static int ainka_proc_show(struct seq_file *m, void *v)
{
	struct ainka_ioc_ring_info ring;
	struct ainka_eval_stats ev;
	struct ainka_hook_counts hc;
	s64 metrics[AINKA_METRIC_COUNT];
	u64 now = ktime_get_ns();
	int i;

	ainka_ring_info(&ring);
	ainka_policy_eval_stats(&ev);
	ainka_hooks_read(&hc);
	ainka_metrics_snapshot(metrics);

	seq_printf(m, "version: %s\n", AINKA_VERSION_STR);
	seq_printf(m, "abi_version: %d\n", AINKA_ABI_VERSION);
	seq_printf(m, "mode: %s\n",
		   atomic_read(&ainka.mode) == AINKA_MODE_ENFORCE ? "enforce" : "observe");
	seq_printf(m, "state: %s\n", ainka_state_name(atomic_read(&ainka.state)));
	seq_printf(m, "uptime_ns: %llu\n", now - ainka.load_ns);
	seq_printf(m, "sample_interval_ms: %u\n", READ_ONCE(ainka.sample_interval_ms));
	seq_printf(m, "watchdog_timeout_ms: %u\n", READ_ONCE(ainka.watchdog_timeout_ms));
	seq_printf(m, "heartbeat_age_ms: %llu\n",
		   (now - READ_ONCE(ainka.last_heartbeat_ns)) / NSEC_PER_MSEC);
	seq_printf(m, "heartbeat_cookie: %llu\n", READ_ONCE(ainka.heartbeat_cookie));
	seq_printf(m, "policy_count: %u\n", ainka_policy_count());
	seq_printf(m, "policy_capacity: %d\n", AINKA_POLICY_CAPACITY);
	seq_printf(m, "actions_in_force: %u\n", ainka_actions_in_force());
	seq_printf(m, "samples: %llu\n", ainka_ctr(&ainka.ctr.samples));
	seq_printf(m, "rule_hits: %llu\n", ainka_ctr(&ainka.ctr.rule_hits));
	seq_printf(m, "actions_applied: %llu\n", ainka_ctr(&ainka.ctr.actions_applied));
	seq_printf(m, "actions_reverted: %llu\n", ainka_ctr(&ainka.ctr.actions_reverted));
	seq_printf(m, "watchdog_fires: %llu\n", ainka_ctr(&ainka.ctr.watchdog_fires));
	seq_printf(m, "heartbeats: %llu\n", ainka_ctr(&ainka.ctr.heartbeats));
	seq_printf(m, "events_sent: %llu\n", ainka_ctr(&ainka.ctr.events_sent));
	seq_printf(m, "jobs_dropped: %llu\n", ainka_ctr(&ainka.ctr.jobs_dropped));
	seq_printf(m, "jobs_queue_full: %llu\n", ainka_ctr(&ainka.ctr.jobs_queue_full));
	seq_printf(m, "owner_fallbacks: %llu\n", ainka_ctr(&ainka.ctr.owner_fallbacks));
	seq_printf(m, "scan_threads_last: %u\n", ainka_scan_visited());
	seq_printf(m, "tracepoints: %u\n", ainka_hooks_registered());
	seq_printf(m, "tracepoint_events: %llu\n", hc.events);
	seq_printf(m, "eval_count: %llu\n", ev.evaluations);
	seq_printf(m, "eval_ns_last: %llu\n", ev.last_ns);
	seq_printf(m, "eval_ns_p50: %llu\n", ev.p50_ns);
	seq_printf(m, "eval_ns_p99: %llu\n", ev.p99_ns);
	seq_printf(m, "eval_ns_max: %llu\n", ev.max_ns);
	seq_printf(m, "ring_capacity: %u\n", ring.capacity);
	seq_printf(m, "ring_head: %llu\n", ring.head);
	seq_printf(m, "ring_tail: %llu\n", ring.tail);
	seq_printf(m, "ring_overflows: %llu\n", ring.overflows);
	seq_printf(m, "mem_ring_bytes: %zu\n", ainka_ring_bytes());
	seq_printf(m, "mem_policy_bytes: %zu\n", ainka_policy_bytes());
	for (i = 0; i < AINKA_METRIC_COUNT; i++)
		seq_printf(m, "metric_%s: %lld\n", metric_names[i], metrics[i]);
	show_actions(m, !file_ns_capable(m->file, &init_user_ns, CAP_NET_ADMIN));
	return 0;
}

int ainka_procfs_init(void)
{
	return proc_create_single(AINKA_PROC_NAME, 0444, NULL, ainka_proc_show) ? 0 : -ENOMEM;
}

void ainka_procfs_exit(void)
{
	remove_proc_entry(AINKA_PROC_NAME, NULL);
}
