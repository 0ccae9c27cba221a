// SPDX-License-Identifier: GPL-2.0
/*
 * The sample ring shared with userspace through mmap of /dev/ainka.
 *
 * Single producer (the sampler, serialised by the hrtimer), single consumer (userspace).
 * head and tail count records since creation; record i lives at data_offset + (i % capacity) *
 * record_size. The producer publishes head with release semantics after writing the record and
 * reads tail with acquire semantics, so it never overwrites a record the consumer has not
 * released. A full ring drops the new sample and counts it (the producer never blocks).
 *
 * Within a record seq is written first and seq_end last (with write barriers in between), so a
 * consumer that raced with a misbehaving tail sees seq != seq_end and knows the record is torn.
 *
 * The header page is writable by the consumer (it must store tail), so the producer keeps its own
 * head and never trusts anything else it reads back from the mapping.
 */
#include "ainka.h"

#include <linux/mm.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

struct ainka_ring {
	void *base;			/* vmalloc_user: header page + records */
	size_t bytes;			/* page-aligned size of base */
	struct ainka_ring_header *hdr;
	struct ainka_sample *records;
	u32 capacity;			/* power of two */
	u64 head;			/* producer-private copy */
	u64 overflows;
	u64 produced;
};

static struct ainka_ring ring;

static_assert(sizeof(struct ainka_ring_header) <= AINKA_RING_DATA_OFFSET);
/* Records start at a fixed 4 KiB offset (the ABI) whatever the page size: the mapping is whole. */
static_assert(sizeof(struct ainka_sample) == 128);

int ainka_ring_init(unsigned int capacity)
{
	size_t bytes = PAGE_ALIGN(AINKA_RING_DATA_OFFSET +
				  (size_t)capacity * sizeof(struct ainka_sample));

	ring.base = vmalloc_user(bytes);	/* zeroed */
	if (!ring.base)
		return -ENOMEM;
	ring.bytes = bytes;
	ring.capacity = capacity;
	ring.hdr = ring.base;
	ring.records = ring.base + AINKA_RING_DATA_OFFSET;
	ring.head = 0;
	ring.hdr->magic = AINKA_RING_MAGIC;
	ring.hdr->abi_version = AINKA_ABI_VERSION;
	ring.hdr->record_size = sizeof(struct ainka_sample);
	ring.hdr->capacity = capacity;
	ring.hdr->data_offset = AINKA_RING_DATA_OFFSET;
	return 0;
}

void ainka_ring_exit(void)
{
	vfree(ring.base);
	ring.base = NULL;
}

size_t ainka_ring_bytes(void)
{
	return ring.bytes;
}

/* Called only from the sampler (one producer). */
void ainka_ring_push(u32 state, const s64 *metrics, u64 now_ns)
{
	struct ainka_sample *rec;
	u64 head = ring.head;
	u64 tail = smp_load_acquire(&ring.hdr->tail);
	int i;

	ring.produced++;
	WRITE_ONCE(ring.hdr->produced, ring.produced);
	/* A tail ahead of head or a ring behind is consumer garbage: treat the ring as full. */
	if (tail > head || head - tail >= ring.capacity) {
		ring.overflows++;
		WRITE_ONCE(ring.hdr->overflows, ring.overflows);
		return;
	}
	rec = &ring.records[head & (ring.capacity - 1)];
	WRITE_ONCE(rec->seq, head);
	smp_wmb();
	rec->timestamp_ns = now_ns;
	rec->state = state;
	rec->metric_count = AINKA_METRIC_COUNT;
	for (i = 0; i < AINKA_METRIC_COUNT; i++)
		rec->metrics[i] = metrics[i];
	smp_wmb();
	WRITE_ONCE(rec->seq_end, head);
	ring.head = head + 1;
	smp_store_release(&ring.hdr->head, ring.head);
}

void ainka_ring_info(struct ainka_ioc_ring_info *info)
{
	memset(info, 0, sizeof(*info));
	info->record_size = sizeof(struct ainka_sample);
	info->capacity = ring.capacity;
	info->data_offset = AINKA_RING_DATA_OFFSET;
	info->mmap_size = ring.bytes;
	info->head = smp_load_acquire(&ring.hdr->head);
	info->tail = smp_load_acquire(&ring.hdr->tail);
	info->overflows = READ_ONCE(ring.hdr->overflows);
}

/* Maps the ring from its header page on; offset or oversized mappings are refused. */
int ainka_ring_mmap(struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff != 0 || len > ring.bytes)
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, VM_MAYEXEC);
#else
	vma->vm_flags &= ~VM_MAYEXEC;
#endif
	return remap_vmalloc_range(vma, ring.base, 0);
}
