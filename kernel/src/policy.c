// SPDX-License-Identifier: GPL-2.0
/*
 * The policy cache: a fixed-capacity table of compiled rules, evaluated on every sample.
 *
 * The table is immutable once published (RCU): a load builds a new table, sorted by priority
 * (higher first, then by id), and swaps it in under policy_lock; readers (the sampler) never
 * block. The per-rule runtime state (how long the condition has held, the last hit for the
 * cool-down) lives in the table and is written only by the sampler, which never runs
 * concurrently with itself; an append carries that state over to the new table.
 *
 * Evaluation walks the decision tree of policy_eval.h: per metric, a binary search over the
 * rules sorted by threshold finds those whose condition holds, and only those (plus the ones that
 * stopped holding) are touched; the work is bounded by the capacity and usually far below it.
 * It is timed with ktime_get_ns() around the walk and the hit collection (hits are queued after)
 * and kept over the last AINKA_EVAL_WINDOW samples.
 */
#include "ainka.h"

#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "ainka_nl_gen.h"

#include "policy_eval.h"

struct ainka_policy {
	struct rcu_head rcu;
	u32 count;
	struct ainka_index index;	/* the decision tree over slots[] */
	struct ainka_slot slots[];
};

static struct ainka_policy __rcu *policy;
static DEFINE_MUTEX(policy_lock);

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
	synchronize_rcu();
	kfree(p);
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

static bool id_taken(const struct ainka_slot *slots, u32 n, u32 id)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (slots[i].rule.id == id)
			return true;
	return false;
}

/*
 * Validates all rules and adds them (or replaces the cache with them); all or nothing.
 * On error *why names the problem and *bad_index the offending rule (or n if none).
 * Returns the new rule count.
 */
int ainka_policy_load(const struct ainka_rule *rules, unsigned int n, bool replace,
		      const char **why, unsigned int *bad_index)
{
	struct ainka_policy *old, *p;
	unsigned int i, keep;
	int err;

	*bad_index = n;
	for (i = 0; i < n; i++) {
		err = rule_check(&rules[i], why);
		if (err) {
			*bad_index = i;
			return err;
		}
	}

	mutex_lock(&policy_lock);
	old = rcu_dereference_protected(policy, lockdep_is_held(&policy_lock));
	keep = replace ? 0 : old->count;
	if (keep + n > AINKA_POLICY_CAPACITY) {
		*why = "the policy cache holds at most AINKA_POLICY_CAPACITY (256) rules";
		err = -ENOSPC;
		goto out;
	}
	p = policy_alloc(keep + n);
	if (!p) {
		*why = "out of memory for the policy cache";
		err = -ENOMEM;
		goto out;
	}
	memcpy(p->slots, old->slots, keep * sizeof(p->slots[0]));
	/* Kept rules keep their cool-down; their hold time restarts with the new index. */
	for (i = 0; i < keep; i++)
		p->slots[i].holding = false;
	for (i = 0; i < n; i++) {
		if (id_taken(p->slots, keep + i, rules[i].id)) {
			*why = "duplicate rule id (ids are unique in the cache)";
			*bad_index = i;
			kfree(p);
			err = -EEXIST;
			goto out;
		}
		p->slots[keep + i].rule = rules[i];
		ainka_slot_prepare(&p->slots[keep + i]);
	}
	sort(p->slots, p->count, sizeof(p->slots[0]), slot_cmp, NULL);
	ainka_index_build(&p->index, p->slots, p->count);
	rcu_assign_pointer(policy, p);
	kfree_rcu(old, rcu);
	err = p->count;
out:
	mutex_unlock(&policy_lock);
	return err;
}

unsigned int ainka_policy_clear(void)
{
	struct ainka_policy *old, *p = policy_alloc(0);

	if (!p)
		return ainka_policy_count();	/* keep the old table, do not fail */
	mutex_lock(&policy_lock);
	old = rcu_dereference_protected(policy, lockdep_is_held(&policy_lock));
	rcu_assign_pointer(policy, p);
	mutex_unlock(&policy_lock);
	kfree_rcu(old, rcu);
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

static void hit_fill(struct ainka_hit *h, const struct ainka_slot *s, const s64 *metrics,
		     u32 top_pid)
{
	const struct ainka_rule *r = &s->rule;

	h->rule_id = r->id;
	h->action = r->action;
	h->target = r->target;
	h->arg = r->arg;
	h->metric_value = metrics[r->metric];
	h->pid = r->target == AINKA_TARGET_PID ? r->target_pid :
		 r->target == AINKA_TARGET_TOP_CPU ? top_pid : 0;
}

/*
 * Called by the sampler (softirq context) for every sample. The timed part is the decision: the
 * index walk and collecting up to AINKA_HITS_PER_SAMPLE hits in priority order (slot order).
 */
void ainka_policy_evaluate(const s64 *metrics, u32 top_pid, u64 now)
{
	struct ainka_hit hits[AINKA_HITS_PER_SAMPLE];
	u64 hitmap[AINKA_HITMAP_WORDS] = { 0 };
	unsigned int nhits = 0, dropped = 0, w, i;
	struct ainka_policy *p;
	u64 t0, cost;

	rcu_read_lock();
	p = rcu_dereference(policy);
	t0 = ktime_get_ns();
	ainka_index_eval(&p->index, p->slots, metrics, now, hitmap);
	for (w = 0; w < AINKA_HITMAP_WORDS; w++) {
		u64 bits = hitmap[w];

		while (bits) {
			unsigned int n = w * 64 + __builtin_ctzll(bits);

			bits &= bits - 1;
			if (nhits == AINKA_HITS_PER_SAMPLE)
				dropped++;
			else
				hit_fill(&hits[nhits++], &p->slots[n], metrics, top_pid);
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
