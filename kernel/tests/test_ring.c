// SPDX-License-Identifier: GPL-2.0
/*
 * The mmap ring: samples arrive in order with no torn records; a full ring counts overflows and
 * never blocks or corrupts records.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktest.h"

struct ring {
	int fd;
	struct ainka_ioc_ring_info info;
	volatile struct ainka_ring_header *hdr;
	volatile struct ainka_sample *rec;
	uint64_t last_ts;
	uint64_t consumed, torn, disorder, bad;
};

static void ring_open(struct ring *r)
{
	void *p;

	memset(r, 0, sizeof(*r));
	r->fd = open("/dev/ainka", O_RDWR | O_CLOEXEC);
	if (r->fd < 0 || ioctl(r->fd, AINKA_IOC_RING_INFO, &r->info))
		bail("cannot open /dev/ainka or read RING_INFO: %s", strerror(errno));
	p = mmap(NULL, r->info.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (p == MAP_FAILED)
		bail("mmap of %u bytes failed: %s", r->info.mmap_size, strerror(errno));
	r->hdr = p;
	r->rec = (void *)((char *)p + r->hdr->data_offset);
}

static void ring_close(struct ring *r)
{
	munmap((void *)r->hdr, r->info.mmap_size);
	close(r->fd);
}

/* Consumes everything available; returns how many records. */
static uint64_t ring_drain(struct ring *r)
{
	uint64_t head = __atomic_load_n(&r->hdr->head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->hdr->tail, n = 0;

	while (tail < head) {
		volatile struct ainka_sample *s = &r->rec[tail & (r->hdr->capacity - 1)];
		struct ainka_sample copy;
		uint64_t seq_end;

		copy.seq = s->seq;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		memcpy(&copy, (const void *)s, sizeof(copy));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		seq_end = s->seq_end;
		if (copy.seq != seq_end || copy.seq_end != seq_end)
			r->torn++;
		if (copy.seq != tail || copy.timestamp_ns <= r->last_ts)
			r->disorder++;
		if (copy.state >= AINKA_STATE_COUNT || copy.metric_count != AINKA_METRIC_COUNT ||
		    copy.metrics[AINKA_METRIC_MEM_TOTAL_KB] <= 0)
			r->bad++;
		r->last_ts = copy.timestamp_ns;
		tail++;
		n++;
		__atomic_store_n(&r->hdr->tail, tail, __ATOMIC_RELEASE);
	}
	r->consumed += n;
	return n;
}

int main(void)
{
	struct ring r;
	int64_t end;
	uint64_t head, tail, over;

	kmod_reload("sample_interval_ms=5");
	ring_open(&r);
	ok(r.hdr->magic == AINKA_RING_MAGIC && r.hdr->abi_version == AINKA_ABI_VERSION,
	   "ring header magic %#x abi %u", r.hdr->magic, r.hdr->abi_version);
	ok(r.hdr->record_size == sizeof(struct ainka_sample) && r.hdr->capacity == AINKA_RING_DEFAULT_CAPACITY &&
	   r.hdr->data_offset == AINKA_RING_DATA_OFFSET, "ring geometry %u x %u bytes at %u",
	   r.hdr->capacity, r.hdr->record_size, r.hdr->data_offset);
	end = now_ms() + 3000;
	while (now_ms() < end) {
		ring_drain(&r);
		sleep_ms(20);
	}
	ok(r.consumed >= 100, "consumed %llu samples in 3 s", (unsigned long long)r.consumed);
	ok(r.torn == 0, "no torn records (%llu)", (unsigned long long)r.torn);
	ok(r.disorder == 0, "records in order with rising timestamps (%llu out of order)", (unsigned long long)r.disorder);
	ok(r.bad == 0, "every record has a valid state and %d metrics (%llu bad)", AINKA_METRIC_COUNT, (unsigned long long)r.bad);
	ok(r.hdr->overflows == 0, "no overflow while the consumer keeps up");
	ring_close(&r);

	/* A tiny ring and a fast sampler with no consumer: overflows, never blocks. */
	kmod_reload("sample_interval_ms=1 ring_capacity=16");
	ring_open(&r);
	ok(r.hdr->capacity == 16, "ring_capacity=16 honoured");
	sleep_ms(500);
	head = __atomic_load_n(&r.hdr->head, __ATOMIC_ACQUIRE);
	tail = r.hdr->tail;
	over = r.hdr->overflows;
	ok(head - tail == 16 && over > 0, "full ring: head %llu tail %llu, %llu overflows counted",
	   (unsigned long long)head, (unsigned long long)tail, (unsigned long long)over);
	ok(r.hdr->produced >= head + over, "produced %llu >= head + overflows (read earlier)", (unsigned long long)r.hdr->produced);
	ok(ring_drain(&r) == 16 && r.torn == 0 && r.disorder == 0 && r.bad == 0, "the 16 kept records are intact and in order");
	sleep_ms(100);
	ok(ring_drain(&r) > 0 && r.torn == 0, "sampling resumes after the consumer catches up");
	/*
	 * A consumer writing garbage into tail only stops production: head stays put, every sample
	 * is counted as an overflow, the sampler keeps sampling, and a sane tail resumes the ring.
	 */
	{
		uint64_t head0, over0, samples0, head1, over1, samples1;

		__atomic_store_n(&r.hdr->tail, ~0ULL, __ATOMIC_RELEASE);
		sleep_ms(20);
		head0 = __atomic_load_n(&r.hdr->head, __ATOMIC_ACQUIRE);
		over0 = r.hdr->overflows;
		samples0 = proc_get("samples");
		sleep_ms(200);
		head1 = __atomic_load_n(&r.hdr->head, __ATOMIC_ACQUIRE);
		over1 = r.hdr->overflows;
		samples1 = proc_get("samples");
		ok(head1 == head0, "a garbage tail stops production (head %llu -> %llu)",
		   (unsigned long long)head0, (unsigned long long)head1);
		ok(samples1 > samples0 && over1 - over0 >= samples1 - samples0 - 1,
		   "the sampler keeps going and counts every sample as an overflow (%llu samples, %llu overflows)",
		   (unsigned long long)(samples1 - samples0), (unsigned long long)(over1 - over0));
		__atomic_store_n(&r.hdr->tail, head1, __ATOMIC_RELEASE);
		sleep_ms(100);
		ok(__atomic_load_n(&r.hdr->head, __ATOMIC_ACQUIRE) > head1, "a sane tail resumes production");
	}
	ring_close(&r);
	ok(!kmod_unload(), "module unloads");
	return tap_done();
}
