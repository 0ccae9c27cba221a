// SPDX-License-Identifier: GPL-2.0
/*
 * The action executor: a short whitelist of bounded, reversible actions, their log, rollback and
 * the heartbeat watchdog.
 *
 * The sampler (softirq) only queues jobs (rule hits, state changes, watchdog expiry) into a
 * lock-free single-producer/single-consumer kfifo; one work item on an ordered workqueue drains
 * it in process context, where tasks can be looked up, niced and notified with GFP_KERNEL.
 *
 * Whitelist: RENICE (set_user_nice within -20..19) and IOPRIO (set_task_ioprio with a valid
 * class/level) on a user task (never a kernel thread or init); REPORT and REQUEST only notify.
 * Every applied action keeps a reference on the task's struct pid and the value it replaced;
 * rollback (leaving enforce mode, watchdog, unload) restores that value if the task still has
 * the value we set (otherwise someone else changed it since, and we leave it alone).
 *
 * action_lock serialises applying, reverting and mode changes, so a rule hit racing with a
 * switch to observe mode either completes before the rollback or sees observe mode.
 */
#include "ainka.h"

#include <linux/iocontext.h>
#include <linux/ioprio.h>
#include <linux/kfifo.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

enum ainka_job_type { JOB_HIT, JOB_STATE, JOB_WATCHDOG };

struct ainka_job {
	u8 type;
	u32 old_state;
	u32 new_state;
	struct ainka_hit hit;
};

/* Producer: the sampler only. Consumer: job_work only. No lock needed (kfifo SPSC). */
static DECLARE_KFIFO(jobs, struct ainka_job, 128);
static struct workqueue_struct *ainka_wq;
static struct work_struct job_work;
static atomic_t watchdog_pending;

struct ainka_in_force {
	struct pid *pid;	/* reference held while in force */
	u32 rule_id;
	u8 kind;
	s32 old_value;
	s32 new_value;
	char comm[16];
};

static DEFINE_MUTEX(action_lock);
static struct ainka_in_force in_force[AINKA_ACTIONS_IN_FORCE];
static unsigned int n_in_force;

static DEFINE_SPINLOCK(log_lock);
static struct ainka_action_rec action_log[AINKA_ACTION_LOG];
static u64 log_count;

static void log_action(struct ainka_action_rec *rec)
{
	spin_lock(&log_lock);
	rec->id = ++log_count;
	action_log[(rec->id - 1) % AINKA_ACTION_LOG] = *rec;
	spin_unlock(&log_lock);
	ainka_nl_event_action(rec);
}

/* Copies up to max most recent actions, oldest first (newest last). Returns how many. */
unsigned int ainka_action_log_copy(struct ainka_action_rec *out, unsigned int max)
{
	unsigned int n, i;
	u64 first;

	spin_lock(&log_lock);
	n = min_t(u64, log_count, AINKA_ACTION_LOG);
	n = min(n, max);
	first = log_count - n;
	for (i = 0; i < n; i++)
		out[i] = action_log[(first + i) % AINKA_ACTION_LOG];
	spin_unlock(&log_lock);
	return n;
}

unsigned int ainka_actions_in_force(void)
{
	return READ_ONCE(n_in_force);
}

static int task_ioprio(struct task_struct *t)
{
	int prio = IOPRIO_DEFAULT;

	task_lock(t);
	if (t->io_context)
		prio = t->io_context->ioprio;
	task_unlock(t);
	return prio;
}

static s32 value_read(struct task_struct *t, u8 kind)
{
	return kind == AINKA_ACTION_RENICE ? task_nice(t) : task_ioprio(t);
}

static int value_write(struct task_struct *t, u8 kind, s32 v)
{
	if (kind == AINKA_ACTION_RENICE) {
		if (v < MIN_NICE || v > MAX_NICE)
			return -EINVAL;
		set_user_nice(t, v);
		return 0;
	}
	return set_task_ioprio(t, v);
}

static struct ainka_in_force *in_force_find(struct pid *pid, u8 kind)
{
	unsigned int i;

	for (i = 0; i < n_in_force; i++)
		if (in_force[i].pid == pid && in_force[i].kind == kind)
			return &in_force[i];
	return NULL;
}

/* RENICE/IOPRIO on h->pid. Caller holds action_lock. */
static void apply_task_action(const struct ainka_hit *h)
{
	struct ainka_action_rec rec = {
		.timestamp_ns = ktime_get_ns(),
		.rule_id = h->rule_id,
		.pid = h->pid,
		.kind = h->action,
		.new_value = h->arg,
		.status = AINKA_ACTION_STATUS_FAILED,
	};
	struct task_struct *task = NULL;
	struct ainka_in_force *slot;
	struct pid *pid = NULL;

	if (h->pid > 1)
		pid = find_get_pid(h->pid);
	if (pid)
		task = get_pid_task(pid, PIDTYPE_PID);
	if (!task || (task->flags & (PF_KTHREAD | PF_EXITING)))
		goto record;	/* gone, no target, or not a user task: FAILED */
	get_task_comm(rec.comm, task);
	rec.old_value = value_read(task, h->action);

	if (atomic_read(&ainka.mode) != AINKA_MODE_ENFORCE) {
		rec.status = AINKA_ACTION_STATUS_OBSERVED;
		goto record;
	}
	slot = in_force_find(pid, h->action);
	if (slot && slot->new_value == h->arg && rec.old_value == h->arg)
		goto out;	/* already in force: nothing new to record */
	if (!slot && n_in_force == AINKA_ACTIONS_IN_FORCE)
		goto record;	/* no room to remember the old value: refuse */
	if (value_write(task, h->action, h->arg))
		goto record;
	rec.status = AINKA_ACTION_STATUS_APPLIED;
	atomic64_inc(&ainka.ctr.actions_applied);
	if (slot) {
		slot->new_value = h->arg;	/* keep the original old_value */
	} else {
		slot = &in_force[n_in_force];
		slot->pid = get_pid(pid);
		slot->rule_id = h->rule_id;
		slot->kind = h->action;
		slot->old_value = rec.old_value;
		slot->new_value = h->arg;
		memcpy(slot->comm, rec.comm, sizeof(slot->comm));
		WRITE_ONCE(n_in_force, n_in_force + 1);
	}
record:
	log_action(&rec);
out:
	if (task)
		put_task_struct(task);
	put_pid(pid);
}

/* Restores every action in force. Caller holds action_lock. */
static void revert_all(void)
{
	unsigned int i;

	for (i = 0; i < n_in_force; i++) {
		struct ainka_in_force *e = &in_force[i];
		struct task_struct *task = get_pid_task(e->pid, PIDTYPE_PID);
		struct ainka_action_rec rec = {
			.timestamp_ns = ktime_get_ns(),
			.rule_id = e->rule_id,
			.pid = pid_nr(e->pid),
			.kind = e->kind,
			.old_value = e->new_value,
			.new_value = e->old_value,
			.status = AINKA_ACTION_STATUS_FAILED,
		};

		memcpy(rec.comm, e->comm, sizeof(rec.comm));
		if (task) {
			s32 cur = value_read(task, e->kind);

			if (cur == e->new_value && !value_write(task, e->kind, e->old_value)) {
				rec.status = AINKA_ACTION_STATUS_REVERTED;
				atomic64_inc(&ainka.ctr.actions_reverted);
			} else {
				rec.old_value = cur;
			}
			put_task_struct(task);
		}
		log_action(&rec);
		put_pid(e->pid);
		e->pid = NULL;
	}
	WRITE_ONCE(n_in_force, 0);
}

int ainka_set_mode(u32 mode)
{
	u32 old;

	if (mode > AINKA_MODE_ENFORCE)
		return -EINVAL;
	mutex_lock(&action_lock);
	old = atomic_read(&ainka.mode);
	if (old == mode) {
		mutex_unlock(&action_lock);
		return 0;
	}
	if (mode == AINKA_MODE_ENFORCE)
		/* The watchdog clock starts now. */
		WRITE_ONCE(ainka.last_heartbeat_ns, ktime_get_ns());
	atomic_set(&ainka.mode, mode);
	if (old == AINKA_MODE_ENFORCE)
		revert_all();
	mutex_unlock(&action_lock);
	pr_info("mode %s -> %s\n", old ? "enforce" : "observe", mode ? "enforce" : "observe");
	ainka_nl_event_mode(AINKA_EVENT_MODE_CHANGE, mode);
	return 0;
}

void ainka_heartbeat(u64 cookie)
{
	WRITE_ONCE(ainka.heartbeat_cookie, cookie);
	WRITE_ONCE(ainka.last_heartbeat_ns, ktime_get_ns());
	atomic64_inc(&ainka.ctr.heartbeats);
}

static bool watchdog_expired(u64 now)
{
	u32 timeout = READ_ONCE(ainka.watchdog_timeout_ms);

	return timeout && atomic_read(&ainka.mode) == AINKA_MODE_ENFORCE &&
	       now - READ_ONCE(ainka.last_heartbeat_ns) > (u64)timeout * NSEC_PER_MSEC;
}

static void watchdog_fire(void)
{
	bool fired = false;

	mutex_lock(&action_lock);
	if (watchdog_expired(ktime_get_ns())) {
		atomic_set(&ainka.mode, AINKA_MODE_OBSERVE);
		revert_all();
		atomic64_inc(&ainka.ctr.watchdog_fires);
		fired = true;
	}
	mutex_unlock(&action_lock);
	atomic_set(&watchdog_pending, 0);
	if (!fired)
		return;
	pr_warn("watchdog: no heartbeat for %u ms, actions reverted, observe mode\n",
		READ_ONCE(ainka.watchdog_timeout_ms));
	ainka_nl_event_mode(AINKA_EVENT_WATCHDOG, AINKA_MODE_OBSERVE);
	ainka_nl_event_mode(AINKA_EVENT_MODE_CHANGE, AINKA_MODE_OBSERVE);
}

static void run_job(struct ainka_job *job)
{
	switch (job->type) {
	case JOB_STATE:
		ainka_nl_event_state(job->old_state, job->new_state);
		break;
	case JOB_WATCHDOG:
		watchdog_fire();
		break;
	case JOB_HIT:
		ainka_nl_event_hit(&job->hit);
		if (job->hit.action == AINKA_ACTION_REQUEST) {
			ainka_nl_event_request(&job->hit);
		} else if (job->hit.action != AINKA_ACTION_REPORT) {
			mutex_lock(&action_lock);
			apply_task_action(&job->hit);
			mutex_unlock(&action_lock);
		}
		break;
	}
}

static void job_work_fn(struct work_struct *work)
{
	struct ainka_job job;

	while (kfifo_get(&jobs, &job)) {
		run_job(&job);
		cond_resched();
	}
}

/* Sampler side (softirq). */
static void queue_job(const struct ainka_job *job)
{
	if (!kfifo_put(&jobs, *job)) {
		atomic64_inc(&ainka.ctr.jobs_dropped);
		return;
	}
	queue_work(ainka_wq, &job_work);
}

void ainka_queue_hit(const struct ainka_hit *hit)
{
	struct ainka_job job = { .type = JOB_HIT, .hit = *hit };

	queue_job(&job);
}

void ainka_queue_state_change(u32 old_state, u32 new_state)
{
	struct ainka_job job = {
		.type = JOB_STATE, .old_state = old_state, .new_state = new_state,
	};

	queue_job(&job);
}

void ainka_watchdog_check(u64 now)
{
	struct ainka_job job = { .type = JOB_WATCHDOG };

	if (watchdog_expired(now) && !atomic_xchg(&watchdog_pending, 1))
		queue_job(&job);
}

int ainka_actions_init(void)
{
	INIT_KFIFO(jobs);
	INIT_WORK(&job_work, job_work_fn);
	atomic_set(&watchdog_pending, 0);
	n_in_force = 0;
	log_count = 0;
	ainka_wq = alloc_ordered_workqueue("ainka", 0);
	return ainka_wq ? 0 : -ENOMEM;
}

/* After the sampler stopped: run what is queued, then undo every action. */
void ainka_actions_quiesce(void)
{
	flush_workqueue(ainka_wq);
	mutex_lock(&action_lock);
	revert_all();
	mutex_unlock(&action_lock);
}

void ainka_actions_exit(void)
{
	if (!ainka_wq)
		return;
	cancel_work_sync(&job_work);
	destroy_workqueue(ainka_wq);
	ainka_wq = NULL;
	kfifo_reset(&jobs);
	mutex_lock(&action_lock);
	revert_all();	/* no-op after quiesce */
	mutex_unlock(&action_lock);
}
