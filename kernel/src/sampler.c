// SPDX-License-Identifier: GPL-2.0
/*
 * The periodic sampler and the system state machine.
 *
 * An hrtimer (softirq mode, default period 10 ms) takes one sample: runnable and blocked tasks,
 * load, memory, I/O in flight, PSI, context switches and forks per second, CPU busy time. Each
 * sample goes to the ring, drives the state machine, is evaluated against the policy cache and
 * checks the watchdog. Nothing here sleeps or walks a list of unbounded length:
 *  - runnable/blocked come from a task walk in a work item the sampler kicks every
 *    SCAN_PERIOD_NS; the walk is bounded by SCAN_MAX_TASKS threads and its counts are cached;
 *  - PSI is pushed by userspace (netlink set-pressure: a module cannot read /proc/pressure and
 *    psi_system is not exported); figures older than PSI_STALE_NS read as -1 (PSI off).
 *
 * State machine: every sample is classified (idle/normal/busy/pressured/critical); the state
 * moves only after the new class held for UP_SAMPLES consecutive samples when escalating or
 * DOWN_SAMPLES when relaxing, so a noisy metric does not make it flap.
 */
#include "ainka.h"

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kernel_stat.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/loadavg.h>
#include <linux/sched/signal.h>
#include <linux/version.h>
#include <linux/workqueue.h>

#define SCAN_PERIOD_NS		(100 * NSEC_PER_MSEC)
#define SCAN_MAX_TASKS		16384	/* default bound of the threads one scan visits */
#define PSI_STALE_NS		(5 * NSEC_PER_SEC)
#define UP_SAMPLES		3
#define DOWN_SAMPLES		20

static unsigned int scan_max_threads = SCAN_MAX_TASKS;
module_param(scan_max_threads, uint, 0444);
MODULE_PARM_DESC(scan_max_threads, "Threads the runnable/blocked scan visits at most (64-1048576, default 16384)");

static struct hrtimer sampler_timer;
static struct work_struct scan_work;
/* Results of the last task scan; READ_ONCE/WRITE_ONCE. */
static struct {
	s64 runnable;
	s64 blocked;
	u32 visited;
	u64 last_ns;
} scan;

/* Sampler-private (the hrtimer callback never runs concurrently with itself). */
static struct {
	bool valid;
	u64 ts_ns;
	u64 switches;
	u64 forks;
	u64 busy_ns;
	u64 last_scan_ns;
	u32 busy_ewma;		/* permille, 1/8 weight per sample */
	u32 candidate;
	u32 candidate_count;
} sp;

static const char *const state_names[AINKA_STATE_COUNT] = {
	[AINKA_STATE_IDLE] = "idle",
	[AINKA_STATE_NORMAL] = "normal",
	[AINKA_STATE_BUSY] = "busy",
	[AINKA_STATE_PRESSURED] = "pressured",
	[AINKA_STATE_CRITICAL] = "critical",
};

const char *ainka_state_name(u32 state)
{
	return state < AINKA_STATE_COUNT ? state_names[state] : "unknown";
}

/* set-pressure: PSI some-avg10 figures from userspace, in hundredths of a percent. */
void ainka_psi_push(const s32 *avg10)
{
	int i;

	for (i = 0; i < 3; i++)
		WRITE_ONCE(ainka.psi[i], avg10[i]);
	WRITE_ONCE(ainka.psi_pushed_ns, ktime_get_ns());
}

static s64 psi_value(int i, u64 now)
{
	u64 at = READ_ONCE(ainka.psi_pushed_ns);

	if (!at || now - at > PSI_STALE_NS)
		return -1;
	return READ_ONCE(ainka.psi[i]);
}

/* Non-idle CPU time of all online CPUs in ns (tick-accounted). */
static u64 cpu_busy_ns(void)
{
	u64 sum = 0;
	int cpu;

	for_each_online_cpu(cpu) {
		const u64 *c = kcpustat_cpu(cpu).cpustat;

		sum += c[CPUTIME_USER] + c[CPUTIME_NICE] + c[CPUTIME_SYSTEM] +
		       c[CPUTIME_IRQ] + c[CPUTIME_SOFTIRQ] + c[CPUTIME_STEAL];
	}
	return sum;
}

/*
 * Counts runnable and uninterruptible tasks (process context, under RCU), visiting at most
 * scan_max_threads threads: the goto leaves both loops of for_each_process_thread.
 */
static void scan_work_fn(struct work_struct *work)
{
	unsigned int max = clamp(scan_max_threads, 64u, 1u << 20);
	struct task_struct *g, *t;
	unsigned int seen = 0;
	s64 r = 0, b = 0;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		unsigned int st;

		if (++seen > max) {
			seen = max;
			goto done;
		}
		st = READ_ONCE(t->__state);
		if (st == TASK_RUNNING)
			r++;
		else if ((st & TASK_UNINTERRUPTIBLE) && !(st & TASK_NOLOAD))
			b++;
	}
done:
	rcu_read_unlock();
	WRITE_ONCE(scan.runnable, r);
	WRITE_ONCE(scan.blocked, b);
	WRITE_ONCE(scan.visited, seen);
	WRITE_ONCE(scan.last_ns, ktime_get_ns());
}

/* Threads the last task scan visited (bounded by SCAN_MAX_TASKS). */
u32 ainka_scan_visited(void)
{
	return READ_ONCE(scan.visited);
}

static u64 per_sec(u64 delta, u64 dt_ns)
{
	return dt_ns ? div64_u64(delta * NSEC_PER_SEC, dt_ns) : 0;
}

static void collect(s64 *m, u64 now)
{
	struct ainka_hook_counts hc;
	u64 busy = cpu_busy_ns();
	u64 dt = sp.valid ? now - sp.ts_ns : 0;
	u32 ncpu = num_online_cpus();
	u64 total = si_mem_available();
	int i;

	m[AINKA_METRIC_RUNNABLE] = READ_ONCE(scan.runnable);
	m[AINKA_METRIC_BLOCKED] = READ_ONCE(scan.blocked);
	m[AINKA_METRIC_LOAD1_MILLI] = (avenrun[0] * 1000 + FIXED_1 / 2) >> FSHIFT;
	m[AINKA_METRIC_MEM_AVAILABLE_KB] = total << (PAGE_SHIFT - 10);
	m[AINKA_METRIC_MEM_TOTAL_KB] = totalram_pages() << (PAGE_SHIFT - 10);
	ainka_hooks_read(&hc);
	m[AINKA_METRIC_IO_INFLIGHT] = hc.io_inflight;
	for (i = 0; i < 3; i++)
		m[AINKA_METRIC_PSI_CPU_SOME_AVG10 + i] = psi_value(i, now);
	m[AINKA_METRIC_CTX_SWITCHES_PER_SEC] =
		sp.valid ? per_sec(hc.switches - sp.switches, dt) : 0;
	m[AINKA_METRIC_FORKS_PER_SEC] = sp.valid ? per_sec(hc.forks - sp.forks, dt) : 0;
	if (sp.valid && dt) {
		u64 pm = div64_u64((busy - sp.busy_ns) * 1000, dt * ncpu);

		m[AINKA_METRIC_CPU_BUSY_PERMILLE] = min_t(u64, pm, 1000);
	} else {
		m[AINKA_METRIC_CPU_BUSY_PERMILLE] = 0;
	}
	sp.valid = true;
	sp.ts_ns = now;
	sp.switches = hc.switches;
	sp.forks = hc.forks;
	sp.busy_ns = busy;
}

/* The state this one sample suggests (before hysteresis). */
static u32 classify(const s64 *m)
{
	s64 total = max_t(s64, m[AINKA_METRIC_MEM_TOTAL_KB], 1);
	s64 avail_pct = m[AINKA_METRIC_MEM_AVAILABLE_KB] * 100 / total;
	s64 psi = max3(m[AINKA_METRIC_PSI_CPU_SOME_AVG10], m[AINKA_METRIC_PSI_MEM_SOME_AVG10],
		       m[AINKA_METRIC_PSI_IO_SOME_AVG10]);
	s64 ncpu = num_online_cpus();

	if (avail_pct < 5 || psi >= 5000)
		return AINKA_STATE_CRITICAL;
	if (avail_pct < 10 || psi >= 1000)
		return AINKA_STATE_PRESSURED;
	if (sp.busy_ewma >= 850 || m[AINKA_METRIC_RUNNABLE] > 2 * ncpu)
		return AINKA_STATE_BUSY;
	if (sp.busy_ewma <= 50 && m[AINKA_METRIC_RUNNABLE] <= 1)
		return AINKA_STATE_IDLE;
	return AINKA_STATE_NORMAL;
}

static u32 state_step(const s64 *m)
{
	u32 cur = atomic_read(&ainka.state);
	u32 next = classify(m);

	if (next == cur) {
		sp.candidate_count = 0;
		return cur;
	}
	if (next != sp.candidate) {
		sp.candidate = next;
		sp.candidate_count = 0;
	}
	if (++sp.candidate_count < (next > cur ? UP_SAMPLES : DOWN_SAMPLES))
		return cur;
	sp.candidate_count = 0;
	atomic_set(&ainka.state, next);
	ainka_queue_state_change(cur, next);
	return next;
}

static void sample(u64 now)
{
	s64 m[AINKA_METRIC_COUNT];
	u32 state;

	collect(m, now);
	sp.busy_ewma = (sp.busy_ewma * 7 + (u32)m[AINKA_METRIC_CPU_BUSY_PERMILLE]) / 8;
	state = state_step(m);

	spin_lock(&ainka.metrics_lock);
	memcpy(ainka.metrics, m, sizeof(m));
	spin_unlock(&ainka.metrics_lock);

	ainka_ring_push(state, m, now);
	atomic64_inc(&ainka.ctr.samples);
	ainka_policy_evaluate(m, now);
	ainka_watchdog_check(now);

	if (now - sp.last_scan_ns >= SCAN_PERIOD_NS) {
		sp.last_scan_ns = now;
		schedule_work(&scan_work);
	}
}

static enum hrtimer_restart sampler_tick(struct hrtimer *timer)
{
	sample(ktime_get_ns());
	hrtimer_forward_now(timer, ms_to_ktime(READ_ONCE(ainka.sample_interval_ms)));
	return HRTIMER_RESTART;
}

/* Copies the last sample (process context). */
void ainka_metrics_snapshot(s64 *out)
{
	spin_lock_bh(&ainka.metrics_lock);
	memcpy(out, ainka.metrics, sizeof(ainka.metrics));
	spin_unlock_bh(&ainka.metrics_lock);
}

int ainka_sampler_init(void)
{
	memset(&sp, 0, sizeof(sp));
	sp.candidate = AINKA_STATE_NORMAL;
	INIT_WORK(&scan_work, scan_work_fn);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(&sampler_timer, sampler_tick, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
#else
	hrtimer_init(&sampler_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	sampler_timer.function = sampler_tick;
#endif
	return 0;
}

void ainka_sampler_start(void)
{
	scan_work_fn(&scan_work);	/* first task counts before the first sample */
	hrtimer_start(&sampler_timer, ms_to_ktime(READ_ONCE(ainka.sample_interval_ms)),
		      HRTIMER_MODE_REL_SOFT);
}

void ainka_sampler_stop(void)
{
	hrtimer_cancel(&sampler_timer);
	cancel_work_sync(&scan_work);
}

void ainka_sampler_exit(void)
{
	/* Idempotent: also reached on an init failure before the sampler started. */
	hrtimer_cancel(&sampler_timer);
	cancel_work_sync(&scan_work);
}
