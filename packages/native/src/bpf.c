// SPDX-License-Identifier: MIT
#include "addon.h"

int ainka_bpf_register(napi_env env, napi_value exports)
{
	return 0;
}
