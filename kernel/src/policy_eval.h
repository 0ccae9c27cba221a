/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One policy-cache slot and its per-sample step, kept free of kernel headers so that
 * tools/bench/kernel can time the exact same code natively on the host (the in-guest figures
 * come from an emulated CPU). The includer provides s64/u64/u8/bool, struct ainka_rule (uapi),
 * the AINKA_CMP_* values and NSEC_PER_MSEC.
 */
#ifndef _AINKA_POLICY_EVAL_H
#define _AINKA_POLICY_EVAL_H

struct ainka_slot {
	struct ainka_rule rule;
	u64 for_ns;		/* rule.for_ms in ns, computed at load */
	u64 cooldown_ns;	/* rule.cooldown_ms in ns, computed at load */
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

/* One rule against one sample: true on a hit (held for for_ns, cool-down over). */
static inline bool ainka_slot_step(struct ainka_slot *s, const s64 *metrics, u64 now)
{
	if (!ainka_compare(metrics[s->rule.metric], s->rule.cmp, s->rule.threshold)) {
		if (s->holding)
			s->holding = false;
		return false;
	}
	if (!s->holding) {
		s->holding = true;
		s->since_ns = now;
	}
	if (now - s->since_ns < s->for_ns)
		return false;
	if (s->hit_before && now - s->last_hit_ns < s->cooldown_ns)
		return false;
	s->hit_before = true;
	s->last_hit_ns = now;
	return true;
}

#endif /* _AINKA_POLICY_EVAL_H */
