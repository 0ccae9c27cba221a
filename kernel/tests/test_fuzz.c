// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink and ioctl fuzzer, built from @ainka/protocol's spec (lib/ainka_spec_gen.h, generated):
 * for AINKA_FUZZ_SECONDS (default 40) it sends valid messages, mutations of them (wrong lengths,
 * truncations, flipped bytes, unknown and duplicated attributes, nested garbage, huge counts,
 * wrong versions and flags) and plain garbage, as root and as nobody, plus random /dev/ainka
 * ioctls and mmaps. It checks that
 *   - the kernel never oopses or warns (kernel log),
 *   - every refusal of a well-framed request for a known command names its reason (extack message,
 *     offending attribute or missing attribute) unless it is a permission or unknown-command error,
 *   - the module's memory comes back (slab + vmalloc + percpu before load vs after unload),
 *   - the module still works afterwards (status, a rule that hits).
 * Prints "# fuzz: N messages ..." for tools/bench/kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ainka_spec_gen.h"
#include "events.h"

#define LEAK_LIMIT_KB 512
#define MSG_MAX 16384

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int rndn(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

struct msg {
	unsigned char b[MSG_MAX];
	size_t len;
	bool framed;	/* a well-formed genl message for a known command */
};

struct stats {
	unsigned long sent, acked, refused, refused_explained, refused_unexplained, perm, unknown_cmd, io_errors;
	unsigned long ioctls, ioctl_refused, mmaps;
	char example[4][160];
	int n_examples;
};

static void put_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (void *)(m->b + m->len);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->len + total > MSG_MAX)
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	m->len += total;
}

/* A value for an attribute: in range, at a bound, or just outside it. */
static int64_t scalar(const struct fz_attr *a)
{
	int64_t lo = a->min == INT64_MIN ? 0 : a->min, hi = a->max == INT64_MAX ? (int64_t)rnd() : a->max;

	switch (rndn(6)) {
	case 0: return lo;
	case 1: return hi;
	case 2: return lo - 1;
	case 3: return hi + 1;
	case 4: return (int64_t)rnd();
	}
	return hi > lo ? lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)) : lo;
}

static struct ainka_rule random_rule(void)
{
	struct ainka_rule r;

	memset(&r, 0, sizeof(r));
	r.id = 1 + rndn(600);
	r.metric = rndn(AINKA_METRIC_COUNT + 2);
	r.cmp = rndn(AINKA_CMP_COUNT + 1);
	r.threshold = rndn(3) ? (int64_t)rndn(100) : (int64_t)rnd();
	r.action = rndn(AINKA_ACTION_COUNT + 1);
	r.target = rndn(AINKA_TARGET_COUNT + 1);
	r.target_pid = rndn(2) ? 0 : rndn(4) ? 1 + rndn(400) : (uint32_t)rnd();
	/* Never raise or lower the guest's priorities wildly: small nice values, best-effort I/O. */
	r.arg = r.action == AINKA_ACTION_IOPRIO ? (int32_t)((2 << 13) | rndn(9)) : (int32_t)rndn(30) - 5;
	r.for_ms = rndn(3) ? 0 : (uint32_t)rnd();
	r.cooldown_ms = rndn(3) ? rndn(1000) : (uint32_t)rnd();
	r.priority = rndn(4) ? rndn(1001) : (uint16_t)rnd();
	if (!rndn(8))
		r.flags = rnd();
	if (!rndn(8))
		r.reserved = rnd();
	return r;
}

/* Attribute a of a set, with a value built from its spec. */
static void put_from_spec(struct msg *m, const struct fz_attr *a, int depth)
{
	unsigned char buf[512];
	size_t len = 0;
	int64_t v;

	switch (a->kind) {
	case FZ_U8: v = scalar(a); buf[0] = v; len = 1; break;
	case FZ_U16: v = scalar(a); memcpy(buf, &v, 2); len = 2; break;
	case FZ_U32: case FZ_S32: v = scalar(a); memcpy(buf, &v, 4); len = 4; break;
	case FZ_U64: case FZ_S64: v = scalar(a); memcpy(buf, &v, 8); len = 8; break;
	case FZ_FLAG: len = 0; break;
	case FZ_STRING:
		len = rndn((a->max_len ? a->max_len : 32) + 8);
		for (size_t i = 0; i < len; i++)
			buf[i] = 'a' + rndn(26);
		if (rndn(4))
			buf[len++] = 0;
		break;
	case FZ_BINARY:
		if (a->struct_size == sizeof(struct ainka_rule) && rndn(4)) {
			struct ainka_rule r = random_rule();

			memcpy(buf, &r, sizeof(r));
			len = sizeof(r);
		} else {
			len = a->struct_size ? a->struct_size : rndn(64);
			for (size_t i = 0; i < len; i++)
				buf[i] = rnd();
		}
		break;
	case FZ_NEST: {
		struct msg inner = { .len = 0 };
		unsigned int n = rndn(4), i;

		for (i = 0; i < n && depth < 3; i++) {
			const struct fz_attr *c = &fz_attrs[rndn(FZ_N_ATTRS)];

			if (a->nested >= 0 && rndn(3))
				while (c->set != a->nested)
					c = &fz_attrs[rndn(FZ_N_ATTRS)];
			put_from_spec(&inner, c, depth + 1);
		}
		put_attr(m, a->type | NLA_F_NESTED, inner.b, inner.len > 400 ? 400 : inner.len);
		return;
	}
	default: /* pad */
		len = rndn(8);
		memset(buf, 0, len);
		break;
	}
	put_attr(m, a->type, buf, len);
}

static const struct fz_attr *top_attr(uint16_t type)
{
	for (size_t i = 0; i < FZ_N_ATTRS; i++)
		if (fz_attrs[i].set == 0 && fz_attrs[i].type == type)
			return &fz_attrs[i];
	return NULL;
}

/* Builds one message: a valid one from the spec, then maybe mutated. */
static void build(struct msg *m, uint16_t family, uint32_t seq)
{
	const struct fz_op *op = &fz_ops[rndn(FZ_N_OPS)];
	struct nlmsghdr *h = (void *)m->b;
	struct genlmsghdr *g = (void *)(m->b + NLMSG_HDRLEN);
	unsigned int i, n;

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->framed = true;
	g->cmd = op->cmd;
	g->version = AINKA_GENL_VERSION;
	/* The request's own attributes, each present or not, some repeated. */
	for (i = 0; i < op->n_req; i++) {
		const struct fz_attr *a = top_attr(op->req[i]);

		n = !rndn(5) ? 0 : a->type == AINKA_A_POLICY_RULE ? 1 + rndn(rndn(8) ? 4 : 300) : 1 + !rndn(10);
		while (a && n--)
			put_from_spec(m, a, 0);
	}
	/* Any other attribute of any set. */
	n = rndn(3) ? 0 : 1 + rndn(3);
	while (n--)
		put_from_spec(m, &fz_attrs[rndn(FZ_N_ATTRS)], 0);
	switch (rndn(10)) {
	case 0: {	/* flip bytes */
		unsigned int k = 1 + rndn(8);

		while (k-- && m->len > NLMSG_HDRLEN)
			m->b[NLMSG_HDRLEN + rndn(m->len - NLMSG_HDRLEN)] = rnd();
		m->framed = false;
		break;
	}
	case 1:	/* truncate inside an attribute */
		if (m->len > NLMSG_HDRLEN + GENL_HDRLEN + 2) {
			m->len = NLMSG_HDRLEN + GENL_HDRLEN + 1 + rndn(m->len - NLMSG_HDRLEN - GENL_HDRLEN - 1);
			m->framed = false;
		}
		break;
	case 2:	/* an attribute claiming more than there is */
		if (m->len >= NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN) {
			((struct nlattr *)(m->b + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len += 1 + rndn(600);
			m->framed = false;
		}
		break;
	case 3:	/* unknown and out-of-range attribute types */
		put_attr(m, AINKA_A_MAX + 1 + rndn(40), "garbage!", rndn(9));
		break;
	case 4:	/* nested garbage */ {
		unsigned char junk[64];

		for (i = 0; i < sizeof(junk); i++)
			junk[i] = rnd();
		put_attr(m, (1 + rndn(AINKA_A_MAX)) | NLA_F_NESTED, junk, rndn(sizeof(junk)));
		break;
	}
	case 5:	/* any command number, any version */
		g->cmd = rndn(256);
		g->version = rndn(4);
		m->framed = g->cmd >= 1 && g->cmd <= AINKA_CMD_MAX && g->cmd != AINKA_CMD_EVENT;
		break;
	case 6:	/* huge count of rules */
		n = 257 + rndn(300);
		g->cmd = AINKA_CMD_POLICY_LOAD;
		while (n--) {
			struct ainka_rule r = random_rule();

			put_attr(m, AINKA_A_POLICY_RULE, &r, sizeof(r));
		}
		break;
	}
	h->nlmsg_len = m->len;
	h->nlmsg_type = family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (op->dump ? NLM_F_DUMP : 0);
	if (!rndn(20)) {
		h->nlmsg_flags ^= NLM_F_DUMP;
		m->framed = false;
	}
	if (!rndn(50)) {
		h->nlmsg_len = rndn(m->len + 64);	/* lies about its own length */
		m->framed = false;
	}
	h->nlmsg_seq = seq;
}

static bool extack_explains(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = sizeof(*e);

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return false;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (NLMSG_LENGTH(off) > h->nlmsg_len)
		return false;
	return attr_find((const char *)e + off, h->nlmsg_len - NLMSG_LENGTH(off), NLMSGERR_ATTR_MSG, NULL) ||
	       attr_find((const char *)e + off, h->nlmsg_len - NLMSG_LENGTH(off), NLMSGERR_ATTR_OFFS, NULL) ||
	       attr_find((const char *)e + off, h->nlmsg_len - NLMSG_LENGTH(off), NLMSGERR_ATTR_MISS_TYPE, NULL);
}

/* Reads everything the kernel answered to seq (ACK/error/dump parts), without blocking long. */
static void collect(int fd, uint32_t seq, const struct msg *m, struct stats *st)
{
	static char buf[1 << 17];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *h;
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			return;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN)
				st->io_errors++;
			return;
		}
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			const struct nlmsgerr *e;

			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return;
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			e = NLMSG_DATA(h);
			if (!e->error) {
				st->acked++;
				return;
			}
			st->refused++;
			if (e->error == -EPERM) {
				st->perm++;
			} else if (e->error == -EOPNOTSUPP) {
				st->unknown_cmd++;
			} else if (extack_explains(h)) {
				st->refused_explained++;
			} else if (m->framed) {
				const struct genlmsghdr *g = (const void *)(m->b + NLMSG_HDRLEN);

				st->refused_unexplained++;
				if (st->n_examples < 4)
					snprintf(st->example[st->n_examples++], sizeof(st->example[0]),
						 "cmd %u, %zu bytes: %s without extack", g->cmd, m->len, strerror(-e->error));
			} else {
				st->refused_explained++;	/* broken framing: the core's own answer */
			}
			return;
		}
	}
}

static int nl_raw(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	return fd;
}

static void fuzz_netlink(uint16_t family, int64_t until, struct stats *st)
{
	static struct msg m;
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	int fd = nl_raw();
	uint32_t seq = 1;

	while (fd >= 0 && now_ms() < until) {
		build(&m, family, ++seq);
		if (sendto(fd, m.b, m.len, 0, (struct sockaddr *)&k, sizeof(k)) < 0) {
			st->sent++;
			continue;	/* the kernel refused the datagram itself (e.g. a lying length) */
		}
		st->sent++;
		collect(fd, seq, &m, st);
	}
	if (fd >= 0)
		close(fd);
}

static void fuzz_ioctl(int64_t until, struct stats *st)
{
	static unsigned char buf[1 << 14];
	int fd = open("/dev/ainka", O_RDWR | O_CLOEXEC);

	while (fd >= 0 && now_ms() < until) {
		unsigned int nr = rndn(4) ? fz_ioctls[rndn(FZ_N_IOCTLS)].nr : rndn(16);
		unsigned int dir = rndn(4), size = rndn(3) ? fz_ioctls[rndn(FZ_N_IOCTLS)].size : rndn(sizeof(buf));
		unsigned long req = rndn(4) ? fz_ioctls[rndn(FZ_N_IOCTLS)].request : _IOC(dir, AINKA_IOC_MAGIC, nr, size);
		size_t i;

		for (i = 0; i < 64; i++)
			buf[i] = rnd();
		if (req == AINKA_IOC_SET_MODE && rndn(2))
			memset(buf, 0, 8);	/* observe, most of the time: no actions from random rules */
		if (ioctl(fd, req, rndn(20) ? (void *)buf : (void *)(uintptr_t)rnd()) < 0)
			st->ioctl_refused++;
		st->ioctls++;
		if (!rndn(16)) {
			size_t len = rndn(4) ? 4096 * (1 + rndn(40)) : rndn(1 << 20);
			void *p = mmap(NULL, len, rndn(3) ? PROT_READ | PROT_WRITE : PROT_READ | PROT_EXEC, MAP_SHARED,
				       fd, rndn(4) ? 0 : 4096 * rndn(8));

			st->mmaps++;
			if (p != MAP_FAILED) {
				if (len >= 4096)
					((volatile uint64_t *)p)[rndn(512)] = rnd();	/* the consumer scribbles */
				munmap(p, len);
			}
		}
	}
	if (fd >= 0)
		close(fd);
}

static int kernel_log_bad(void)
{
	static char log[1 << 20];
	int n = klogctl(3, log, sizeof(log) - 1), bad = 0;
	char *line;

	if (n <= 0)
		return 0;
	log[n] = '\0';
	for (line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
		if (strstr(line, "BUG:") || strstr(line, "Oops") || strstr(line, "WARNING:") ||
		    strstr(line, "general protection") || strstr(line, "Call Trace")) {
			if (bad++ < 5)
				diag("kernel: %s", line);
		}
	}
	return bad;
}

int main(void)
{
	const char *env = getenv("AINKA_FUZZ_SECONDS");
	int seconds = env ? atoi(env) : 40, status, bad0;
	struct stats *st = mmap(NULL, 2 * sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct ainka_rule r;
	struct nl nl, ev;
	struct status s;
	long before, after;
	int64_t t0, until;
	pid_t child;

	if (getenv("AINKA_FUZZ_SEED"))
		rng = strtoull(getenv("AINKA_FUZZ_SEED"), NULL, 0) | 1;
	diag("fuzz seed %#llx, %d s", (unsigned long long)rng, seconds);
	bad0 = kernel_log_bad();
	kmod_reload("sample_interval_ms=10 watchdog_timeout_ms=0");	/* a warm cycle before measuring */
	kmod_unload();
	before = ktest_kernel_mem_kb();
	kmod_reload("sample_interval_ms=10 watchdog_timeout_ms=0");
	if (nl_open(&nl))
		bail("netlink setup failed");
	t0 = now_ms();
	until = t0 + seconds * 1000LL;
	/* Root on netlink and ioctl in parallel, nobody on netlink for the last quarter. */
	child = fork();
	if (child == 0) {
		rng ^= 0x5555;
		fuzz_ioctl(until, &st[0]);
		_exit(0);
	}
	fuzz_netlink(nl.family, until - seconds * 250LL, &st[0]);
	if (fork() == 0) {
		rng ^= 0xaaaa;
		if (setgid(65534) || setuid(65534))
			_exit(3);
		fuzz_netlink(nl.family, until, &st[1]);
		_exit(0);
	}
	fuzz_netlink(nl.family, until, &st[0]);
	while (wait(&status) > 0)
		;
	diag("fuzz: %lu netlink messages in %lld ms (root %lu, nobody %lu): %lu acked, %lu refused "
	     "(%lu explained by extack, %lu permission, %lu unknown command, %lu unexplained); "
	     "%lu ioctls (%lu refused), %lu mmaps",
	     st[0].sent + st[1].sent, (long long)(now_ms() - t0), st[0].sent, st[1].sent,
	     st[0].acked + st[1].acked, st[0].refused + st[1].refused,
	     st[0].refused_explained + st[1].refused_explained, st[0].perm + st[1].perm,
	     st[0].unknown_cmd + st[1].unknown_cmd, st[0].refused_unexplained + st[1].refused_unexplained,
	     st[0].ioctls, st[0].ioctl_refused, st[0].mmaps);
	for (int i = 0; i < st[0].n_examples; i++)
		diag("unexplained: %s", st[0].example[i]);
	ok(st[0].sent > 1000 && st[1].sent > 100 && st[0].ioctls > 1000, "the fuzzer ran (%lu + %lu messages, %lu ioctls)",
	   st[0].sent, st[1].sent, st[0].ioctls);
	ok(st[0].refused_unexplained + st[1].refused_unexplained == 0,
	   "every refusal of a well-framed request names its reason (extack) unless EPERM/EOPNOTSUPP");
	ok(st[1].acked <= st[1].sent && st[1].perm > 0, "nobody's state-changing requests are refused with EPERM (%lu)", st[1].perm);

	/* The module still works: back to observe, a clean cache, a rule that hits. */
	ok(!nl_set_mode(&nl, AINKA_MODE_OBSERVE) && proc_get("actions_in_force") == 0, "observe mode, nothing in force");
	r = rule_make(4242, AINKA_METRIC_MEM_TOTAL_KB, AINKA_CMP_GT, 0, AINKA_ACTION_REPORT, AINKA_TARGET_NONE, 0, 0);
	ok(!nl_open(&ev) && !nl_subscribe(&ev) && !nl_policy_load(&nl, &r, 1, true, NULL), "a rule loads after the fuzzing");
	{
		struct attrbuf ab;
		struct evt e = { 0 };
		int64_t end = now_ms() + 5000;

		/* a state change (the machine under load) may come before the hit */
		while (now_ms() < end && e.type != AINKA_EVENT_POLICY_HIT) {
			if (nl_event(&ev, 100, &ab) != 1)
				continue;
			memset(&e, 0, sizeof(e));
			evt_decode(&ab, &e);
		}
		ok(e.type == AINKA_EVENT_POLICY_HIT, "and hits (last event type %u)", e.type);
	}
	ok(!nl_status(&nl, &s) && s.abi == AINKA_ABI_VERSION, "status answers");
	nl_close(&ev);
	nl_close(&nl);
	ok(!kmod_unload(), "module unloads");
	after = ktest_kernel_mem_kb();
	ok(after - before < LEAK_LIMIT_KB, "no leak: slab+vmalloc+percpu %ld kB before load, %ld kB after unload (%+ld kB, limit %d)",
	   before, after, after - before, LEAK_LIMIT_KB);
	ok(kernel_log_bad() == bad0, "no oops, BUG or WARNING in the kernel log");
	return tap_done();
}
