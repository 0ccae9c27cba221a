// SPDX-License-Identifier: GPL-2.0
/*
 * AINKA kernel module: module parameters, init and exit.
 *
 * Init brings the parts up from the inside out (storage first, interfaces last, the sampler that
 * drives everything at the very end) and unwinds in exactly the reverse order on failure.
 */
#include "ainka.h"

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>

struct ainka_core ainka;

static unsigned int sample_interval_ms = 10;
module_param(sample_interval_ms, uint, 0444);
MODULE_PARM_DESC(sample_interval_ms, "Sampler period in ms (1-1000, default 10)");

static unsigned int watchdog_timeout_ms = 10000;
module_param(watchdog_timeout_ms, uint, 0444);
MODULE_PARM_DESC(watchdog_timeout_ms,
		 "Heartbeat timeout in ms before falling back to observe mode (0 = off, max 600000, default 10000)");

static unsigned int ring_capacity = AINKA_RING_DEFAULT_CAPACITY;
module_param(ring_capacity, uint, 0444);
MODULE_PARM_DESC(ring_capacity, "Samples in the mmap ring, rounded up to a power of two (16-65536, default 1024)");

static bool enforce;
module_param(enforce, bool, 0444);
MODULE_PARM_DESC(enforce, "Start in enforce mode (default: observe)");

unsigned int ainka_param_ring_capacity;

static int __init ainka_params_check(void)
{
	if (sample_interval_ms < 1 || sample_interval_ms > 1000) {
		pr_err("sample_interval_ms=%u is outside 1-1000\n", sample_interval_ms);
		return -EINVAL;
	}
	if (watchdog_timeout_ms > 600000) {
		pr_err("watchdog_timeout_ms=%u is above 600000\n", watchdog_timeout_ms);
		return -EINVAL;
	}
	if (ring_capacity < 16 || ring_capacity > 65536) {
		pr_err("ring_capacity=%u is outside 16-65536\n", ring_capacity);
		return -EINVAL;
	}
	ainka_param_ring_capacity = roundup_pow_of_two(ring_capacity);
	return 0;
}

static void __init ainka_core_init(void)
{
	ainka.load_ns = ktime_get_ns();
	atomic_set(&ainka.mode, enforce ? AINKA_MODE_ENFORCE : AINKA_MODE_OBSERVE);
	atomic_set(&ainka.state, AINKA_STATE_NORMAL);
	ainka.sample_interval_ms = sample_interval_ms;
	ainka.watchdog_timeout_ms = watchdog_timeout_ms;
	ainka.last_heartbeat_ns = ainka.load_ns;
	spin_lock_init(&ainka.metrics_lock);
}

static int __init ainka_init(void)
{
	int err;

	err = ainka_params_check();
	if (err)
		return err;
	ainka_core_init();

	/* 1. The sample ring: the sampler writes into it from its first tick. */
	err = ainka_ring_init(ainka_param_ring_capacity);
	if (err) {
		pr_err("failed to allocate the ring: %d\n", err);
		return err;
	}
	/* 2. The (empty) policy cache. */
	err = ainka_policy_init();
	if (err) {
		pr_err("failed to create the policy cache: %d\n", err);
		goto err_ring;
	}
	/* 3. The action executor: job queue and workqueue. */
	err = ainka_actions_init();
	if (err) {
		pr_err("failed to create the action executor: %d\n", err);
		goto err_policy;
	}
	/* 4. The sampler (timer prepared, not started). */
	err = ainka_sampler_init();
	if (err) {
		pr_err("failed to create the sampler: %d\n", err);
		goto err_actions;
	}
	/* 5. Tracepoint probes feeding the sampler's counters. */
	err = ainka_hooks_init();
	if (err) {
		pr_err("failed to register tracepoint probes: %d\n", err);
		goto err_sampler;
	}
	/* 6. The generic netlink family (commands and the events group). */
	err = ainka_nl_init();
	if (err) {
		pr_err("failed to register the generic netlink family: %d\n", err);
		goto err_hooks;
	}
	/* 7. /dev/ainka. */
	err = ainka_chardev_init();
	if (err) {
		pr_err("failed to register /dev/%s: %d\n", AINKA_DEVICE_NAME, err);
		goto err_nl;
	}
	/* 8. /proc/ainka. */
	err = ainka_procfs_init();
	if (err) {
		pr_err("failed to create /proc/%s: %d\n", AINKA_PROC_NAME, err);
		goto err_chardev;
	}
	/* 9. Everything is in place: start sampling. */
	ainka_sampler_start();

	pr_info("loaded: version %s, abi %d, %s mode, %u ms sampling, watchdog %u ms, ring %u, %u tracepoints\n",
		AINKA_VERSION_STR, AINKA_ABI_VERSION,
		enforce ? "enforce" : "observe", sample_interval_ms, watchdog_timeout_ms,
		ainka_param_ring_capacity, ainka_hooks_registered());
	return 0;

err_chardev:
	ainka_chardev_exit();
err_nl:
	ainka_nl_exit();
err_hooks:
	ainka_hooks_exit();
err_sampler:
	ainka_sampler_exit();
err_actions:
	ainka_actions_exit();
err_policy:
	ainka_policy_exit();
err_ring:
	ainka_ring_exit();
	return err;
}

static void __exit ainka_exit(void)
{
	/* Stop producing, then undo every action while the event channel still exists. */
	ainka_sampler_stop();
	ainka_actions_quiesce();

	/* Reverse of init. */
	ainka_procfs_exit();
	ainka_chardev_exit();
	ainka_nl_exit();
	ainka_hooks_exit();
	ainka_sampler_exit();
	ainka_actions_exit();
	ainka_policy_exit();
	ainka_ring_exit();
	pr_info("unloaded\n");
}

module_init(ainka_init);
module_exit(ainka_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("AINKA contributors");
MODULE_DESCRIPTION("AINKA: AI-native kernel assistant (sampler, policy cache, reversible actions)");
MODULE_VERSION(AINKA_VERSION_STR);
