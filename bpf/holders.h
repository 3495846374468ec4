/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What holders.bpf.c and "labytrace holders" share: the records the
 * iterators write, the maps' keys and values, and the page_pool signature
 * a pool's pages carry.
 */
#ifndef __HOLDERS_H
#define __HOLDERS_H

#define HP_COMM_LEN	16
#define HP_IFNAME_LEN	16	/* IFNAMSIZ */
#define HP_DEVNAME_LEN	32	/* the pool's struct device, "0000:3b:00.0" */
#define HP_PATH_LEN	108	/* sun_path */

/*
 * page_pool's mark in page->pp_magic (include/linux/mm.h, net/core):
 * PP_SIGNATURE is 0x40 + POISON_POINTER_DELTA (x86_64's default
 * CONFIG_ILLEGAL_POINTER_VALUE, 0xdead000000000000).  Bits 0-1 are the
 * compound-head and pfmemalloc bits; from 6.15 (and 6.12.117) bits 7-38
 * hold the page's DMA index.  What must match is everything else.
 */
#define HP_PP_SIGNATURE		0xdead000000000040ULL
#define HP_PP_MAGIC_MASK	0xffffff800000007cULL

/* The queues of a socket that hold received skbs. */
enum hp_queue {
	HP_RECEIVE,	/* sk_receive_queue, and UDP's reader_queue */
	HP_ERROR,	/* sk_error_queue */
	HP_OFO,		/* TCP's out-of-order queue */
	HP_NR_QUEUES,
};

/* How a pool was found (hp_pool.found, a bit each). */
enum {
	HP_FOUND_SOCKET = 1,	/* a socket holds one of its pages */
	HP_FOUND_NETDEV = 2,	/* on its netdev's list (6.8+) */
	HP_FOUND_RELEASE = 4,	/* destroyed: its release retry fired */
};

/* hp_pool.flags */
enum {
	HP_POOL_HAS_ID = 1,	/* user.id (6.8+) */
	HP_POOL_NETDEV = 2,	/* ifindex, ifname, netns are its netdev's */
	HP_POOL_DEVICE = 4,	/* devname is its struct device's name */
	HP_POOL_DESTROYED = 8,	/* page_pool_destroy() has run */
	HP_POOL_DETACH_TIME = 16, /* detach_time is known (6.8+) */
	HP_POOL_FREED = 32,	/* live: its last page came home, it is gone */
};

/* Value of the pools map, keyed by the pool's address. */
struct hp_pool {
	unsigned long long addr;
	unsigned long long destroy_cnt;
	long long detach_time;		/* boottime seconds, if flags say */
	unsigned long long in_sockets;	/* distinct pages found in sockets */
	unsigned long long destroyed_ns; /* live: first release retry seen (monotonic) */
	unsigned int gen;		/* live: pools seen at this address before */
	unsigned int hold0, release0;	/* live: the counters before the event that showed it */
	unsigned int id;
	unsigned int order;
	unsigned int hold;		/* pages_state_hold_cnt */
	unsigned int release;		/* pages_state_release_cnt */
	unsigned int cached;		/* in its alloc cache */
	unsigned int ring;		/* in its ptr_ring */
	int ifindex;
	unsigned int netns;
	unsigned int flags;
	unsigned int found;
	char ifname[HP_IFNAME_LEN];
	char devname[HP_DEVNAME_LEN];
};

/* holds map: what one socket holds of one pool. */
struct hp_hold_key {
	unsigned long long sk;
	unsigned long long pool;
};

struct hp_hold {
	unsigned long long pages;		/* distinct pages */
	unsigned long long queue[HP_NR_QUEUES];	/* of those, first seen in */
	unsigned long long oldest_ns;	/* oldest skb's rx timestamp (CLOCK_REALTIME), 0: none */
};

/* Records the iterators write (bpf_seq_write), each starting with its type. */
enum hp_rec_type {
	HP_REC_SOCK = 1,
	HP_REC_FD = 2,
};

/* hp_sock.flags */
enum {
	/*
	 * saddr and daddr were not read: an AF_INET6 socket on a kernel whose
	 * BTF has no skc_v6_* (CONFIG_IPV6=n, where there are none).
	 */
	HP_SOCK_NO_ADDR = 1,
};

/* A socket that holds pool pages. */
struct hp_sock {
	unsigned int type;		/* HP_REC_SOCK */
	unsigned short family;
	unsigned short sotype;
	unsigned short protocol;
	unsigned char state;
	unsigned char flags;		/* HP_SOCK_* */
	unsigned int netns;
	unsigned long long sk;
	unsigned long long ino;		/* 0: no file (not accepted yet, or closed) */
	unsigned int uid;
	unsigned int rmem;		/* sk_rmem_alloc, bytes */
	unsigned int rcvbuf;
	unsigned short sport;		/* host order */
	unsigned short dport;
	unsigned char saddr[16];	/* IPv4 in the first 4 bytes */
	unsigned char daddr[16];
	char path[HP_PATH_LEN];		/* AF_UNIX: its address, if bound */
};

/* A process that has a socket that holds pool pages open. */
struct hp_fd {
	unsigned int type;		/* HP_REC_FD */
	unsigned int tgid;
	unsigned long long sk;
	unsigned int fd;
	unsigned int pad;
	char comm[HP_COMM_LEN];
};

/*
 * What went uncounted, in the BPF object's .bss (struct hp_stats stats):
 * a map that was full, a queue longer than a walk goes.
 */
struct hp_stats {
	unsigned long long sockets;	/* scanned */
	unsigned long long skbs;
	unsigned long long page_refs;	/* pool page references seen */
	unsigned long long dedupe_full;	/* sk_pages or pool_pages full */
	unsigned long long holds_full;
	unsigned long long pools_full;
	unsigned long long socks_full;
	unsigned long long heads_unmapped; /* no layout: skb heads not read */
	unsigned long long walks_cut;	/* a queue longer than HP_MAX_SKBS */
};

/* sk_pages, pool_pages and socks, at most (user space sizes them down) */
#define HP_MAX_PAGES	(1 << 20)
#define HP_MAX_SKBS	(1 << 20)	/* skbs walked in one queue, at most */
#define HP_MAX_FRAGS	48		/* CONFIG_MAX_SKB_FRAGS is 17 to 45 */
#define HP_MAX_DEVS	(1 << 16)	/* netdevs walked in one netns */
#define HP_MAX_POOLS_DEV 256		/* pools on one netdev's list */

#endif
