/* SPDX-License-Identifier: MIT */
/*
 * One Node-API addon for the whole project. Each concern registers its functions on the exports
 * object from its own file:
 *   bpf.c     libbpf: open/load/attach eBPF objects, maps, ring buffer drain   (eBPF owner)
 *   netlink.c generic netlink socket on the libuv loop                          (IPC owner)
 *   kdev.c    /dev/ainka ioctls and the mmap'd sample ring                      (IPC owner)
 *   peercred.c SO_PEERCRED of a Unix socket peer, for the daemon's API            (daemon owner)
 */
#ifndef AINKA_ADDON_H
#define AINKA_ADDON_H

#include <node_api.h>

/* Each returns 0, or -1 after throwing a JavaScript error. */
int ainka_bpf_register(napi_env env, napi_value exports);
int ainka_nl_register(napi_env env, napi_value exports);
int ainka_kdev_register(napi_env env, napi_value exports);
int ainka_peercred_register(napi_env env, napi_value exports);

#endif
