// SPDX-License-Identifier: MIT
/*
 * bpf.c — libbpf under Node-API: open/configure/load/attach eBPF objects, maps, ring buffers.
 *
 * Flow per object (the TS side in bpf.ts drives it): bpfOpen → bpfSetAutoload / bpfSetRodata /
 * bpfSetMaxEntries → bpfLoad → bpfAttach (one program at a time, so a missing attach point fails
 * only that program) → maps and rings → bpfClose. Every object is also closed by an env cleanup
 * hook at process exit and by the finalizer of its handle, so nothing stays attached.
 *
 * Ring buffers are consumed here, not with libbpf's ring_buffer__poll: the producer submits with
 * BPF_RB_NO_WAKEUP, a uv timer drains at most `max_bytes` of records per tick straight from the
 * mmap'd ring into one Buffer, and JavaScript gets one callback per tick (never one per record).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <uv.h>

#include "addon.h"

#define AINKA_BPF_LOG_SIZE 16384
#define AINKA_BPF_NAME_MAX 128

struct ainka_ring;

struct ainka_link {
	struct ainka_link *next;
	struct bpf_link *link;
};

struct ainka_bpf_obj {
	struct ainka_bpf_obj *next, *prev; /* every open object, for the cleanup hook */
	napi_env env;                      /* the env (main thread or worker) that opened it */
	struct bpf_object *obj;
	struct ainka_link *links;
	struct ainka_ring *rings;
	bool loaded;
	bool closed;
};

struct ainka_ring {
	struct ainka_ring *next;        /* in owner->rings */
	struct ainka_bpf_obj *owner;
	napi_env env;
	napi_ref callback;
	napi_async_context async_ctx;
	uv_timer_t timer;
	void *consumer;                 /* one RW page: unsigned long consumer_pos */
	void *producer;                 /* RO: producer page, then the data pages mapped twice */
	size_t page_size;
	size_t data_size;               /* max_entries, a power of two */
	size_t max_bytes;               /* bound of one drain */
	unsigned int interval_ms;
	bool running;
	bool stopped;
	bool uv_closed;                 /* the timer handle is closed */
	bool js_gone;                   /* the JS handle was collected */
};

/* Every open object of every env (main thread and workers), under objects_lock. */
static struct ainka_bpf_obj objects = { .next = &objects, .prev = &objects };
static pthread_mutex_t objects_lock = PTHREAD_MUTEX_INITIALIZER;
/* libbpf calls the print callback on the loading thread: one log per thread. */
static __thread char libbpf_log[AINKA_BPF_LOG_SIZE];
static __thread size_t libbpf_log_len;
static bool libbpf_log_stderr;

/* ---- libbpf log capture: the tail of the log goes into error.log ---- */

static void log_append(const char *text, size_t n)
{
	if (n >= sizeof(libbpf_log) - 1) {
		/* keep the tail: the verifier's verdict is at the end */
		text += n - (sizeof(libbpf_log) - 1);
		n = sizeof(libbpf_log) - 1;
	}
	if (libbpf_log_len + n >= sizeof(libbpf_log)) {
		size_t keep = sizeof(libbpf_log) - 1 - n;

		memmove(libbpf_log, libbpf_log + libbpf_log_len - keep, keep);
		libbpf_log_len = keep;
	}
	memcpy(libbpf_log + libbpf_log_len, text, n);
	libbpf_log_len += n;
	libbpf_log[libbpf_log_len] = '\0';
}

static int ainka_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	va_list copy;
	char *text;
	int n;

	if (level == LIBBPF_DEBUG && !libbpf_log_stderr)
		return 0;
	va_copy(copy, args);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return 0;
	text = malloc(n + 1);
	if (!text)
		return 0;
	vsnprintf(text, n + 1, fmt, args);
	if (libbpf_log_stderr)
		fputs(text, stderr);
	log_append(text, n);
	free(text);
	return n;
}

static void log_reset(void)
{
	libbpf_log_len = 0;
	libbpf_log[0] = '\0';
}

/* ---- errors: code, errno, syscall, program, attachPoint, log, and a fix in the message ---- */

static const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case 524: return "ENOTSUPP";
	case ENOSPC: return "ENOSPC";
	case EBADF: return "EBADF";
	case ENOTDIR: return "ENOTDIR";
	case EFAULT: return "EFAULT";
	default: return "E?";
	}
}

static const char *fix_for(const char *step, const char *attach_point, int err)
{
	bool kprobe = attach_point && (!strncmp(attach_point, "kprobe", 6) || !strncmp(attach_point, "kretprobe", 9));

	if (err == EACCES && geteuid() == 0 && !strcmp(step, "load"))
		return "the verifier rejected the program (see error.log)";
	if (err == EPERM || err == EACCES) {
		if (geteuid() != 0)
			return "run as root (or grant CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)";
		return "already root, so kernel lockdown (/sys/kernel/security/lockdown), a security module or "
		       "this program type is refused on this kernel: use another variant";
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): CO-RE needs CONFIG_DEBUG_INFO_BTF=y";
	if (!strcmp(step, "attach") && kprobe)
		return "kprobes are unavailable on this kernel (CONFIG_KPROBES, /sys/bus/event_source/devices/kprobe) "
		       "or the function is not traceable: use another variant";
	if (!strcmp(step, "attach") && (err == ENOENT || err == EINVAL))
		return "the attach point does not exist on this kernel (see btf_trace_<name> in /sys/kernel/btf/vmlinux); "
		       "use another variant or skip this program";
	if ((err == ENOENT || err == ESRCH) && attach_point &&
	    (!strncmp(attach_point, "tp_btf/", 7) || !strncmp(attach_point, "fentry/", 7) ||
	     !strncmp(attach_point, "fexit/", 6)))
		return "the attach point is not in this kernel's BTF (no such tracepoint or function here): "
		       "use another variant or skip this program";
	if (err == ENOENT || err == ESRCH)
		return "a kernel type, field or function this program needs is missing (see error.log)";
	if (err == EINVAL || err == EACCES)
		return "the verifier rejected the program (see error.log)";
	if (err == E2BIG || err == ENOMEM)
		return "raise RLIMIT_MEMLOCK (ulimit -l unlimited) or shrink the maps";
	if (err == EOPNOTSUPP || err == 524)
		return "this kernel does not support this program or map type: use another variant";
	return "see error.log for libbpf's output";
}

static void set_str(napi_env env, napi_value obj, const char *key, const char *value)
{
	napi_value v;

	if (value && napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) == napi_ok)
		napi_set_named_property(env, obj, key, v);
}

/*
 * Builds an Error with code ERR_AINKA_BPF_<what>, e.g. "failed to load program 'exec__btf'
 * (tp_btf/sched_process_exec): EPERM (errno 1): <fix>".
 */
static napi_value bpf_error(napi_env env, const char *code, const char *step, const char *what,
			    const char *program, const char *attach_point, int err)
{
	char msg[768];
	napi_value error, message, code_v, n;

	if (err < 0)
		err = -err;
	if (program)
		snprintf(msg, sizeof(msg), "failed to %s program '%s'%s%s%s: %s (errno %d): %s", step, program,
			 attach_point ? " (" : "", attach_point ? attach_point : "", attach_point ? ")" : "",
			 errno_name(err), err, fix_for(step, attach_point, err));
	else
		snprintf(msg, sizeof(msg), "failed to %s %s: %s (errno %d): %s", step, what ? what : "", errno_name(err),
			 err, fix_for(step, attach_point, err));
	napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
	napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_v);
	napi_create_error(env, code_v, message, &error);
	set_str(env, error, "code", code);
	napi_create_int32(env, err, &n);
	napi_set_named_property(env, error, "errno", n);
	set_str(env, error, "syscall", "bpf");
	set_str(env, error, "program", program);
	set_str(env, error, "attachPoint", attach_point);
	set_str(env, error, "log", libbpf_log);
	return error;
}

/* Throws the error bpf_error() builds. */
static void throw_bpf(napi_env env, const char *code, const char *step, const char *what,
		      const char *program, const char *attach_point, int err)
{
	napi_throw(env, bpf_error(env, code, step, what, program, attach_point, err));
}

static void throw_arg(napi_env env, const char *msg)
{
	napi_throw_type_error(env, "ERR_AINKA_BPF_ARG", msg);
}

/* ---- argument helpers ---- */

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
	size_t argc = want;

	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok)
		return -1;
	if (argc < want) {
		throw_arg(env, "missing arguments");
		return -1;
	}
	return 0;
}

static int get_string(napi_env env, napi_value v, char *buf, size_t size)
{
	size_t len;

	if (napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok) {
		throw_arg(env, "expected a string");
		return -1;
	}
	if (len >= size - 1) {
		throw_arg(env, "string argument is too long");
		return -1;
	}
	return 0;
}

static int get_buffer(napi_env env, napi_value v, void **data, size_t *len)
{
	bool is;

	if (napi_is_buffer(env, v, &is) != napi_ok || !is) {
		throw_arg(env, "expected a Buffer");
		return -1;
	}
	return napi_get_buffer_info(env, v, data, len) == napi_ok ? 0 : -1;
}

static struct ainka_bpf_obj *get_obj(napi_env env, napi_value v)
{
	struct ainka_bpf_obj *o = NULL;

	o = ainka_external_get(env, v, &ainka_tag_bpf_obj);
	if (!o) {
		throw_arg(env, "expected a bpf object handle (from bpfOpen)");
		return NULL;
	}
	if (o->closed) {
		napi_throw_error(env, "ERR_AINKA_BPF_CLOSED", "the eBPF object is closed: open it again");
		return NULL;
	}
	return o;
}

static struct bpf_program *get_prog(napi_env env, struct ainka_bpf_obj *o, napi_value v)
{
	char name[AINKA_BPF_NAME_MAX];
	struct bpf_program *p;

	if (get_string(env, v, name, sizeof(name)))
		return NULL;
	p = bpf_object__find_program_by_name(o->obj, name);
	if (!p)
		throw_bpf(env, "ERR_AINKA_BPF_NO_PROGRAM", "find", name, NULL, NULL, ENOENT);
	return p;
}

static struct bpf_map *get_map(napi_env env, struct ainka_bpf_obj *o, napi_value v)
{
	char name[AINKA_BPF_NAME_MAX];
	struct bpf_map *m;

	if (get_string(env, v, name, sizeof(name)))
		return NULL;
	m = bpf_object__find_map_by_name(o->obj, name);
	if (!m)
		throw_bpf(env, "ERR_AINKA_BPF_NO_MAP", "find map", name, NULL, NULL, ENOENT);
	return m;
}

static napi_value undefined(napi_env env)
{
	napi_value u;

	napi_get_undefined(env, &u);
	return u;
}

/* ---- ring buffers ---- */

static void ring_unlink(struct ainka_ring *r);

/* The ring is freed when both libuv closed its timer and its JS handle was collected. */
static void ring_free_cb(uv_handle_t *h)
{
	struct ainka_ring *r = h->data;

	r->uv_closed = true;
	if (r->js_gone)
		free(r);
}

static void ring_unmap(struct ainka_ring *r)
{
	if (r->consumer) {
		munmap(r->consumer, r->page_size);
		r->consumer = NULL;
	}
	if (r->producer) {
		munmap(r->producer, r->page_size + 2 * r->data_size);
		r->producer = NULL;
	}
}

/* Stops the timer, unmaps, and frees the ring once libuv has closed the timer. */
static void ring_stop(struct ainka_ring *r, bool env_alive)
{
	if (r->stopped)
		return;
	r->stopped = true;
	r->running = false;
	uv_timer_stop(&r->timer);
	ring_unmap(r);
	if (env_alive) {
		if (r->callback)
			napi_delete_reference(r->env, r->callback);
		if (r->async_ctx)
			napi_async_destroy(r->env, r->async_ctx);
	}
	r->callback = NULL;
	r->async_ctx = NULL;
	r->timer.data = r;
	uv_close((uv_handle_t *)&r->timer, ring_free_cb);
}

/*
 * Walks committed records from the consumer position, copying at most max_bytes of record
 * payloads into `out` (or only measuring when out is NULL). Stops at the first busy record.
 * Returns the payload bytes and sets *next_pos to the position after the last record taken.
 */
static size_t ring_walk(struct ainka_ring *r, char *out, size_t max_bytes, unsigned long *next_pos)
{
	unsigned long cons = *(volatile unsigned long *)r->consumer;
	unsigned long prod = __atomic_load_n((unsigned long *)r->producer, __ATOMIC_ACQUIRE);
	const char *data = (const char *)r->producer + r->page_size;
	size_t copied = 0;

	while (cons < prod) {
		const char *hdr = data + (cons & (r->data_size - 1));
		__u32 len = __atomic_load_n((const __u32 *)hdr, __ATOMIC_ACQUIRE);
		__u32 rec_len;

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		rec_len = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			if (copied + rec_len > max_bytes)
				break;
			if (out)
				memcpy(out + copied, hdr + BPF_RINGBUF_HDR_SZ, rec_len);
			copied += rec_len;
		}
		cons += (rec_len + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
	}
	*next_pos = cons;
	return copied;
}

/* Drains one bounded batch into a new Buffer; *out is NULL when the ring was empty. */
static int ring_drain(napi_env env, struct ainka_ring *r, napi_value *out)
{
	unsigned long pos, pos2;
	size_t n, n2;
	void *data;

	*out = NULL;
	n = ring_walk(r, NULL, r->max_bytes, &pos);
	if (!n) {
		/* only discarded records: release them */
		__atomic_store_n((unsigned long *)r->consumer, pos, __ATOMIC_RELEASE);
		return 0;
	}
	if (napi_create_buffer(env, n, &data, out) != napi_ok)
		return -1;
	n2 = ring_walk(r, data, n, &pos2);
	if (n2 != n || pos2 != pos) {
		/* cannot happen: committed records never change; fail loudly if they did */
		napi_throw_error(env, "ERR_AINKA_BPF_RING", "ring buffer changed under the consumer");
		return -1;
	}
	__atomic_store_n((unsigned long *)r->consumer, pos, __ATOMIC_RELEASE);
	return 0;
}

static void ring_tick(uv_timer_t *t)
{
	struct ainka_ring *r = t->data;
	napi_env env = r->env;
	napi_handle_scope scope;
	napi_value buf, cb, recv, result;

	if (!r->running)
		return;
	if (napi_open_handle_scope(env, &scope) != napi_ok)
		return;
	if (ring_drain(env, r, &buf)) {
		napi_value ex;

		/*
		 * No JavaScript frame is below a timer callback: an exception left pending here would
		 * poison every later Node-API call. Stop the ring and raise it as uncaught, the way an
		 * exception thrown by the consumer is raised.
		 */
		r->running = false;
		uv_timer_stop(&r->timer);
		if (napi_get_and_clear_last_exception(env, &ex) == napi_ok)
			napi_fatal_exception(env, ex);
	} else if (buf) {
		napi_get_reference_value(env, r->callback, &cb);
		napi_get_global(env, &recv); /* napi_make_callback needs an object receiver */
		if (napi_make_callback(env, r->async_ctx, recv, cb, 1, &buf, &result) == napi_pending_exception) {
			napi_value ex;

			/* An exception in the consumer must not kill the timer silently: rethrow to the process. */
			napi_get_and_clear_last_exception(env, &ex);
			napi_fatal_exception(env, ex);
		}
	}
	napi_close_handle_scope(env, scope);
}

static int ring_map(struct ainka_ring *r, int fd, __u32 max_entries)
{
	r->page_size = sysconf(_SC_PAGESIZE);
	r->data_size = max_entries;
	r->consumer = mmap(NULL, r->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r->consumer == MAP_FAILED) {
		r->consumer = NULL;
		return -errno;
	}
	r->producer = mmap(NULL, r->page_size + 2 * r->data_size, PROT_READ, MAP_SHARED, fd, r->page_size);
	if (r->producer == MAP_FAILED) {
		r->producer = NULL;
		return -errno;
	}
	return 0;
}

static void ring_finalize(napi_env env, void *data, void *hint)
{
	struct ainka_ring *r = data;

	r->js_gone = true;
	if (r->uv_closed)
		free(r);
}

/* bpfRingOpen(obj, mapName, intervalMs, maxBytes, callback(buffer)) → ring handle (started) */
static napi_value bpf_ring_open(napi_env env, napi_callback_info info)
{
	napi_value argv[5], handle, name;
	struct ainka_bpf_obj *o;
	struct ainka_ring *r;
	struct bpf_map *m;
	uint32_t interval, max_bytes;
	uv_loop_t *loop;
	int err;

	if (get_args(env, info, 5, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o)
		return NULL;
	m = get_map(env, o, argv[1]);
	if (!m)
		return NULL;
	if (!o->loaded || bpf_map__type(m) != BPF_MAP_TYPE_RINGBUF) {
		throw_arg(env, "bpfRingOpen needs a loaded object and a BPF_MAP_TYPE_RINGBUF map");
		return NULL;
	}
	if (napi_get_value_uint32(env, argv[2], &interval) != napi_ok || interval < 1 || interval > 10000 ||
	    napi_get_value_uint32(env, argv[3], &max_bytes) != napi_ok || max_bytes < 4096 ||
	    max_bytes > (1u << 30)) {
		throw_arg(env, "intervalMs must be 1..10000 and maxBytes 4096..2^30");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		throw_bpf(env, "ERR_AINKA_BPF_RING", "allocate", "ring", NULL, NULL, ENOMEM);
		return NULL;
	}
	err = ring_map(r, bpf_map__fd(m), bpf_map__max_entries(m));
	if (err) {
		ring_unmap(r);
		free(r);
		throw_bpf(env, "ERR_AINKA_BPF_RING", "mmap ring buffer", bpf_map__name(m), NULL, NULL, err);
		return NULL;
	}
	r->env = env;
	r->owner = o;
	r->max_bytes = max_bytes;
	r->interval_ms = interval;
	napi_create_reference(env, argv[4], 1, &r->callback);
	napi_create_string_utf8(env, "ainka.bpf.ring", NAPI_AUTO_LENGTH, &name);
	napi_async_init(env, NULL, name, &r->async_ctx);
	if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_timer_init(loop, &r->timer)) {
		napi_delete_reference(env, r->callback);
		napi_async_destroy(env, r->async_ctx);
		ring_unmap(r);
		free(r);
		throw_bpf(env, "ERR_AINKA_BPF_RING", "start the ring timer", bpf_map__name(m), NULL, NULL, EINVAL);
		return NULL;
	}
	r->timer.data = r;
	r->running = true;
	r->next = o->rings;
	o->rings = r;
	err = uv_timer_start(&r->timer, ring_tick, interval, interval);
	if (err || ainka_external_new(env, r, ring_finalize, &ainka_tag_bpf_ring, &handle) != napi_ok) {
		/* ring_stop closes the timer; the finalizer never runs, so free on close. */
		ring_unlink(r);
		r->js_gone = true;
		ring_stop(r, true);
		if (err)
			throw_bpf(env, "ERR_AINKA_BPF_RING", "start the ring timer", bpf_map__name(m), NULL, NULL, -err);
		return NULL;
	}
	return handle;
}

static struct ainka_ring *get_ring(napi_env env, napi_value v)
{
	struct ainka_ring *r = NULL;

	r = ainka_external_get(env, v, &ainka_tag_bpf_ring);
	if (!r) {
		throw_arg(env, "expected a ring handle (from bpfRingOpen)");
		return NULL;
	}
	return r;
}

/* bpfRingDrain(ring) → Buffer | null: one bounded batch now (also used for the last drain) */
static napi_value bpf_ring_drain(napi_env env, napi_callback_info info)
{
	napi_value argv[1], out, null;
	struct ainka_ring *r;

	if (get_args(env, info, 1, argv))
		return NULL;
	r = get_ring(env, argv[0]);
	if (!r)
		return NULL;
	napi_get_null(env, &null);
	if (r->stopped || r->owner->closed)
		return null;
	if (ring_drain(env, r, &out))
		return NULL;
	return out ? out : null;
}

/* bpfRingAvailable(ring) → bytes produced but not consumed (records plus ring headers) */
static napi_value bpf_ring_available(napi_env env, napi_callback_info info)
{
	napi_value argv[1], out;
	struct ainka_ring *r;
	unsigned long cons, prod;

	if (get_args(env, info, 1, argv))
		return NULL;
	r = get_ring(env, argv[0]);
	if (!r)
		return NULL;
	if (r->stopped) {
		napi_create_double(env, 0, &out);
		return out;
	}
	cons = *(volatile unsigned long *)r->consumer;
	prod = __atomic_load_n((unsigned long *)r->producer, __ATOMIC_ACQUIRE);
	napi_create_double(env, (double)(prod - cons), &out);
	return out;
}

static void ring_unlink(struct ainka_ring *r)
{
	struct ainka_ring **pp;

	for (pp = &r->owner->rings; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			return;
		}
	}
}

/* bpfRingClose(ring): stops the timer; pending records are left for a final bpfRingDrain before */
static napi_value bpf_ring_close(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	struct ainka_ring *r;

	if (get_args(env, info, 1, argv))
		return NULL;
	r = get_ring(env, argv[0]);
	if (!r)
		return NULL;
	if (!r->stopped) {
		ring_unlink(r);
		ring_stop(r, true);
	}
	return undefined(env);
}

/* ---- objects ---- */

static void obj_close(struct ainka_bpf_obj *o, bool env_alive)
{
	struct ainka_link *l, *ln;
	struct ainka_ring *r, *rn;

	if (o->closed)
		return;
	o->closed = true;
	for (r = o->rings; r; r = rn) {
		rn = r->next;
		ring_stop(r, env_alive);
	}
	o->rings = NULL;
	for (l = o->links; l; l = ln) {
		ln = l->next;
		bpf_link__destroy(l->link);
		free(l);
	}
	o->links = NULL;
	bpf_object__close(o->obj);
	o->obj = NULL;
	pthread_mutex_lock(&objects_lock);
	o->prev->next = o->next;
	o->next->prev = o->prev;
	o->next = o->prev = o;
	pthread_mutex_unlock(&objects_lock);
}

static void obj_finalize(napi_env env, void *data, void *hint)
{
	struct ainka_bpf_obj *o = data;

	obj_close(o, true);
	free(o);
}

/* bpfOpen(path) → object handle (opened, not loaded) */
static napi_value bpf_open(napi_env env, napi_callback_info info)
{
	char path[4096];
	napi_value argv[1], handle;
	struct ainka_bpf_obj *o;
	struct bpf_object *obj;
	int err;

	if (get_args(env, info, 1, argv) || get_string(env, argv[0], path, sizeof(path)))
		return NULL;
	log_reset();
	obj = bpf_object__open_file(path, NULL);
	err = libbpf_get_error(obj);
	if (err) {
		throw_bpf(env, "ERR_AINKA_BPF_OPEN", "open eBPF object", path, NULL, NULL, err);
		return NULL;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		bpf_object__close(obj);
		throw_bpf(env, "ERR_AINKA_BPF_OPEN", "allocate", path, NULL, NULL, ENOMEM);
		return NULL;
	}
	o->obj = obj;
	o->env = env;
	pthread_mutex_lock(&objects_lock);
	o->next = objects.next;
	o->prev = &objects;
	objects.next->prev = o;
	objects.next = o;
	pthread_mutex_unlock(&objects_lock);
	if (ainka_external_new(env, o, obj_finalize, &ainka_tag_bpf_obj, &handle) != napi_ok) {
		obj_close(o, true);
		free(o);
		return NULL;
	}
	return handle;
}

/* bpfClose(obj): detaches every link, stops rings, unloads. Idempotent. */
static napi_value bpf_close(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	struct ainka_bpf_obj *o = NULL;

	if (get_args(env, info, 1, argv))
		return NULL;
	o = ainka_external_get(env, argv[0], &ainka_tag_bpf_obj);
	if (!o) {
		throw_arg(env, "expected a bpf object handle (from bpfOpen)");
		return NULL;
	}
	obj_close(o, true);
	return undefined(env);
}

/* bpfPrograms(obj) → [{ name, section, autoload }] */
static napi_value bpf_programs(napi_env env, napi_callback_info info)
{
	napi_value argv[1], arr, item, v;
	struct ainka_bpf_obj *o;
	struct bpf_program *p;
	uint32_t i = 0;

	if (get_args(env, info, 1, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o)
		return NULL;
	napi_create_array(env, &arr);
	bpf_object__for_each_program(p, o->obj) {
		napi_create_object(env, &item);
		set_str(env, item, "name", bpf_program__name(p));
		set_str(env, item, "section", bpf_program__section_name(p));
		napi_get_boolean(env, bpf_program__autoload(p), &v);
		napi_set_named_property(env, item, "autoload", v);
		napi_set_element(env, arr, i++, item);
	}
	return arr;
}

/* bpfSetAutoload(obj, program, bool) */
static napi_value bpf_set_autoload(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	struct ainka_bpf_obj *o;
	struct bpf_program *p;
	bool on;
	int err;

	if (get_args(env, info, 3, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o || !(p = get_prog(env, o, argv[1])))
		return NULL;
	if (napi_get_value_bool(env, argv[2], &on) != napi_ok) {
		throw_arg(env, "autoload must be a boolean");
		return NULL;
	}
	err = bpf_program__set_autoload(p, on);
	if (err) {
		throw_bpf(env, "ERR_AINKA_BPF_CONFIG", "configure", NULL, bpf_program__name(p), NULL, err);
		return NULL;
	}
	return undefined(env);
}

/* bpfSetMaxEntries(obj, map, n): before load, e.g. the ring buffer size (a power of two) */
static napi_value bpf_set_max_entries(napi_env env, napi_callback_info info)
{
	napi_value argv[3];
	struct ainka_bpf_obj *o;
	struct bpf_map *m;
	uint32_t n;
	int err;

	if (get_args(env, info, 3, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o || !(m = get_map(env, o, argv[1])))
		return NULL;
	if (napi_get_value_uint32(env, argv[2], &n) != napi_ok || n == 0) {
		throw_arg(env, "maxEntries must be a positive integer");
		return NULL;
	}
	err = bpf_map__set_max_entries(m, n);
	if (err) {
		throw_bpf(env, "ERR_AINKA_BPF_CONFIG", "resize map", bpf_map__name(m), NULL, NULL, err);
		return NULL;
	}
	return undefined(env);
}

/*
 * bpfSetRodata(obj, variable, Buffer): writes a `const volatile` global before load. The variable
 * is found by name in the BTF of the .rodata section and the Buffer must be exactly its size.
 */
static napi_value bpf_set_rodata(napi_env env, napi_callback_info info)
{
	char name[AINKA_BPF_NAME_MAX];
	napi_value argv[3];
	struct ainka_bpf_obj *o;
	struct bpf_map *m = NULL, *it;
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct btf *btf;
	size_t len, size;
	const void *cur;
	void *value;
	char *init;
	__s32 id;
	int i;

	if (get_args(env, info, 3, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o || get_string(env, argv[1], name, sizeof(name)) || get_buffer(env, argv[2], &value, &len))
		return NULL;
	if (o->loaded) {
		throw_arg(env, ".rodata can only be set before bpfLoad");
		return NULL;
	}
	bpf_object__for_each_map(it, o->obj) {
		const char *mn = bpf_map__name(it);
		size_t l = strlen(mn);

		if (l >= 7 && !strcmp(mn + l - 7, ".rodata"))
			m = it;
	}
	btf = bpf_object__btf(o->obj);
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -ENOENT;
	if (!m || id < 0) {
		throw_bpf(env, "ERR_AINKA_BPF_CONFIG", "find .rodata for", name, NULL, NULL, ENOENT);
		return NULL;
	}
	sec = btf__type_by_id(btf, id);
	cur = bpf_map__initial_value(m, &size);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->size != len || vs->offset + len > size) {
			throw_arg(env, "Buffer size differs from the .rodata variable's size");
			return NULL;
		}
		/* copy, patch, set: the initial value is only writable through the setter */
		init = malloc(size);
		if (!init) {
			throw_bpf(env, "ERR_AINKA_BPF_CONFIG", "allocate .rodata for", name, NULL, NULL, ENOMEM);
			return NULL;
		}
		memcpy(init, cur, size);
		memcpy(init + vs->offset, value, len);
		i = bpf_map__set_initial_value(m, init, size);
		free(init);
		if (i) {
			throw_bpf(env, "ERR_AINKA_BPF_CONFIG", "set .rodata variable", name, NULL, NULL, i);
			return NULL;
		}
		return undefined(env);
	}
	throw_bpf(env, "ERR_AINKA_BPF_CONFIG", "find .rodata variable", name, NULL, NULL, ENOENT);
	return NULL;
}

/* Finds which program libbpf blamed ("prog 'x': ..." / "libbpf: prog 'x':") in the log. */
static const char *blamed_program(struct ainka_bpf_obj *o)
{
	struct bpf_program *p;
	char pat[AINKA_BPF_NAME_MAX + 8];

	bpf_object__for_each_program(p, o->obj) {
		if (!bpf_program__autoload(p))
			continue;
		snprintf(pat, sizeof(pat), "prog '%s'", bpf_program__name(p));
		if (strstr(libbpf_log, pat))
			return bpf_program__name(p);
	}
	return NULL;
}

/* bpfLoad(obj): verifies and loads every autoload program and creates the maps */
static napi_value bpf_load(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	struct ainka_bpf_obj *o;
	const char *prog;
	int err;

	if (get_args(env, info, 1, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o)
		return NULL;
	log_reset();
	err = bpf_object__load(o->obj);
	if (err) {
		struct bpf_program *p;

		prog = blamed_program(o);
		p = prog ? bpf_object__find_program_by_name(o->obj, prog) : NULL;
		throw_bpf(env, "ERR_AINKA_BPF_LOAD", "load", bpf_object__name(o->obj), prog,
			  p ? bpf_program__section_name(p) : NULL, err);
		return NULL;
	}
	o->loaded = true;
	return undefined(env);
}

/* bpfAttach(obj, program): attaches by section name; the link lives until bpfClose */
static napi_value bpf_attach(napi_env env, napi_callback_info info)
{
	napi_value argv[2];
	struct ainka_bpf_obj *o;
	struct bpf_program *p;
	struct ainka_link *l;
	struct bpf_link *link;
	int err;

	if (get_args(env, info, 2, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o || !(p = get_prog(env, o, argv[1])))
		return NULL;
	if (!o->loaded || !bpf_program__autoload(p)) {
		throw_arg(env, "bpfAttach needs a loaded object and a program that was loaded");
		return NULL;
	}
	log_reset();
	link = bpf_program__attach(p);
	err = libbpf_get_error(link);
	if (err) {
		throw_bpf(env, "ERR_AINKA_BPF_ATTACH", "attach", NULL, bpf_program__name(p),
			  bpf_program__section_name(p), err);
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		bpf_link__destroy(link);
		throw_bpf(env, "ERR_AINKA_BPF_ATTACH", "attach", NULL, bpf_program__name(p), NULL, ENOMEM);
		return NULL;
	}
	l->link = link;
	l->next = o->links;
	o->links = l;
	return undefined(env);
}

/* bpfProgRun(obj, program) → return value of one BPF_PROG_TEST_RUN (e.g. an in-kernel collector) */
static napi_value bpf_prog_run(napi_env env, napi_callback_info info)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	napi_value argv[2], out;
	struct ainka_bpf_obj *o;
	struct bpf_program *p;
	__u64 args[1] = { 0 };
	int err;

	if (get_args(env, info, 2, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o || !(p = get_prog(env, o, argv[1])))
		return NULL;
	opts.ctx_in = args;
	opts.ctx_size_in = sizeof(args);
	err = bpf_prog_test_run_opts(bpf_program__fd(p), &opts);
	if (err) {
		throw_bpf(env, "ERR_AINKA_BPF_RUN", "run", NULL, bpf_program__name(p), NULL, errno);
		return NULL;
	}
	napi_create_uint32(env, opts.retval, &out);
	return out;
}

/*
 * bpfIterate(obj, program) → Promise<bytes the iterator printed>: runs an iter program once to EOF.
 * The link and the iterator fd are created here (fast); reading the iterator (which walks every
 * task, map entry… in the kernel and may take long) runs on the libuv thread pool, off the event
 * loop. The link and fd belong to the work item, so closing the object meanwhile is safe.
 */
struct iter_work {
	napi_async_work work;
	napi_deferred deferred;
	struct bpf_link *link;
	int fd;
	double total;
	int err;
	char prog[AINKA_BPF_NAME_MAX];
	char section[AINKA_BPF_NAME_MAX];
};

static void iter_execute(napi_env env, void *data)
{
	struct iter_work *w = data;
	char buf[4096];
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			w->total += n;
	w->err = n < 0 ? errno : 0;
}

static void iter_complete(napi_env env, napi_status status, void *data)
{
	struct iter_work *w = data;
	napi_value out;

	close(w->fd);
	bpf_link__destroy(w->link);
	if (status == napi_ok && !w->err) {
		napi_create_double(env, w->total, &out);
		napi_resolve_deferred(env, w->deferred, out);
	} else {
		napi_value error = bpf_error(env, "ERR_AINKA_BPF_RUN", "read iterator", NULL, w->prog,
					     w->section, w->err ? w->err : ECANCELED);

		napi_reject_deferred(env, w->deferred, error);
	}
	napi_delete_async_work(env, w->work);
	free(w);
}

static napi_value bpf_iterate(napi_env env, napi_callback_info info)
{
	napi_value argv[2], promise, name;
	struct ainka_bpf_obj *o;
	struct bpf_program *p;
	struct iter_work *w;
	int err;

	if (get_args(env, info, 2, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o || !(p = get_prog(env, o, argv[1])))
		return NULL;
	if (!o->loaded) {
		throw_arg(env, "bpfIterate needs a loaded object");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		throw_bpf(env, "ERR_AINKA_BPF_RUN", "allocate", NULL, bpf_program__name(p), NULL, ENOMEM);
		return NULL;
	}
	snprintf(w->prog, sizeof(w->prog), "%s", bpf_program__name(p));
	snprintf(w->section, sizeof(w->section), "%s", bpf_program__section_name(p));
	log_reset();
	w->link = bpf_program__attach_iter(p, NULL);
	err = libbpf_get_error(w->link);
	if (err) {
		free(w);
		throw_bpf(env, "ERR_AINKA_BPF_RUN", "attach iterator", NULL, bpf_program__name(p),
			  bpf_program__section_name(p), err);
		return NULL;
	}
	w->fd = bpf_iter_create(bpf_link__fd(w->link));
	if (w->fd < 0) {
		err = errno;
		bpf_link__destroy(w->link);
		free(w);
		throw_bpf(env, "ERR_AINKA_BPF_RUN", "create iterator", NULL, bpf_program__name(p),
			  bpf_program__section_name(p), err);
		return NULL;
	}
	napi_create_string_utf8(env, "ainka.bpf.iterate", NAPI_AUTO_LENGTH, &name);
	if (napi_create_promise(env, &w->deferred, &promise) != napi_ok ||
	    napi_create_async_work(env, NULL, name, iter_execute, iter_complete, w, &w->work) != napi_ok ||
	    napi_queue_async_work(env, w->work) != napi_ok) {
		close(w->fd);
		bpf_link__destroy(w->link);
		free(w);
		throw_bpf(env, "ERR_AINKA_BPF_RUN", "queue iterator", NULL, bpf_program__name(p), NULL, ENOMEM);
		return NULL;
	}
	return promise;
}

/* bpfProgInfo(obj, program) → { id, runTimeNs, runCount } (run stats need bpfEnableStats) */
static napi_value bpf_prog_info(napi_env env, napi_callback_info info)
{
	struct bpf_prog_info pi;
	__u32 len = sizeof(pi);
	napi_value argv[2], out, v;
	struct ainka_bpf_obj *o;
	struct bpf_program *p;

	if (get_args(env, info, 2, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o || !(p = get_prog(env, o, argv[1])))
		return NULL;
	if (!o->loaded || bpf_program__fd(p) < 0) {
		throw_arg(env, "bpfProgInfo needs a loaded program");
		return NULL;
	}
	memset(&pi, 0, sizeof(pi));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &pi, &len)) {
		throw_bpf(env, "ERR_AINKA_BPF_RUN", "read info of", NULL, bpf_program__name(p), NULL, errno);
		return NULL;
	}
	napi_create_object(env, &out);
	napi_create_uint32(env, pi.id, &v);
	napi_set_named_property(env, out, "id", v);
	napi_create_double(env, (double)pi.run_time_ns, &v);
	napi_set_named_property(env, out, "runTimeNs", v);
	napi_create_double(env, (double)pi.run_cnt, &v);
	napi_set_named_property(env, out, "runCount", v);
	return out;
}

/* bpfEnableStats() → fd: run time/count accounting of every program while the fd is open */
static napi_value bpf_enable_stats_fn(napi_env env, napi_callback_info info)
{
	napi_value out;
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	if (fd < 0) {
		throw_bpf(env, "ERR_AINKA_BPF_RUN", "enable", "BPF run-time statistics", NULL, NULL, errno);
		return NULL;
	}
	napi_create_int32(env, fd, &out);
	return out;
}

/* bpfDisableStats(fd) */
static napi_value bpf_disable_stats_fn(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	int32_t fd;

	if (get_args(env, info, 1, argv) || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
		throw_arg(env, "expected the fd returned by bpfEnableStats");
		return NULL;
	}
	close(fd);
	return undefined(env);
}

/* ---- maps ---- */

static size_t value_size_of(struct bpf_map *m)
{
	enum bpf_map_type t = bpf_map__type(m);
	size_t vs = bpf_map__value_size(m);

	if (t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	    t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE)
		return ((vs + 7) & ~7UL) * libbpf_num_possible_cpus();
	return vs;
}

static struct bpf_map *loaded_map(napi_env env, napi_value *argv, struct ainka_bpf_obj **op)
{
	struct ainka_bpf_obj *o = get_obj(env, argv[0]);
	struct bpf_map *m;

	if (!o || !(m = get_map(env, o, argv[1])))
		return NULL;
	if (!o->loaded) {
		throw_arg(env, "maps can be read only after bpfLoad");
		return NULL;
	}
	*op = o;
	return m;
}

/* bpfMapInfo(obj, map) → { type, keySize, valueSize, maxEntries, valueBytes } */
static napi_value bpf_map_info(napi_env env, napi_callback_info info)
{
	napi_value argv[2], out, v;
	struct ainka_bpf_obj *o;
	struct bpf_map *m;

	if (get_args(env, info, 2, argv) || !(m = loaded_map(env, argv, &o)))
		return NULL;
	napi_create_object(env, &out);
	napi_create_uint32(env, bpf_map__type(m), &v);
	napi_set_named_property(env, out, "type", v);
	napi_create_uint32(env, bpf_map__key_size(m), &v);
	napi_set_named_property(env, out, "keySize", v);
	napi_create_uint32(env, bpf_map__value_size(m), &v);
	napi_set_named_property(env, out, "valueSize", v);
	napi_create_uint32(env, bpf_map__max_entries(m), &v);
	napi_set_named_property(env, out, "maxEntries", v);
	napi_create_uint32(env, value_size_of(m), &v);
	napi_set_named_property(env, out, "valueBytes", v);
	return out;
}

/* bpfMapLookup(obj, map, key) → Buffer (per-CPU maps: one 8-aligned value per possible CPU) | null */
static napi_value bpf_map_lookup(napi_env env, napi_callback_info info)
{
	napi_value argv[3], out;
	struct ainka_bpf_obj *o;
	struct bpf_map *m;
	void *key, *val;
	size_t klen;

	if (get_args(env, info, 3, argv) || !(m = loaded_map(env, argv, &o)) || get_buffer(env, argv[2], &key, &klen))
		return NULL;
	if (klen != bpf_map__key_size(m)) {
		throw_arg(env, "key size differs from the map's key size");
		return NULL;
	}
	if (napi_create_buffer(env, value_size_of(m), &val, &out) != napi_ok)
		return NULL;
	if (bpf_map_lookup_elem(bpf_map__fd(m), key, val)) {
		if (errno == ENOENT) {
			napi_get_null(env, &out);
			return out;
		}
		throw_bpf(env, "ERR_AINKA_BPF_MAP", "look up in map", bpf_map__name(m), NULL, NULL, errno);
		return NULL;
	}
	return out;
}

/* bpfMapUpdate(obj, map, key, value, flags) */
static napi_value bpf_map_update(napi_env env, napi_callback_info info)
{
	napi_value argv[5];
	struct ainka_bpf_obj *o;
	struct bpf_map *m;
	void *key, *val;
	size_t klen, vlen;
	uint32_t flags;

	if (get_args(env, info, 5, argv) || !(m = loaded_map(env, argv, &o)) ||
	    get_buffer(env, argv[2], &key, &klen) || get_buffer(env, argv[3], &val, &vlen))
		return NULL;
	if (klen != bpf_map__key_size(m) || vlen != value_size_of(m) ||
	    napi_get_value_uint32(env, argv[4], &flags) != napi_ok || flags > BPF_EXIST) {
		throw_arg(env, "key/value size differs from the map's, or bad flags");
		return NULL;
	}
	if (bpf_map_update_elem(bpf_map__fd(m), key, val, flags)) {
		throw_bpf(env, "ERR_AINKA_BPF_MAP", "update map", bpf_map__name(m), NULL, NULL, errno);
		return NULL;
	}
	return undefined(env);
}

/* bpfMapDelete(obj, map, key) → true if deleted, false if absent */
static napi_value bpf_map_delete(napi_env env, napi_callback_info info)
{
	napi_value argv[3], out;
	struct ainka_bpf_obj *o;
	struct bpf_map *m;
	void *key;
	size_t klen;

	if (get_args(env, info, 3, argv) || !(m = loaded_map(env, argv, &o)) || get_buffer(env, argv[2], &key, &klen))
		return NULL;
	if (klen != bpf_map__key_size(m)) {
		throw_arg(env, "key size differs from the map's key size");
		return NULL;
	}
	if (bpf_map_delete_elem(bpf_map__fd(m), key)) {
		if (errno != ENOENT) {
			throw_bpf(env, "ERR_AINKA_BPF_MAP", "delete from map", bpf_map__name(m), NULL, NULL, errno);
			return NULL;
		}
		napi_get_boolean(env, false, &out);
		return out;
	}
	napi_get_boolean(env, true, &out);
	return out;
}

/* Iterates with get_next_key: for kernels or map types without batch ops. */
static long dump_iterate(int fd, size_t ks, size_t vs, char *keys, char *vals, size_t max)
{
	char *prev = NULL;
	size_t n = 0;

	while (n < max) {
		char *k = keys + n * ks;

		if (bpf_map_get_next_key(fd, prev, k))
			return errno == ENOENT ? (long)n : -errno;
		if (bpf_map_lookup_elem(fd, k, vals + n * vs)) {
			if (errno == ENOENT) /* deleted meanwhile: move on from it */
				prev = k;
			else
				return -errno;
			continue;
		}
		prev = k;
		n++;
	}
	return n;
}

static long dump_batch(int fd, size_t ks, size_t vs, char *keys, char *vals, size_t max)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 in_batch = 0, out_batch = 0;
	bool first = true;
	size_t n = 0;

	while (n < max) {
		__u32 count = max - n;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch, keys + n * ks,
					       vals + n * vs, &count, &opts);

		n += count;
		if (err)
			return errno == ENOENT ? (long)n : -errno;
		in_batch = out_batch;
		first = false;
	}
	return n;
}

/* bpfMapDump(obj, map) → { count, keys: Buffer, values: Buffer } (batch lookup when available) */
static napi_value bpf_map_dump(napi_env env, napi_callback_info info)
{
	napi_value argv[2], out, kb, vb, v;
	struct ainka_bpf_obj *o;
	struct bpf_map *m;
	size_t ks, vs, max;
	char *keys, *vals;
	enum bpf_map_type t;
	long n;
	int fd;

	if (get_args(env, info, 2, argv) || !(m = loaded_map(env, argv, &o)))
		return NULL;
	ks = bpf_map__key_size(m);
	vs = value_size_of(m);
	max = bpf_map__max_entries(m);
	fd = bpf_map__fd(m);
	t = bpf_map__type(m);
	keys = malloc(ks * max);
	vals = malloc(vs * max);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		throw_bpf(env, "ERR_AINKA_BPF_MAP", "allocate a dump of", bpf_map__name(m), NULL, NULL, ENOMEM);
		return NULL;
	}
	n = -EINVAL;
	if (t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_HASH ||
	    t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_PERCPU_ARRAY)
		n = dump_batch(fd, ks, vs, keys, vals, max);
	if (n == -EINVAL || n == -EOPNOTSUPP || n == -524)
		n = dump_iterate(fd, ks, vs, keys, vals, max);
	if (n < 0) {
		free(keys);
		free(vals);
		throw_bpf(env, "ERR_AINKA_BPF_MAP", "dump map", bpf_map__name(m), NULL, NULL, (int)n);
		return NULL;
	}
	napi_create_buffer_copy(env, n * ks, keys, NULL, &kb);
	napi_create_buffer_copy(env, n * vs, vals, NULL, &vb);
	free(keys);
	free(vals);
	napi_create_object(env, &out);
	napi_create_uint32(env, n, &v);
	napi_set_named_property(env, out, "count", v);
	napi_set_named_property(env, out, "keys", kb);
	napi_set_named_property(env, out, "values", vb);
	return out;
}

/* ---- probes and misc ---- */

/* bpfNumPossibleCpus() → number of value slots of per-CPU maps */
static napi_value bpf_num_cpus(napi_env env, napi_callback_info info)
{
	napi_value out;

	napi_create_int32(env, libbpf_num_possible_cpus(), &out);
	return out;
}

/* bpfLibbpfVersion() → "1.1" */
static napi_value bpf_libbpf_version(napi_env env, napi_callback_info info)
{
	napi_value out;

	napi_create_string_utf8(env, libbpf_version_string(), NAPI_AUTO_LENGTH, &out);
	return out;
}

/* bpfProbeMapType(type) → 1 supported, 0 not, or -errno */
static napi_value bpf_probe_map_type(napi_env env, napi_callback_info info)
{
	napi_value argv[1], out;
	uint32_t t;

	if (get_args(env, info, 1, argv) || napi_get_value_uint32(env, argv[0], &t) != napi_ok)
		return NULL;
	napi_create_int32(env, libbpf_probe_bpf_map_type(t, NULL), &out);
	return out;
}

/* bpfProbeProgType(type) → 1 supported, 0 not, or -errno */
static napi_value bpf_probe_prog_type(napi_env env, napi_callback_info info)
{
	napi_value argv[1], out;
	uint32_t t;

	if (get_args(env, info, 1, argv) || napi_get_value_uint32(env, argv[0], &t) != napi_ok)
		return NULL;
	napi_create_int32(env, libbpf_probe_bpf_prog_type(t, NULL), &out);
	return out;
}

/* bpfSetDebug(bool): copy libbpf's debug output to stderr */
static napi_value bpf_set_debug(napi_env env, napi_callback_info info)
{
	napi_value argv[1];
	bool on;

	if (get_args(env, info, 1, argv) || napi_get_value_bool(env, argv[0], &on) != napi_ok)
		return NULL;
	libbpf_log_stderr = on;
	return undefined(env);
}

/* At env teardown (process exit, worker end): detach and unload what this env left open. */
static void bpf_cleanup(void *arg)
{
	struct ainka_bpf_obj *o;

	for (;;) {
		pthread_mutex_lock(&objects_lock);
		for (o = objects.next; o != &objects && o->env != (napi_env)arg; o = o->next)
			;
		pthread_mutex_unlock(&objects_lock);
		if (o == &objects)
			return;
		obj_close(o, false); /* unlinks it */
	}
}

/* ---- cgroup attach: BPF_PROG_ATTACH / DETACH with BPF_F_ALLOW_MULTI on a cgroup v2 directory ---- */

#define AINKA_CGROUP_MAX_PROGS 64 /* the kernel's BPF_CGROUP_MAX_PROGS */

static const char *cgroup_fix(const char *step, int err)
{
	if ((err == EPERM || err == EACCES) && geteuid() != 0)
		return "run as root (or grant CAP_BPF and CAP_NET_ADMIN)";
	if (err == EPERM && !strcmp(step, "attach to cgroup"))
		return "another program is attached to this cgroup without BPF_F_ALLOW_MULTI (or lockdown refuses "
		       "cgroup BPF): see `bpftool cgroup show <dir>`, or use a child cgroup";
	if (err == EPERM || err == EACCES)
		return "already root, so kernel lockdown or a security module refuses cgroup BPF";
	if (!strcmp(step, "open cgroup") && err == ENOENT)
		return "the cgroup directory does not exist: pass a directory of the cgroup v2 hierarchy "
		       "(`grep cgroup2 /proc/mounts`: /sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts)";
	if (!strcmp(step, "open cgroup") && err == ENOTDIR)
		return "the path is not a directory: pass a cgroup v2 directory";
	if (err == EBADF)
		return "the directory is not in the cgroup v2 hierarchy (cgroup v1 has no BPF programs): "
		       "use the cgroup2 mount (`grep cgroup2 /proc/mounts`, /sys/fs/cgroup/unified on hybrid hosts)";
	if (err == EEXIST)
		return "this program is already attached to this cgroup";
	if (!strcmp(step, "detach from cgroup") && (err == ENOENT || err == EINVAL))
		return "the program is not attached to this cgroup (already detached?)";
	if (err == EINVAL || err == EOPNOTSUPP || err == 524)
		return "this kernel lacks cgroup BPF for this attach type (CONFIG_CGROUP_BPF=y, 4.10+; "
		       "BPF_F_ALLOW_MULTI needs 4.15+)";
	if (err == E2BIG || err == ENOSPC)
		return "the cgroup already has 64 programs of this type attached: detach some";
	if (err == ENOENT)
		return "no program with that id exists (it was unloaded)";
	return "see `bpftool cgroup show <dir>`";
}

static void throw_cgroup(napi_env env, const char *step, const char *dir, int err)
{
	char msg[PATH_MAX + 512];
	napi_value error, message, code_v, n;

	if (err < 0)
		err = -err;
	snprintf(msg, sizeof(msg), "failed to %s %s: %s (errno %d): %s", step, dir, errno_name(err), err,
		 cgroup_fix(step, err));
	napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
	napi_create_string_utf8(env, "ERR_AINKA_BPF_CGROUP", NAPI_AUTO_LENGTH, &code_v);
	napi_create_error(env, code_v, message, &error);
	set_str(env, error, "code", "ERR_AINKA_BPF_CGROUP");
	napi_create_int32(env, err, &n);
	napi_set_named_property(env, error, "errno", n);
	set_str(env, error, "syscall", "bpf");
	napi_throw(env, error);
}

/* 'egress' | 'ingress' → enum bpf_attach_type; -1 after throwing for anything else */
static int get_cgroup_attach_type(napi_env env, napi_value v)
{
	char name[16];

	if (get_string(env, v, name, sizeof(name)))
		return -1;
	if (!strcmp(name, "egress"))
		return BPF_CGROUP_INET_EGRESS;
	if (!strcmp(name, "ingress"))
		return BPF_CGROUP_INET_INGRESS;
	throw_arg(env, "attach type must be 'egress' or 'ingress'");
	return -1;
}

/* Opens an absolute cgroup directory; -1 after throwing. */
static int open_cgroup(napi_env env, napi_value v, char *dir, size_t size)
{
	int fd;

	if (get_string(env, v, dir, size))
		return -1;
	if (dir[0] != '/') {
		throw_arg(env, "the cgroup directory must be an absolute path");
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		throw_cgroup(env, "open cgroup", dir, errno);
	return fd;
}

/* bpfCgroupAttach(obj, program, cgroupDir, 'egress'|'ingress') → program id; stays attached after close */
static napi_value bpf_cgroup_attach(napi_env env, napi_callback_info info)
{
	char dir[PATH_MAX];
	struct bpf_prog_info pi;
	__u32 len = sizeof(pi);
	napi_value argv[4], out;
	struct ainka_bpf_obj *o;
	struct bpf_program *p;
	int type, cg, err;

	if (get_args(env, info, 4, argv))
		return NULL;
	o = get_obj(env, argv[0]);
	if (!o || !(p = get_prog(env, o, argv[1])))
		return NULL;
	if (!o->loaded || bpf_program__fd(p) < 0) {
		throw_arg(env, "bpfCgroupAttach needs a loaded program (bpfLoad first)");
		return NULL;
	}
	if ((type = get_cgroup_attach_type(env, argv[3])) < 0)
		return NULL;
	if ((cg = open_cgroup(env, argv[2], dir, sizeof(dir))) < 0)
		return NULL;
	err = bpf_prog_attach(bpf_program__fd(p), cg, type, BPF_F_ALLOW_MULTI) ? errno : 0;
	close(cg);
	if (err) {
		throw_cgroup(env, "attach to cgroup", dir, err);
		return NULL;
	}
	memset(&pi, 0, sizeof(pi));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &pi, &len))
		pi.id = 0;
	napi_create_uint32(env, pi.id, &out);
	return out;
}

/* bpfCgroupQuery(cgroupDir, 'egress'|'ingress') → [{ id, name }] of the programs attached to it */
static napi_value bpf_cgroup_query(napi_env env, napi_callback_info info)
{
	char dir[PATH_MAX];
	__u32 ids[AINKA_CGROUP_MAX_PROGS], cnt = AINKA_CGROUP_MAX_PROGS, flags = 0, i;
	napi_value argv[2], out, item, v;
	int type, cg, err;

	if (get_args(env, info, 2, argv))
		return NULL;
	if ((type = get_cgroup_attach_type(env, argv[1])) < 0)
		return NULL;
	if ((cg = open_cgroup(env, argv[0], dir, sizeof(dir))) < 0)
		return NULL;
	err = bpf_prog_query(cg, type, 0, &flags, ids, &cnt) ? errno : 0;
	close(cg);
	if (err) {
		throw_cgroup(env, "query programs of cgroup", dir, err);
		return NULL;
	}
	if (cnt > AINKA_CGROUP_MAX_PROGS)
		cnt = AINKA_CGROUP_MAX_PROGS;
	napi_create_array_with_length(env, cnt, &out);
	for (i = 0; i < cnt; i++) {
		struct bpf_prog_info pi;
		__u32 len = sizeof(pi);
		int fd = bpf_prog_get_fd_by_id(ids[i]);

		memset(&pi, 0, sizeof(pi));
		if (fd >= 0) {
			if (bpf_obj_get_info_by_fd(fd, &pi, &len))
				memset(&pi, 0, sizeof(pi));
			close(fd);
		}
		pi.name[sizeof(pi.name) - 1] = '\0';
		napi_create_object(env, &item);
		napi_create_uint32(env, ids[i], &v);
		napi_set_named_property(env, item, "id", v);
		napi_create_string_utf8(env, pi.name, NAPI_AUTO_LENGTH, &v);
		napi_set_named_property(env, item, "name", v);
		napi_set_element(env, out, i, item);
	}
	return out;
}

/* bpfCgroupDetach(cgroupDir, 'egress'|'ingress', programId): by id, so it works from another process */
static napi_value bpf_cgroup_detach(napi_env env, napi_callback_info info)
{
	char dir[PATH_MAX];
	napi_value argv[3];
	uint32_t id;
	int type, cg, fd, err;

	if (get_args(env, info, 3, argv))
		return NULL;
	if ((type = get_cgroup_attach_type(env, argv[1])) < 0)
		return NULL;
	if (napi_get_value_uint32(env, argv[2], &id) != napi_ok || id == 0) {
		throw_arg(env, "expected a program id (a positive integer)");
		return NULL;
	}
	if ((cg = open_cgroup(env, argv[0], dir, sizeof(dir))) < 0)
		return NULL;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0) {
		err = errno;
		close(cg);
		throw_cgroup(env, "find program for", dir, err);
		return NULL;
	}
	err = bpf_prog_detach2(fd, cg, type) ? errno : 0;
	close(fd);
	close(cg);
	if (err) {
		throw_cgroup(env, "detach from cgroup", dir, err);
		return NULL;
	}
	return undefined(env);
}

int ainka_bpf_register(napi_env env, napi_value exports)
{
	static const struct {
		const char *name;
		napi_callback fn;
	} fns[] = {
		{ "bpfOpen", bpf_open },
		{ "bpfClose", bpf_close },
		{ "bpfPrograms", bpf_programs },
		{ "bpfSetAutoload", bpf_set_autoload },
		{ "bpfSetMaxEntries", bpf_set_max_entries },
		{ "bpfSetRodata", bpf_set_rodata },
		{ "bpfLoad", bpf_load },
		{ "bpfAttach", bpf_attach },
		{ "bpfProgRun", bpf_prog_run },
		{ "bpfProgInfo", bpf_prog_info },
		{ "bpfIterate", bpf_iterate },
		{ "bpfEnableStats", bpf_enable_stats_fn },
		{ "bpfDisableStats", bpf_disable_stats_fn },
		{ "bpfMapInfo", bpf_map_info },
		{ "bpfMapLookup", bpf_map_lookup },
		{ "bpfMapUpdate", bpf_map_update },
		{ "bpfMapDelete", bpf_map_delete },
		{ "bpfMapDump", bpf_map_dump },
		{ "bpfRingOpen", bpf_ring_open },
		{ "bpfRingDrain", bpf_ring_drain },
		{ "bpfRingAvailable", bpf_ring_available },
		{ "bpfRingClose", bpf_ring_close },
		{ "bpfNumPossibleCpus", bpf_num_cpus },
		{ "bpfLibbpfVersion", bpf_libbpf_version },
		{ "bpfProbeMapType", bpf_probe_map_type },
		{ "bpfProbeProgType", bpf_probe_prog_type },
		{ "bpfSetDebug", bpf_set_debug },
		{ "bpfCgroupAttach", bpf_cgroup_attach },
		{ "bpfCgroupQuery", bpf_cgroup_query },
		{ "bpfCgroupDetach", bpf_cgroup_detach },
	};
	napi_value fn;
	size_t i;

	libbpf_set_print(ainka_libbpf_print);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn) != napi_ok ||
		    napi_set_named_property(env, exports, fns[i].name, fn) != napi_ok)
			return -1;
	}
	if (napi_add_env_cleanup_hook(env, bpf_cleanup, env) != napi_ok)
		return -1;
	return 0;
}
