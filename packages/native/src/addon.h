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

/*
 * Type tags of the addon's externals. A handle of one kind passed where another is expected (a
 * ring handle to bpfClose, a netlink handle to bpfRingDrain) is refused with a TypeError instead
 * of being cast to the wrong struct.
 */
extern const napi_type_tag ainka_tag_bpf_obj;
extern const napi_type_tag ainka_tag_bpf_ring;
extern const napi_type_tag ainka_tag_nl_sock;

/* Creates an external carrying data, tagged with tag. Returns napi_ok or the failing status. */
napi_status ainka_external_new(napi_env env, void *data, napi_finalize fin, const napi_type_tag *tag,
			       napi_value *out);
/* The data of an external tagged with tag, or NULL (no exception thrown). */
void *ainka_external_get(napi_env env, napi_value value, const napi_type_tag *tag);

/* Each returns 0, or -1 after throwing a JavaScript error. */
int ainka_bpf_register(napi_env env, napi_value exports);
int ainka_nl_register(napi_env env, napi_value exports);
int ainka_kdev_register(napi_env env, napi_value exports);
int ainka_peercred_register(napi_env env, napi_value exports);

#endif
