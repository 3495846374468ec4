/* SPDX-License-Identifier: GPL-2.0 */
/*
 * labytrace record -o FILE: every interval's histograms and counts, as
 * NDJSON, small enough to keep for hours (only what changed, buckets as
 * [slot, count] pairs), and read back by labytrace heatmap.
 *
 *   {"type":"recording","version":1,...}       first line: what ran
 *   {"type":"interval","interval_s":...,       one per interval
 *    "latency":[{"order":0,"class":"atomic","exclusive":true,
 *                "context":"softirq","count":N,"sum_ns":N,
 *                "buckets":[[slot,count],...]}],
 *    "hold":[{"context":"task",...}],
 *    "allocs":[{"order":0,...,"nowarn":false,"allocs":N,"failures":N}]}
 *   {"type":"end","intervals":N,"allocs":N,"failures":N,...}
 *
 * A series is named by its label fields (order, class, exclusive, context,
 * nowarn); a reader selects series by label values, so a new label (an
 * owner) is one more field and one more selector.
 */
#ifndef LABYTRACE_RECORD_H
#define LABYTRACE_RECORD_H

#include <stdio.h>
#include "options.h"
#include "stats.h"

#define RECORD_VERSION 1
/*
 * A line, at most, when read back.  Real ones are a few kB (the demo's
 * average 1.6 kB); the longest labytrace can write, every series with every
 * bucket and counts near 2^64, is 372 kB (test_lines_are_capped).
 */
#define RECORD_MAX_LINE (1 << 20)

/* The first line: what ran, and what could not. */
int record_header(FILE *f, const struct out_ctx *c, const struct run_info *ri,
		  unsigned long long start_ns);
/* One interval: what changed, @d from snapshot_delta(). */
int record_interval(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		    double seconds);
/* The last line: totals, from the cumulative counts. */
int record_end(FILE *f, const struct out_ctx *c, const struct lt_snapshot *cum,
	       unsigned long intervals, double seconds);

/* Label selectors: a series matches when each named field equals its value. */
#define RECORD_MAX_SELECT 8

struct record_select {
	enum heat_metric metric;
	unsigned int n;
	const char *name[RECORD_MAX_SELECT];
	char value[RECORD_MAX_SELECT][32];
};

void record_select_add(struct record_select *s, const char *name,
		       const char *value);

/* A heatmap's data: per interval (column), per bucket or order (row). */
struct heat {
	enum heat_metric metric;
	unsigned int rows;		/* LT_NR_SLOTS, or LT_NR_ORDERS */
	unsigned int cols;
	unsigned long long *cells;	/* [col * rows + row] */
	double *start_s;		/* each column's start, since the first */
	unsigned long long total;	/* all cells */
	char started[40];		/* the recording's start, ISO 8601 */
	unsigned long cut_line;		/* a last line cut short, ignored; 0: none */
};

/*
 * A recording to read: a regular file (a directory, a FIFO or /dev/zero is
 * refused, never waited on).  NULL with one line in @why.
 */
FILE *record_open(const char *path, char *why, size_t len);
/*
 * Read the recording @f (named @name in messages) and sum the selected
 * series of each interval into @h.  0, or with one line in @why -EINVAL:
 * not a recording, a line that does not parse or is longer than
 * RECORD_MAX_LINE (with its number), no interval, or (with what the
 * recording has) nothing selected; or -errno: a read error, out of memory.  A last line with no newline that does
 * not parse is where record stopped: it is left out, and h->cut_line says so.
 */
int record_read(FILE *f, const char *name, const struct record_select *sel,
		struct heat *h, char *why, size_t len);
void heat_free(struct heat *h);

#endif
