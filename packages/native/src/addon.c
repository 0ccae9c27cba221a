// SPDX-License-Identifier: MIT
#include "addon.h"

/* peercred.c: SO_PEERCRED of a Unix socket's peer (ainkad's API access check). */

static napi_value ainka_native_init(napi_env env, napi_value exports)
{
	if (ainka_bpf_register(env, exports))
		return NULL;
	if (ainka_nl_register(env, exports))
		return NULL;
	if (ainka_kdev_register(env, exports))
		return NULL;
	if (ainka_peercred_register(env, exports))
		return NULL;
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, ainka_native_init)
