// SPDX-License-Identifier: MIT
/*
 * /dev/ainka: open, ioctl, and the sample ring mapped into JavaScript without a copy.
 *
 * kdevMmap() returns an external ArrayBuffer whose memory *is* the shared mapping; the ring header's
 * head/tail are then read and written with Atomics on a BigInt64Array over it. kdevMunmap() detaches
 * the ArrayBuffer first (every view over it becomes zero-length, so JavaScript can never touch an
 * unmapped page) and then unmaps; a mapping nobody unmapped is unmapped when the buffer is collected.
 * None of these calls sleep: ioctls on /dev/ainka only copy small structs.
 *
 * JavaScript API:
 *   kdevOpen(path, writable) -> fd              (O_CLOEXEC; throws { code, errno, syscall: 'open' })
 *   kdevClose(fd)
 *   kdevIoctl(fd, request, arg: Uint8Array | null) -> return value  (arg is read and written in place)
 *   kdevMmap(fd, length, offset, writable) -> ArrayBuffer (MAP_SHARED)
 *   kdevMunmap(buffer) -> true if it was mapped here and is now unmapped
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uv.h>

#include "addon.h"
#include "ainka.h"
#include "syserr.h"

#define KDEV_MAX_MAP	(256u << 20)	/* no ring is anywhere near 256 MiB; refuse nonsense lengths */

struct kdev_map {
	struct kdev_map *next;
	void *addr;
	size_t length;
	uint64_t id;		/* unique per mapping: the finalizer's key (addresses are reused after munmap) */
};

/* Live mappings, so kdevMunmap() can find the length and the finalizer does not unmap twice. */
static struct kdev_map *kdev_maps;
static uint64_t kdev_next_id;
static uv_mutex_t kdev_lock;
static uv_once_t kdev_once = UV_ONCE_INIT;

static void kdev_lock_init(void)
{
	uv_mutex_init(&kdev_lock);
}

/* Removes the mapping at addr from the list; returns it (the caller unmaps and frees) or NULL. */
static struct kdev_map *kdev_take(void *addr)
{
	struct kdev_map **at, *found = NULL;

	uv_mutex_lock(&kdev_lock);
	for (at = &kdev_maps; *at; at = &(*at)->next) {
		if ((*at)->addr == addr) {
			found = *at;
			*at = found->next;
			break;
		}
	}
	uv_mutex_unlock(&kdev_lock);
	return found;
}

/* Removes the mapping with this id from the list; returns it (the caller unmaps and frees) or NULL. */
static struct kdev_map *kdev_take_id(uint64_t id)
{
	struct kdev_map **at, *found = NULL;

	uv_mutex_lock(&kdev_lock);
	for (at = &kdev_maps; *at; at = &(*at)->next) {
		if ((*at)->id == id) {
			found = *at;
			*at = found->next;
			break;
		}
	}
	uv_mutex_unlock(&kdev_lock);
	return found;
}

/*
 * The ArrayBuffer was collected. It is identified by its mapping's id, not its address: after an
 * explicit kdevMunmap() the kernel may hand the same address to a later mapping, which a lookup by
 * address would find and unmap under its live ArrayBuffer.
 */
static void kdev_finalize(napi_env env, void *data, void *hint)
{
	struct kdev_map *m = kdev_take_id((uint64_t)(uintptr_t)hint);

	if (m) {
		munmap(m->addr, m->length);
		free(m);
	}
}

static bool get_fd(napi_env env, napi_value value, int *fd)
{
	int32_t v;

	if (napi_get_value_int32(env, value, &v) != napi_ok || v < 0) {
		ainka_type_error(env, "expected a file descriptor (a non-negative integer)");
		return false;
	}
	*fd = v;
	return true;
}

static napi_value kdev_open(napi_env env, napi_callback_info info)
{
	size_t argc = 2, len;
	napi_value argv[2], result;
	char path[256];
	bool writable = false;
	int fd;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 1 || napi_get_value_string_utf8(env, argv[0], path, sizeof(path), &len) != napi_ok)
		return ainka_type_error(env, "kdevOpen(path: string, writable: boolean)");
	if (len >= sizeof(path) - 1)
		return ainka_type_error(env, "kdevOpen: path longer than 254 bytes");
	if (argc > 1)
		napi_get_value_bool(env, argv[1], &writable);
	do {
		fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		ainka_throw_errno(env, "open", errno);
		return NULL;
	}
	napi_create_int32(env, fd, &result);
	return result;
}

static napi_value kdev_close(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	int fd;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 1 || !get_fd(env, argv[0], &fd))
		return NULL;
	if (close(fd) < 0 && errno != EINTR)
		ainka_throw_errno(env, "close", errno);
	return NULL;
}

static napi_value kdev_ioctl(napi_env env, napi_callback_info info)
{
	size_t argc = 3, length = 0;
	napi_value argv[3], result;
	napi_valuetype type;
	uint32_t request;
	void *data = NULL;
	bool is_typed;
	int fd, rc;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 2 || !get_fd(env, argv[0], &fd))
		return argc < 2 ? ainka_type_error(env, "kdevIoctl(fd, request, arg)") : NULL;
	if (napi_get_value_uint32(env, argv[1], &request) != napi_ok)
		return ainka_type_error(env, "kdevIoctl: request must be a 32-bit number");
	if (argc > 2 && napi_typeof(env, argv[2], &type) == napi_ok && type != napi_null && type != napi_undefined) {
		napi_typedarray_type ta;

		if (napi_is_typedarray(env, argv[2], &is_typed) != napi_ok || !is_typed ||
		    napi_get_typedarray_info(env, argv[2], &ta, &length, &data, NULL, NULL) != napi_ok ||
		    ta != napi_uint8_array)
			return ainka_type_error(env, "kdevIoctl: arg must be a Uint8Array or null");
	}
	/*
	 * Only /dev/ainka's own requests: their size field is the struct the kernel copies, so the
	 * buffer must be exactly that long (another driver's request may copy any amount). A request
	 * without a data direction takes no buffer.
	 */
	if (_IOC_TYPE(request) != AINKA_IOC_MAGIC)
		return ainka_type_error(env, "kdevIoctl: request is not an /dev/ainka ioctl (type 0xa7)");
	if (_IOC_DIR(request) == _IOC_NONE ? data != NULL : (!data || _IOC_SIZE(request) != length))
		return ainka_type_error(env, "kdevIoctl: arg must be exactly the size encoded in the request (null for none)");
	do {
		rc = ioctl(fd, (unsigned long)request, data);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		ainka_throw_errno(env, "ioctl", errno);
		return NULL;
	}
	napi_create_int32(env, rc, &result);
	return result;
}

static napi_value kdev_mmap(napi_env env, napi_callback_info info)
{
	size_t argc = 4;
	napi_value argv[4], result;
	int64_t length, offset;
	bool writable = false;
	struct kdev_map *m;
	void *addr;
	int fd;

	uv_once(&kdev_once, kdev_lock_init);
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 3 || !get_fd(env, argv[0], &fd))
		return argc < 3 ? ainka_type_error(env, "kdevMmap(fd, length, offset, writable)") : NULL;
	if (napi_get_value_int64(env, argv[1], &length) != napi_ok || length <= 0 || length > KDEV_MAX_MAP ||
	    napi_get_value_int64(env, argv[2], &offset) != napi_ok || offset < 0 ||
	    offset % sysconf(_SC_PAGESIZE) != 0)
		return ainka_type_error(env, "kdevMmap: length must be in (0, 256 MiB], offset page-aligned");
	if (argc > 3)
		napi_get_value_bool(env, argv[3], &writable);

	m = calloc(1, sizeof(*m));
	if (!m) {
		ainka_throw_errno(env, "malloc", ENOMEM);
		return NULL;
	}
	addr = mmap(NULL, (size_t)length, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, (off_t)offset);
	if (addr == MAP_FAILED) {
		free(m);
		ainka_throw_errno(env, "mmap", errno);
		return NULL;
	}
	m->addr = addr;
	m->length = (size_t)length;
	uv_mutex_lock(&kdev_lock);
	m->id = ++kdev_next_id;
	m->next = kdev_maps;
	kdev_maps = m;
	uv_mutex_unlock(&kdev_lock);
	if (napi_create_external_arraybuffer(env, addr, (size_t)length, kdev_finalize, (void *)(uintptr_t)m->id, &result) != napi_ok) {
		kdev_finalize(env, addr, (void *)(uintptr_t)m->id);
		return NULL;
	}
	return result;
}

static napi_value kdev_munmap(napi_env env, napi_callback_info info)
{
	size_t argc = 1, length;
	napi_value argv[1], result;
	struct kdev_map *m;
	bool is_ab, detached;
	void *addr;

	uv_once(&kdev_once, kdev_lock_init);
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 1 || napi_is_arraybuffer(env, argv[0], &is_ab) != napi_ok || !is_ab)
		return ainka_type_error(env, "kdevMunmap(buffer: ArrayBuffer from kdevMmap)");
	napi_is_detached_arraybuffer(env, argv[0], &detached);
	if (detached) {
		napi_get_boolean(env, false, &result);
		return result;
	}
	napi_get_arraybuffer_info(env, argv[0], &addr, &length);
	m = kdev_take(addr);
	if (!m) {
		napi_get_boolean(env, false, &result);
		return result;
	}
	/* Detach before unmapping: afterwards no view can reach the pages. */
	if (napi_detach_arraybuffer(env, argv[0]) != napi_ok) {
		uv_mutex_lock(&kdev_lock);
		m->next = kdev_maps;
		kdev_maps = m;
		uv_mutex_unlock(&kdev_lock);
		return NULL;
	}
	munmap(m->addr, m->length);
	free(m);
	napi_get_boolean(env, true, &result);
	return result;
}

int ainka_kdev_register(napi_env env, napi_value exports)
{
	static const napi_property_descriptor props[] = {
		{ "kdevOpen", NULL, kdev_open, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "kdevClose", NULL, kdev_close, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "kdevIoctl", NULL, kdev_ioctl, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "kdevMmap", NULL, kdev_mmap, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "kdevMunmap", NULL, kdev_munmap, NULL, NULL, NULL, napi_enumerable, NULL },
	};

	uv_once(&kdev_once, kdev_lock_init);
	if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok)
		return -1;
	return 0;
}
