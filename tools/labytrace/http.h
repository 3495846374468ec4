/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --listen ADDRESS:PORT: an HTTP /metrics endpoint (libmicrohttpd, in a
 * thread of its own).  The tracing loop hands it the rendered text after
 * every map read; a request takes a reference to the latest text, so no
 * client, however slow or stuck, ever holds a lock the loop waits on.
 */
#ifndef LABYTRACE_HTTP_H
#define LABYTRACE_HTTP_H

#include <pthread.h>
#include <stddef.h>

struct MHD_Daemon;
struct http_body;

struct http {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	struct http_body *body;		/* the latest text; NULL: none yet (503) */
	char where[80];			/* "127.0.0.1:9435", as bound */
};

/*
 * Split "HOST:PORT" or "[IPV6]:PORT" into @host and @port (0 to 65535; 0
 * asks the kernel for a free port).  0, or -1 if it is not that shape.
 */
int http_parse_listen(const char *s, char *host, size_t len, unsigned int *port);
/*
 * Resolve @listen, bind and listen, and start serving (503 until the first
 * http_publish()).  0, or -errno with one line in @why.
 */
int http_start(struct http *h, const char *listen, char *why, size_t len);
/*
 * Serve these from now on: the classic text and the OpenMetrics text, both
 * malloc()ed; the endpoint owns them.
 */
void http_publish(struct http *h, char *classic, size_t classic_len,
		  char *om, size_t om_len);
void http_stop(struct http *h);

#endif
