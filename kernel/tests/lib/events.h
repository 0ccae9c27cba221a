/* SPDX-License-Identifier: GPL-2.0 */
/* Decoded AINKA events for the tests. */
#ifndef _AINKA_TEST_EVENTS_H
#define _AINKA_TEST_EVENTS_H

#include "ktest.h"

struct evt {
	uint8_t type;
	uint32_t rule_id;
	uint8_t mode;
	uint8_t old_state;
	uint8_t new_state;
	int32_t request_code;
	int64_t metric_value;
	bool has_action;
	uint8_t status;
	uint8_t kind;
	uint32_t pid;
	int32_t old_value;
	int32_t new_value;
};

void evt_decode(const struct attrbuf *ev, struct evt *e);

/* A predicate on an event. */
typedef bool (*evt_pred)(const struct evt *e, const void *arg);

/*
 * Reads events until pred matches (returns true, the event in *out) or timeout_ms passes. When
 * beat_nl is not NULL a heartbeat is sent on it every 100 ms while waiting.
 */
bool evt_wait(struct nl *events, int timeout_ms, evt_pred pred, const void *arg, struct evt *out,
	      struct nl *beat_nl);

/* Waits until every pred[i] matched some event (in any order); found[i] tells which did. */
bool evt_wait_all(struct nl *events, int timeout_ms, unsigned int n, evt_pred const *preds,
		  const void *const *args, struct evt *outs, bool *found);

#endif
