/* SPDX-License-Identifier: MIT */
/*
 * Errors from system calls, thrown as JavaScript errors shaped like Node's own:
 * { code: 'EPERM', errno: 1, syscall: 'sendto', message: 'sendto: Operation not permitted' }.
 * errno is the positive Linux value. Shared by netlink.c and kdev.c (IPC owner).
 */
#ifndef AINKA_SYSERR_H
#define AINKA_SYSERR_H

#include <stdio.h>
#include <string.h>
#include <node_api.h>
#include <uv.h>

static inline napi_value ainka_errno_error(napi_env env, const char *syscall, int err)
{
	char msg[160];
	napi_value code, text, error, num, sys;

	snprintf(msg, sizeof(msg), "%s: %s", syscall, strerror(err));
	if (napi_create_string_utf8(env, uv_err_name(-err), NAPI_AUTO_LENGTH, &code) != napi_ok ||
	    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text) != napi_ok ||
	    napi_create_error(env, code, text, &error) != napi_ok)
		return NULL;
	napi_create_int32(env, err, &num);
	napi_set_named_property(env, error, "errno", num);
	napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
	napi_set_named_property(env, error, "syscall", sys);
	return error;
}

static inline void ainka_throw_errno(napi_env env, const char *syscall, int err)
{
	napi_value error = ainka_errno_error(env, syscall, err);

	if (error)
		napi_throw(env, error);
}

/* Throws a TypeError naming the bad argument; returns NULL for `return ainka_type_error(...)`. */
static inline napi_value ainka_type_error(napi_env env, const char *what)
{
	napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
	return NULL;
}

#endif
