// SPDX-License-Identifier: GPL-2.0
/* The /metrics endpoint: libmicrohttpd serving the latest rendered text. */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "expo.h"
#include "http.h"

/* Per connection, at most: a request's headers fit many times over. */
#define HTTP_MEMORY		(16 * 1024)

/* Both texts of one interval, alive while a response still sends them. */
struct http_body {
	atomic_int refs;
	char *text[2];			/* by enum expo_format */
	size_t len[2];
};

static void body_put(void *arg)
{
	struct http_body *b = arg;

	if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
		return;
	free(b->text[0]);
	free(b->text[1]);
	free(b);
}

int http_parse_listen(const char *s, char *host, size_t len, unsigned int *port)
{
	const char *colon, *h = s, *p;
	size_t hlen;
	char *end;
	unsigned long v;

	if (s[0] == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -1;
		h = s + 1;
		hlen = colon - h;
		p = colon + 2;
	} else {
		colon = strrchr(s, ':');
		/* One colon only: an IPv6 address needs its brackets. */
		if (!colon || strchr(s, ':') != colon)
			return -1;
		hlen = colon - s;
		p = colon + 1;
	}
	if (hlen >= len || *p < '0' || *p > '9' || (!hlen && h != s))
		return -1;
	errno = 0;
	v = strtoul(p, &end, 10);
	if (errno || *end || v > 65535)
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = v;
	return 0;
}

/* One line in @why; returns -@err. */
static int failed(char *why, size_t len, int err, const char *listen,
		  const char *what)
{
	snprintf(why, len, "'%s': %s", listen, what ? what : strerror(err));
	return -err;
}

/* A bound, listening socket for @listen, or -errno. */
static int listen_socket(const char *addr, char *where, size_t wlen,
			 char *why, size_t len)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV | AI_PASSIVE,
	};
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct addrinfo *ai;
	char host[256], serv[8], name[INET6_ADDRSTRLEN];
	unsigned int port;
	int fd, err, one = 1, v6only;
	bool any;

	if (http_parse_listen(addr, host, sizeof(host), &port))
		return failed(why, len, EINVAL, addr,
			      "not ADDRESS:PORT or :PORT (e.g. 127.0.0.1:9435, [::1]:9435 or :9435)");
	/* :PORT is every address: IPv6's, which takes IPv4 too, else IPv4's. */
	any = !host[0];
	snprintf(serv, sizeof(serv), "%u", port);
	err = getaddrinfo(any ? "::" : host, serv, &hints, &ai);
	if (err == EAI_ADDRFAMILY || err == EAI_NONAME)
		err = any ? getaddrinfo("0.0.0.0", serv, &hints, &ai) : err;
	if (err)
		return failed(why, len, EINVAL, addr, gai_strerror(err));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 && any && errno == EAFNOSUPPORT) {
		freeaddrinfo(ai);
		err = getaddrinfo("0.0.0.0", serv, &hints, &ai);
		if (err)
			return failed(why, len, EINVAL, addr, gai_strerror(err));
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	}
	if (fd < 0) {
		err = errno;
		freeaddrinfo(ai);
		return failed(why, len, err, addr, NULL);
	}
	/* A restarted labytrace may take its port back at once (TIME_WAIT). */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	v6only = !any;
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		err = errno;
		close(fd);
		freeaddrinfo(ai);
		return failed(why, len, err, addr, NULL);
	}
	freeaddrinfo(ai);
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, name, sizeof(name));
		snprintf(where, wlen, "[%s]:%u", name, ntohs(s6->sin6_port));
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, name, sizeof(name));
		snprintf(where, wlen, "%s:%u", name, ntohs(s4->sin_port));
	}
	return fd;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     const char *text, const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The slot of @conn, or NULL (no room: a connection with no deadline). */
static struct http_client *client_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* A connection opens or closes: its slot, taken or given back. */
static void client_notify(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *ci;
	struct http *h = cls;
	struct http_client *c = *socket_context;
	unsigned int i;

	pthread_mutex_lock(&h->lock);
	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		/* before libmicrohttpd closes the fd: the reaper never sees it reused */
		if (c)
			memset(c, 0, sizeof(*c));
	} else {
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		for (i = 0; i < HTTP_MAX_CLIENTS && h->clients[i].conn; i++)
			;
		if (i < HTTP_MAX_CLIENTS && ci) {
			c = &h->clients[i];
			c->conn = conn;
			c->fd = ci->connect_fd;
			clock_gettime(CLOCK_MONOTONIC, &c->since);
			*socket_context = c;
		}
	}
	pthread_mutex_unlock(&h->lock);
}

/* A request answered: the deadline for the next one starts now. */
static void client_answered(void *cls, struct MHD_Connection *conn,
			    void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_client *c = client_of(conn);
	struct http *h = cls;

	if (!c)
		return;
	pthread_mutex_lock(&h->lock);
	c->busy = false;
	clock_gettime(CLOCK_MONOTONIC, &c->since);
	pthread_mutex_unlock(&h->lock);
}

/*
 * libmicrohttpd's timeout is for idleness, and a byte every few seconds
 * is not idle: every second, a connection waiting longer than
 * HTTP_HEADER_S for its request is shut down, and libmicrohttpd, seeing
 * it end, closes it as it would any.
 */
static void *reaper(void *arg)
{
	struct http *h = arg;
	struct http_client *c;
	struct timespec now;
	unsigned int i;

	pthread_mutex_lock(&h->lock);
	while (!h->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (i = 0; i < HTTP_MAX_CLIENTS; i++) {
			c = &h->clients[i];
			if (!c->conn || c->busy || c->dropped ||
			    now.tv_sec - c->since.tv_sec < HTTP_HEADER_S)
				continue;
			shutdown(c->fd, SHUT_RDWR);
			c->dropped = true;
		}
		now.tv_sec++;
		pthread_cond_timedwait(&h->wake, &h->lock, &now);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct http_client *c = client_of(conn);
	struct http *h = cls;
	struct http_body *b;
	struct MHD_Response *r;
	enum expo_format fmt;
	enum MHD_Result ret;

	/* The request is whole: no deadline until it is answered. */
	if (c) {
		pthread_mutex_lock(&h->lock);
		c->busy = true;
		pthread_mutex_unlock(&h->lock);
	}

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			     "labytrace: only GET and HEAD\n", "GET, HEAD");
	if (!strcmp(url, "/"))
		return reply(conn, MHD_HTTP_OK,
			     "labytrace: metrics are at /metrics\n", NULL);
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND,
			     "labytrace: not found; metrics are at /metrics\n", NULL);
	fmt = expo_negotiate(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT));
	/* A reference, not the lock, is what a slow client holds. */
	pthread_mutex_lock(&h->lock);
	b = h->body;
	if (b)
		atomic_fetch_add(&b->refs, 1);
	pthread_mutex_unlock(&h->lock);
	if (!b)
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
			     "labytrace: starting, no metrics yet\n", NULL);
	r = MHD_create_response_from_buffer_with_free_callback_cls(
		b->len[fmt], b->text[fmt], body_put, b);
	if (!r) {
		body_put(b);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				expo_content_type(fmt));
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int http_start(struct http *h, const char *listen, char *why, size_t len)
{
	pthread_condattr_t attr;
	sigset_t block, old;
	int fd, err;

	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&h->wake, &attr);
	pthread_condattr_destroy(&attr);
	fd = listen_socket(listen, h->where, sizeof(h->where), why, len);
	if (fd < 0)
		return fd;
	/* Signals are the tracing loop's: the server's threads never take them. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	h->daemon = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL,
				     handle, h,
				     MHD_OPTION_LISTEN_SOCKET, fd,
				     MHD_OPTION_CONNECTION_TIMEOUT,
				     (unsigned int)HTTP_TIMEOUT_S,
				     MHD_OPTION_CONNECTION_LIMIT,
				     (unsigned int)HTTP_MAX_CLIENTS,
				     MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				     (unsigned int)HTTP_MAX_PER_ADDRESS,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				     (size_t)HTTP_MEMORY,
				     MHD_OPTION_NOTIFY_CONNECTION, client_notify, h,
				     MHD_OPTION_NOTIFY_COMPLETED, client_answered, h,
				     MHD_OPTION_END);
	err = errno;
	if (h->daemon) {
		err = pthread_create(&h->reaper, NULL, reaper, h);
		h->reaping = !err;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->daemon) {
		close(fd);
		return failed(why, len, err ? err : EIO, listen,
			      "libmicrohttpd could not start");
	}
	if (!h->reaping) {
		http_stop(h);
		return failed(why, len, err, listen, NULL);
	}
	return 0;
}

void http_publish(struct http *h, char *classic, size_t classic_len,
		  char *om, size_t om_len)
{
	struct http_body *b = calloc(1, sizeof(*b)), *old;

	if (!b) {
		free(classic);
		free(om);
		return;		/* the previous text stays up */
	}
	atomic_init(&b->refs, 1);
	b->text[EXPO_CLASSIC] = classic;
	b->len[EXPO_CLASSIC] = classic_len;
	b->text[EXPO_OPENMETRICS] = om;
	b->len[EXPO_OPENMETRICS] = om_len;
	pthread_mutex_lock(&h->lock);
	old = h->body;
	h->body = b;
	pthread_mutex_unlock(&h->lock);
	body_put(old);
}

void http_stop(struct http *h)
{
	if (h->reaping) {
		pthread_mutex_lock(&h->lock);
		h->stopping = true;
		pthread_cond_signal(&h->wake);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->reaper, NULL);
		h->reaping = false;
	}
	if (h->daemon)
		MHD_stop_daemon(h->daemon);
	h->daemon = NULL;
	body_put(h->body);
	h->body = NULL;
}
