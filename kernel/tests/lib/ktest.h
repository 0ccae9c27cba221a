/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the in-guest kernel tests: TAP output, module load/unload, raw generic netlink
 * (plain sockets, no libmnl) and /proc/ainka parsing. Tests print TAP ("ok N - ...",
 * "not ok N - ...", a "1..N" plan at the end) and exit 0 when everything passed, 1 when a check
 * failed, 2 when they could not run ("Bail out!").
 */
#ifndef _AINKA_KTEST_H
#define _AINKA_KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ainka.h"

/* TAP */
bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
int tap_done(void);

/* Module */
const char *kmod_path(void);
int kmod_load(const char *params);	/* 0 or -errno */
int kmod_unload(void);			/* 0 or -errno; retries while busy */
bool kmod_loaded(void);
void kmod_reload(const char *params);	/* unload if loaded, load; bails on failure */

/* /proc/ainka "key: value" lines; -1 when missing. */
long long proc_get(const char *key);

/* Generic netlink */
#define NL_BUF 65536

struct nl {
	int fd;
	uint16_t family;
	uint32_t events_group;
	uint32_t seq;
	char extack[256];	/* last error message from the kernel, "" if none */
	int bad_attr_off;	/* offset of the attribute the kernel blamed, -1 if none */
	uint32_t miss_type;	/* missing attribute the kernel named, 0 if none */
};

struct attrbuf {
	char data[NL_BUF];
	size_t len;
};

int nl_open(struct nl *nl);	/* resolves the family and the events group; 0 or -errno */
void nl_close(struct nl *nl);
int nl_subscribe(struct nl *nl);	/* join the events group */

void ab_reset(struct attrbuf *ab);
void ab_put(struct attrbuf *ab, uint16_t type, const void *data, size_t len);
void ab_u8(struct attrbuf *ab, uint16_t type, uint8_t v);
void ab_u32(struct attrbuf *ab, uint16_t type, uint32_t v);
void ab_u64(struct attrbuf *ab, uint16_t type, uint64_t v);
void ab_flag(struct attrbuf *ab, uint16_t type);

/*
 * Sends cmd with attrs (may be NULL) and NLM_F_ACK; copies the attributes of the first reply into
 * reply (may be NULL). Returns 0 or the negative errno of the kernel's error.
 */
int nl_do(struct nl *nl, uint8_t cmd, const struct attrbuf *attrs, struct attrbuf *reply);
/* Dump: calls fn for every message's attributes. Returns 0 or -errno. */
int nl_dump(struct nl *nl, uint8_t cmd, const struct attrbuf *attrs,
	    void (*fn)(const void *attrs, size_t len, void *ctx), void *ctx);
/* Waits up to timeout_ms for one event; copies the event nest's payload. 1 = got one, 0 = timeout. */
int nl_event(struct nl *nl, int timeout_ms, struct attrbuf *event);

/* Attribute lookup in a buffer of attributes (not nested). NULL when absent. */
const void *attr_find(const void *attrs, size_t len, uint16_t type, size_t *plen);
bool attr_u8(const void *attrs, size_t len, uint16_t type, uint8_t *v);
bool attr_u32(const void *attrs, size_t len, uint16_t type, uint32_t *v);
bool attr_u64(const void *attrs, size_t len, uint16_t type, uint64_t *v);
bool attr_s32(const void *attrs, size_t len, uint16_t type, int32_t *v);

/* Status helpers (GET_STATUS). */
struct status {
	uint32_t abi, policy_count, interval_ms, watchdog_ms;
	uint8_t mode, state;
	uint64_t cookie, samples, heartbeats, watchdog_fires, applied, reverted, hits;
	uint64_t eval_last, eval_p99, eval_max;
	char version[32];
};
int nl_status(struct nl *nl, struct status *st);

/* Rules */
struct ainka_rule rule_make(uint32_t id, uint16_t metric, uint8_t cmp, int64_t threshold,
			    uint8_t action, uint8_t target, uint32_t pid, int32_t arg);
int nl_policy_load(struct nl *nl, const struct ainka_rule *rules, unsigned int n, bool replace,
		   uint32_t *count);
int nl_set_mode(struct nl *nl, uint8_t mode);

/* Processes */
pid_t spawn_hog(void);		/* a child spinning on the CPU */
pid_t spawn_sleeper(void);	/* a child sleeping */
void kill_child(pid_t pid);
int64_t now_ms(void);
void sleep_ms(int ms);
/*
 * Kernel memory a module can hold, in KiB: unreclaimable slab + vmalloc + percpu from /proc/meminfo,
 * read after dropping caches and letting RCU callbacks run.
 */
long ktest_kernel_mem_kb(void);

#endif /* _AINKA_KTEST_H */
