// SPDX-License-Identifier: MIT
#include "addon.h"

/* Random 128-bit tags, one per kind of external. */
const napi_type_tag ainka_tag_bpf_obj = { 0x6a1c3e5f0b7d4e21ULL, 0x9f3a51c2d8e47b60ULL };
const napi_type_tag ainka_tag_bpf_ring = { 0x2b8e4f1a6c0d93e7ULL, 0x51d7a0c3e9f2846bULL };
const napi_type_tag ainka_tag_nl_sock = { 0xc4d9027e3a5b1f86ULL, 0x0e6f3b9a27c4d518ULL };

napi_status ainka_external_new(napi_env env, void *data, napi_finalize fin, const napi_type_tag *tag,
			       napi_value *out)
{
	napi_status st = napi_create_external(env, data, fin, NULL, out);

	return st == napi_ok ? napi_type_tag_object(env, *out, tag) : st;
}

void *ainka_external_get(napi_env env, napi_value value, const napi_type_tag *tag)
{
	napi_valuetype type;
	bool tagged = false;
	void *data = NULL;

	if (napi_typeof(env, value, &type) != napi_ok || type != napi_external ||
	    napi_check_object_type_tag(env, value, tag, &tagged) != napi_ok || !tagged ||
	    napi_get_value_external(env, value, &data) != napi_ok)
		return NULL;
	return data;
}

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
