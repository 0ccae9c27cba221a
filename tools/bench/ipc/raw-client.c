// SPDX-License-Identifier: MIT
/*
 * The baseline for tools/bench/ipc: a raw C client of the AINKA module with no library at all —
 * blocking netlink socket, hand-built messages, the ring read with the same seqlock check as
 * @ainka/ipc. run.ts compiles it (gcc -O2) and runs it in the same guest boot as the TypeScript side.
 *
 *   raw-client rtt <n>        n sequential get-status round trips; prints p50/p99 in µs
 *   raw-client rules <reps>   push 1,000 rules as 4 x policy-load(250, replace); prints ms per 1,000
 *   raw-client ring <reps>    wait for a full ring, time consuming it; prints records/s
 *   raw-client nlctrl <n>     n sequential CTRL_CMD_GETFAMILY("nlctrl") round trips (no module needed)
 *
 * Each prints one JSON line on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../../../kernel/include/uapi/ainka.h"

#define BUF_SIZE 65536

static int nl_fd;
static uint16_t family_id;
static uint32_t seq = 1;
static uint8_t rx[BUF_SIZE];

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "raw-client: %s: %s\n", what, strerror(errno));
	exit(1);
}

static size_t put_attr(uint8_t *at, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)at;

	a->nla_len = NLA_HDRLEN + len;
	a->nla_type = type;
	memcpy(at + NLA_HDRLEN, data, len);
	return NLA_ALIGN(a->nla_len);
}

/* Builds nlmsghdr + genlmsghdr at buf; returns the header length. */
static size_t put_headers(uint8_t *buf, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *n = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = (struct genlmsghdr *)(buf + NLMSG_HDRLEN);

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	n->nlmsg_type = type;
	n->nlmsg_flags = NLM_F_REQUEST | flags;
	n->nlmsg_seq = seq++;
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 2 : AINKA_GENL_VERSION;
	return NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Sends and reads until the ACK of this request; returns the nlmsgerr error (0 on success). */
static int transact(uint8_t *buf, size_t len, uint16_t *reply_u16)
{
	struct nlmsghdr *req = (struct nlmsghdr *)buf;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	req->nlmsg_len = len;
	if (sendto(nl_fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		die("sendto");
	for (;;) {
		ssize_t n = recv(nl_fd, rx, sizeof(rx), 0);
		struct nlmsghdr *m;

		if (n < 0)
			die("recv");
		for (m = (struct nlmsghdr *)rx; NLMSG_OK(m, n); m = NLMSG_NEXT(m, n)) {
			if (m->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(m))->error;
			if (reply_u16) {
				/* CTRL_ATTR_FAMILY_ID of a GETFAMILY reply */
				struct nlattr *a = (struct nlattr *)((uint8_t *)NLMSG_DATA(m) + GENL_HDRLEN);
				int left = m->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

				for (; left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
				     left -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((uint8_t *)a + NLA_ALIGN(a->nla_len)))
					if (a->nla_type == CTRL_ATTR_FAMILY_ID)
						memcpy(reply_u16, (uint8_t *)a + NLA_HDRLEN, 2);
			}
		}
	}
}

static void nl_open(void)
{
	uint8_t buf[256];
	size_t len;
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0 || bind(nl_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("socket");
	len = put_headers(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	len += put_attr(buf + len, CTRL_ATTR_FAMILY_NAME, AINKA_GENL_NAME, sizeof(AINKA_GENL_NAME));
	if (transact(buf, len, &family_id) || !family_id) {
		fprintf(stderr, "raw-client: family %s not found (module not loaded?)\n", AINKA_GENL_NAME);
		exit(1);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench_rtt(int n)
{
	double *t = calloc(n, sizeof(double));
	uint8_t buf[64];
	int i;

	for (i = 0; i < n; i++) {
		size_t len = put_headers(buf, family_id, AINKA_CMD_GET_STATUS, NLM_F_ACK);
		double start = now_us();

		if (transact(buf, len, NULL))
			die("get-status");
		t[i] = now_us() - start;
	}
	qsort(t, n, sizeof(double), cmp_double);
	printf("{\"metric\":\"rtt\",\"n\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f}\n", n, t[n / 2], t[(int)(n * 0.99)]);
	free(t);
}

/* The transport alone: the generic netlink controller answers without the AINKA module. */
static void bench_nlctrl(int n)
{
	double *t = calloc(n, sizeof(double));
	uint8_t buf[64];
	uint16_t id;
	int i;

	for (i = 0; i < n; i++) {
		size_t len = put_headers(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
		double start;

		len += put_attr(buf + len, CTRL_ATTR_FAMILY_NAME, "nlctrl", sizeof("nlctrl"));
		start = now_us();
		if (transact(buf, len, &id))
			die("getfamily");
		t[i] = now_us() - start;
	}
	qsort(t, n, sizeof(double), cmp_double);
	printf("{\"metric\":\"nlctrl\",\"n\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f}\n", n, t[n / 2], t[(int)(n * 0.99)]);
	free(t);
}

static void bench_rules(int reps)
{
	static uint8_t buf[32768];
	double *t = calloc(reps, sizeof(double));
	int r, batch, i;

	for (r = 0; r < reps; r++) {
		double start = now_us();

		for (batch = 0; batch < 4; batch++) {
			size_t len = put_headers(buf, family_id, AINKA_CMD_POLICY_LOAD, NLM_F_ACK);

			for (i = 0; i < 250; i++) {
				struct ainka_rule rule = {
					.id = batch * 250 + i + 1, .metric = AINKA_METRIC_RUNNABLE, .cmp = AINKA_CMP_GT,
					.threshold = 1000000, .action = AINKA_ACTION_REPORT, .target = AINKA_TARGET_NONE,
				};
				len += put_attr(buf + len, AINKA_A_POLICY_RULE, &rule, sizeof(rule));
			}
			len += put_attr(buf + len, AINKA_A_POLICY_REPLACE, NULL, 0);
			if (transact(buf, len, NULL))
				die("policy-load");
		}
		t[r] = (now_us() - start) / 1000;
	}
	qsort(t, reps, sizeof(double), cmp_double);
	printf("{\"metric\":\"rules\",\"reps\":%d,\"median_ms\":%.3f}\n", reps, t[reps / 2]);
	free(t);
}

static void bench_ring(int reps)
{
	struct ainka_ioc_ring_info info;
	volatile struct ainka_ring_header *h;
	double total_us = 0;
	uint64_t total = 0, torn = 0;
	int fd = open("/dev/" AINKA_DEVICE_NAME, O_RDWR | O_CLOEXEC), r;
	uint8_t *base;

	if (fd < 0 || ioctl(fd, AINKA_IOC_RING_INFO, &info) < 0)
		die("/dev/ainka");
	base = mmap(NULL, info.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		die("mmap");
	h = (volatile struct ainka_ring_header *)base;
	for (r = 0; r < reps; r++) {
		uint64_t head, tail = __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE), s;
		struct ainka_sample copy;
		double start;

		while ((head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE)) - tail < info.capacity)
			usleep(5000);
		start = now_us();
		for (s = tail; s < head; s++) {
			volatile struct ainka_sample *rec = (volatile struct ainka_sample *)(base + info.data_offset +
				(s & (info.capacity - 1)) * info.record_size);
			uint64_t end = __atomic_load_n(&rec->seq_end, __ATOMIC_ACQUIRE);

			memcpy(&copy, (const void *)rec, sizeof(copy));
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (end != s || __atomic_load_n(&rec->seq, __ATOMIC_RELAXED) != s || copy.metric_count > AINKA_SAMPLE_METRICS)
				torn++;
		}
		__atomic_store_n(&h->tail, head, __ATOMIC_RELEASE);
		total_us += now_us() - start;
		total += head - tail;
	}
	printf("{\"metric\":\"ring\",\"records\":%llu,\"torn\":%llu,\"per_s\":%.0f}\n", (unsigned long long)total,
	       (unsigned long long)torn, total / (total_us / 1e6));
	munmap(base, info.mmap_size);
	close(fd);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0;

	if (argc < 3 || n <= 0) {
		fprintf(stderr, "usage: raw-client rtt|rules|ring|nlctrl <count>\n");
		return 2;
	}
	if (!strcmp(argv[1], "ring")) {
		bench_ring(n);
		return 0;
	}
	if (!strcmp(argv[1], "nlctrl")) {
		struct sockaddr_nl addr = { .nl_family = AF_NETLINK };

		nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
		if (nl_fd < 0 || bind(nl_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
			die("socket");
		bench_nlctrl(n);
		return 0;
	}
	nl_open();
	if (!strcmp(argv[1], "rtt"))
		bench_rtt(n);
	else if (!strcmp(argv[1], "rules"))
		bench_rules(n);
	else
		return 2;
	return 0;
}
