/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live per-pool counts (holders_live.bpf.c): every page_pool seen while
 * labytrace runs, its pages in flight now, and the pages it took from and
 * gave back to the page allocator since labytrace first saw it.  Pure: the
 * kernel's entries in, rows for the views and the metrics out.
 *
 * Why no age of the oldest page in flight: page_pool_state_hold and
 * _release mark the page allocator's side (a page enters the pool, or
 * leaves it for good), not a hand-off to the stack.  A page recycled a
 * million times stays "in flight" for the pool's whole life, so the oldest
 * is always a healthy page in the pool's ring, and the hand-off itself
 * (the fast path) has no tracepoint.  What says a pool is stuck is what is
 * reported instead: how long ago it was destroyed, with pages still out
 * (the kernel's "stalled pool shutdown"), and labytrace holders says who
 * has them.
 */
#ifndef LABYTRACE_POOLS_H
#define LABYTRACE_POOLS_H

#include <stdbool.h>
#include <stddef.h>

#include "holders.h"

#define POOLS_MAX	1024	/* pools remembered in a run */
/*
 * Pools exported with a pool label: the first POOLS_EXPORTED seen, for
 * the whole run; every other is summed as pool="other", so that no
 * counter ever goes back and the series stay bounded.
 */
#define POOLS_EXPORTED	32

struct pool_row {
	unsigned long long addr;
	unsigned int gen;
	unsigned int seq;		/* 1.., in the order first seen */
	unsigned int id;
	bool has_id;
	char dev[HP_DEVNAME_LEN];	/* its netdev's name, or its device's */
	int ifindex;			/* 0: none known */
	unsigned int hold, release;	/* the kernel's counters, last read */
	unsigned long long holds, releases;	/* since labytrace saw it */
	unsigned long long holds_prev, releases_prev;	/* at the interval before */
	long long inflight;
	bool destroyed;
	unsigned long long destroyed_ns;	/* CLOCK_MONOTONIC, 0: unknown */
	bool gone;			/* freed: every page came home */
	bool exported;
	bool seen;			/* in the kernel's map at the last read */
};

struct pool_table {
	struct pool_row rows[POOLS_MAX];
	unsigned int n;
	unsigned int nr_exported;
	unsigned long long untracked;	/* pools not remembered: table full */
	unsigned long long kernel_full;	/* the kernel's map was full */
	/* pool="other": the pools not exported, living and gone */
	unsigned long long other_holds, other_releases;
};

/*
 * One reading of the kernel's map (@n entries): counts carried over,
 * intervals rolled.  A freed pool's row stays, gone, with its last counts.
 */
void pools_update(struct pool_table *t, const struct hp_pool *k, size_t n);
/* Rows in view order: living pools first, most pages in flight first. */
size_t pools_order(const struct pool_table *t, const struct pool_row **rows,
		   size_t max);
/* Pages in flight of the pools not exported. */
long long pools_other_inflight(const struct pool_table *t);
/* Its id, "12", or before 6.8 (no ids) its place in the run, "#3". */
const char *pool_label(const struct pool_row *r, char *buf, size_t len);

#endif
