// SPDX-License-Identifier: GPL-2.0
/*
 * The policy cache: a fixed-capacity table of compiled rules, evaluated on every sample.
 *
 * The table is immutable once published (RCU): a load builds a new table, sorted by priority
 * (higher first, then by id), and swaps it in under policy_lock; readers (the sampler) never
 * block. The per-rule runtime state (how long the condition has held, the last hit for the
 * cool-down) lives outside the published tables, in rt_state[], written only by the sampler
 * (which never runs concurrently with itself). A table names each rule's runtime slot; an append
 * keeps the kept rules' slots, so their cool-down carries over without copying state the sampler
 * is writing. A slot dropped by a load is reused only after the sampler acknowledged a newer
 * table (eval_gen), so the sampler never evaluates a rule whose slot a loader is resetting.
 *
 * A PID target is resolved when the rule is loaded, in the loader's pid namespace, into a
 * struct pid reference the table holds (no numeric pid is resolved later, so pid reuse cannot
 * redirect an action). Rules that raise a priority (negative nice, real-time I/O class) need
 * CAP_SYS_NICE; a rule loaded without it may only lower priorities.
 *
 * Evaluation walks the decision tree of policy_eval.h: per metric, a binary search over the
 * rules sorted by threshold finds those whose condition holds, and only those (plus the ones that
 * stopped holding) are touched; the work is bounded by the capacity and usually far below it.
 * It is timed with ktime_get_ns() around the walk and the hit collection (hits are queued after)
 * and kept over the last AINKA_EVAL_WINDOW samples.
 */
#include "ainka.h"

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/ioprio.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "ainka_nl_gen.h"

#include "policy_eval.h"

struct ainka_policy {
	struct rcu_head rcu;
	u32 count;
	u64 gen;			/* load generation that published this table */
	struct ainka_index index;	/* the decision tree over slots[] */
	struct ainka_slot slots[];
};

/* Runtime slots: twice the capacity, so a replacing load finds free ones while the old are retired. */
#define RT_SLOTS	(2 * AINKA_POLICY_CAPACITY)

static struct ainka_policy __rcu *policy;
static DEFINE_MUTEX(policy_lock);

static struct ainka_slot_rt rt_state[RT_SLOTS];	/* written by the sampler only */
static u64 eval_gen;		/* last table generation the sampler evaluated (release/acquire) */
/* Loader side, under policy_lock: */
static u64 next_gen;
static DECLARE_BITMAP(rt_used, RT_SLOTS);	/* slots named by the published table */
static u64 rt_retired[RT_SLOTS];		/* generation that dropped the slot (0 = never used) */

/* Evaluation cost; written by the sampler only, read racily for statistics. */
static struct {
	u32 window[AINKA_EVAL_WINDOW];
	u64 count;
	u64 last_ns;
	u64 max_ns;
} eval;

static struct ainka_policy *policy_alloc(u32 count)
{
	struct ainka_policy *p = kzalloc(struct_size(p, slots, count), GFP_KERNEL);

	if (p)
		p->count = count;
	return p;
}

/* Drops the table's pid references; the RCU callback frees it (softirq: put_pid is fine there). */
static void policy_free_rcu(struct rcu_head *head)
{
	struct ainka_policy *p = container_of(head, struct ainka_policy, rcu);
	u32 i;

	for (i = 0; i < p->count; i++)
		put_pid(p->slots[i].target);
	kfree(p);
}

/*
 * Publishes p in place of old (policy_lock held): the runtime slots old used and p does not are
 * retired with p's generation.
 */
static void policy_publish(struct ainka_policy *old, struct ainka_policy *p)
{
	DECLARE_BITMAP(now_used, RT_SLOTS);
	unsigned int i;

	bitmap_zero(now_used, RT_SLOTS);
	p->gen = ++next_gen;
	for (i = 0; i < p->count; i++)
		__set_bit(p->slots[i].rt, now_used);
	for_each_set_bit(i, rt_used, RT_SLOTS)
		if (!test_bit(i, now_used))
			rt_retired[i] = p->gen;
	bitmap_copy(rt_used, now_used, RT_SLOTS);
	rcu_assign_pointer(policy, p);
	call_rcu(&old->rcu, policy_free_rcu);
}

/* A runtime slot the sampler no longer touches, or RT_SLOTS (policy_lock held). */
static unsigned int rt_alloc(const unsigned long *taken)
{
	u64 acked = smp_load_acquire(&eval_gen);
	unsigned int i;

	for (i = 0; i < RT_SLOTS; i++)
		if (!test_bit(i, rt_used) && !test_bit(i, taken) && rt_retired[i] <= acked)
			return i;
	return RT_SLOTS;
}

static unsigned int rt_free_count(void)
{
	u64 acked = smp_load_acquire(&eval_gen);
	unsigned int i, n = 0;

	for (i = 0; i < RT_SLOTS; i++)
		if (!test_bit(i, rt_used) && rt_retired[i] <= acked)
			n++;
	return n;
}

int ainka_policy_init(void)
{
	struct ainka_policy *p = policy_alloc(0);

	if (!p)
		return -ENOMEM;
	memset(&eval, 0, sizeof(eval));
	RCU_INIT_POINTER(policy, p);
	return 0;
}

void ainka_policy_exit(void)
{
	struct ainka_policy *p = rcu_dereference_protected(policy, 1);

	RCU_INIT_POINTER(policy, NULL);
	if (p)
		call_rcu(&p->rcu, policy_free_rcu);
	/* Wait for every table's callback (this one and earlier loads') before the text goes. */
	rcu_barrier();
}

static int slot_cmp(const void *a, const void *b)
{
	const struct ainka_rule *x = &((const struct ainka_slot *)a)->rule;
	const struct ainka_rule *y = &((const struct ainka_slot *)b)->rule;

	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Semantic checks beyond the generated bounds check. */
static int rule_check(const struct ainka_rule *r, const char **why)
{
	int err = ainka_rule_check(r, why);

	if (err)
		return err;
	if (r->action == AINKA_ACTION_IOPRIO && ((r->arg >> 13) > 3 || (r->arg & 0x1fff) > 7)) {
		*why = "IOPRIO arg must be class << 13 | level with class 0-3 and level 0-7";
		return -EINVAL;
	}
	return 0;
}

/* Whether the rule can only ever raise a priority: negative nice or the real-time I/O class. */
static bool rule_raises(const struct ainka_rule *r)
{
	return (r->action == AINKA_ACTION_RENICE && r->arg < 0) ||
	       (r->action == AINKA_ACTION_IOPRIO && (r->arg >> 13) == IOPRIO_CLASS_RT);
}

static bool id_taken(const struct ainka_slot *slots, u32 n, u32 id)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (slots[i].rule.id == id)
			return true;
	return false;
}

static void put_pids(struct pid **pids, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		put_pid(pids[i]);
}

/*
 * Validates all rules, resolves their PID targets in the caller's pid namespace and adds them
 * (or replaces the cache with them); all or nothing. may_raise: the caller has CAP_SYS_NICE.
 * On error *why names the problem and *bad_index the offending rule (or n if none).
 * Returns the new rule count.
 */
int ainka_policy_load(const struct ainka_rule *rules, unsigned int n, bool replace, bool may_raise,
		      const char **why, unsigned int *bad_index)
{
	DECLARE_BITMAP(taken, RT_SLOTS);
	struct ainka_policy *old, *p;
	struct pid **pids;
	unsigned int i, keep, tries;
	int err;

	*bad_index = n;
	for (i = 0; i < n; i++) {
		err = rule_check(&rules[i], why);
		if (!err && !may_raise && rule_raises(&rules[i])) {
			*why = "a negative nice or the real-time I/O class raises priority: the caller needs CAP_SYS_NICE";
			err = -EPERM;
		}
		if (err) {
			*bad_index = i;
			return err;
		}
	}
	pids = kcalloc(max(n, 1u), sizeof(*pids), GFP_KERNEL);
	if (!pids) {
		*why = "out of memory for the policy cache";
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (rules[i].target != AINKA_TARGET_PID)
			continue;
		pids[i] = find_get_pid(rules[i].target_pid);	/* the caller's pid namespace */
		if (!pids[i]) {
			*why = "target_pid names no task in the caller's pid namespace";
			err = -ESRCH;
		} else if (ainka_pid_protected(pids[i])) {
			*why = "target_pid is a protected task (pid 1, a kernel thread, the daemon or protected_comms)";
			err = -EPERM;
		} else {
			continue;
		}
		*bad_index = i;
		put_pids(pids, n);
		kfree(pids);
		return err;
	}

	mutex_lock(&policy_lock);
	old = rcu_dereference_protected(policy, lockdep_is_held(&policy_lock));
	keep = replace ? 0 : old->count;
	if (keep + n > AINKA_POLICY_CAPACITY) {
		*why = "the policy cache holds at most AINKA_POLICY_CAPACITY (256) rules";
		err = -ENOSPC;
		goto out;
	}
	/* Dropped runtime slots come back once the sampler moved on; loads faster than it wait. */
	for (tries = 0; rt_free_count() < n; tries++) {
		if (tries == 200) {
			*why = "policy loads arrive faster than the sampler takes them in: retry";
			err = -EBUSY;
			goto out;
		}
		msleep(10);
	}
	p = policy_alloc(keep + n);
	if (!p) {
		*why = "out of memory for the policy cache";
		err = -ENOMEM;
		goto out;
	}
	bitmap_zero(taken, RT_SLOTS);
	/* Kept rules keep their runtime slot (cool-down); the sampler restarts their hold time. */
	memcpy(p->slots, old->slots, keep * sizeof(p->slots[0]));
	for (i = 0; i < keep; i++)
		get_pid(p->slots[i].target);
	for (i = 0; i < n; i++) {
		struct ainka_slot *s = &p->slots[keep + i];

		if (id_taken(p->slots, keep + i, rules[i].id)) {
			*why = "duplicate rule id (ids are unique in the cache)";
			*bad_index = i;
			p->count = keep + i;
			policy_free_rcu(&p->rcu);
			err = -EEXIST;
			goto out;
		}
		s->rule = rules[i];
		s->target = pids[i];
		pids[i] = NULL;		/* the table owns the reference now */
		s->may_raise = may_raise;
		s->rt = rt_alloc(taken);
		__set_bit(s->rt, taken);
		/* Not used by the sampler (never, or retired and acknowledged): safe to reset. */
		memset(&rt_state[s->rt], 0, sizeof(rt_state[s->rt]));
		ainka_slot_prepare(s);
	}
	sort(p->slots, p->count, sizeof(p->slots[0]), slot_cmp, NULL);
	ainka_index_build(&p->index, p->slots, p->count);
	policy_publish(old, p);
	err = p->count;
out:
	mutex_unlock(&policy_lock);
	put_pids(pids, n);
	kfree(pids);
	return err;
}

unsigned int ainka_policy_clear(void)
{
	struct ainka_policy *old, *p = policy_alloc(0);

	if (!p)
		return ainka_policy_count();	/* keep the old table, do not fail */
	mutex_lock(&policy_lock);
	old = rcu_dereference_protected(policy, lockdep_is_held(&policy_lock));
	policy_publish(old, p);
	mutex_unlock(&policy_lock);
	return 0;
}

unsigned int ainka_policy_count(void)
{
	unsigned int n;

	rcu_read_lock();
	n = rcu_dereference(policy)->count;
	rcu_read_unlock();
	return n;
}

size_t ainka_policy_bytes(void)
{
	size_t b;

	rcu_read_lock();
	b = ksize(rcu_dereference(policy));
	rcu_read_unlock();
	return b;
}

/* The hit holds its own reference on a PID target; TOP_CPU is resolved by the executor. */
static void hit_fill(struct ainka_hit *h, const struct ainka_slot *s, const s64 *metrics)
{
	const struct ainka_rule *r = &s->rule;

	h->rule_id = r->id;
	h->action = r->action;
	h->target = r->target;
	h->may_raise = s->may_raise;
	h->arg = r->arg;
	h->metric_value = metrics[r->metric];
	h->pid = s->target ? get_pid(s->target) : NULL;
}

/* A new table since the last sample: kept rules restart their hold time, keep their cool-down. */
static void rt_adopt(const struct ainka_policy *p)
{
	u32 i;

	for (i = 0; i < p->count; i++)
		rt_state[p->slots[i].rt].holding = false;
	smp_store_release(&eval_gen, p->gen);
}

/*
 * Called by the sampler (softirq context) for every sample. The timed part is the decision: the
 * index walk and collecting up to AINKA_HITS_PER_SAMPLE hits in priority order (slot order).
 */
void ainka_policy_evaluate(const s64 *metrics, u64 now)
{
	struct ainka_hit hits[AINKA_HITS_PER_SAMPLE];
	u64 hitmap[AINKA_HITMAP_WORDS] = { 0 };
	unsigned int nhits = 0, dropped = 0, w, i;
	struct ainka_policy *p;
	u64 t0, cost;

	rcu_read_lock();
	p = rcu_dereference(policy);
	if (p->gen != eval_gen)
		rt_adopt(p);
	t0 = ktime_get_ns();
	ainka_index_eval(&p->index, p->slots, rt_state, metrics, now, hitmap);
	for (w = 0; w < AINKA_HITMAP_WORDS; w++) {
		u64 bits = hitmap[w];

		while (bits) {
			unsigned int n = w * 64 + __builtin_ctzll(bits);

			bits &= bits - 1;
			if (nhits == AINKA_HITS_PER_SAMPLE)
				dropped++;
			else
				hit_fill(&hits[nhits++], &p->slots[n], metrics);
		}
	}
	cost = ktime_get_ns() - t0;
	rcu_read_unlock();

	eval.window[eval.count % AINKA_EVAL_WINDOW] = min_t(u64, cost, U32_MAX);
	eval.count++;
	eval.last_ns = cost;
	if (cost > eval.max_ns)
		eval.max_ns = cost;

	atomic64_add(nhits + dropped, &ainka.ctr.rule_hits);
	if (dropped)
		atomic64_add(dropped, &ainka.ctr.jobs_dropped);
	for (i = 0; i < nhits; i++)
		ainka_queue_hit(&hits[i]);
}

static int u32_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* p50/p99 over the last AINKA_EVAL_WINDOW evaluations (process context). */
void ainka_policy_eval_stats(struct ainka_eval_stats *st)
{
	u64 count = READ_ONCE(eval.count);
	u32 n = min_t(u64, count, AINKA_EVAL_WINDOW);
	u32 *tmp;

	memset(st, 0, sizeof(*st));
	st->evaluations = count;
	st->last_ns = READ_ONCE(eval.last_ns);
	st->max_ns = READ_ONCE(eval.max_ns);
	if (!n)
		return;
	tmp = kmalloc_array(n, sizeof(u32), GFP_KERNEL);
	if (!tmp)
		return;
	memcpy(tmp, eval.window, n * sizeof(u32));
	sort(tmp, n, sizeof(u32), u32_cmp, NULL);
	st->p50_ns = tmp[(n - 1) / 2];
	st->p99_ns = tmp[(n * 99 - 1) / 100];
	kfree(tmp);
}
