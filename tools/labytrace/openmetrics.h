/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OpenMetrics text exposition of the cumulative counts, for node_exporter's
 * textfile collector or any scraper: histograms with cumulative "le"
 * buckets, _sum and _count; counters as _total; gauges; "# EOF" last.
 */
#ifndef LABYTRACE_OPENMETRICS_H
#define LABYTRACE_OPENMETRICS_H

#include <stdio.h>
#include "stats.h"

/* Seconds from ns, exactly: 1536 -> "0.000001536", 2e9 -> "2.0". */
int om_seconds(char *buf, size_t len, unsigned long long ns);
int om_write(FILE *f, const struct out_ctx *c, const struct lt_snapshot *cum);
/*
 * Write to a temporary file next to @path, then rename() it over @path, so
 * a reader never sees half a file.  Returns 0 or -errno.
 */
int om_publish(const char *path, const struct out_ctx *c,
	       const struct lt_snapshot *cum);

#endif
