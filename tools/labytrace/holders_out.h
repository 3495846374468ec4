/* SPDX-License-Identifier: GPL-2.0 */
/*
 * labytrace holders, the pure part: what the iterators, the maps and
 * netlink said, put together per pool (its pages in flight, the sockets
 * that hold them and who has those open, its cache, and what is left),
 * then printed for a person or as NDJSON.
 */
#ifndef LABYTRACE_HOLDERS_OUT_H
#define LABYTRACE_HOLDERS_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "holders.h"
#include "pp_netlink.h"

#define HR_PROCS_MAX	16	/* processes named per socket */
#define HR_FDS_MAX	8	/* fds named per process */

struct hr_proc {
	unsigned int pid;
	char comm[HP_COMM_LEN];
	unsigned int fds[HR_FDS_MAX];
	unsigned int nr_fds, more_fds;
};

struct hr_sock {
	struct hp_sock s;
	struct hr_proc procs[HR_PROCS_MAX];
	unsigned int nr_procs, more_procs;
};

struct hr_holder {
	unsigned long long sk, pool;
	struct hp_hold h;
	const struct hr_sock *sock;	/* NULL: its record was lost */
};

struct hr_pool {
	struct hp_pool b;		/* from BPF, if have_bpf */
	bool have_bpf;
	struct pp_nl_pool nl;		/* from netlink, if have_nl */
	bool have_nl;
	unsigned int nl_netns;
	/* hr_finish() */
	unsigned int seq;		/* 1.., in output order */
	long long inflight;
	const char *source;		/* "netlink" or "counters" */
	unsigned long long in_sockets, cached, elsewhere;
	bool moved;			/* counts moved during the scan */
	size_t first_holder, nr_holders;
	bool selected;
};

struct hr_report {
	struct hr_pool *pools;
	size_t nr_pools, cap_pools;
	struct hr_sock *socks;
	size_t nr_socks, cap_socks;
	struct hr_holder *holders;
	size_t nr_holders, cap_holders;
	struct hp_stats stats;
	unsigned int page_size;		/* bytes */
	long long now_real_ns;		/* CLOCK_REALTIME, for ages */
	long long now_boot_s;		/* CLOCK_BOOTTIME, for detach times */
	bool heads_known;		/* skb heads were read */
};

void hr_init(struct hr_report *r, unsigned int page_size);
void hr_free(struct hr_report *r);
/* What was read; 0, or -ENOMEM. */
int hr_add_pool(struct hr_report *r, const struct hp_pool *p);
int hr_add_nl_pool(struct hr_report *r, const struct pp_nl_pool *p,
		   unsigned int netns);
int hr_add_sock(struct hr_report *r, const struct hp_sock *s);
int hr_add_fd(struct hr_report *r, const struct hp_fd *f);
int hr_add_hold(struct hr_report *r, const struct hp_hold_key *k,
		const struct hp_hold *h);
/*
 * Netlink's pools joined to BPF's by id, the numbers worked out, pools in
 * id order, holders most pages first.  Call once, after every hr_add_*().
 */
void hr_finish(struct hr_report *r);
/*
 * Keep only the pools of @dev (its netdev's or device's name) and/or with
 * id @pool_id (-1: any).  Returns how many are kept.
 */
size_t hr_select(struct hr_report *r, const char *dev, long long pool_id);
/* The devices and ids of every pool, for a message: "veth1 (3), eth0 (7)". */
void hr_pools_named(const struct hr_report *r, char *buf, size_t len);

/* Output of the selected pools; 0, or -1 if the stream failed. */
int hr_print(FILE *f, const struct hr_report *r);
int hr_json(FILE *f, const struct hr_report *r);

/*
 * "udp", "tcp6", "unix", ...; "10.9.0.2:9" or "[::1]:80" or a unix path,
 * or "-" where the kernel gave no address (HP_SOCK_NO_ADDR).
 */
const char *hr_proto(const struct hp_sock *s, char *buf, size_t len);
void hr_addr(const struct hp_sock *s, bool local, char *buf, size_t len);

#endif
