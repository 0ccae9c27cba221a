// SPDX-License-Identifier: MIT
/*
 * Credentials of the process at the other end of a Unix socket, as the kernel recorded them at
 * connect() (or socketpair()): getsockopt(SO_PEERCRED). Used by ainkad to authorize API clients.
 * Never sleeps.
 *
 * JavaScript API:
 *   getPeerCred(fd) -> { pid, uid, gid }   (throws { code, errno, syscall: 'getsockopt' })
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* struct ucred */
#endif
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>

#include "addon.h"
#include "syserr.h"

static int set_number(napi_env env, napi_value obj, const char *name, double value)
{
	napi_value v;

	if (napi_create_double(env, value, &v) != napi_ok ||
	    napi_set_named_property(env, obj, name, v) != napi_ok)
		return -1;
	return 0;
}

static napi_value peercred_get(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], result;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int32_t fd;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0)
		return ainka_type_error(env, "getPeerCred(fd): expected a file descriptor (a non-negative integer)");
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		ainka_throw_errno(env, "getsockopt", errno);
		return NULL;
	}
	if (len < sizeof(cred)) {
		ainka_throw_errno(env, "getsockopt", EINVAL);
		return NULL;
	}
	/* uid_t/gid_t are unsigned 32-bit: a double keeps (uid_t)-1 = 4294967295 exact. */
	if (napi_create_object(env, &result) != napi_ok ||
	    set_number(env, result, "pid", (double)cred.pid) ||
	    set_number(env, result, "uid", (double)cred.uid) ||
	    set_number(env, result, "gid", (double)cred.gid))
		return NULL;
	return result;
}

int ainka_peercred_register(napi_env env, napi_value exports)
{
	napi_value fn;

	if (napi_create_function(env, "getPeerCred", NAPI_AUTO_LENGTH, peercred_get, NULL, &fn) != napi_ok ||
	    napi_set_named_property(env, exports, "getPeerCred", fn) != napi_ok)
		return -1;
	return 0;
}
