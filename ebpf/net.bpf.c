// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * net: TCP state changes (sock:inet_sock_set_state) and retransmits (tcp:tcp_retransmit_skb) as
 * ring buffer records (struct ainka_bpf_tcp), connect latency (SYN_SENT → ESTABLISHED) as a log2
 * histogram and in the records, and a summary per remote endpoint in a bounded LRU map.
 *
 * Variants: tp_btf first, raw_tp second.
 *
 * The consumer's own sockets are not filtered (ignore_tgid is unused here): TCP events do not
 * wake the consumer, and most transitions run in softirq on behalf of whatever task is current.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ainka_bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6

/* Set through .rodata: emit a record for every state change (else only connects, closes, retransmits). */
const volatile bool all_states = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct connecting {
	__u64 ts;
	__u32 pid;
	char comm[AINKA_BPF_COMM_LEN];
};

/* struct sock * in SYN_SENT → when and by whom */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct connecting);
} connecting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ainka_bpf_hist);
} connect_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ainka_bpf_tcp_endpoint_key);
	__type(value, struct ainka_bpf_tcp_endpoint_stats);
} endpoints SEC(".maps");

static __always_inline void fill_addrs(const struct sock *sk, __u16 family, __u8 *saddr, __u8 *daddr)
{
	__builtin_memset(saddr, 0, 16);
	__builtin_memset(daddr, 0, 16);
	if (family == AF_INET) {
		bpf_core_read(saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

static __always_inline struct ainka_bpf_tcp_endpoint_stats *endpoint(const struct sock *sk, __u16 family)
{
	static const struct ainka_bpf_tcp_endpoint_stats empty = {};
	struct ainka_bpf_tcp_endpoint_key key = {};
	struct ainka_bpf_tcp_endpoint_stats *st;
	__u8 saddr[16];

	key.family = family;
	key.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	fill_addrs(sk, family, saddr, key.addr);
	st = bpf_map_lookup_elem(&endpoints, &key);
	if (st)
		return st;
	/* EEXIST: another CPU created it first; anything else loses this endpoint's counts. */
	bpf_map_update_elem(&endpoints, &key, &empty, BPF_NOEXIST);
	st = bpf_map_lookup_elem(&endpoints, &key);
	if (!st)
		count_drop();
	return st;
}

static __always_inline void emit(const struct sock *sk, __u16 type, __u16 family, __u8 old_state,
				 __u8 new_state, __u64 latency, struct connecting *who)
{
	struct ainka_bpf_tcp *e = ainka_reserve(&events, type, struct ainka_bpf_tcp);

	if (!e)
		return;
	e->family = family;
	/* inet_sport survives unhashing (skc_num is 0 by CLOSE); 0 until connect binds a port */
	e->sport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	e->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->old_state = old_state;
	e->new_state = new_state;
	e->reserved = 0;
	e->connect_latency_ns = latency;
	e->cgroup_id = 0;	/* often softirq context here: no task's cgroup to name */
	fill_addrs(sk, family, e->saddr, e->daddr);
	if (who) {
		e->pid = who->pid;
		bpf_probe_read_kernel(e->comm, sizeof(e->comm), who->comm);
	} else {
		e->pid = current_tgid();
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	}
	bpf_ringbuf_submit(e, AINKA_RB_FLAGS);
}

static __always_inline int on_set_state(const struct sock *sk, int oldstate, int newstate)
{
	struct ainka_bpf_tcp_endpoint_stats *st;
	struct connecting c = {}, *cp = NULL;
	__u64 key = (__u64)sk, now, latency = 0;
	__u16 family;
	__u32 zero = 0;

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	now = bpf_ktime_get_ns();
	if (newstate == TCP_SYN_SENT) {
		c.ts = now;
		c.pid = current_tgid();
		bpf_get_current_comm(c.comm, sizeof(c.comm));
		if (bpf_map_update_elem(&connecting, &key, &c, BPF_ANY))
			count_drop();	/* its connect latency and ESTABLISHED event are lost */
	} else if (oldstate == TCP_SYN_SENT) {
		cp = bpf_map_lookup_elem(&connecting, &key);
		if (cp) {
			c = *cp;
			cp = &c;
			bpf_map_delete_elem(&connecting, &key);
		}
	}
	st = endpoint(sk, family);
	if (st) {
		__sync_fetch_and_add(&st->state_changes, 1);
		st->last_seen_ns = now;
	}
	if (cp && newstate == TCP_ESTABLISHED && now > cp->ts) {
		struct ainka_bpf_hist *h = bpf_map_lookup_elem(&connect_hist, &zero);

		latency = now - cp->ts;
		if (h)
			hist_add(h, latency);
		if (st) {
			__sync_fetch_and_add(&st->connects, 1);
			__sync_fetch_and_add(&st->connect_latency_sum_ns, latency);
			if (latency > st->connect_latency_max_ns)
				st->connect_latency_max_ns = latency;
		}
	} else if (cp && newstate == TCP_CLOSE && st) {
		__sync_fetch_and_add(&st->connect_failures, 1);
	}
	if (all_states || cp || newstate == TCP_SYN_SENT || newstate == TCP_CLOSE)
		emit(sk, AINKA_BPF_EVENT_TCP_STATE, family, oldstate, newstate, latency, cp);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(state__btf, const struct sock *sk, const int oldstate, const int newstate)
{
	return on_set_state(sk, oldstate, newstate);
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(state__raw, const struct sock *sk, const int oldstate, const int newstate)
{
	return on_set_state(sk, oldstate, newstate);
}

static __always_inline int on_retransmit(const struct sock *sk)
{
	struct ainka_bpf_tcp_endpoint_stats *st;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u8 state = BPF_CORE_READ(sk, __sk_common.skc_state);

	if (family != AF_INET && family != AF_INET6)
		return 0;
	st = endpoint(sk, family);
	if (st) {
		__sync_fetch_and_add(&st->retransmits, 1);
		st->last_seen_ns = bpf_ktime_get_ns();
	}
	emit(sk, AINKA_BPF_EVENT_TCP_RETRANSMIT, family, state, state, 0, NULL);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(retransmit__btf, const struct sock *sk)
{
	return on_retransmit(sk);
}

SEC("raw_tp/tcp_retransmit_skb")
int BPF_PROG(retransmit__raw, const struct sock *sk)
{
	return on_retransmit(sk);
}
