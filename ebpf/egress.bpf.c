// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * egress: drops every packet a cgroup sends — the guard's "block its egress" response. Attached by
 * @ainka/ebpf's CgroupEgress with BPF_PROG_ATTACH + BPF_F_ALLOW_MULTI to one cgroup v2 directory
 * (and so to its descendants); it stays attached after the daemon exits and is detached by program
 * id, found again by its name.
 *
 * Two programs, one loaded per block: ainka_egress drops everything, ainka_egress_lo lets
 * loopback traffic (127.0.0.0/8, ::1) through. A dropped TCP SYN makes connect() fail with EPERM,
 * a dropped datagram makes send() fail with EPERM.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

/* packets dropped, per CPU (read while the object is open; the evidence of a block) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} dropped SEC(".maps");

static __always_inline int drop(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&dropped, &zero);

	if (n)
		*n += 1;
	return 0; /* SK_DROP */
}

/* cgroup_skb data starts at the network header */
static __always_inline bool is_loopback(struct __sk_buff *skb)
{
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u32 daddr;

		if (bpf_skb_load_bytes(skb, 16, &daddr, sizeof(daddr)))
			return false;
		return (bpf_ntohl(daddr) >> 24) == 127;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		__u32 daddr[4];

		if (bpf_skb_load_bytes(skb, 24, daddr, sizeof(daddr)))
			return false;
		return daddr[0] == 0 && daddr[1] == 0 && daddr[2] == 0 && daddr[3] == bpf_htonl(1);
	}
	return false;
}

SEC("cgroup_skb/egress")
int ainka_egress(struct __sk_buff *skb)
{
	return drop();
}

SEC("cgroup_skb/egress")
int ainka_egress_lo(struct __sk_buff *skb)
{
	if (is_loopback(skb))
		return 1; /* SK_PASS */
	return drop();
}
