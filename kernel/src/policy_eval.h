/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One policy-cache slot and its per-sample step, kept free of kernel headers so that
 * tools/bench/kernel can time the exact same code natively on the host (the in-guest figures
 * come from an emulated CPU). The includer provides s64/u64/u8/bool, struct ainka_rule (uapi),
 * the AINKA_CMP_* values, AINKA_METRIC_COUNT, AINKA_POLICY_CAPACITY and NSEC_PER_MSEC.
 */
#ifndef _AINKA_POLICY_EVAL_H
#define _AINKA_POLICY_EVAL_H

/*
 * A compiled rule: immutable once its table is published. The per-rule runtime state lives in a
 * separate array (struct ainka_slot_rt, index rt) written only by the evaluator, so building a new
 * table never reads state the evaluator is writing.
 */
struct ainka_slot {
	struct ainka_rule rule;
	u64 for_ns;		/* rule.for_ms in ns, computed at load */
	u64 cooldown_ns;	/* rule.cooldown_ms in ns, computed at load */
	void *target;		/* kernel: struct pid of a PID target (reference held), else NULL */
	u16 rt;			/* index of this rule's runtime state */
	u8 may_raise;		/* loaded with CAP_SYS_NICE: may raise a task's priority */
};

/* Runtime state of one rule; written by the evaluator only. */
struct ainka_slot_rt {
	u64 since_ns;		/* when the condition started to hold */
	u64 last_hit_ns;
	bool holding;
	bool hit_before;
};

static inline void ainka_slot_prepare(struct ainka_slot *s)
{
	s->for_ns = (u64)s->rule.for_ms * NSEC_PER_MSEC;
	s->cooldown_ns = (u64)s->rule.cooldown_ms * NSEC_PER_MSEC;
}

static inline bool ainka_compare(s64 v, u8 cmp, s64 thr)
{
	switch (cmp) {
	case AINKA_CMP_GT: return v > thr;
	case AINKA_CMP_GE: return v >= thr;
	case AINKA_CMP_LT: return v < thr;
	case AINKA_CMP_LE: return v <= thr;
	case AINKA_CMP_EQ: return v == thr;
	case AINKA_CMP_NE: return v != thr;
	}
	return false;
}

/* The condition of a rule holds at now: track for_ns and the cool-down. True on a hit. */
static inline bool ainka_rt_held(const struct ainka_slot *s, struct ainka_slot_rt *r, u64 now)
{
	if (!r->holding) {
		r->holding = true;
		r->since_ns = now;
	}
	if (now - r->since_ns < s->for_ns)
		return false;
	if (r->hit_before && now - r->last_hit_ns < s->cooldown_ns)
		return false;
	r->hit_before = true;
	r->last_hit_ns = now;
	return true;
}

/* One rule against one sample: true on a hit (held for for_ns, cool-down over). */
static inline bool ainka_slot_step(const struct ainka_slot *s, struct ainka_slot_rt *r,
				   const s64 *metrics, u64 now)
{
	if (!ainka_compare(metrics[s->rule.metric], s->rule.cmp, s->rule.threshold)) {
		r->holding = false;
		return false;
	}
	return ainka_rt_held(s, r, now);
}

/*
 * The decision tree over the cache: per metric, the rules comparing it with >/>= sit in one
 * array sorted by threshold, those with </<= in another, so the rules whose condition holds for
 * a value are a prefix found by binary search; only those (and those that stopped holding since
 * the last sample) are touched. ==/!= rules are checked one by one. Thresholds are normalised:
 * "v > t" is "v >= t + 1", "v < t" is "v <= t - 1" (a rule that can never hold is left out).
 */
struct ainka_group {
	u16 start;		/* first entry in key[]/idx[] */
	u16 len;
	u16 prev_k;		/* length of the holding prefix at the last sample */
};

struct ainka_index {
	struct ainka_group ge[AINKA_METRIC_COUNT];	/* holds when v >= key; key ascending */
	struct ainka_group le[AINKA_METRIC_COUNT];	/* holds when v <= key; key descending */
	struct ainka_group eq[AINKA_METRIC_COUNT];	/* EQ/NE, checked linearly */
	s64 key[AINKA_POLICY_CAPACITY];
	u16 idx[AINKA_POLICY_CAPACITY];			/* slot numbers */
};

#define AINKA_HITMAP_WORDS (AINKA_POLICY_CAPACITY / 64)

/* Appends the slots of one kind for metric m to the index (insertion sort; at load time). */
static inline struct ainka_group ainka_group_build(struct ainka_index *ix, unsigned int *pos,
						   const struct ainka_slot *slots, unsigned int n,
						   unsigned int m, int kind)
{
	struct ainka_group g = { .start = *pos, .len = 0, .prev_k = 0 };
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		const struct ainka_rule *r = &slots[i].rule;
		s64 key = r->threshold;
		int k;

		if (r->metric != m)
			continue;
		switch (r->cmp) {
		case AINKA_CMP_GT:
			if (key == (s64)(~0ULL >> 1))
				continue;	/* never holds */
			key++;
			k = 0;
			break;
		case AINKA_CMP_GE:
			k = 0;
			break;
		case AINKA_CMP_LT:
			if (key == -(s64)(~0ULL >> 1) - 1)
				continue;	/* never holds */
			key--;
			k = 1;
			break;
		case AINKA_CMP_LE:
			k = 1;
			break;
		default:
			k = 2;
			break;
		}
		if (k != kind)
			continue;
		/* Insert keeping ge ascending, le descending (eq in slot order). */
		j = g.start + g.len;
		while (kind != 2 && j > g.start &&
		       (kind == 0 ? ix->key[j - 1] > key : ix->key[j - 1] < key)) {
			ix->key[j] = ix->key[j - 1];
			ix->idx[j] = ix->idx[j - 1];
			j--;
		}
		ix->key[j] = key;
		ix->idx[j] = i;
		g.len++;
	}
	*pos += g.len;
	return g;
}

static inline void ainka_index_build(struct ainka_index *ix, const struct ainka_slot *slots,
				     unsigned int n)
{
	unsigned int m, pos = 0;

	for (m = 0; m < AINKA_METRIC_COUNT; m++) {
		ix->ge[m] = ainka_group_build(ix, &pos, slots, n, m, 0);
		ix->le[m] = ainka_group_build(ix, &pos, slots, n, m, 1);
		ix->eq[m] = ainka_group_build(ix, &pos, slots, n, m, 2);
	}
}

static inline void ainka_group_eval(struct ainka_index *ix, struct ainka_group *g, int kind,
				    const struct ainka_slot *slots, struct ainka_slot_rt *rt,
				    s64 v, u64 now, u64 *hitmap)
{
	const s64 *key = ix->key + g->start;
	const u16 *idx = ix->idx + g->start;
	unsigned int lo = 0, hi = g->len, i;

	while (lo < hi) {	/* length of the prefix whose condition holds */
		unsigned int mid = (lo + hi) / 2;

		if (kind == 0 ? key[mid] <= v : key[mid] >= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < g->prev_k; i++)
		rt[slots[idx[i]].rt].holding = false;
	for (i = 0; i < lo; i++)
		if (ainka_rt_held(&slots[idx[i]], &rt[slots[idx[i]].rt], now))
			hitmap[idx[i] / 64] |= 1ULL << (idx[i] % 64);
	g->prev_k = lo;
}

/* Evaluates every rule against one sample; hits are set in hitmap by slot number. */
static inline void ainka_index_eval(struct ainka_index *ix, const struct ainka_slot *slots,
				    struct ainka_slot_rt *rt, const s64 *metrics, u64 now,
				    u64 *hitmap)
{
	unsigned int m, i;

	for (m = 0; m < AINKA_METRIC_COUNT; m++) {
		const struct ainka_group *e = &ix->eq[m];

		if (ix->ge[m].len)
			ainka_group_eval(ix, &ix->ge[m], 0, slots, rt, metrics[m], now, hitmap);
		if (ix->le[m].len)
			ainka_group_eval(ix, &ix->le[m], 1, slots, rt, metrics[m], now, hitmap);
		for (i = 0; i < e->len; i++) {
			u16 n = ix->idx[e->start + i];

			if (ainka_slot_step(&slots[n], &rt[slots[n].rt], metrics, now))
				hitmap[n / 64] |= 1ULL << (n % 64);
		}
	}
}

#endif /* _AINKA_POLICY_EVAL_H */
