// SPDX-License-Identifier: GPL-2.0
/* Decoded AINKA events for the tests; see events.h. */
#include "events.h"

#include <string.h>

void evt_decode(const struct attrbuf *ev, struct evt *e)
{
	const void *act;
	size_t alen;

	memset(e, 0, sizeof(*e));
	attr_u8(ev->data, ev->len, AINKA_A_EVENT_TYPE, &e->type);
	attr_u32(ev->data, ev->len, AINKA_A_EVENT_RULE_ID, &e->rule_id);
	attr_u8(ev->data, ev->len, AINKA_A_EVENT_MODE, &e->mode);
	attr_u8(ev->data, ev->len, AINKA_A_EVENT_OLD_STATE, &e->old_state);
	attr_u8(ev->data, ev->len, AINKA_A_EVENT_NEW_STATE, &e->new_state);
	attr_s32(ev->data, ev->len, AINKA_A_EVENT_REQUEST_CODE, &e->request_code);
	attr_u64(ev->data, ev->len, AINKA_A_EVENT_METRIC_VALUE, (uint64_t *)&e->metric_value);
	act = attr_find(ev->data, ev->len, AINKA_A_EVENT_ACTION, &alen);
	if (act) {
		e->has_action = true;
		attr_u8(act, alen, AINKA_A_ACTION_STATUS, &e->status);
		attr_u8(act, alen, AINKA_A_ACTION_KIND, &e->kind);
		attr_u32(act, alen, AINKA_A_ACTION_PID, &e->pid);
		attr_s32(act, alen, AINKA_A_ACTION_OLD_VALUE, &e->old_value);
		attr_s32(act, alen, AINKA_A_ACTION_NEW_VALUE, &e->new_value);
	}
}

bool evt_wait(struct nl *events, int timeout_ms, evt_pred pred, const void *arg, struct evt *out,
	      struct nl *beat_nl)
{
	int64_t deadline = now_ms() + timeout_ms, next_beat = 0;
	struct attrbuf ev;
	struct evt e;

	while (now_ms() < deadline) {
		if (beat_nl && now_ms() >= next_beat) {
			nl_do(beat_nl, AINKA_CMD_HEARTBEAT, NULL, NULL);
			next_beat = now_ms() + 100;
		}
		if (!nl_event(events, beat_nl ? 100 : (int)(deadline - now_ms()), &ev))
			continue;
		evt_decode(&ev, &e);
		if (pred(&e, arg)) {
			if (out)
				*out = e;
			return true;
		}
	}
	return false;
}

bool evt_wait_all(struct nl *events, int timeout_ms, unsigned int n, evt_pred const *preds,
		  const void *const *args, struct evt *outs, bool *found)
{
	int64_t deadline = now_ms() + timeout_ms;
	unsigned int i, left = n;
	struct attrbuf ev;
	struct evt e;

	for (i = 0; i < n; i++)
		found[i] = false;
	while (left && now_ms() < deadline) {
		if (!nl_event(events, (int)(deadline - now_ms()), &ev))
			continue;
		evt_decode(&ev, &e);
		for (i = 0; i < n; i++) {
			if (!found[i] && preds[i](&e, args[i])) {
				found[i] = true;
				outs[i] = e;
				left--;
			}
		}
	}
	return left == 0;
}
