// SPDX-License-Identifier: MIT
/*
 * A netlink socket on the libuv loop.
 *
 * The socket is non-blocking; a uv_poll watches it for readability and each wakeup drains at most
 * NL_BATCH_DATAGRAMS datagrams (or NL_BATCH_BYTES), handing them to JavaScript in one call. Level
 * triggering brings the loop back for whatever is left, so a flood never starves other callbacks.
 * Extended ACKs (NETLINK_EXT_ACK) and capped ACKs (NETLINK_CAP_ACK) are switched on; the framing and
 * the decoding of NLMSG_ERROR live in TypeScript (@ainka/protocol), not here.
 *
 * JavaScript API (registered on the addon's exports):
 *   nlOpen(protocol, rcvbufBytes, onData) -> handle
 *       onData(errno, datagrams): errno is 0, or ENOBUFS after the kernel dropped messages for us
 *       (datagrams then holds what was read before), or the errno of a failed recv/poll.
 *   nlSend(handle, bytes) -> bytes sent          (to the kernel, nl_pid 0; throws on error)
 *   nlSendRecv(handle, bytes) -> datagrams       (nlSend, then one non-blocking batch read as the
 *       poll callback does, stopping early after the NLMSG_ERROR/NLMSG_DONE that carries the request's
 *       nlmsg_seq; the kernel answers most requests inside sendto, so the reply is usually there.
 *       The array carries an `errno` property when the read ended in an error, as onData's
 *       errno argument does.)
 *   nlAddMembership(handle, group) / nlDropMembership(handle, group)
 *   nlPortId(handle) -> the port id the kernel assigned
 *   nlRef(handle, keepsLoopAlive)
 *   nlClose(handle)                              (idempotent; the fd is closed when libuv is done)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <uv.h>

#include "addon.h"
#include "syserr.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NL_RECV_BUF		(64 * 1024)	/* larger than any reply the kernel builds (32 KiB max) */
#define NL_BATCH_DATAGRAMS	64
#define NL_BATCH_BYTES		(1024 * 1024)

struct nl_sock {
	uv_poll_t poll;
	int fd;
	uint32_t port_id;
	bool closing;		/* nlClose() or the finalizer started the shutdown */
	bool uv_closed;		/* libuv has released the poll handle */
	bool js_dead;		/* the JavaScript handle was collected */
	napi_env env;
	napi_ref on_data;
	napi_async_context async;
	uint8_t *buf;
};

static void nl_handle_closed(uv_handle_t *handle)
{
	struct nl_sock *s = handle->data;

	close(s->fd);
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
	s->uv_closed = true;
	if (s->js_dead)
		free(s);
}

static void nl_shutdown(struct nl_sock *s)
{
	if (s->closing)
		return;
	s->closing = true;
	uv_poll_stop(&s->poll);
	if (s->on_data) {
		napi_delete_reference(s->env, s->on_data);
		s->on_data = NULL;
	}
	if (s->async) {
		napi_async_destroy(s->env, s->async);
		s->async = NULL;
	}
	uv_close((uv_handle_t *)&s->poll, nl_handle_closed);
}

/* The external's finalizer: a socket the program forgot to close is closed when collected. */
static void nl_finalize(napi_env env, void *data, void *hint)
{
	struct nl_sock *s = data;

	s->js_dead = true;
	if (!s->closing)
		nl_shutdown(s);
	else if (s->uv_closed)
		free(s);
}

static void nl_deliver(struct nl_sock *s, int err, napi_value list)
{
	napi_env env = s->env;
	napi_value cb, recv, argv[2], result;

	if (!s->on_data || napi_get_reference_value(env, s->on_data, &cb) != napi_ok || !cb)
		return;
	napi_get_global(env, &recv);
	napi_create_int32(env, err, &argv[0]);
	argv[1] = list;
	/* make_callback drains the microtask queue, so promises resolved here settle now. */
	if (napi_make_callback(env, s->async, recv, cb, 2, argv, &result) == napi_pending_exception) {
		napi_value exc;

		napi_get_and_clear_last_exception(env, &exc);
		napi_fatal_exception(env, exc);
	}
}

/* Whether the datagram in s->buf holds the NLMSG_ERROR (ACK) or NLMSG_DONE that ends request `seq`. */
static bool nl_ends_request(const struct nl_sock *s, size_t len, uint32_t seq)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)s->buf;
	int left = (int)len;

	for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left))
		if (h->nlmsg_seq == seq && (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE))
			return true;
	return false;
}

/*
 * Reads at most one batch; returns the errno that ended it (0 when the socket ran dry or the batch
 * filled). With `until_seq`, it also stops after the datagram that ends request *until_seq, saving
 * the recv() that would only find the socket empty.
 */
static int nl_read_batch_until(struct nl_sock *s, napi_value list, uint32_t *count, const uint32_t *until_seq)
{
	size_t bytes = 0;

	*count = 0;
	while (*count < NL_BATCH_DATAGRAMS && bytes < NL_BATCH_BYTES) {
		napi_value item;
		ssize_t n = recv(s->fd, s->buf, NL_RECV_BUF, MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return errno;
		}
		if ((size_t)n > NL_RECV_BUF)
			return EMSGSIZE;
		if (napi_create_buffer_copy(s->env, (size_t)n, s->buf, NULL, &item) != napi_ok)
			return ENOMEM;
		napi_set_element(s->env, list, (*count)++, item);
		bytes += (size_t)n;
		if (until_seq && nl_ends_request(s, (size_t)n, *until_seq))
			return 0;
	}
	return 0;
}

static int nl_read_batch(struct nl_sock *s, napi_value list, uint32_t *count)
{
	return nl_read_batch_until(s, list, count, NULL);
}

/*
 * libuv reports POLLERR as UV_EBADF and stops the handle. For a netlink socket POLLERR means a
 * pending socket error, normally ENOBUFS: the kernel dropped messages because our receive buffer
 * was full. Reading SO_ERROR clears it; the caller then restarts polling. Returns the socket error,
 * or -status when there was none (a real poll failure).
 */
static int nl_pending_error(struct nl_sock *s, int status)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr)
		return soerr;
	return -status;
}

static void nl_on_poll(uv_poll_t *handle, int status, int events)
{
	struct nl_sock *s = handle->data;
	napi_handle_scope scope;
	napi_value list;
	uint32_t count;
	int err;

	if (s->closing)
		return;
	if (napi_open_handle_scope(s->env, &scope) != napi_ok)
		return;
	napi_create_array(s->env, &list);
	count = 0;
	if (status < 0) {
		err = nl_pending_error(s, status);
		/* A socket error (ENOBUFS after an overrun) is reported, not fatal: keep reading. */
		if (err != -status) {
			int rc = uv_poll_start(&s->poll, UV_READABLE, nl_on_poll);

			if (rc == 0)
				nl_read_batch(s, list, &count);
			else
				err = -rc;	/* the socket is no longer watched: say so */
		}
	} else {
		err = nl_read_batch(s, list, &count);
	}
	if (err || count)
		nl_deliver(s, err, list);
	napi_close_handle_scope(s->env, scope);
}

static struct nl_sock *nl_unwrap(napi_env env, napi_value value)
{
	void *data = ainka_external_get(env, value, &ainka_tag_nl_sock);

	if (!data) {
		ainka_type_error(env, "expected a netlink handle from nlOpen()");
		return NULL;
	}
	if (((struct nl_sock *)data)->closing) {
		ainka_throw_errno(env, "netlink", EBADF);
		return NULL;
	}
	return data;
}

static int nl_socket_setup(int fd, int rcvbuf, uint32_t *port_id)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(addr);
	int one = 1;

	/* Ask for the kernel's extack text and offsets, and do not echo whole requests in errors. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return -1;
	if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
		return -1;
	*port_id = addr.nl_pid;
	return 0;
}

static napi_value nl_open(napi_env env, napi_callback_info info)
{
	size_t argc = 3;
	napi_value argv[3], handle, name;
	int32_t protocol, rcvbuf;
	napi_valuetype type;
	struct nl_sock *s;
	uv_loop_t *loop;
	const char *failed;
	int err;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 3 || napi_get_value_int32(env, argv[0], &protocol) != napi_ok ||
	    napi_get_value_int32(env, argv[1], &rcvbuf) != napi_ok ||
	    napi_typeof(env, argv[2], &type) != napi_ok || type != napi_function)
		return ainka_type_error(env, "nlOpen(protocol: number, rcvbufBytes: number, onData: function)");
	if (protocol < 0 || protocol >= MAX_LINKS || rcvbuf < 0)
		return ainka_type_error(env, "nlOpen: protocol or rcvbufBytes out of range");
	if (napi_get_uv_event_loop(env, &loop) != napi_ok)
		return NULL;

	s = calloc(1, sizeof(*s));
	if (!s || !(s->buf = malloc(NL_RECV_BUF))) {
		free(s);
		ainka_throw_errno(env, "malloc", ENOMEM);
		return NULL;
	}
	s->env = env;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (s->fd < 0) {
		failed = "socket";
		goto err_free;
	}
	if (nl_socket_setup(s->fd, rcvbuf, &s->port_id) < 0) {
		failed = "bind";
		goto err_close;
	}
	if (uv_poll_init(loop, &s->poll, s->fd) < 0) {
		errno = EINVAL;
		failed = "uv_poll_init";
		goto err_close;
	}
	s->poll.data = s;
	napi_create_reference(env, argv[2], 1, &s->on_data);
	napi_create_string_utf8(env, "ainka:netlink", NAPI_AUTO_LENGTH, &name);
	napi_async_init(env, NULL, name, &s->async);
	err = uv_poll_start(&s->poll, UV_READABLE, nl_on_poll);
	if (err) {
		/* Nothing would ever read the socket: fail now instead of hanging every request. */
		nl_shutdown(s);
		ainka_throw_errno(env, "uv_poll_start", -err);
		return NULL;
	}
	if (ainka_external_new(env, s, nl_finalize, &ainka_tag_nl_sock, &handle) != napi_ok) {
		nl_shutdown(s);
		return NULL;
	}
	return handle;

err_close:
	{
		int saved = errno;

		close(s->fd);
		errno = saved;
	}
err_free:
	free(s->buf);
	free(s);
	ainka_throw_errno(env, failed, errno);
	return NULL;
}

static napi_value nl_send(napi_env env, napi_callback_info info)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	size_t argc = 2, length;
	napi_value argv[2], result;
	struct nl_sock *s;
	bool is_typed;
	void *data;
	ssize_t n;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 2 || !(s = nl_unwrap(env, argv[0])))
		return NULL;
	if (napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed)
		return ainka_type_error(env, "nlSend(handle, bytes: Uint8Array)");
	napi_get_typedarray_info(env, argv[1], NULL, &length, &data, NULL, NULL);
	do {
		n = sendto(s->fd, data, length, MSG_DONTWAIT, (struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		ainka_throw_errno(env, "sendto", errno);
		return NULL;
	}
	napi_create_int64(env, n, &result);
	return result;
}

/* sendto() the kernel, retrying EINTR; throws and returns false on failure. */
static bool nl_sendto(napi_env env, struct nl_sock *s, napi_value bytes)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	size_t length;
	bool is_typed;
	void *data;
	ssize_t n;

	if (napi_is_typedarray(env, bytes, &is_typed) != napi_ok || !is_typed) {
		ainka_type_error(env, "nlSend(handle, bytes: Uint8Array)");
		return false;
	}
	napi_get_typedarray_info(env, bytes, NULL, &length, &data, NULL, NULL);
	do {
		n = sendto(s->fd, data, length, MSG_DONTWAIT, (struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		ainka_throw_errno(env, "sendto", errno);
		return false;
	}
	return true;
}

static napi_value nl_send_recv(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], list, code;
	struct nl_sock *s;
	uint32_t count;
	int err;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 2 || !(s = nl_unwrap(env, argv[0])))
		return NULL;
	if (!nl_sendto(env, s, argv[1]))
		return NULL;
	if (napi_create_array(env, &list) != napi_ok)
		return NULL;
	/* The request's own nlmsg_seq (bytes 8..11 of its nlmsghdr) tells which ACK or DONE ends it. */
	{
		size_t length = 0;
		void *data = NULL;
		uint32_t seq;

		napi_get_typedarray_info(env, argv[1], NULL, &length, &data, NULL, NULL);
		if (length >= sizeof(struct nlmsghdr)) {
			memcpy(&seq, (const uint8_t *)data + offsetof(struct nlmsghdr, nlmsg_seq), sizeof(seq));
			err = nl_read_batch_until(s, list, &count, &seq);
		} else {
			err = nl_read_batch(s, list, &count);
		}
	}
	if (err) {
		napi_create_int32(env, err, &code);
		napi_set_named_property(env, list, "errno", code);
	}
	return list;
}

static napi_value nl_membership(napi_env env, napi_callback_info info, int option, const char *what)
{
	size_t argc = 2;
	napi_value argv[2];
	struct nl_sock *s;
	uint32_t group;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 2 || !(s = nl_unwrap(env, argv[0])))
		return NULL;
	if (napi_get_value_uint32(env, argv[1], &group) != napi_ok || group == 0)
		return ainka_type_error(env, "netlink group must be a positive integer");
	if (setsockopt(s->fd, SOL_NETLINK, option, &group, sizeof(group)) < 0) {
		ainka_throw_errno(env, what, errno);
		return NULL;
	}
	return NULL;
}

static napi_value nl_add_membership(napi_env env, napi_callback_info info)
{
	return nl_membership(env, info, NETLINK_ADD_MEMBERSHIP, "setsockopt(NETLINK_ADD_MEMBERSHIP)");
}

static napi_value nl_drop_membership(napi_env env, napi_callback_info info)
{
	return nl_membership(env, info, NETLINK_DROP_MEMBERSHIP, "setsockopt(NETLINK_DROP_MEMBERSHIP)");
}

static napi_value nl_port_id(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], result;
	struct nl_sock *s;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 1 || !(s = nl_unwrap(env, argv[0])))
		return NULL;
	napi_create_uint32(env, s->port_id, &result);
	return result;
}

static napi_value nl_ref(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2];
	struct nl_sock *s;
	bool keep;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 2 || !(s = nl_unwrap(env, argv[0])))
		return NULL;
	if (napi_get_value_bool(env, argv[1], &keep) != napi_ok)
		return ainka_type_error(env, "nlRef(handle, keepsLoopAlive: boolean)");
	if (keep)
		uv_ref((uv_handle_t *)&s->poll);
	else
		uv_unref((uv_handle_t *)&s->poll);
	return NULL;
}

static napi_value nl_close(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	void *data = NULL;

	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 1 || !(data = ainka_external_get(env, argv[0], &ainka_tag_nl_sock)))
		return ainka_type_error(env, "nlClose(handle from nlOpen())");
	nl_shutdown(data);
	return NULL;
}

int ainka_nl_register(napi_env env, napi_value exports)
{
	static const napi_property_descriptor props[] = {
		{ "nlOpen", NULL, nl_open, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "nlSend", NULL, nl_send, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "nlSendRecv", NULL, nl_send_recv, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "nlAddMembership", NULL, nl_add_membership, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "nlDropMembership", NULL, nl_drop_membership, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "nlPortId", NULL, nl_port_id, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "nlRef", NULL, nl_ref, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "nlClose", NULL, nl_close, NULL, NULL, NULL, napi_enumerable, NULL },
	};

	if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok)
		return -1;
	return 0;
}
