// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * block: I/O latency (issue → complete) as log2 histograms per device and operation, request
 * sizes as log2 histograms (in bytes) with the same key, and requests in flight per device.
 *
 * Variants: tp_btf first, raw_tp second.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ainka_bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define REQ_OP_MASK 0xff
#define MINORBITS 20

struct start {
	__u64 ts;
	struct ainka_bpf_block_key key;
};

/* struct request * → when it was issued and its key */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct start);
} issued SEC(".maps");

/* (dev, op) → latency histogram in ns */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ainka_bpf_block_key);
	__type(value, struct ainka_bpf_hist);
} latency SEC(".maps");

/* (dev, op) → request size histogram in bytes (sum_ns holds total bytes) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ainka_bpf_block_key);
	__type(value, struct ainka_bpf_hist);
} sizes SEC(".maps");

/* dev → requests issued and not yet completed (since load) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __s64);
} in_flight SEC(".maps");

static __always_inline __u32 classify(struct request *rq)
{
	__u32 flags = BPF_CORE_READ(rq, cmd_flags);
	__u32 op = flags & REQ_OP_MASK;

	switch (op) {
	case REQ_OP_READ:
		return AINKA_BLOCK_OP_READ;
	case REQ_OP_WRITE:
		if (flags & (1u << bpf_core_enum_value(enum req_flag_bits, __REQ_PREFLUSH)))
			return AINKA_BLOCK_OP_FLUSH;
		return AINKA_BLOCK_OP_WRITE;
	case REQ_OP_FLUSH:
		return AINKA_BLOCK_OP_FLUSH;
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
	case REQ_OP_WRITE_ZEROES:
		return AINKA_BLOCK_OP_DISCARD;
	default:
		return AINKA_BLOCK_OP_OTHER;
	}
}

/* struct request before 5.17 carried its disk itself (rq->rq_disk); since then it is rq->q->disk. */
struct request___pre517 {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

static __always_inline __u32 device_of(struct request *rq)
{
	struct gendisk *disk;

	if (bpf_core_field_exists(((struct request___pre517 *)rq)->rq_disk))
		disk = BPF_CORE_READ((struct request___pre517 *)rq, rq_disk);
	else
		disk = BPF_CORE_READ(rq, q, disk);

	if (!disk)
		return 0;
	return ((__u32)BPF_CORE_READ(disk, major) << MINORBITS) | (__u32)BPF_CORE_READ(disk, first_minor);
}

static __always_inline void hist_upsert(void *map, struct ainka_bpf_block_key *key, __u64 v)
{
	static const struct ainka_bpf_hist empty = {};
	struct ainka_bpf_hist *h = bpf_map_lookup_elem(map, key);

	if (!h) {
		/* EEXIST means another CPU created it first: look it up again either way */
		bpf_map_update_elem(map, key, &empty, BPF_NOEXIST);
		h = bpf_map_lookup_elem(map, key);
		if (!h) {
			count_drop();
			return;
		}
	}
	hist_add(h, v);
}

static __always_inline void in_flight_add(__u32 dev, __s64 d)
{
	__s64 *n = bpf_map_lookup_elem(&in_flight, &dev);

	__s64 zero = 0;

	if (!n) {
		bpf_map_update_elem(&in_flight, &dev, &zero, BPF_NOEXIST);
		n = bpf_map_lookup_elem(&in_flight, &dev);
		if (!n) {
			count_drop();
			return;
		}
	}
	__sync_fetch_and_add(n, d);
}

static __always_inline int on_issue(struct request *rq)
{
	struct start s = {};
	__u64 key = (__u64)rq;

	s.ts = bpf_ktime_get_ns();
	s.key.dev = device_of(rq);
	s.key.op = classify(rq);
	if (bpf_map_update_elem(&issued, &key, &s, BPF_ANY)) {
		count_drop();
		return 0;
	}
	hist_upsert(&sizes, &s.key, BPF_CORE_READ(rq, __data_len));
	in_flight_add(s.key.dev, 1);
	return 0;
}

static __always_inline int on_complete(struct request *rq)
{
	__u64 key = (__u64)rq, now = bpf_ktime_get_ns();
	struct start *s = bpf_map_lookup_elem(&issued, &key);
	struct ainka_bpf_block_key k;

	if (!s)
		return 0;
	k = s->key;
	if (now > s->ts)
		hist_upsert(&latency, &k, now - s->ts);
	bpf_map_delete_elem(&issued, &key);
	in_flight_add(k.dev, -1);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(issue__btf, struct request *rq)
{
	return on_issue(rq);
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(issue__raw, struct request *rq)
{
	return on_issue(rq);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(complete__btf, struct request *rq)
{
	return on_complete(rq);
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(complete__raw, struct request *rq)
{
	return on_complete(rq);
}
