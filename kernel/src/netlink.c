// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink glue: the "ainka" family, its command handlers and event notifications.
 *
 * The attribute policy, the ops table (with GENL_ADMIN_PERM on state-changing commands) and the
 * multicast group come from ainka_nl_gen.c, generated from @ainka/protocol. Strict validation is
 * on for every command (resv_start_op), so unknown attributes, wrong lengths and out-of-range
 * values are refused by the core with an extack message before a handler runs; handlers report
 * missing attributes with GENL_REQ_ATTR_CHECK and semantic errors with an extack message.
 *
 * One *_fill() builds each payload shape (status, action) for replies, dumps and events.
 * Events are only built when someone listens on the events group, which needs CAP_NET_ADMIN to
 * join (the events name tasks); the actions-get dump redacts pid and comm for callers without
 * CAP_NET_ADMIN. The socket that set enforce mode owns it: a netlink release notifier falls back
 * to observe mode when that socket goes away.
 */
#include "ainka.h"

#include <linux/capability.h>
#include <linux/ktime.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "ainka_nl_gen.h"

static struct genl_family ainka_genl_family = {
	.name = AINKA_GENL_NAME,
	.version = AINKA_GENL_VERSION,
	.maxattr = AINKA_A_MAX,
	.policy = ainka_nl_policy,
	.module = THIS_MODULE,
	.ops = ainka_nl_ops,
	.n_ops = AINKA_NL_OPS_COUNT,
	.resv_start_op = AINKA_CMD_MAX + 1,
	.mcgrps = ainka_nl_mcgrps,
	.n_mcgrps = AINKA_NL_MCGRPS_COUNT,
};

static bool nl_registered;

/* Sets a static message (not a literal, which NL_SET_ERR_MSG requires). */
static void set_err_msg(struct netlink_ext_ack *extack, const char *msg)
{
	if (extack)
		extack->_msg = msg;
}

static int counters_fill(struct sk_buff *skb)
{
	struct ainka_ioc_ring_info ring;
	struct ainka_eval_stats ev;
	struct ainka_hook_counts hc;
	struct nlattr *nest;
	unsigned int i;

	ainka_ring_info(&ring);
	ainka_policy_eval_stats(&ev);
	ainka_hooks_read(&hc);
	{
		const struct { int type; u64 value; } c[] = {
			{ AINKA_A_COUNTER_SAMPLES, ainka_ctr(&ainka.ctr.samples) },
			{ AINKA_A_COUNTER_RING_OVERFLOWS, ring.overflows },
			{ AINKA_A_COUNTER_RULE_HITS, ainka_ctr(&ainka.ctr.rule_hits) },
			{ AINKA_A_COUNTER_ACTIONS_APPLIED, ainka_ctr(&ainka.ctr.actions_applied) },
			{ AINKA_A_COUNTER_ACTIONS_REVERTED,
			  ainka_ctr(&ainka.ctr.actions_reverted) },
			{ AINKA_A_COUNTER_WATCHDOG_FIRES, ainka_ctr(&ainka.ctr.watchdog_fires) },
			{ AINKA_A_COUNTER_EVAL_NS_LAST, ev.last_ns },
			{ AINKA_A_COUNTER_EVAL_NS_P99, ev.p99_ns },
			{ AINKA_A_COUNTER_EVAL_NS_MAX, ev.max_ns },
			{ AINKA_A_COUNTER_TRACEPOINT_EVENTS, hc.events },
			{ AINKA_A_COUNTER_HEARTBEATS, ainka_ctr(&ainka.ctr.heartbeats) },
		};

		nest = nla_nest_start(skb, AINKA_A_COUNTERS);
		if (!nest)
			return -EMSGSIZE;
		for (i = 0; i < ARRAY_SIZE(c); i++) {
			if (nla_put_u64_64bit(skb, c[i].type, c[i].value, AINKA_A_COUNTER_PAD)) {
				nla_nest_cancel(skb, nest);
				return -EMSGSIZE;
			}
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int status_fill(struct sk_buff *skb)
{
	if (nla_put_u32(skb, AINKA_A_ABI_VERSION, AINKA_ABI_VERSION) ||
	    nla_put_string(skb, AINKA_A_VERSION, AINKA_VERSION_STR) ||
	    nla_put_u8(skb, AINKA_A_MODE, atomic_read(&ainka.mode)) ||
	    nla_put_u8(skb, AINKA_A_STATE, atomic_read(&ainka.state)) ||
	    nla_put_u32(skb, AINKA_A_POLICY_COUNT, ainka_policy_count()) ||
	    nla_put_u64_64bit(skb, AINKA_A_UPTIME_NS, ktime_get_ns() - ainka.load_ns,
			      AINKA_A_PAD) ||
	    nla_put_u32(skb, AINKA_A_SAMPLE_INTERVAL_MS, READ_ONCE(ainka.sample_interval_ms)) ||
	    nla_put_u32(skb, AINKA_A_WATCHDOG_TIMEOUT_MS, READ_ONCE(ainka.watchdog_timeout_ms)) ||
	    nla_put_u64_64bit(skb, AINKA_A_HEARTBEAT_COOKIE, READ_ONCE(ainka.heartbeat_cookie),
			      AINKA_A_PAD))
		return -EMSGSIZE;
	return counters_fill(skb);
}

static int action_fill(struct sk_buff *skb, int attrtype, const struct ainka_action_rec *r,
		       bool redact)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, AINKA_A_ACTION_ID, r->id, AINKA_A_ACTION_PAD) ||
	    nla_put_u32(skb, AINKA_A_ACTION_RULE_ID, r->rule_id) ||
	    nla_put_u8(skb, AINKA_A_ACTION_KIND, r->kind) ||
	    nla_put_u8(skb, AINKA_A_ACTION_STATUS, r->status) ||
	    nla_put_u32(skb, AINKA_A_ACTION_PID, redact ? 0 : r->pid) ||
	    nla_put_s32(skb, AINKA_A_ACTION_OLD_VALUE, r->old_value) ||
	    nla_put_s32(skb, AINKA_A_ACTION_NEW_VALUE, r->new_value) ||
	    nla_put_u64_64bit(skb, AINKA_A_ACTION_TIMESTAMP_NS, r->timestamp_ns,
			      AINKA_A_ACTION_PAD) ||
	    (r->comm[0] && !redact && nla_put_string(skb, AINKA_A_ACTION_COMM, r->comm))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A reply to a do-command; *hdr is set on success. */
static struct sk_buff *reply_new(struct genl_info *info, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put_reply(skb, info, &ainka_genl_family, 0, info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static int reply_send(struct sk_buff *skb, void *hdr, struct genl_info *info, int err)
{
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

int ainka_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	return reply_send(msg, hdr, info, status_fill(msg));
}

int ainka_nl_set_mode_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ainka_owner who = { .portid = info->snd_portid, .net = genl_info_net(info) };
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, AINKA_A_MODE))
		return -EINVAL;
	err = ainka_set_mode(nla_get_u8(info->attrs[AINKA_A_MODE]), &who);
	if (err)
		return err;
	msg = reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = nla_put_u8(msg, AINKA_A_MODE, atomic_read(&ainka.mode));
	return reply_send(msg, hdr, info, err);
}

int ainka_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *interval = info->attrs[AINKA_A_SAMPLE_INTERVAL_MS];
	struct nlattr *timeout = info->attrs[AINKA_A_WATCHDOG_TIMEOUT_MS];
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (!interval && !timeout) {
		NL_SET_ERR_MSG(info->extack, "set-config needs sample-interval-ms and/or watchdog-timeout-ms");
		return -EINVAL;
	}
	/* Ranges were checked by the policy (1-1000 ms, 0-600000 ms). */
	if (interval)
		WRITE_ONCE(ainka.sample_interval_ms, nla_get_u32(interval));
	if (timeout) {
		/* A new timeout starts afresh. */
		WRITE_ONCE(ainka.last_heartbeat_ns, ktime_get_ns());
		WRITE_ONCE(ainka.watchdog_timeout_ms, nla_get_u32(timeout));
	}
	msg = reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	err = nla_put_u32(msg, AINKA_A_SAMPLE_INTERVAL_MS, READ_ONCE(ainka.sample_interval_ms));
	if (!err)
		err = nla_put_u32(msg, AINKA_A_WATCHDOG_TIMEOUT_MS,
				  READ_ONCE(ainka.watchdog_timeout_ms));
	return reply_send(msg, hdr, info, err);
}

static int reply_policy_count(struct genl_info *info, u32 count)
{
	struct sk_buff *msg;
	void *hdr;

	msg = reply_new(info, &hdr);
	if (!msg)
		return -ENOMEM;
	return reply_send(msg, hdr, info, nla_put_u32(msg, AINKA_A_POLICY_COUNT, count));
}

int ainka_nl_policy_load_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool replace = nla_get_flag(info->attrs[AINKA_A_POLICY_REPLACE]);
	struct ainka_rule *rules;
	struct nlattr **attrs;
	unsigned int n = 0, i = 0, bad;
	const char *why = NULL;
	struct nlattr *a;
	int rem, ret;

	if (GENL_REQ_ATTR_CHECK(info, AINKA_A_POLICY_RULE))
		return -EINVAL;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(a) == AINKA_A_POLICY_RULE)
			n++;
	if (n > AINKA_POLICY_CAPACITY) {
		NL_SET_ERR_MSG(info->extack, "more rules than the policy cache holds (256)");
		return -ENOSPC;
	}
	rules = kmalloc_array(n, sizeof(*rules), GFP_KERNEL);
	attrs = kmalloc_array(n, sizeof(*attrs), GFP_KERNEL);
	if (!rules || !attrs) {
		ret = -ENOMEM;
		goto out;
	}
	/* Each rule attribute was checked to be exactly sizeof(struct ainka_rule) by the policy. */
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != AINKA_A_POLICY_RULE)
			continue;
		memcpy(&rules[i], nla_data(a), sizeof(rules[i]));
		attrs[i++] = a;
	}
	ret = ainka_policy_load(rules, n, replace, netlink_capable(skb, CAP_SYS_NICE), &why, &bad);
	if (ret < 0) {
		set_err_msg(info->extack, why);
		if (bad < n)
			NL_SET_BAD_ATTR(info->extack, attrs[bad]);
		goto out;
	}
	ret = reply_policy_count(info, ret);
out:
	kfree(attrs);
	kfree(rules);
	return ret;
}

int ainka_nl_policy_clear_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply_policy_count(info, ainka_policy_clear());
}

int ainka_nl_heartbeat_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *cookie = info->attrs[AINKA_A_HEARTBEAT_COOKIE];

	ainka_heartbeat(cookie ? nla_get_u64(cookie) : 0);
	return 0;
}

int ainka_nl_set_pressure_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const int attr[3] = {
		AINKA_A_PSI_CPU_SOME_AVG10, AINKA_A_PSI_MEM_SOME_AVG10, AINKA_A_PSI_IO_SOME_AVG10,
	};
	s32 v[3];
	int i;

	/* All three: a partial push would mix figures of different moments. */
	for (i = 0; i < 3; i++) {
		if (GENL_REQ_ATTR_CHECK(info, attr[i]))
			return -EINVAL;
		v[i] = nla_get_u32(info->attrs[attr[i]]);	/* 0-10000 checked by the policy */
	}
	ainka_psi_push(v);
	return 0;
}

/*
 * Dumps the most recent actions (at most max-actions), oldest first. cb->args[0] holds the id of
 * the last action sent, cb->args[1] how many were sent.
 */
int ainka_nl_actions_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	struct nlattr *max_attr = info->info.attrs[AINKA_A_MAX_ACTIONS];
#else
	struct nlattr *max_attr = info->attrs[AINKA_A_MAX_ACTIONS];
#endif
	unsigned int max = AINKA_ACTION_LOG;
	struct ainka_action_rec *recs;
	unsigned int n, i, put = 0;
	bool redact = !netlink_capable(cb->skb, CAP_NET_ADMIN);
	void *hdr;

	if (max_attr)
		max = min_t(u32, nla_get_u32(max_attr), AINKA_ACTION_LOG);
	if (cb->args[1] >= max)
		return 0;
	recs = kmalloc_array(AINKA_ACTION_LOG, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	n = ainka_action_log_copy(recs, max);
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq, &ainka_genl_family,
			  NLM_F_MULTI, AINKA_CMD_ACTIONS_GET);
	if (!hdr) {
		kfree(recs);
		return -EMSGSIZE;
	}
	for (i = 0; i < n && cb->args[1] < max; i++) {
		if (recs[i].id <= cb->args[0])
			continue;
		if (action_fill(skb, AINKA_A_ACTION, &recs[i], redact))
			break;
		cb->args[0] = recs[i].id;
		cb->args[1]++;
		put++;
	}
	kfree(recs);
	if (!put) {
		genlmsg_cancel(skb, hdr);
		return 0;
	}
	genlmsg_end(skb, hdr);
	return skb->len;
}

/* Events. */

static struct sk_buff *event_begin(u8 type, void **hdr, struct nlattr **nest)
{
	struct sk_buff *skb;

	if (!READ_ONCE(nl_registered) ||
	    !genl_has_listeners(&ainka_genl_family, &init_net, AINKA_NLGRP_EVENTS))
		return NULL;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &ainka_genl_family, 0, AINKA_CMD_EVENT);
	if (!*hdr)
		goto err;
	*nest = nla_nest_start(skb, AINKA_A_EVENT);
	if (!*nest ||
	    nla_put_u8(skb, AINKA_A_EVENT_TYPE, type) ||
	    nla_put_u64_64bit(skb, AINKA_A_EVENT_TIMESTAMP_NS, ktime_get_ns(), AINKA_A_EVENT_PAD))
		goto err;
	return skb;
err:
	nlmsg_free(skb);
	return NULL;
}

static void event_end(struct sk_buff *skb, void *hdr, struct nlattr *nest, int err)
{
	if (err) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&ainka_genl_family, skb, 0, AINKA_NLGRP_EVENTS, GFP_KERNEL);
	atomic64_inc(&ainka.ctr.events_sent);
}

void ainka_nl_event_state(u32 old_state, u32 new_state)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	skb = event_begin(AINKA_EVENT_STATE_CHANGE, &hdr, &nest);
	if (skb)
		event_end(skb, hdr, nest, nla_put_u8(skb, AINKA_A_EVENT_OLD_STATE, old_state) ||
			  nla_put_u8(skb, AINKA_A_EVENT_NEW_STATE, new_state));
}

void ainka_nl_event_hit(const struct ainka_hit *hit)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	skb = event_begin(AINKA_EVENT_POLICY_HIT, &hdr, &nest);
	if (skb)
		event_end(skb, hdr, nest, nla_put_u32(skb, AINKA_A_EVENT_RULE_ID, hit->rule_id) ||
			  nla_put_s64(skb, AINKA_A_EVENT_METRIC_VALUE, hit->metric_value,
				      AINKA_A_EVENT_PAD));
}

void ainka_nl_event_request(const struct ainka_hit *hit)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	skb = event_begin(AINKA_EVENT_REQUEST, &hdr, &nest);
	if (skb)
		event_end(skb, hdr, nest, nla_put_u32(skb, AINKA_A_EVENT_RULE_ID, hit->rule_id) ||
			  nla_put_s64(skb, AINKA_A_EVENT_METRIC_VALUE, hit->metric_value,
				      AINKA_A_EVENT_PAD) ||
			  nla_put_s32(skb, AINKA_A_EVENT_REQUEST_CODE, hit->arg));
}

void ainka_nl_event_action(const struct ainka_action_rec *rec)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	skb = event_begin(AINKA_EVENT_ACTION, &hdr, &nest);
	if (skb)
		event_end(skb, hdr, nest, nla_put_u32(skb, AINKA_A_EVENT_RULE_ID, rec->rule_id) ||
			  action_fill(skb, AINKA_A_EVENT_ACTION, rec, false));
}

void ainka_nl_event_mode(u8 type, u32 mode)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	skb = event_begin(type, &hdr, &nest);
	if (skb)
		event_end(skb, hdr, nest, nla_put_u8(skb, AINKA_A_EVENT_MODE, mode));
}

/* A generic netlink socket was released: if it owned enforce mode, fall back (process context). */
static int ainka_nl_release(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC && n->portid)
		ainka_owner_release_nl(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block ainka_nl_notifier = {
	.notifier_call = ainka_nl_release,
};

int ainka_nl_init(void)
{
	int err = netlink_register_notifier(&ainka_nl_notifier);

	if (err)
		return err;
	err = genl_register_family(&ainka_genl_family);
	if (err) {
		netlink_unregister_notifier(&ainka_nl_notifier);
		return err;
	}
	WRITE_ONCE(nl_registered, true);
	return 0;
}

void ainka_nl_exit(void)
{
	if (!READ_ONCE(nl_registered))
		return;
	WRITE_ONCE(nl_registered, false);
	genl_unregister_family(&ainka_genl_family);
	netlink_unregister_notifier(&ainka_nl_notifier);
}
