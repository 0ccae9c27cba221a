// SPDX-License-Identifier: MIT
#include "addon.h"

int ainka_kdev_register(napi_env env, napi_value exports)
{
	return 0;
}
