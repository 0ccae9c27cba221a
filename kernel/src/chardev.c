// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ainka: the synchronous control path (the seed's "custom syscall") and the ring mmap.
 *
 * The device is 0600 (root only). SET_MODE additionally needs CAP_NET_ADMIN, like the netlink
 * command; the file that set enforce mode owns it, and its release (close of the last reference,
 * e.g. the daemon died) falls back to observe mode. An ioctl number of ours with the wrong size or direction is refused with -EINVAL (so
 * a caller built against another header learns why); an unknown number gets -ENOTTY.
 */
#include "ainka.h"

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

static long ioc_get_version(void __user *argp)
{
	struct ainka_ioc_version v = {
		.abi_version = AINKA_ABI_VERSION,
		.module_version = AINKA_MODULE_VERSION,
	};

	return copy_to_user(argp, &v, sizeof(v)) ? -EFAULT : 0;
}

static long ioc_get_state(void __user *argp)
{
	struct ainka_ioc_state s = {
		.state = atomic_read(&ainka.state),
		.mode = atomic_read(&ainka.mode),
		.samples = ainka_ctr(&ainka.ctr.samples),
		.uptime_ns = ktime_get_ns() - ainka.load_ns,
		.policy_count = ainka_policy_count(),
	};

	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static long ioc_set_mode(struct file *file, void __user *argp)
{
	struct ainka_owner who = { .file = file };
	struct ainka_ioc_mode m;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (copy_from_user(&m, argp, sizeof(m)))
		return -EFAULT;
	if (m.reserved || m.mode > AINKA_MODE_ENFORCE)
		return -EINVAL;
	return ainka_set_mode(m.mode, &who);
}

static long ioc_heartbeat(void __user *argp)
{
	struct ainka_ioc_heartbeat hb;

	if (copy_from_user(&hb, argp, sizeof(hb)))
		return -EFAULT;
	ainka_heartbeat(hb.cookie);
	return 0;
}

static long ioc_ring_info(void __user *argp)
{
	struct ainka_ioc_ring_info info;

	ainka_ring_info(&info);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long ainka_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case AINKA_IOC_GET_VERSION:
		return ioc_get_version(argp);
	case AINKA_IOC_GET_STATE:
		return ioc_get_state(argp);
	case AINKA_IOC_SET_MODE:
		return ioc_set_mode(file, argp);
	case AINKA_IOC_HEARTBEAT:
		return ioc_heartbeat(argp);
	case AINKA_IOC_RING_INFO:
		return ioc_ring_info(argp);
	}
	/* Our magic and a known number, but another size or direction: a header mismatch. */
	if (_IOC_TYPE(cmd) == AINKA_IOC_MAGIC && _IOC_NR(cmd) >= 1 && _IOC_NR(cmd) <= 5)
		return -EINVAL;
	return -ENOTTY;
}

static int ainka_mmap(struct file *file, struct vm_area_struct *vma)
{
	return ainka_ring_mmap(vma);
}

static int ainka_release(struct inode *inode, struct file *file)
{
	ainka_owner_release_file(file);
	return 0;
}

static const struct file_operations ainka_fops = {
	.owner = THIS_MODULE,
	.release = ainka_release,
	.unlocked_ioctl = ainka_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = ainka_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice ainka_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = AINKA_DEVICE_NAME,
	.fops = &ainka_fops,
	.mode = 0600,
};

static bool misc_registered;

int ainka_chardev_init(void)
{
	int err = misc_register(&ainka_misc);

	misc_registered = !err;
	return err;
}

void ainka_chardev_exit(void)
{
	if (misc_registered)
		misc_deregister(&ainka_misc);
	misc_registered = false;
}
