/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AINKA kernel module: private declarations shared by the files of ainka.ko.
 *
 * Data flow (see ../README.md):
 *   hooks.c (tracepoints) ---counts---> sampler.c (hrtimer, softirq context)
 *   sampler.c --sample--> ring.c (mmap ring) + state machine + policy.c (evaluate)
 *   policy.c --hits--> actions.c (job queue -> workqueue, process context) --> netlink.c (events)
 *   netlink.c / chardev.c / procfs.c: the userspace interfaces.
 *
 * Context rules: the sampler runs in softirq context and never sleeps; everything that sleeps,
 * takes a mutex or allocates with GFP_KERNEL (applying actions, notifications) runs in the
 * workqueue or in a netlink/ioctl handler.
 */
#ifndef _AINKA_H
#define _AINKA_H

#ifndef pr_fmt
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#endif

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "../include/uapi/ainka.h"

#define AINKA_VERSION_MAJOR	0
#define AINKA_VERSION_MINOR	1
#define AINKA_VERSION_PATCH	0
#define AINKA_VERSION_STR	"0.1.0"
#define AINKA_MODULE_VERSION \
	((AINKA_VERSION_MAJOR << 16) | (AINKA_VERSION_MINOR << 8) | AINKA_VERSION_PATCH)

/* Evaluation-cost window for the p50/p99 figures. */
#define AINKA_EVAL_WINDOW	1024
/* Recent actions kept for /proc/ainka and the actions-get dump. */
#define AINKA_ACTION_LOG	256
/* Actions in force at once (each one is reverted on rollback). */
#define AINKA_ACTIONS_IN_FORCE	64
/* Rule hits one sample may queue; more are counted as dropped. */
#define AINKA_HITS_PER_SAMPLE	16

/* Module-wide counters; all monotonic since load. */
struct ainka_counters {
	atomic64_t samples;
	atomic64_t rule_hits;
	atomic64_t actions_applied;
	atomic64_t actions_reverted;
	atomic64_t watchdog_fires;
	atomic64_t heartbeats;
	atomic64_t events_sent;
	atomic64_t jobs_dropped;		/* hits beyond the per-sample cap + jobs the full queue refused */
	atomic64_t jobs_queue_full;	/* jobs the full queue refused (the executor falls behind) */
	atomic64_t owner_fallbacks;	/* enforce owner went away: observe mode */
};

/* The module's singleton state (the seed's "struct ainka_core"). */
struct ainka_core {
	u64 load_ns;			/* ktime_get_ns() at load */
	atomic_t mode;			/* enum ainka_mode */
	atomic_t state;			/* enum ainka_state */
	u32 sample_interval_ms;		/* READ_ONCE/WRITE_ONCE */
	u32 watchdog_timeout_ms;	/* READ_ONCE/WRITE_ONCE, 0 = off */
	u64 last_heartbeat_ns;		/* READ_ONCE/WRITE_ONCE */
	u64 heartbeat_cookie;		/* READ_ONCE/WRITE_ONCE */
	struct ainka_counters ctr;

	spinlock_t metrics_lock;	/* protects metrics[] (taken with _bh) */
	s32 psi[3];			/* pushed PSI cpu/mem/io avg10, READ_ONCE/WRITE_ONCE */
	u64 psi_pushed_ns;		/* when they were pushed (0 = never) */
	s64 metrics[AINKA_METRIC_COUNT]; /* last sample */
};

extern struct ainka_core ainka;

/* Reads a counter. */
static inline u64 ainka_ctr(atomic64_t *c)
{
	return (u64)atomic64_read(c);
}

/* main.c: module parameters (validated copies). */
extern unsigned int ainka_param_ring_capacity;

/* ring.c: the mmap'ed single-producer/single-consumer sample ring. */
int ainka_ring_init(unsigned int capacity);
void ainka_ring_exit(void);
void ainka_ring_push(u32 state, const s64 *metrics, u64 now_ns);
void ainka_ring_info(struct ainka_ioc_ring_info *info);
int ainka_ring_mmap(struct vm_area_struct *vma);
size_t ainka_ring_bytes(void);

/* hooks.c: scheduler/process/block tracepoints. */
struct ainka_hook_counts {
	u64 switches;
	u64 forks;
	u64 execs;
	u64 exits;
	s64 io_inflight;
	u64 events;		/* every probe hit */
};
int ainka_hooks_init(void);
void ainka_hooks_exit(void);
void ainka_hooks_read(struct ainka_hook_counts *out);
unsigned int ainka_hooks_registered(void);

/* sampler.c: periodic sampler and state machine. */
int ainka_sampler_init(void);
void ainka_sampler_start(void);
void ainka_sampler_stop(void);
void ainka_sampler_exit(void);
const char *ainka_state_name(u32 state);
void ainka_metrics_snapshot(s64 *out);
u32 ainka_scan_visited(void);

/* policy.c: policy cache, evaluation and its measured cost. */
struct pid;
struct file;
struct net;
struct ainka_hit {
	u32 rule_id;
	u8 action;
	u8 target;
	u8 may_raise;		/* the rule was loaded with CAP_SYS_NICE */
	s32 arg;
	struct pid *pid;	/* PID target: a reference the hit owns; NULL otherwise */
	s64 metric_value;
};
struct ainka_eval_stats {
	u64 last_ns;
	u64 p50_ns;
	u64 p99_ns;
	u64 max_ns;
	u64 evaluations;
};
int ainka_policy_init(void);
void ainka_policy_exit(void);
int ainka_policy_load(const struct ainka_rule *rules, unsigned int n, bool replace, bool may_raise,
		      const char **why, unsigned int *bad_index);
unsigned int ainka_policy_clear(void);
unsigned int ainka_policy_count(void);
void ainka_policy_evaluate(const s64 *metrics, u64 now_ns);
void ainka_policy_eval_stats(struct ainka_eval_stats *st);
size_t ainka_policy_bytes(void);

/* actions.c: job queue, whitelist executor, action log, rollback and watchdog. */
struct ainka_action_rec {
	u64 id;
	u64 timestamp_ns;
	u32 rule_id;
	u32 pid;
	s32 old_value;
	s32 new_value;
	u8 kind;		/* enum ainka_action */
	u8 status;		/* enum ainka_action_status */
	char comm[16];
};
int ainka_actions_init(void);
void ainka_actions_quiesce(void);
void ainka_actions_exit(void);
void ainka_queue_hit(const struct ainka_hit *hit);
void ainka_queue_state_change(u32 old_state, u32 new_state);
void ainka_watchdog_check(u64 now_ns);
/* Who set enforce mode: a netlink socket (portid in net) or a /dev/ainka file; none = NULL/0. */
struct ainka_owner {
	u32 portid;
	struct net *net;
	struct file *file;
};
int ainka_set_mode(u32 mode, const struct ainka_owner *owner);
void ainka_owner_release_nl(struct net *net, u32 portid);
void ainka_owner_release_file(struct file *file);
bool ainka_pid_protected(struct pid *pid);
void ainka_heartbeat(u64 cookie);
unsigned int ainka_actions_in_force(void);
unsigned int ainka_action_log_copy(struct ainka_action_rec *out, unsigned int max);

/* sampler.c: PSI pushed by userspace (set-pressure). */
void ainka_psi_push(const s32 *avg10);

/* netlink.c: the generic netlink family and its events. */
int ainka_nl_init(void);
void ainka_nl_exit(void);
void ainka_nl_event_state(u32 old_state, u32 new_state);
void ainka_nl_event_hit(const struct ainka_hit *hit);
void ainka_nl_event_action(const struct ainka_action_rec *rec);
void ainka_nl_event_request(const struct ainka_hit *hit);
void ainka_nl_event_mode(u8 type, u32 mode);

/* chardev.c: /dev/ainka. */
int ainka_chardev_init(void);
void ainka_chardev_exit(void);

/* procfs.c: /proc/ainka. */
int ainka_procfs_init(void);
void ainka_procfs_exit(void);

#endif /* _AINKA_H */
