// SPDX-License-Identifier: GPL-2.0
/*
 * The action executor: a short whitelist of bounded, reversible actions, their log, rollback, the
 * heartbeat watchdog and the enforce-mode owner.
 *
 * The sampler (softirq) only queues jobs (rule hits, state changes) into a lock-free
 * single-producer/single-consumer kfifo; one work item on an ordered workqueue drains it in
 * process context, where tasks can be looked up, niced and notified with GFP_KERNEL.
 *
 * Fallback to observe mode has its own work item on the high-priority system workqueue, so it
 * never waits behind queued hits and never depends on room in the kfifo: the watchdog (no
 * heartbeat for watchdog_timeout_ms) and the loss of the enforce owner (the netlink socket or
 * /dev/ainka file that set enforce mode was released: the daemon died) both queue it. The owner
 * check does not depend on the timeout, so watchdog_timeout_ms=0 cannot keep enforce mode alive
 * after its owner is gone.
 *
 * Whitelist: RENICE (set_user_nice within -20..19) and IOPRIO (set_task_ioprio with a valid
 * class/level) on a user task that is not protected (pid 1 or its namespace's init, kernel
 * threads, the daemon that owns enforce mode, comm names in protected_comms); REPORT and REQUEST
 * only notify. A rule loaded without CAP_SYS_NICE may not raise a task's priority. PID targets
 * are struct pid references taken when the rule was loaded; TOP_CPU is resolved here, in process
 * context, by a bounded scan. Every applied action keeps a reference on the task's struct pid
 * and the value it replaced; rollback (leaving enforce mode, fallback, unload) restores that
 * value if the task still has the value we set (otherwise someone else changed it since, and we
 * leave it alone).
 *
 * action_lock serialises applying, reverting and mode changes, so a rule hit racing with a
 * switch to observe mode either completes before the rollback or sees observe mode.
 */
#include "ainka.h"

#include <linux/iocontext.h>
#include <linux/ioprio.h>
#include <linux/kfifo.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

enum ainka_job_type { JOB_HIT, JOB_STATE };

/* Threads the TOP_CPU scan visits at most (process context, under RCU). */
#define TOP_SCAN_MAX	16384

static char *protected_comms[16];
static int n_protected_comms;
module_param_array(protected_comms, charp, &n_protected_comms, 0644);
MODULE_PARM_DESC(protected_comms,
		 "Command names never acted on, besides pid 1, kernel threads and the daemon (up to 16)");

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
static struct work_struct fallback_work;

/* The enforce-mode owner; owner_lock guards these (process context only). */
static DEFINE_SPINLOCK(owner_lock);
static struct ainka_owner owner;
static struct pid *owner_tgid;	/* the daemon's thread group: protected */
static u64 owner_gen;		/* bumped by every set_mode */
static u64 owner_lost_gen;	/* owner_gen when the owner went away (0 = never) */

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

static bool comm_protected(const char *comm)
{
	bool hit = false;
	int i;

	kernel_param_lock(THIS_MODULE);
	for (i = 0; i < n_protected_comms && !hit; i++) {
		const char *p = protected_comms[i];
		size_t len = p ? strcspn(p, "\n") : 0;	/* a sysfs write ends with a newline */

		hit = len && len == strlen(comm) && !strncmp(p, comm, len);
	}
	kernel_param_unlock(THIS_MODULE);
	return hit;
}

/* Tasks never acted on (process context). */
static bool task_protected(struct task_struct *t)
{
	char comm[TASK_COMM_LEN];
	bool daemon;

	if (t->flags & (PF_KTHREAD | PF_EXITING))
		return true;
	if (is_global_init(t) || is_child_reaper(task_tgid(t)))
		return true;
	spin_lock(&owner_lock);
	daemon = owner_tgid && task_tgid(t) == owner_tgid;
	spin_unlock(&owner_lock);
	if (daemon)
		return true;
	get_task_comm(comm, t);
	return comm_protected(comm);
}

bool ainka_pid_protected(struct pid *pid)
{
	struct task_struct *t = get_pid_task(pid, PIDTYPE_PID);
	bool prot;

	if (!t)
		return true;
	prot = task_protected(t);
	put_task_struct(t);
	return prot;
}

/*
 * The runnable user task with the highest PELT utilisation: the TOP_CPU target. A bounded walk
 * in process context (it used to run in the sampler's softirq for every sample).
 */
static struct pid *top_cpu_pid(void)
{
	struct task_struct *g, *t, *best = NULL;
	unsigned long best_util = 0;
	unsigned int seen = 0;
	struct pid *pid = NULL, *daemon;

	spin_lock(&owner_lock);
	daemon = get_pid(owner_tgid);
	spin_unlock(&owner_lock);
	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (++seen > TOP_SCAN_MAX)
			goto done;
		if (READ_ONCE(t->__state) != TASK_RUNNING ||
		    (t->flags & (PF_KTHREAD | PF_EXITING)) || is_global_init(t) ||
		    (daemon && task_tgid(t) == daemon))
			continue;
		if (READ_ONCE(t->se.avg.util_avg) + 1 > best_util) {
			best_util = READ_ONCE(t->se.avg.util_avg) + 1;
			best = t;
		}
	}
done:
	if (best)
		pid = get_task_pid(best, PIDTYPE_PID);
	rcu_read_unlock();
	put_pid(daemon);
	return pid;
}

/* Rank of an I/O priority, lower is served first (RT < BE < NONE≈BE4 < IDLE). */
static int ioprio_rank(s32 prio)
{
	int level = prio & 0x1fff;

	switch (prio >> 13) {
	case IOPRIO_CLASS_RT:
		return level;
	case IOPRIO_CLASS_BE:
		return 8 + level;
	case IOPRIO_CLASS_IDLE:
		return 100;
	}
	return 8 + 4;
}

static bool raises_priority(u8 kind, s32 cur, s32 v)
{
	return kind == AINKA_ACTION_RENICE ? v < cur : ioprio_rank(v) < ioprio_rank(cur);
}

/* RENICE/IOPRIO on the hit's target. Caller holds action_lock. Consumes h->pid. */
static void apply_task_action(struct ainka_hit *h)
{
	struct ainka_action_rec rec = {
		.timestamp_ns = ktime_get_ns(),
		.rule_id = h->rule_id,
		.kind = h->action,
		.new_value = h->arg,
		.status = AINKA_ACTION_STATUS_FAILED,
	};
	struct task_struct *task = NULL;
	struct ainka_in_force *slot;
	struct pid *pid = h->pid;

	h->pid = NULL;
	if (!pid && h->target == AINKA_TARGET_TOP_CPU)
		pid = top_cpu_pid();
	if (pid) {
		rec.pid = pid_nr(pid);
		task = get_pid_task(pid, PIDTYPE_PID);
	}
	if (!task)
		goto record;	/* gone, or no target: FAILED */
	get_task_comm(rec.comm, task);
	if (task_protected(task))
		goto record;	/* pid 1, kernel thread, the daemon, protected_comms: FAILED */
	rec.old_value = value_read(task, h->action);

	if (atomic_read(&ainka.mode) != AINKA_MODE_ENFORCE) {
		rec.status = AINKA_ACTION_STATUS_OBSERVED;
		goto record;
	}
	slot = in_force_find(pid, h->action);
	if (slot && slot->new_value == h->arg && rec.old_value == h->arg)
		goto out;	/* already in force: nothing new to record */
	if (!h->may_raise && raises_priority(h->action, rec.old_value, h->arg))
		goto record;	/* raising a priority needs a rule loaded with CAP_SYS_NICE */
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

/*
 * Sets the mode. Entering (or re-entering) enforce mode makes the caller its owner: owner names
 * the netlink socket or /dev/ainka file whose release falls back to observe mode (NULL: none,
 * e.g. the enforce module parameter), and the calling process becomes protected.
 */
int ainka_set_mode(u32 mode, const struct ainka_owner *who)
{
	struct pid *tgid = NULL, *old_tgid;
	u32 old;

	if (mode > AINKA_MODE_ENFORCE)
		return -EINVAL;
	if (mode == AINKA_MODE_ENFORCE && who)
		tgid = get_task_pid(current, PIDTYPE_TGID);
	mutex_lock(&action_lock);
	old = atomic_read(&ainka.mode);
	spin_lock(&owner_lock);
	owner_gen++;
	if (mode == AINKA_MODE_ENFORCE && who)
		owner = *who;
	else
		memset(&owner, 0, sizeof(owner));
	old_tgid = owner_tgid;
	owner_tgid = mode == AINKA_MODE_ENFORCE ? tgid : NULL;
	spin_unlock(&owner_lock);
	put_pid(old_tgid);
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

/* The owner went away (process context): fall back unless a newer set_mode took over. */
static void owner_lost(void)
{
	spin_lock(&owner_lock);
	memset(&owner, 0, sizeof(owner));
	owner_lost_gen = owner_gen;
	spin_unlock(&owner_lock);
	queue_work(system_highpri_wq, &fallback_work);
}

void ainka_owner_release_nl(struct net *net, u32 portid)
{
	bool match;

	spin_lock(&owner_lock);
	match = owner.portid && owner.portid == portid && owner.net == net;
	spin_unlock(&owner_lock);
	if (match)
		owner_lost();
}

void ainka_owner_release_file(struct file *file)
{
	bool match;

	spin_lock(&owner_lock);
	match = owner.file && owner.file == file;
	spin_unlock(&owner_lock);
	if (match)
		owner_lost();
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

/* Falls back to observe mode when the watchdog expired or the owner went away. */
static void fallback_work_fn(struct work_struct *work)
{
	bool expired, lost;

	mutex_lock(&action_lock);
	spin_lock(&owner_lock);
	lost = owner_lost_gen && owner_lost_gen == owner_gen;
	owner_lost_gen = 0;
	spin_unlock(&owner_lock);
	expired = watchdog_expired(ktime_get_ns());
	if (atomic_read(&ainka.mode) != AINKA_MODE_ENFORCE || (!expired && !lost)) {
		mutex_unlock(&action_lock);
		return;
	}
	atomic_set(&ainka.mode, AINKA_MODE_OBSERVE);
	revert_all();
	if (expired)
		atomic64_inc(&ainka.ctr.watchdog_fires);
	else
		atomic64_inc(&ainka.ctr.owner_fallbacks);
	mutex_unlock(&action_lock);
	if (expired)
		pr_warn("watchdog: no heartbeat for %u ms, actions reverted, observe mode\n",
			READ_ONCE(ainka.watchdog_timeout_ms));
	else
		pr_warn("the process that set enforce mode is gone: actions reverted, observe mode\n");
	ainka_nl_event_mode(AINKA_EVENT_WATCHDOG, AINKA_MODE_OBSERVE);
	ainka_nl_event_mode(AINKA_EVENT_MODE_CHANGE, AINKA_MODE_OBSERVE);
}

static void run_job(struct ainka_job *job)
{
	switch (job->type) {
	case JOB_STATE:
		ainka_nl_event_state(job->old_state, job->new_state);
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
		put_pid(job->hit.pid);	/* NULL when apply consumed it */
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
		atomic64_inc(&ainka.ctr.jobs_queue_full);
		if (job->type == JOB_HIT)
			put_pid(job->hit.pid);
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

/* Sampler side (softirq): queuing an already pending work item is a no-op. */
void ainka_watchdog_check(u64 now)
{
	if (watchdog_expired(now))
		queue_work(system_highpri_wq, &fallback_work);
}

static void jobs_discard(void)
{
	struct ainka_job job;

	while (kfifo_get(&jobs, &job))
		if (job.type == JOB_HIT)
			put_pid(job.hit.pid);
}

int ainka_actions_init(void)
{
	INIT_KFIFO(jobs);
	INIT_WORK(&job_work, job_work_fn);
	INIT_WORK(&fallback_work, fallback_work_fn);
	n_in_force = 0;
	log_count = 0;
	ainka_wq = alloc_ordered_workqueue("ainka", 0);
	return ainka_wq ? 0 : -ENOMEM;
}

/* After the sampler stopped: run what is queued, then undo every action. */
void ainka_actions_quiesce(void)
{
	cancel_work_sync(&fallback_work);
	flush_workqueue(ainka_wq);
	mutex_lock(&action_lock);
	revert_all();
	mutex_unlock(&action_lock);
}

void ainka_actions_exit(void)
{
	if (!ainka_wq)
		return;
	cancel_work_sync(&fallback_work);
	cancel_work_sync(&job_work);
	destroy_workqueue(ainka_wq);
	ainka_wq = NULL;
	jobs_discard();
	mutex_lock(&action_lock);
	revert_all();	/* no-op after quiesce */
	mutex_unlock(&action_lock);
	spin_lock(&owner_lock);
	put_pid(owner_tgid);
	owner_tgid = NULL;
	memset(&owner, 0, sizeof(owner));
	spin_unlock(&owner_lock);
}
