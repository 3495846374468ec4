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
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct MHD_Daemon;
struct MHD_Connection;
struct http_body;

/*
 * Clients at once, at most, and from one address: a slowloris from one
 * host cannot take every slot, and a scraper is one or two connections.
 */
#define HTTP_MAX_CLIENTS	32
#define HTTP_MAX_PER_ADDRESS	8
/*
 * A request must arrive whole within HTTP_HEADER_S of its connection, or
 * of the previous response on a kept-alive one (a scraper sends it at
 * once); libmicrohttpd's own timeout, which any byte resets, drops a
 * client that stops reading after HTTP_TIMEOUT_S.
 */
#define HTTP_HEADER_S		5
#define HTTP_TIMEOUT_S		10

/* A connection, while it waits for a request: watched for the deadline. */
struct http_client {
	struct MHD_Connection *conn;	/* NULL: a free slot */
	int fd;
	struct timespec since;		/* connected, or answered (CLOCK_MONOTONIC) */
	bool busy;			/* answering a request: no deadline */
	bool dropped;
};

struct http {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;		/* body and clients */
	struct http_body *body;		/* the latest text; NULL: none yet (503) */
	char where[80];			/* "127.0.0.1:9435", as bound */
	struct http_client clients[HTTP_MAX_CLIENTS];
	pthread_t reaper;		/* drops who miss the deadline */
	pthread_cond_t wake;
	bool reaping, stopping;
};

/*
 * Split "HOST:PORT", "[IPV6]:PORT" or ":PORT" (every address, IPv6 and
 * IPv4, as exporters take it) into @host ("" for every address) and @port
 * (0 to 65535; 0 asks the kernel for a free port).  0, or -1 if it is not
 * that shape.
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
