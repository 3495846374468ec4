/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What labytrace exports to Prometheus: its metric families, their labels
 * and values, from the cumulative counts of a snapshot, in either
 * exposition format (expo.h).  The textfile (--prometheus) and the HTTP
 * endpoint (--listen) write the same families.
 */
#ifndef LABYTRACE_METRICS_H
#define LABYTRACE_METRICS_H

#include <stdio.h>
#include "expo.h"
#include "stats.h"

/*
 * Histogram buckets exported: every other log2 bound from 256 ns to
 * 2^34 ns (17.2 s), a factor of 4 apart, then +Inf.  The kernel keeps 36
 * log2 buckets; exporting all of them made ~11,000 series.
 */
#define METRICS_NR_LES		14
/*
 * Owners exported with an owner label: the first METRICS_MAX_OWNERS ranked
 * (owners_export_new(): most pages held, then most acquired, when first
 * seen), for the whole run, and one owner="other" that sums every other
 * owner, so that every family still adds up to its total and no counter
 * goes back.  Each has 2 gauges, 4 counters, LT_NR_KINDS violation
 * counters and a hold-time histogram, and a task with a comm an info
 * series.
 */
#define METRICS_MAX_OWNERS	OWNERS_EXPORTED
#define METRICS_OWNER_SERIES	(2 + 4 + LT_NR_KINDS + METRICS_HIST_SERIES)
/*
 * Series (sample lines) in the worst case, every key seen: 288 latency
 * histograms and 5 hold-time ones of 17 series each (14 buckets, +Inf,
 * _sum, _count), 576 allocation and 576 failure counters, 12 violation
 * counters, 3 exclusive counters, 2 gauges, 8 reasons of loss and 2 of
 * dropped records, 33 owners of 29 series each, 32 owner infos and the
 * time of the last update: 7,150 in all.
 */
#define METRICS_HIST_SERIES	(METRICS_NR_LES + 3)
#define METRICS_MAX_SERIES	((LT_NR_KEYS + LT_NR_OWNER_CTX) * METRICS_HIST_SERIES + \
				 2 * LT_NR_COUNTS + 2 * LT_NR_KINDS + 3 + 2 + 8 + 2 + \
				 (METRICS_MAX_OWNERS + 1) * METRICS_OWNER_SERIES + \
				 METRICS_MAX_OWNERS + 1)

/*
 * And with page_pool gauges (c->have_pools), at most 4 series for each of
 * POOLS_EXPORTED pools and "other", and an info series each: 164 more.
 */
#define METRICS_MAX_POOL_SERIES	(4 * (POOLS_EXPORTED + 1) + POOLS_EXPORTED)

/* Every family the run has (c->have_*); 0, or -EIO. */
int metrics_write(FILE *f, enum expo_format fmt, const struct out_ctx *c,
		  const struct lt_snapshot *cum);

#endif
