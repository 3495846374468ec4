/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own word on page_pools: generic netlink family "netdev",
 * page-pool-get (Documentation/netlink/specs/netdev.yaml, 6.8+), with
 * libmnl.  A dump lists the pools of the caller's network namespace that
 * have a netdev; pools without one (veth's) are not there.
 */
#ifndef LABYTRACE_PP_NETLINK_H
#define LABYTRACE_PP_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/netlink.h>

/* include/uapi/linux/netdev.h, which Debian 12's headers (6.1) lack. */
#define PP_NL_FAMILY		"netdev"
#define PP_NL_CMD_PAGE_POOL_GET	5
enum {
	PP_NL_A_ID = 1,
	PP_NL_A_IFINDEX,
	PP_NL_A_NAPI_ID,
	PP_NL_A_INFLIGHT,
	PP_NL_A_INFLIGHT_MEM,
	PP_NL_A_DETACH_TIME,
	PP_NL_A_MAX = PP_NL_A_DETACH_TIME,
};

/* pp_nl_pool.has: the attributes the kernel sent. */
enum {
	PP_NL_HAS_IFINDEX = 1,
	PP_NL_HAS_NAPI_ID = 2,
	PP_NL_HAS_INFLIGHT = 4,
	PP_NL_HAS_INFLIGHT_MEM = 8,
	PP_NL_HAS_DETACH_TIME = 16,
};

struct pp_nl_pool {
	unsigned int id;
	int ifindex;
	unsigned int napi_id;
	unsigned long long inflight;		/* pages */
	unsigned long long inflight_mem;	/* bytes */
	unsigned long long detach_time;		/* CLOCK_BOOTTIME seconds */
	unsigned int has;
};

/* The requests, built into @buf (at least MNL_SOCKET_BUFFER_SIZE). */
struct nlmsghdr *pp_nl_family_req(void *buf, unsigned int seq);
struct nlmsghdr *pp_nl_dump_req(void *buf, unsigned int family, unsigned int seq);

/*
 * A CTRL_CMD_NEWFAMILY reply: the family's id, and whether it has
 * page-pool-get.  0, or -1 if it is malformed.
 */
int pp_nl_family_parse(const struct nlmsghdr *nlh, unsigned int *family,
		       bool *has_get);
/* One page-pool-get reply; 0, or -1 if malformed or without an id. */
int pp_nl_pool_parse(const struct nlmsghdr *nlh, struct pp_nl_pool *p);

/*
 * Every pool of the caller's network namespace, into *@pools (malloc'd,
 * *@n of them).  0; -ENOENT when the kernel has no page-pool-get (before
 * 6.8); another -errno, with a reason in @why.
 */
int pp_nl_dump(struct pp_nl_pool **pools, size_t *n, char *why, size_t len);

#endif
