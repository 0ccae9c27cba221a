// SPDX-License-Identifier: GPL-2.0
/* Helpers of the in-guest kernel tests; see ktest.h. */
#define _GNU_SOURCE
#include "ktest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

/* TAP */

static int tap_n, tap_failed;

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	char prefix[32];

	tap_n++;
	if (!cond)
		tap_failed++;
	snprintf(prefix, sizeof(prefix), "%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vline(prefix, fmt, ap);
	va_end(ap);
	return cond;
}

void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("# ", fmt, ap);
	va_end(ap);
}

void bail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("Bail out! ", fmt, ap);
	va_end(ap);
	exit(2);
}

int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d checks failed\n", tap_failed, tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

/* Module */

const char *kmod_path(void)
{
	const char *p = getenv("AINKA_KMOD");

	if (!p || !*p)
		bail("AINKA_KMOD is not set (run through tools/testbed/testbed.mjs)");
	return p;
}

int kmod_load(const char *params)
{
	int fd = open(kmod_path(), O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int kmod_unload(void)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (syscall(SYS_delete_module, "ainka", O_NONBLOCK) == 0)
			return 0;
		if (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)
			return -errno;
		sleep_ms(50);
	}
	return -EBUSY;
}

bool kmod_loaded(void)
{
	return access("/sys/module/ainka", F_OK) == 0;
}

void kmod_reload(const char *params)
{
	int err;

	if (kmod_loaded() && (err = kmod_unload()))
		bail("cannot unload ainka: %s", strerror(-err));
	err = kmod_load(params);
	if (err)
		bail("cannot load %s %s: %s", kmod_path(), params ? params : "", strerror(-err));
}

long long proc_get(const char *key)
{
	FILE *f = fopen("/proc/ainka", "r");
	char line[512];
	size_t klen = strlen(key);
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtoll(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Netlink */

#define NLA_ALIGNED(len) (((len) + 3) & ~3U)

struct nl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[NL_BUF];
};

void ab_reset(struct attrbuf *ab)
{
	ab->len = 0;
}

void ab_put(struct attrbuf *ab, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(ab->data + ab->len);

	if (ab->len + NLA_HDRLEN + NLA_ALIGNED(len) > sizeof(ab->data))
		bail("attribute buffer overflow");
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGNED(len) - len);
	ab->len += NLA_HDRLEN + NLA_ALIGNED(len);
}

void ab_u8(struct attrbuf *ab, uint16_t type, uint8_t v) { ab_put(ab, type, &v, 1); }
void ab_u32(struct attrbuf *ab, uint16_t type, uint32_t v) { ab_put(ab, type, &v, 4); }
void ab_u64(struct attrbuf *ab, uint16_t type, uint64_t v) { ab_put(ab, type, &v, 8); }
void ab_flag(struct attrbuf *ab, uint16_t type) { ab_put(ab, type, NULL, 0); }

const void *attr_find(const void *attrs, size_t len, uint16_t type, size_t *plen)
{
	const char *p = attrs;
	size_t off = 0;

	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const void *)(p + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type) {
			if (plen)
				*plen = a->nla_len - NLA_HDRLEN;
			return p + off + NLA_HDRLEN;
		}
		off += NLA_ALIGNED(a->nla_len);
	}
	return NULL;
}

#define ATTR_GETTER(name, ctype, size)						\
bool name(const void *attrs, size_t len, uint16_t type, ctype *v)		\
{										\
	size_t l;								\
	const void *d = attr_find(attrs, len, type, &l);			\
	if (!d || l != size)							\
		return false;							\
	memcpy(v, d, size);							\
	return true;								\
}
ATTR_GETTER(attr_u8, uint8_t, 1)
ATTR_GETTER(attr_u32, uint32_t, 4)
ATTR_GETTER(attr_u64, uint64_t, 8)
ATTR_GETTER(attr_s32, int32_t, 4)

static int nl_send(struct nl *nl, uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version,
		   const struct attrbuf *attrs)
{
	static struct nl_req req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	size_t alen = attrs ? attrs->len : 0;

	memset(&req.n, 0, sizeof(req.n));
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + alen);
	req.n.nlmsg_type = type;
	req.n.nlmsg_flags = NLM_F_REQUEST | flags;
	req.n.nlmsg_seq = ++nl->seq;
	req.g.cmd = cmd;
	req.g.version = version;
	req.g.reserved = 0;
	if (alen)
		memcpy(req.attrs, attrs->data, alen);
	if (sendto(nl->fd, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static void parse_extack(struct nl *nl, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off, len;
	const char *msg;
	uint32_t boff;

	nl->extack[0] = '\0';
	nl->bad_attr_off = -1;
	nl->miss_type = 0;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (NLMSG_LENGTH(off) > h->nlmsg_len)
		return;
	len = h->nlmsg_len - NLMSG_LENGTH(off);
	msg = attr_find((const char *)e + off, len, NLMSGERR_ATTR_MSG, NULL);
	if (msg)
		snprintf(nl->extack, sizeof(nl->extack), "%s", msg);
	if (attr_u32((const char *)e + off, len, NLMSGERR_ATTR_OFFS, &boff))
		nl->bad_attr_off = boff;
	attr_u32((const char *)e + off, len, NLMSGERR_ATTR_MISS_TYPE, &nl->miss_type);
}

/*
 * Receives until the ACK/error (or DONE for dumps) of sequence seq. fn gets each data message's
 * attributes. Returns 0 or -errno.
 */
static int nl_wait(struct nl *nl, uint32_t seq, bool dump,
		   void (*fn)(const void *attrs, size_t len, void *ctx), void *ctx)
{
	static char buf[NL_BUF * 2];

	for (;;) {
		struct pollfd pfd = { .fd = nl->fd, .events = POLLIN };
		struct nlmsghdr *h;
		ssize_t n;

		if (poll(&pfd, 1, 10000) <= 0)
			return -ETIMEDOUT;
		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				parse_extack(nl, h);
				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (fn)
				fn((char *)NLMSG_DATA(h) + GENL_HDRLEN,
				   h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), ctx);
			if (!dump && !(h->nlmsg_flags & NLM_F_MULTI))
				continue;	/* the ACK follows */
		}
	}
}

static void copy_reply(const void *attrs, size_t len, void *ctx)
{
	struct attrbuf *r = ctx;

	if (r && r->len == 0 && len <= sizeof(r->data)) {
		memcpy(r->data, attrs, len);
		r->len = len;
	}
}

static int nl_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

struct family_ctx {
	uint16_t id;
	uint32_t group;
};

static void family_reply(const void *attrs, size_t len, void *ctx)
{
	struct family_ctx *fc = ctx;
	const char *p;
	size_t glen, off = 0;

	attr_find(attrs, len, CTRL_ATTR_FAMILY_ID, NULL);
	{
		size_t l;
		const uint16_t *id = attr_find(attrs, len, CTRL_ATTR_FAMILY_ID, &l);

		if (id && l == 2)
			fc->id = *id;
	}
	p = attr_find(attrs, len, CTRL_ATTR_MCAST_GROUPS, &glen);
	while (p && off + NLA_HDRLEN <= glen) {
		const struct nlattr *g = (const void *)(p + off);
		const char *name = attr_find((const char *)g + NLA_HDRLEN, g->nla_len - NLA_HDRLEN,
					     CTRL_ATTR_MCAST_GRP_NAME, NULL);
		uint32_t gid;

		if (name && !strcmp(name, AINKA_MCGRP_EVENTS) &&
		    attr_u32((const char *)g + NLA_HDRLEN, g->nla_len - NLA_HDRLEN, CTRL_ATTR_MCAST_GRP_ID, &gid))
			fc->group = gid;
		if (g->nla_len < NLA_HDRLEN)
			break;
		off += NLA_ALIGNED(g->nla_len);
	}
}

int nl_open(struct nl *nl)
{
	struct family_ctx fc = { 0 };
	struct attrbuf *ab = calloc(1, sizeof(*ab));
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->fd = nl_socket();
	if (nl->fd < 0) {
		free(ab);
		return nl->fd;
	}
	nl->seq = (uint32_t)time(NULL);
	ab_put(ab, CTRL_ATTR_FAMILY_NAME, AINKA_GENL_NAME, sizeof(AINKA_GENL_NAME));
	err = nl_send(nl, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1, ab);
	free(ab);
	if (!err)
		err = nl_wait(nl, nl->seq, false, family_reply, &fc);
	if (!err && !fc.id)
		err = -ENOENT;
	if (err) {
		close(nl->fd);
		nl->fd = -1;
		return err;
	}
	nl->family = fc.id;
	nl->events_group = fc.group;
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

int nl_subscribe(struct nl *nl)
{
	if (!nl->events_group)
		return -ENOENT;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &nl->events_group,
		       sizeof(nl->events_group)) < 0)
		return -errno;
	return 0;
}

int nl_do(struct nl *nl, uint8_t cmd, const struct attrbuf *attrs, struct attrbuf *reply)
{
	int err;

	if (reply)
		reply->len = 0;
	nl->extack[0] = '\0';
	nl->bad_attr_off = -1;
	err = nl_send(nl, nl->family, NLM_F_ACK, cmd, AINKA_GENL_VERSION, attrs);
	if (err)
		return err;
	return nl_wait(nl, nl->seq, false, copy_reply, reply);
}

int nl_dump(struct nl *nl, uint8_t cmd, const struct attrbuf *attrs,
	    void (*fn)(const void *attrs, size_t len, void *ctx), void *ctx)
{
	int err = nl_send(nl, nl->family, NLM_F_DUMP | NLM_F_ACK, cmd, AINKA_GENL_VERSION, attrs);

	if (err)
		return err;
	return nl_wait(nl, nl->seq, true, fn, ctx);
}

int nl_event(struct nl *nl, int timeout_ms, struct attrbuf *event)
{
	static char buf[NL_BUF];
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		int left = (int)(deadline - now_ms());
		struct pollfd pfd = { .fd = nl->fd, .events = POLLIN };
		struct nlmsghdr *h;
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return 0;
		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return 0;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			const struct genlmsghdr *g = NLMSG_DATA(h);
			size_t alen, elen;
			const void *ev;

			if (h->nlmsg_type != nl->family || g->cmd != AINKA_CMD_EVENT)
				continue;
			alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			ev = attr_find((const char *)g + GENL_HDRLEN, alen, AINKA_A_EVENT, &elen);
			if (!ev || elen > sizeof(event->data))
				continue;
			memcpy(event->data, ev, elen);
			event->len = elen;
			return 1;	/* one event per call; the rest of a batch is rare (one per message) */
		}
	}
}

int nl_status(struct nl *nl, struct status *st)
{
	struct attrbuf *r = calloc(1, sizeof(*r));
	const void *ctr;
	const char *ver;
	size_t clen;
	int err;

	memset(st, 0, sizeof(*st));
	err = nl_do(nl, AINKA_CMD_GET_STATUS, NULL, r);
	if (err)
		goto out;
	attr_u32(r->data, r->len, AINKA_A_ABI_VERSION, &st->abi);
	attr_u8(r->data, r->len, AINKA_A_MODE, &st->mode);
	attr_u8(r->data, r->len, AINKA_A_STATE, &st->state);
	attr_u32(r->data, r->len, AINKA_A_POLICY_COUNT, &st->policy_count);
	attr_u32(r->data, r->len, AINKA_A_SAMPLE_INTERVAL_MS, &st->interval_ms);
	attr_u32(r->data, r->len, AINKA_A_WATCHDOG_TIMEOUT_MS, &st->watchdog_ms);
	attr_u64(r->data, r->len, AINKA_A_HEARTBEAT_COOKIE, &st->cookie);
	ver = attr_find(r->data, r->len, AINKA_A_VERSION, NULL);
	if (ver)
		snprintf(st->version, sizeof(st->version), "%s", ver);
	ctr = attr_find(r->data, r->len, AINKA_A_COUNTERS, &clen);
	if (!ctr) {
		err = -EBADMSG;
		goto out;
	}
	attr_u64(ctr, clen, AINKA_A_COUNTER_SAMPLES, &st->samples);
	attr_u64(ctr, clen, AINKA_A_COUNTER_HEARTBEATS, &st->heartbeats);
	attr_u64(ctr, clen, AINKA_A_COUNTER_WATCHDOG_FIRES, &st->watchdog_fires);
	attr_u64(ctr, clen, AINKA_A_COUNTER_ACTIONS_APPLIED, &st->applied);
	attr_u64(ctr, clen, AINKA_A_COUNTER_ACTIONS_REVERTED, &st->reverted);
	attr_u64(ctr, clen, AINKA_A_COUNTER_RULE_HITS, &st->hits);
	attr_u64(ctr, clen, AINKA_A_COUNTER_EVAL_NS_LAST, &st->eval_last);
	attr_u64(ctr, clen, AINKA_A_COUNTER_EVAL_NS_P99, &st->eval_p99);
	attr_u64(ctr, clen, AINKA_A_COUNTER_EVAL_NS_MAX, &st->eval_max);
out:
	free(r);
	return err;
}

struct ainka_rule rule_make(uint32_t id, uint16_t metric, uint8_t cmp, int64_t threshold,
			    uint8_t action, uint8_t target, uint32_t pid, int32_t arg)
{
	struct ainka_rule r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.metric = metric;
	r.cmp = cmp;
	r.threshold = threshold;
	r.action = action;
	r.target = target;
	r.target_pid = pid;
	r.arg = arg;
	return r;
}

int nl_policy_load(struct nl *nl, const struct ainka_rule *rules, unsigned int n, bool replace,
		   uint32_t *count)
{
	struct attrbuf *ab = calloc(1, sizeof(*ab)), *r = calloc(1, sizeof(*r));
	unsigned int i;
	int err;

	for (i = 0; i < n; i++)
		ab_put(ab, AINKA_A_POLICY_RULE, &rules[i], sizeof(rules[i]));
	if (replace)
		ab_flag(ab, AINKA_A_POLICY_REPLACE);
	err = nl_do(nl, AINKA_CMD_POLICY_LOAD, ab, r);
	if (!err && count && !attr_u32(r->data, r->len, AINKA_A_POLICY_COUNT, count))
		err = -EBADMSG;
	free(ab);
	free(r);
	return err;
}

int nl_set_mode(struct nl *nl, uint8_t mode)
{
	struct attrbuf *ab = calloc(1, sizeof(*ab));
	int err;

	ab_u8(ab, AINKA_A_MODE, mode);
	err = nl_do(nl, AINKA_CMD_SET_MODE, ab, NULL);
	free(ab);
	return err;
}

/* Processes */

pid_t spawn_hog(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		volatile unsigned long x = 0;

		for (;;)
			x++;
	}
	return pid;
}

pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

void kill_child(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t klen = strlen(key);
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

long ktest_kernel_mem_kb(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "3", 1) < 0)
			diag("drop_caches: %s", strerror(errno));
		close(fd);
	}
	sleep_ms(300);	/* let RCU callbacks free what they hold */
	return meminfo_kb("SUnreclaim") + meminfo_kb("VmallocUsed") + meminfo_kb("Percpu");
}
