// SPDX-License-Identifier: GPL-2.0
/*
 * The periodic sampler and the system state machine.
 *
 * An hrtimer (softirq mode, default period 10 ms) takes one sample: runnable and blocked tasks,
 * load, memory, I/O in flight, PSI, context switches and forks per second, CPU busy time. Each
 * sample goes to the ring, drives the state machine, is evaluated against the policy cache and
 * checks the watchdog. Nothing here sleeps: PSI is read from /proc/pressure by a work item the
 * sampler kicks every PSI_PERIOD_NS, and the values are cached.
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
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/loadavg.h>
#include <linux/sched/signal.h>
#include <linux/workqueue.h>

#define PSI_PERIOD_NS		(250 * NSEC_PER_MSEC)
#define SCAN_MAX_TASKS		65536	/* bound of the task scan per sample */
#define UP_SAMPLES		3
#define DOWN_SAMPLES		20

enum { PSI_CPU, PSI_MEM, PSI_IO, PSI_COUNT };
static const char *const psi_paths[PSI_COUNT] = {
	"/proc/pressure/cpu", "/proc/pressure/memory", "/proc/pressure/io",
};

static struct hrtimer sampler_timer;
static struct work_struct psi_work;
static s64 psi_avg10[PSI_COUNT] = { -1, -1, -1 };	/* READ_ONCE/WRITE_ONCE */

/* Sampler-private (the hrtimer callback never runs concurrently with itself). */
static struct {
	bool valid;
	u64 ts_ns;
	u64 switches;
	u64 forks;
	u64 busy_ns;
	u64 last_psi_ns;
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

/* Parses "some avg10=12.34 ..." into hundredths of a percent; -1 when unreadable. */
static s64 psi_read(const char *path)
{
	unsigned int whole, frac;
	struct file *f;
	loff_t pos = 0;
	char buf[128];
	ssize_t n;
	char *p;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return -1;
	/* psi_system is not exported; the proc file is the only way in, and it needs read_iter. */
	if (!f->f_op->read_iter) {
		filp_close(f, NULL);
		return -1;
	}
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "some avg10=");
	if (!p || sscanf(p + 11, "%u.%2u", &whole, &frac) != 2 || whole > 100)
		return -1;
	return (s64)whole * 100 + frac;
}

static void psi_work_fn(struct work_struct *work)
{
	int i;

	for (i = 0; i < PSI_COUNT; i++)
		WRITE_ONCE(psi_avg10[i], psi_read(psi_paths[i]));
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
 * Counts runnable and uninterruptible tasks and finds the user task with the highest recent CPU
 * utilisation (PELT util_avg) among the runnable ones, the TOP_CPU action target.
 */
static void scan_tasks(s64 *runnable, s64 *blocked, u32 *top_pid)
{
	struct task_struct *g, *t;
	unsigned long best = 0;
	unsigned int seen = 0;
	s64 r = 0, b = 0;
	u32 top = 0;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		unsigned int st = READ_ONCE(t->__state);

		if (st == TASK_RUNNING) {
			r++;
			if (!(t->flags & (PF_KTHREAD | PF_EXITING)) && t->pid > 1) {
				unsigned long util = READ_ONCE(t->se.avg.util_avg) + 1;

				if (util > best) {
					best = util;
					top = t->pid;
				}
			}
		} else if ((st & TASK_UNINTERRUPTIBLE) && !(st & TASK_NOLOAD)) {
			b++;
		}
		if (++seen >= SCAN_MAX_TASKS)
			break;
	}
	rcu_read_unlock();
	*runnable = r;
	*blocked = b;
	*top_pid = top;
}

static u64 per_sec(u64 delta, u64 dt_ns)
{
	return dt_ns ? div64_u64(delta * NSEC_PER_SEC, dt_ns) : 0;
}

static void collect(s64 *m, u32 *top_pid, u64 now)
{
	struct ainka_hook_counts hc;
	u64 busy = cpu_busy_ns();
	u64 dt = sp.valid ? now - sp.ts_ns : 0;
	u32 ncpu = num_online_cpus();
	u64 total = si_mem_available();
	int i;

	scan_tasks(&m[AINKA_METRIC_RUNNABLE], &m[AINKA_METRIC_BLOCKED], top_pid);
	m[AINKA_METRIC_LOAD1_MILLI] = (avenrun[0] * 1000 + FIXED_1 / 2) >> FSHIFT;
	m[AINKA_METRIC_MEM_AVAILABLE_KB] = total << (PAGE_SHIFT - 10);
	m[AINKA_METRIC_MEM_TOTAL_KB] = totalram_pages() << (PAGE_SHIFT - 10);
	ainka_hooks_read(&hc);
	m[AINKA_METRIC_IO_INFLIGHT] = hc.io_inflight;
	for (i = 0; i < PSI_COUNT; i++)
		m[AINKA_METRIC_PSI_CPU_SOME_AVG10 + i] = READ_ONCE(psi_avg10[i]);
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
	u32 top_pid, state;

	collect(m, &top_pid, now);
	sp.busy_ewma = (sp.busy_ewma * 7 + (u32)m[AINKA_METRIC_CPU_BUSY_PERMILLE]) / 8;
	state = state_step(m);

	spin_lock(&ainka.metrics_lock);
	memcpy(ainka.metrics, m, sizeof(m));
	spin_unlock(&ainka.metrics_lock);

	ainka_ring_push(state, m, now);
	atomic64_inc(&ainka.ctr.samples);
	ainka_policy_evaluate(m, top_pid, now);
	ainka_watchdog_check(now);

	if (now - sp.last_psi_ns >= PSI_PERIOD_NS) {
		sp.last_psi_ns = now;
		schedule_work(&psi_work);
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
	INIT_WORK(&psi_work, psi_work_fn);
	hrtimer_init(&sampler_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	sampler_timer.function = sampler_tick;
	return 0;
}

void ainka_sampler_start(void)
{
	psi_work_fn(&psi_work);	/* first PSI values before the first sample */
	hrtimer_start(&sampler_timer, ms_to_ktime(READ_ONCE(ainka.sample_interval_ms)),
		      HRTIMER_MODE_REL_SOFT);
}

void ainka_sampler_stop(void)
{
	hrtimer_cancel(&sampler_timer);
	cancel_work_sync(&psi_work);
}

void ainka_sampler_exit(void)
{
	/* Idempotent: also reached on an init failure before the sampler started. */
	hrtimer_cancel(&sampler_timer);
	cancel_work_sync(&psi_work);
}
