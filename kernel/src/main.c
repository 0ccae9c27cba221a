// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
static int __init ainka_init(void) { return 0; }
static void __exit ainka_exit(void) { }
module_init(ainka_init);
module_exit(ainka_exit);
MODULE_LICENSE("GPL");
